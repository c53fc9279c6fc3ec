// test_wire.cpp - the peer wire protocol (BEP 3), byte for byte.
#include <doctest/doctest.h>

#include <string>

#include "bittorrent/wire.hpp"

using namespace std::string_literals;

namespace {
bt::sha1::digest hash_of(char c) {
    bt::sha1::digest d;
    d.fill(static_cast<std::uint8_t>(c));
    return d;
}
}  // namespace

TEST_CASE("wire: the handshake is 68 bytes: 19, the protocol's name, 8 zeros, info hash, peer id") {
    const std::string bytes = bt::wire::encode_handshake({hash_of('h'), "-LB0500-123456789012"});
    CHECK(bytes.size() == 68);
    CHECK(bytes == "\x13"s + "BitTorrent protocol" + std::string(8, '\0') + std::string(20, 'h') + "-LB0500-123456789012");
    net::result<bt::wire::handshake> back = bt::wire::parse_handshake(bytes);
    REQUIRE(back.ok());
    CHECK(back->info_hash == hash_of('h'));
    CHECK(back->peer_id == "-LB0500-123456789012");
}

TEST_CASE("wire: a handshake with extension bits set is still a handshake; another protocol is not") {
    std::string bytes = bt::wire::encode_handshake({hash_of('h'), std::string(20, 'p')});
    bytes[25] = '\x10';  // the extension protocol's bit (BEP 10), which we ignore
    CHECK(bt::wire::parse_handshake(bytes).ok());
    std::string other = bytes;
    other[1] = 'b';
    CHECK_FALSE(bt::wire::parse_handshake(other).ok());
    other = bytes;
    other[0] = '\x12';
    CHECK_FALSE(bt::wire::parse_handshake(other).ok());
    CHECK_FALSE(bt::wire::parse_handshake(bytes.substr(0, 67)).ok());
}

TEST_CASE("wire: every message as BEP 3 writes it") {
    using bt::wire::message_id;
    CHECK(bt::wire::keep_alive() == "\0\0\0\0"s);
    CHECK(bt::wire::simple(message_id::choke) == "\0\0\0\x01\x00"s);
    CHECK(bt::wire::simple(message_id::unchoke) == "\0\0\0\x01\x01"s);
    CHECK(bt::wire::simple(message_id::interested) == "\0\0\0\x01\x02"s);
    CHECK(bt::wire::simple(message_id::not_interested) == "\0\0\0\x01\x03"s);
    CHECK(bt::wire::have(0x01020304) == "\0\0\0\x05\x04\x01\x02\x03\x04"s);
    CHECK(bt::wire::request({1, 16384, 16384}) == "\0\0\0\x0d\x06\0\0\0\x01\0\0\x40\0\0\0\x40\0"s);
    CHECK(bt::wire::cancel({1, 16384, 16384}) == "\0\0\0\x0d\x08\0\0\0\x01\0\0\x40\0\0\0\x40\0"s);
    CHECK(bt::wire::piece(2, 0, "abc") == "\0\0\0\x0c\x07\0\0\0\x02\0\0\0\0abc"s);
}

TEST_CASE("wire: a bitfield's high bit is piece 0, and the spare bits are zero") {
    bt::bitfield pieces(10, false);
    pieces[0] = pieces[7] = pieces[9] = true;
    const std::string message = bt::wire::bitfield(pieces);
    CHECK(message == "\0\0\0\x03\x05\x81\x40"s);
    net::result<bt::bitfield> back = bt::wire::parse_bitfield(message.substr(5), 10);
    REQUIRE(back.ok());
    CHECK(*back == pieces);
    CHECK_FALSE(bt::wire::parse_bitfield("\x81\x41"s, 10).ok());      // a spare bit set
    CHECK_FALSE(bt::wire::parse_bitfield("\x81"s, 10).ok());          // too short
    CHECK_FALSE(bt::wire::parse_bitfield("\x81\x40\x00"s, 10).ok());  // too long
}

TEST_CASE("wire: parse reads back what the encoders write") {
    using bt::wire::message_id;
    auto body = [](const std::string& framed) { return framed.substr(4); };
    net::result<bt::wire::message> m = bt::wire::parse(body(bt::wire::request({7, 32768, 100})));
    REQUIRE(m.ok());
    CHECK(m->id == message_id::request);
    CHECK(m->part == bt::wire::block{7, 32768, 100});
    m = bt::wire::parse(body(bt::wire::piece(3, 16384, "block")));
    REQUIRE(m.ok());
    CHECK(m->id == message_id::piece);
    CHECK(m->part == bt::wire::block{3, 16384, 5});
    CHECK(m->data == "block");
    m = bt::wire::parse(body(bt::wire::have(9)));
    REQUIRE(m.ok());
    CHECK(m->index == 9);
}

TEST_CASE("wire: an unknown id or a payload of the wrong size is refused") {
    CHECK_FALSE(bt::wire::parse("\x09\x1a\xe1"s).ok());            // id 9 (DHT's port): we speak no DHT
    CHECK_FALSE(bt::wire::parse("\x14"s).ok());                    // id 20 (extensions)
    CHECK_FALSE(bt::wire::parse("\x00\x00"s).ok());                // choke with a payload
    CHECK_FALSE(bt::wire::parse("\x04\x00\x00\x01"s).ok());        // have of 3 bytes
    CHECK_FALSE(bt::wire::parse("\x06"s + std::string(11, '\0')).ok());  // request of 11 bytes
    CHECK_FALSE(bt::wire::parse("\x07"s + std::string(8, '\0')).ok());   // piece without a block
    CHECK_FALSE(bt::wire::parse("").ok());
    CHECK(bt::wire::parse("\x09\x1a\xe1"s).error().message() == "unknown message id 9");
}

TEST_CASE("wire: the longest message: a block, or a bitfield of every piece") {
    CHECK(bt::wire::max_message_length(32) == 1 + 8 + 16384);
    CHECK(bt::wire::max_message_length(1 << 20) == 1 + (1 << 17));
    CHECK(bt::wire::read_length(bt::wire::length_prefix(0x12345678)) == 0x12345678);
}
