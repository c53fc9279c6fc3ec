// test_metainfo.cpp - making .torrent files, reading them back, and reading other tools' torrents.
#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "bittorrent/bencode.hpp"
#include "bittorrent/metainfo.hpp"

namespace {

bt::metainfo make(const std::string& content, std::int64_t piece_length = bt::default_piece_length) {
    std::istringstream file(content);
    auto torrent = bt::make_metainfo(file, "file.bin", "http://127.0.0.1:6969/announce", piece_length);
    REQUIRE(torrent.ok());
    return *torrent;
}

std::string refusal(std::string_view torrent_bytes) {
    auto parsed = bt::parse_torrent(torrent_bytes);
    REQUIRE_FALSE(parsed.ok());
    return parsed.error().message();
}

// A torrent with this info dictionary (its keys in sorted order, bencoded).
std::string with_info(const std::string& info) { return "d8:announce9:http://x/4:info" + info + "e"; }

// `mktorrent -d -p -l 15 -a http://127.0.0.1:6969/announce` of a file of 40,000 'x':
// two pieces of 32 KiB, and a "private" key in info that we do not use.
const std::string mktorrent_file =
    "d8:announce30:http://127.0.0.1:6969/announce10:created by13:mktorrent 1.14:infod6:lengthi40000e4:name10:"
    "x40000.txt12:piece lengthi32768e6:pieces40:\x84v{\xd5\x8a\xee/\xe4\xd4\x0e\x8d*\xcd\xc3&\x86"
    "A\xd5\xe1v\xf0\xc3\xe6 \xe9"
    "2\xa8\xael\xc5\xcd\xe3V\xaeY\x9d\x9f\xaf\x17\x5c"
    "7:privatei1eee";

}  // namespace

TEST_CASE("metainfo: pieces of 256 KiB, the last one shorter") {
    std::string content(3 * 262144 + 100, 'a');
    content[262144] = 'b';  // so that the pieces differ
    bt::metainfo torrent = make(content);
    CHECK(torrent.piece_length == 262144);
    CHECK(torrent.length == static_cast<std::int64_t>(content.size()));
    REQUIRE(torrent.piece_count() == 4);
    CHECK(torrent.piece_size(0) == 262144);
    CHECK(torrent.piece_size(2) == 262144);
    CHECK(torrent.piece_size(3) == 100);
    CHECK(torrent.piece_size(4) == 0);
    for (std::size_t i = 0; i < 4; ++i) {
        CHECK(torrent.piece_hash(i) == bt::sha1::of(std::string_view(content).substr(i * 262144, 262144)));
    }
    CHECK(torrent.piece_hash(0) != torrent.piece_hash(1));
}

TEST_CASE("metainfo: a file that fills its pieces exactly, a one-byte file, no empty file") {
    bt::metainfo exact = make(std::string(2 * 16384, 'z'), 16384);
    CHECK(exact.piece_count() == 2);
    CHECK(exact.piece_size(1) == 16384);
    bt::metainfo one = make("!", 16384);
    CHECK(one.piece_count() == 1);
    CHECK(one.piece_size(0) == 1);
    std::istringstream nothing("");
    auto empty = bt::make_metainfo(nothing, "empty.txt", "http://x/");
    REQUIRE_FALSE(empty.ok());
    CHECK(empty.error().message() == "'empty.txt' is empty: there is nothing to share");
    CHECK(refusal(with_info("d6:lengthi0e4:name1:f12:piece lengthi16384e6:pieces0:e")) ==
          "torrent: the length 0 is not a positive number of bytes");
}

TEST_CASE("metainfo: the bytes of the .torrent, and its info hash") {
    bt::metainfo torrent = make("hello", 16384);
    std::string pieces(bt::as_bytes(bt::sha1::of("hello")));
    std::string info = "d6:lengthi5e4:name8:file.bin12:piece lengthi16384e6:pieces20:" + pieces + "e";
    CHECK(bt::encode_torrent(torrent) == "d8:announce30:http://127.0.0.1:6969/announce4:info" + info + "e");
    CHECK(torrent.info_hash == bt::sha1::of(info));
}

TEST_CASE("metainfo: what we write, we read back the same") {
    std::string content(100000, 'q');
    bt::metainfo made = make(content, 32768);
    auto parsed = bt::parse_torrent(bt::encode_torrent(made));
    REQUIRE(parsed.ok());
    CHECK(parsed->announce == made.announce);
    CHECK(parsed->name == "file.bin");
    CHECK(parsed->piece_length == 32768);
    CHECK(parsed->length == 100000);
    CHECK(parsed->pieces == made.pieces);
    CHECK(parsed->info_hash == made.info_hash);
}

// The info hashes that `aria2c -S` and `transmission-show` print for this file.
TEST_CASE("metainfo: a torrent made by mktorrent, with a key we do not know") {
    auto parsed = bt::parse_torrent(mktorrent_file);
    REQUIRE(parsed.ok());
    CHECK(bt::to_hex(parsed->info_hash) == "4725e2231ab2cb1158dd0e4f3b3e457551ea0907");
    CHECK(parsed->name == "x40000.txt");
    CHECK(parsed->length == 40000);
    CHECK(parsed->piece_count() == 2);
    // Its pieces are ours: SHA-1 is SHA-1.
    CHECK(parsed->pieces == make(std::string(40000, 'x'), 32768).pieces);
    // Written again without "private", the info dictionary would have another
    // hash: that is why the info hash comes from the bytes in the file.
    CHECK(bt::sha1::of(bt::bencode::encode(bt::bencode::dict{
              {"length", 40000}, {"name", "x40000.txt"}, {"piece length", 32768}, {"pieces", parsed->pieces}})) !=
          parsed->info_hash);
}

TEST_CASE("metainfo: making refuses a bad piece length or name") {
    std::istringstream file("data");
    CHECK_FALSE(bt::make_metainfo(file, "f", "http://x/", 0).ok());
    CHECK_FALSE(bt::make_metainfo(file, "f", "http://x/", bt::max_piece_length + 1).ok());
    CHECK_FALSE(bt::make_metainfo(file, "../f", "http://x/").ok());
    CHECK(bt::is_plain_file_name("song.mp3"));
    CHECK(bt::is_plain_file_name("..hidden"));
    for (std::string_view name : std::initializer_list<std::string_view>{"", ".", "..", "a/b", "a\\b", {"a\0b", 3}}) {
        CHECK_FALSE(bt::is_plain_file_name(name));
    }
}

TEST_CASE("metainfo: every field is checked") {
    std::string p20(20, 'p');
    std::string good_info = "d6:lengthi5e4:name1:f12:piece lengthi16384e6:pieces20:" + p20 + "e";
    REQUIRE(bt::parse_torrent(with_info(good_info)).ok());

    CHECK(refusal("i1e") == "torrent: the file is not a bencoded dictionary");
    CHECK(refusal("d4:infoi1e").find("no 'e'") != std::string::npos);
    CHECK(refusal(with_info(good_info) + "x").find("1 bytes after the end") != std::string::npos);
    CHECK(refusal("d4:info" + good_info + "e") == "torrent: 'announce' is missing");
    CHECK(refusal("d8:announce0:4:info" + good_info + "e") == "torrent: the announce URL is empty");
    CHECK(refusal("d8:announcei1e4:info" + good_info + "e") == "torrent: 'announce' must be a byte string");
    CHECK(refusal("d8:announce9:http://x/e") == "torrent: 'info' is missing");
    CHECK(refusal(with_info("le")) == "torrent: 'info' must be a dictionary");

    CHECK(refusal(with_info("d6:lengthi5e12:piece lengthi16384e6:pieces20:" + p20 + "e")) ==
          "torrent: info's 'name' is missing");
    CHECK(refusal(with_info("d6:lengthi5e4:name5:../..12:piece lengthi16384e6:pieces20:" + p20 + "e"))
              .find("not a plain file name") != std::string::npos);
    CHECK(refusal(with_info("d6:lengthi5e4:name1:f12:piece lengthi0e6:pieces20:" + p20 + "e"))
              .find("piece length 0 is not between 1 and") != std::string::npos);
    CHECK(refusal(with_info("d6:lengthi5e4:name1:f12:piece length5:16Kib6:pieces20:" + p20 + "e")) ==
          "torrent: info's 'piece length' must be an integer");
    CHECK(refusal(with_info("d6:lengthi-5e4:name1:f12:piece lengthi16384e6:pieces20:" + p20 + "e"))
              .find("not a positive number") != std::string::npos);
    CHECK(refusal(with_info("d4:name1:f12:piece lengthi16384e6:pieces20:" + p20 + "e")) ==
          "torrent: info's 'length' is missing");
    CHECK(refusal(with_info("d6:lengthi5e4:name1:f12:piece lengthi16384e6:pieces19:" + p20.substr(1) + "e")) ==
          "torrent: 'pieces' holds 19 bytes, not a multiple of 20");
    CHECK(refusal(with_info("d6:lengthi16385e4:name1:f12:piece lengthi16384e6:pieces20:" + p20 + "e")) ==
          "torrent: 'pieces' has 1 hashes, but 16385 bytes in pieces of 16384 make 2");
}

TEST_CASE("metainfo: a multi-file torrent gets a clear no") {
    std::string info =
        "d5:filesld6:lengthi5e4:pathl1:aeee4:name3:dir12:piece lengthi16384e6:pieces20:" + std::string(20, 'p') + "e";
    CHECK(refusal(with_info(info)) ==
          "torrent: a multi-file torrent (its info has 'files'): only single-file torrents are supported");
}
