// storage.cpp - the shared file on disk.
#include "storage.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace bt {

bool piece_matches(const metainfo& torrent, std::uint32_t index, const std::string& data) {
    return sha1::of(data) == torrent.piece_hash(index);
}

net::result<bitfield> storage::open_complete(const std::string& path) {
    std::lock_guard<std::mutex> lock(mutex_);
    path_ = path;
    std::error_code problem;
    const auto size = std::filesystem::file_size(path, problem);
    if (problem) return net::fail("cannot read " + path + ": " + problem.message());
    if (size != static_cast<std::uintmax_t>(torrent_.length))
        return net::fail(path + " has " + std::to_string(size) + " bytes, the torrent's file " +
                    std::to_string(torrent_.length));
    file_.open(path, std::ios::in | std::ios::binary);
    if (!file_) return net::fail("cannot open " + path);
    for (std::size_t i = 0; i < torrent_.piece_count(); ++i) {
        std::string data(static_cast<std::size_t>(torrent_.piece_size(i)), '\0');
        if (!file_.read(data.data(), static_cast<std::streamsize>(data.size())))
            return net::fail("cannot read piece " + std::to_string(i) + " of " + path);
        if (!piece_matches(torrent_, static_cast<std::uint32_t>(i), data))
            return net::fail(path + " is not the torrent's file: piece " + std::to_string(i) + " has another SHA-1");
    }
    return bitfield(torrent_.piece_count(), true);
}

net::result<bitfield> storage::create(const std::string& path) {
    std::lock_guard<std::mutex> lock(mutex_);
    path_ = path;
    file_.open(path, std::ios::in | std::ios::out | std::ios::binary | std::ios::trunc);
    if (!file_) return net::fail("cannot create " + path);
    std::error_code problem;
    std::filesystem::resize_file(path, static_cast<std::uintmax_t>(torrent_.length), problem);
    if (problem) return net::fail("cannot make " + path + " " + std::to_string(torrent_.length) + " bytes long: " +
                             problem.message());
    return bitfield(torrent_.piece_count(), false);
}

namespace {
constexpr std::size_t recent_limit = 2 << 20;  // bytes of whole pieces kept in memory
}

void storage::keep(std::uint32_t piece, std::string data) {
    recent_bytes_ += data.size();
    recent_.emplace_front(piece, std::move(data));
    while (recent_bytes_ > recent_limit && recent_.size() > 1) {
        recent_bytes_ -= recent_.back().second.size();
        recent_.pop_back();
    }
}

net::result<std::string> storage::read(std::uint32_t piece, std::uint32_t begin, std::uint32_t length) {
    std::string out;
    if (net::result<bool> got = append(out, piece, begin, length); !got) return got.error();
    return out;
}

net::result<bool> storage::append(std::string& out, std::uint32_t piece, std::uint32_t begin, std::uint32_t length) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = std::find_if(recent_.begin(), recent_.end(), [piece](const auto& p) { return p.first == piece; });
    if (it == recent_.end()) {
        if (piece >= torrent_.piece_count()) return net::fail("there is no piece " + std::to_string(piece));
        std::string data(static_cast<std::size_t>(torrent_.piece_size(piece)), '\0');
        file_.clear();
        file_.seekg(static_cast<std::streamoff>(piece) * torrent_.piece_length);
        if (!file_.read(data.data(), static_cast<std::streamsize>(data.size())))
            return net::fail("cannot read piece " + std::to_string(piece) + " of " + path_);
        keep(piece, std::move(data));
        it = recent_.begin();
    }
    const std::string& whole = it->second;
    if (begin > whole.size() || length > whole.size() - begin)
        return net::fail("piece " + std::to_string(piece) + " has no bytes " + std::to_string(begin) + " to " +
                    std::to_string(std::uint64_t{begin} + length));
    out.append(whole, begin, length);
    return true;
}

net::result<bool> storage::write_piece(std::uint32_t piece, const std::string& data) {
    std::lock_guard<std::mutex> lock(mutex_);
    file_.clear();
    file_.seekp(static_cast<std::streamoff>(piece) * torrent_.piece_length);
    if (!file_.write(data.data(), static_cast<std::streamsize>(data.size())) || !file_.flush())
        return net::fail("cannot write piece " + std::to_string(piece) + " to " + path_);
    keep(piece, data);
    return true;
}

}  // namespace bt
