// storage.hpp - the file being shared, on disk, piece by piece.
//
// A seed's file is checked against the torrent's SHA-1s when it opens; a
// downloader's file is created empty at its full size and each piece is
// written only after its SHA-1 matched. Several connections read and
// write at once, so every access holds the file's own mutex.
#pragma once

#include <cstdint>
#include <fstream>
#include <mutex>
#include <string>

#include "bitfield.hpp"
#include "metainfo.hpp"
#include "result.hpp"

namespace bt {

class storage {
public:
    explicit storage(const metainfo& torrent) : torrent_(torrent) {}

    // The seed's side: open `path`, which must hold the whole file, and check
    // every piece. Fails naming the first piece that differs.
    result<bitfield> open_complete(const std::string& path);
    // The downloader's side: create `path` (emptied) at the file's size.
    result<bitfield> create(const std::string& path);

    result<std::string> read(std::uint32_t piece, std::uint32_t begin, std::uint32_t length);
    result<bool> write_piece(std::uint32_t piece, const std::string& data);

private:
    const metainfo& torrent_;
    std::mutex mutex_;
    std::fstream file_;
    std::string path_;
};

// Does `data` have piece `index`'s SHA-1?
bool piece_matches(const metainfo& torrent, std::uint32_t index, const std::string& data);

}  // namespace bt
