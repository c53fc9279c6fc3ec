// sha1.hpp - SHA-1 (FIPS 180-4), the hash BitTorrent names everything by.
//
// A .torrent lists the SHA-1 of every piece: a peer that receives a piece
// hashes it and keeps it only if the hash matches, so a wrong or malicious
// peer cannot slip bad data into the file. The torrent itself is known by
// the SHA-1 of its info dictionary: the "info hash".
//
// SHA-1 is no longer safe against a determined attacker who makes both of
// two colliding files; BEP 3 still uses it, and so do we.
//
//   bt::sha1::digest d = bt::sha1::of("abc");   // one shot
//   bt::sha1 hasher;                              // or piece by piece:
//   hasher.update("ab"); hasher.update("c");
//   bt::sha1::digest same = hasher.finish();
//   bt::to_hex(d)  ->  "a9993e364706816aba3e25717850c26c9cd0d89d"
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sha1_blocks.hpp"

namespace bt {

class sha1 {
public:
    using digest = std::array<std::uint8_t, 20>;

    sha1() { reset(); }
    // With a given way of hashing blocks (the tests check each against the other).
    explicit sha1(sha1_blocks::function blocks) : blocks_(blocks) { reset(); }

    // Feed more bytes; any number, in as many calls as you like.
    void update(std::string_view bytes);
    // Pad, hash the last block, return the digest, and start again from empty.
    digest finish();

    static digest of(std::string_view bytes);

private:
    void reset();

    sha1_blocks::function blocks_ = sha1_blocks::fastest();
    sha1_blocks::state state_{};
    std::array<std::uint8_t, 64> block_{};  // bytes waiting for a full block
    std::size_t buffered_ = 0;              // how many of block_ are in use
    std::uint64_t length_ = 0;              // bytes hashed so far
};

// The 20 bytes as they go on the wire and into a .torrent.
std::string_view as_bytes(const sha1::digest& digest);
// Lowercase hexadecimal, two characters per byte, as sha1sum prints it.
std::string to_hex(std::string_view bytes);
inline std::string to_hex(const sha1::digest& digest) { return to_hex(as_bytes(digest)); }

}  // namespace bt
