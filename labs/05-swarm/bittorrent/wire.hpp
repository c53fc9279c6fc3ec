// wire.hpp - the peer wire protocol of BEP 3, as pure functions: bytes in,
// bytes out, no sockets (connection.cpp moves them).
//
// Two peers that meet over TCP first greet each other with a handshake of
// exactly 68 bytes:
//
//   19 "BitTorrent protocol"  8 reserved bytes (0)  info hash (20)  peer id (20)
//
// then send messages, each prefixed with its length as 4 bytes in network
// byte order (lab 02's length-prefixed messages). Length 0 is a keep-alive;
// otherwise the first byte is the message's id:
//
//   0 choke  1 unchoke  2 interested  3 not interested      (no payload)
//   4 have      <index>                                       (4 bytes)
//   5 bitfield  <one bit per piece, high bit of byte 0 = piece 0>
//   6 request   <index><begin><length>                        (a block of a piece)
//   7 piece     <index><begin><the block's bytes>
//   8 cancel    <index><begin><length>
//
// Every number is 4 bytes, big-endian.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "bitfield.hpp"
#include "common/result.hpp"
#include "labs/shared/sha1.hpp"

namespace bt::wire {

inline constexpr std::string_view protocol_name = "BitTorrent protocol";
inline constexpr std::size_t handshake_size = 68;
// Requests ask for blocks of 16 KiB: BEP 3 says every client does, and
// that bigger requests get a connection closed.
inline constexpr std::uint32_t block_size = 16384;

struct handshake {
    sha1::digest info_hash{};
    std::string peer_id;  // 20 bytes
};
std::string encode_handshake(const handshake& greeting);
// The 68 bytes; fails on a wrong protocol name or length.
net::result<handshake> parse_handshake(std::string_view bytes);

enum class message_id : std::uint8_t {
    choke = 0,
    unchoke = 1,
    interested = 2,
    not_interested = 3,
    have = 4,
    bitfield = 5,
    request = 6,
    piece = 7,
    cancel = 8,
};
const char* name(message_id id);  // "not interested"

// A block of a piece: what request and cancel name, and what piece carries.
struct block {
    std::uint32_t piece = 0;
    std::uint32_t begin = 0;  // the offset of its first byte in the piece
    std::uint32_t length = 0;
    bool operator==(const block&) const = default;
};

// One message, decoded. Only the fields of its kind are set.
struct message {
    message_id id = message_id::choke;
    std::uint32_t index = 0;  // have
    block part{};             // request, cancel; piece (length = data.size())
    std::string data;         // bitfield: its bytes; piece: the block's bytes
};

// Each returns the message with its 4-byte length prefix, ready for send_all.
std::string keep_alive();
std::string simple(message_id id);  // choke, unchoke, interested, not interested
std::string have(std::uint32_t index);
std::string bitfield(const bt::bitfield& pieces);
std::string request(const block& wanted);
std::string cancel(const block& unwanted);
std::string piece(std::uint32_t index, std::uint32_t begin, std::string_view data);
// A piece message's first 13 bytes, for `length` bytes of data that follow:
// the data can then be appended where it is, without a copy of its own.
std::string piece_header(std::uint32_t index, std::uint32_t begin, std::size_t length);

// The 4-byte length prefix, and back.
std::string length_prefix(std::uint32_t length);
std::uint32_t read_length(std::string_view four_bytes);

// The body of one message (the `length` bytes after the prefix). Fails on an
// unknown id or a payload of the wrong size for its id.
net::result<message> parse(std::string_view body);

// A bitfield message's bytes for `piece_count` pieces: the number of bytes
// must be exactly right and the spare bits at the end zero (BEP 3: drop the
// connection otherwise).
net::result<bt::bitfield> parse_bitfield(std::string_view bytes, std::size_t piece_count);

// The longest message a peer may send us: a piece of one block, or a
// bitfield of every piece, whichever is longer. A length prefix over this
// is a broken or hostile peer, and its connection is dropped.
std::uint32_t max_message_length(std::size_t piece_count);

}  // namespace bt::wire
