// test_storage.cpp - the file on disk: blocks read back are the bytes
// written, whichever pieces are still in memory.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "peer/storage.hpp"

namespace {
// A file of `size` bytes that differ from place to place, its torrent in
// pieces of 512 KiB, and a folder of its own for the copies.
struct shared_file {
    std::string content;
    bt::metainfo torrent;
    std::filesystem::path folder;

    explicit shared_file(std::size_t size) : content(size, '\0') {
        for (std::size_t i = 0; i < size; ++i) content[i] = static_cast<char>(i * 13 + i / 4096);
        std::istringstream in(content);
        torrent = *bt::make_metainfo(in, "f", "http://127.0.0.1:1/announce", 512 * 1024);
        folder = std::filesystem::temp_directory_path() / ("storage-test-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(folder);
    }
    ~shared_file() {
        std::error_code ignored;
        std::filesystem::remove_all(folder, ignored);
    }
    std::string piece(std::uint32_t i) const {
        return content.substr(std::size_t{i} * torrent.piece_length, static_cast<std::size_t>(torrent.piece_size(i)));
    }
};

// Every block of every piece, in an order that goes back and forth over more
// pieces than stay in memory (2 MiB: four of these).
void every_block_matches(bt::storage& disk, const shared_file& f) {
    const std::uint32_t count = static_cast<std::uint32_t>(f.torrent.piece_count());
    for (std::uint32_t round = 0; round < 2; ++round) {
        for (std::uint32_t k = 0; k < count; ++k) {
            const std::uint32_t piece = round == 0 ? k : (k * 5) % count;
            const auto size = static_cast<std::uint32_t>(f.torrent.piece_size(piece));
            for (std::uint32_t begin = 0; begin < size; begin += 16384) {
                const std::uint32_t length = std::min<std::uint32_t>(16384, size - begin);
                net::result<std::string> got = disk.read(piece, begin, length);
                REQUIRE(got);
                CHECK_MESSAGE(*got == f.piece(piece).substr(begin, length), "piece " << piece << ", bytes " << begin);
            }
        }
    }
}
}  // namespace

TEST_CASE("storage: a downloader's blocks read back are the bytes of the pieces written") {
    const shared_file f(9 * 512 * 1024 + 70000);  // 10 pieces, the last one short
    bt::storage disk(f.torrent);
    REQUIRE(disk.create((f.folder / "copy.bin").string()));
    for (std::uint32_t i = 0; i < f.torrent.piece_count(); ++i) {
        const std::uint32_t piece = (i * 3) % 10;  // in no particular order, as they come
        REQUIRE(disk.write_piece(piece, f.piece(piece)));
    }
    every_block_matches(disk, f);
    std::ifstream written(f.folder / "copy.bin", std::ios::binary);
    const std::string on_disk((std::istreambuf_iterator<char>(written)), std::istreambuf_iterator<char>());
    CHECK(on_disk == f.content);
}

TEST_CASE("storage: a seed's blocks are the file's, and a block past a piece's end is refused") {
    const shared_file f(5 * 512 * 1024 + 1000);
    {
        std::ofstream out(f.folder / "whole.bin", std::ios::binary);
        out << f.content;
    }
    bt::storage disk(f.torrent);
    REQUIRE(disk.open_complete((f.folder / "whole.bin").string()));
    every_block_matches(disk, f);
    CHECK_FALSE(disk.read(5, 0, 16384));       // the last piece has 1000 bytes
    CHECK_FALSE(disk.read(6, 0, 16384));       // there is no piece 6
    CHECK_FALSE(disk.read(0, 512 * 1024, 1));  // past the end of piece 0
    CHECK(disk.read(5, 0, 1000));
}
