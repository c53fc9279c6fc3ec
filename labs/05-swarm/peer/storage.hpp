// storage.hpp - the file being shared, on disk, piece by piece.
//
// A seed's file is checked against the torrent's SHA-1s when it opens; a
// downloader's file is created empty at its full size and each piece is
// written only after its SHA-1 matched. Several connections read and
// write at once, so every access holds the file's own mutex.
//
// The last pieces read or written stay in memory, whole (2 MiB of them at
// most): a neighbour asks for a piece's blocks one after another, 16 of
// 16 KiB in a 256 KiB piece, and a piece just completed is the one the
// others ask for next. The disk is read once a piece, not once a block.
#pragma once

#include <cstdint>
#include <fstream>
#include <list>
#include <mutex>
#include <string>

#include "bittorrent/bitfield.hpp"
#include "bittorrent/metainfo.hpp"
#include "common/result.hpp"

namespace bt {

class storage {
public:
    explicit storage(const metainfo& torrent) : torrent_(torrent) {}

    // The seed's side: open `path`, which must hold the whole file, and check
    // every piece. Fails naming the first piece that differs.
    net::result<bitfield> open_complete(const std::string& path);
    // The downloader's side: create `path` (emptied) at the file's size.
    net::result<bitfield> create(const std::string& path);

    net::result<std::string> read(std::uint32_t piece, std::uint32_t begin, std::uint32_t length);
    // The same bytes appended to `out` (one copy, from the pieces kept in
    // memory); `out` is unchanged on failure.
    net::result<bool> append(std::string& out, std::uint32_t piece, std::uint32_t begin, std::uint32_t length);
    net::result<bool> write_piece(std::uint32_t piece, const std::string& data);

private:
    const metainfo& torrent_;
    std::mutex mutex_;
    std::fstream file_;
    std::string path_;
    std::list<std::pair<std::uint32_t, std::string>> recent_;  // the newest first
    std::size_t recent_bytes_ = 0;
    void keep(std::uint32_t piece, std::string data);
};

// Does `data` have piece `index`'s SHA-1?
bool piece_matches(const metainfo& torrent, std::uint32_t index, const std::string& data);

}  // namespace bt
