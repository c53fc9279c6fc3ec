// metainfo.hpp - the .torrent file of one file (BEP 3, "metainfo files").
//
// A .torrent is a bencoded dictionary:
//
//   announce      the tracker's URL: where peers find each other
//   info          a dictionary that describes the file itself:
//     name          the suggested file name
//     piece length  the size of every piece but the last (the lecture's
//                   "256 KB chunks": 262,144 bytes)
//     pieces        the SHA-1 of each piece, 20 bytes each, one after the other
//     length        the file's size in bytes
//
// The SHA-1 of the info dictionary's bytes is the torrent's name on the
// wire, the "info hash": the tracker groups peers by it, and two peers greet
// each other with it. Only single-file torrents are handled here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "labs/shared/sha1.hpp"

namespace bt {

inline constexpr std::int64_t default_piece_length = 262144;  // 256 KiB = 2^18
// The largest piece we accept: a peer holds a whole piece in memory while it
// checks its hash. 2^28 (256 MiB) is the largest that mktorrent makes.
inline constexpr std::int64_t max_piece_length = std::int64_t{1} << 28;

struct metainfo {
    std::string announce;
    std::string name;
    std::int64_t piece_length = default_piece_length;
    std::int64_t length = 0;
    std::string pieces;  // 20 bytes of SHA-1 per piece, concatenated
    sha1::digest info_hash{};

    std::size_t piece_count() const { return pieces.size() / 20; }
    // Every piece is piece_length bytes long, but the last may be shorter.
    std::int64_t piece_size(std::size_t index) const;
    // The SHA-1 that piece `index` must have.
    sha1::digest piece_hash(std::size_t index) const;
};

// Reads `content` to its end, one piece at a time, and describes it. The
// name is the file's name without its folders. Fails on a read error, an
// empty file, a piece length out of range, or a name that is not a plain
// file name.
net::result<metainfo> make_metainfo(std::istream& content, const std::string& name, const std::string& announce,
                               std::int64_t piece_length = default_piece_length);

// The bytes of the .torrent file: announce, and info with its four keys.
// (A torrent parsed from another tool's file may have had more keys in its
// info, such as "private"; its info_hash is still that of the original bytes.)
std::string encode_torrent(const metainfo& torrent);

// Reads a .torrent, checks every field, and computes the info hash from the
// info dictionary's bytes exactly as they are in the file.
net::result<metainfo> parse_torrent(std::string_view torrent_bytes);

// Is `name` safe to save a file under: not empty, not "." or "..", and no
// '/', '\\' or NUL byte? A .torrent's name comes from a stranger: "../x"
// would write outside the download folder.
bool is_plain_file_name(std::string_view name);

}  // namespace bt
