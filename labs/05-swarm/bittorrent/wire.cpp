// wire.cpp - the peer wire protocol of BEP 3: handshake and messages.
#include "wire.hpp"

#include <algorithm>

namespace bt::wire {

namespace {

void put_u32(std::string& out, std::uint32_t n) {
    out += static_cast<char>((n >> 24) & 0xff);
    out += static_cast<char>((n >> 16) & 0xff);
    out += static_cast<char>((n >> 8) & 0xff);
    out += static_cast<char>(n & 0xff);
}

// A message: its length prefix, its id, its payload.
std::string framed(message_id id, std::string_view payload) {
    std::string out = length_prefix(static_cast<std::uint32_t>(1 + payload.size()));
    out += static_cast<char>(id);
    out += payload;
    return out;
}

std::string three_numbers(const block& b) {
    std::string payload;
    put_u32(payload, b.piece);
    put_u32(payload, b.begin);
    put_u32(payload, b.length);
    return payload;
}

net::error wrong_size(message_id id, std::size_t got, const char* expected) {
    return net::fail(std::string(name(id)) + " message with a payload of " + std::to_string(got) + " bytes (" + expected +
                ")");
}

}  // namespace

std::string length_prefix(std::uint32_t length) {
    std::string out;
    put_u32(out, length);
    return out;
}

std::uint32_t read_length(std::string_view b) {
    auto byte = [&b](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(b[i])); };
    return byte(0) << 24 | byte(1) << 16 | byte(2) << 8 | byte(3);
}

// ------------------------------------------------------------------ handshake

std::string encode_handshake(const handshake& greeting) {
    std::string out;
    out += static_cast<char>(protocol_name.size());  // 19
    out += protocol_name;
    out += std::string(8, '\0');  // reserved: we speak no extension
    out += as_bytes(greeting.info_hash);
    out += greeting.peer_id;
    return out;
}

net::result<handshake> parse_handshake(std::string_view bytes) {
    if (bytes.size() != handshake_size) return net::fail("a handshake is 68 bytes");
    if (static_cast<unsigned char>(bytes[0]) != protocol_name.size() || bytes.substr(1, 19) != protocol_name)
        return net::fail("not a BitTorrent handshake (it does not begin with 19 \"BitTorrent protocol\")");
    handshake greeting;
    // bytes 20-27 are reserved: other clients set bits there for extensions
    // we do not speak, and ignoring them is how BEP 3 stays compatible.
    std::copy_n(bytes.begin() + 28, 20, greeting.info_hash.begin());
    greeting.peer_id = std::string(bytes.substr(48, 20));
    return greeting;
}

// ------------------------------------------------------------------ messages

const char* name(message_id id) {
    switch (id) {
        case message_id::choke: return "choke";
        case message_id::unchoke: return "unchoke";
        case message_id::interested: return "interested";
        case message_id::not_interested: return "not interested";
        case message_id::have: return "have";
        case message_id::bitfield: return "bitfield";
        case message_id::request: return "request";
        case message_id::piece: return "piece";
        case message_id::cancel: return "cancel";
    }
    return "unknown";
}

std::string keep_alive() { return length_prefix(0); }
std::string simple(message_id id) { return framed(id, ""); }

std::string have(std::uint32_t index) {
    std::string payload;
    put_u32(payload, index);
    return framed(message_id::have, payload);
}

std::string bitfield(const bt::bitfield& pieces) {
    std::string bytes((pieces.size() + 7) / 8, '\0');
    for (std::size_t i = 0; i < pieces.size(); ++i)
        if (pieces[i]) bytes[i / 8] = static_cast<char>(bytes[i / 8] | (0x80 >> (i % 8)));
    return framed(message_id::bitfield, bytes);
}

std::string request(const block& wanted) { return framed(message_id::request, three_numbers(wanted)); }
std::string cancel(const block& unwanted) { return framed(message_id::cancel, three_numbers(unwanted)); }

std::string piece_header(std::uint32_t index, std::uint32_t begin, std::size_t length) {
    std::string out = length_prefix(static_cast<std::uint32_t>(1 + 8 + length));
    out += static_cast<char>(message_id::piece);
    put_u32(out, index);
    put_u32(out, begin);
    return out;
}

std::string piece(std::uint32_t index, std::uint32_t begin, std::string_view data) {
    return piece_header(index, begin, data.size()) + std::string(data);
}

net::result<message> parse(std::string_view body) {
    if (body.empty()) return net::fail("a message without an id (a keep-alive has no body at all)");
    const auto raw_id = static_cast<unsigned char>(body[0]);
    if (raw_id > static_cast<unsigned char>(message_id::cancel))
        return net::fail("unknown message id " + std::to_string(raw_id));
    message m;
    m.id = static_cast<message_id>(raw_id);
    const std::string_view payload = body.substr(1);
    switch (m.id) {
        case message_id::choke:
        case message_id::unchoke:
        case message_id::interested:
        case message_id::not_interested:
            if (!payload.empty()) return wrong_size(m.id, payload.size(), "expected none");
            break;
        case message_id::have:
            if (payload.size() != 4) return wrong_size(m.id, payload.size(), "expected 4");
            m.index = read_length(payload);
            break;
        case message_id::bitfield:
            m.data = std::string(payload);  // its size is checked against the torrent by parse_bitfield
            break;
        case message_id::request:
        case message_id::cancel:
            if (payload.size() != 12) return wrong_size(m.id, payload.size(), "expected 12");
            m.part = {read_length(payload), read_length(payload.substr(4)), read_length(payload.substr(8))};
            break;
        case message_id::piece:
            if (payload.size() <= 8) return wrong_size(m.id, payload.size(), "expected 8 and a block");
            m.data = std::string(payload.substr(8));
            m.part = {read_length(payload), read_length(payload.substr(4)), static_cast<std::uint32_t>(m.data.size())};
            break;
    }
    return m;
}

net::result<bt::bitfield> parse_bitfield(std::string_view bytes, std::size_t piece_count) {
    if (bytes.size() != (piece_count + 7) / 8)
        return net::fail("bitfield of " + std::to_string(bytes.size()) + " bytes for " + std::to_string(piece_count) +
                    " pieces (expected " + std::to_string((piece_count + 7) / 8) + ")");
    bt::bitfield pieces(piece_count);
    for (std::size_t i = 0; i < bytes.size() * 8; ++i) {
        const bool set = (static_cast<unsigned char>(bytes[i / 8]) & (0x80 >> (i % 8))) != 0;
        if (i < piece_count)
            pieces[i] = set;
        else if (set)
            return net::fail("bitfield with a spare bit set (bit " + std::to_string(i) + ", past the last piece)");
    }
    return pieces;
}

std::uint32_t max_message_length(std::size_t piece_count) {
    const std::size_t piece_message = 1 + 8 + block_size;
    const std::size_t bitfield_message = 1 + (piece_count + 7) / 8;
    return static_cast<std::uint32_t>(std::max(piece_message, bitfield_message));
}

}  // namespace bt::wire
