// neighbours.cpp - the peer's process tests' workspace, peer and neighbours.
#include "neighbours.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>

namespace peer_test {

workspace::workspace(std::int64_t piece_length, std::int64_t file_size, const std::string& announce) {
    static int count = 0;
    dir = std::filesystem::temp_directory_path() /
          ("lab05-peer-test-" + std::to_string(::getpid()) + "-" + std::to_string(++count));
    std::filesystem::create_directories(dir);
    std::mt19937 random(7);
    data.resize(static_cast<std::size_t>(file_size));
    for (char& c : data) c = static_cast<char>(random() & 0xff);
    std::ofstream(dir / "file.bin", std::ios::binary) << data;
    std::istringstream content(data);
    torrent = *bt::make_metainfo(content, "file.bin", announce, piece_length);
    std::ofstream(dir / "file.torrent", std::ios::binary) << bt::encode_torrent(torrent);
}

workspace::~workspace() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
}

std::string workspace::read(const std::string& name) const {
    std::ifstream in(dir / name, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

proc::server start_peer(const workspace& w, const std::string& data, const std::vector<std::string>& extra) {
    std::vector<std::string> argv{
        proc::program("peer"), w.path("file.torrent"), "--data", w.path(data), "--port", "0", "--time-scale", "0.1"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    proc::child process(argv);
    const std::string ready = process.read_line();
    const std::string prefix = "The peer is ready to receive on port ";
    REQUIRE(ready.rfind(prefix, 0) == 0);
    return {std::move(process), static_cast<std::uint16_t>(std::stoi(ready.substr(prefix.size())))};
}

proc::server start_seed(const workspace& w) {
    std::error_code ignored;
    std::filesystem::copy_file(w.path("file.bin"), w.path("seed.bin"), ignored);
    return start_peer(w, "seed.bin", {"--seed", "--peers", ""});
}

net::deadline soon() { return net::clock::now() + proc::patience; }

bool logged(proc::child& peer, const std::string& text) {
    const auto until = proc::clock::now() + proc::patience;
    while (proc::clock::now() < until) {
        if (peer.error_text().find(text) != std::string::npos) return true;
        ::usleep(20000);
    }
    return false;
}

std::size_t lines_with(const proc::child& peer, const std::string& text) {
    std::size_t n = 0;
    for (const std::string& line : peer.error_lines()) n += line.find(text) != std::string::npos ? 1 : 0;
    return n;
}

raw_neighbour::raw_neighbour(std::uint16_t port) : connection(net::connect_to("127.0.0.1", port).value()) {}

void raw_neighbour::send(const std::string& bytes) { REQUIRE(connection.send_all(bytes).ok()); }

void raw_neighbour::handshake(const bt::sha1::digest& info_hash) {
    static int count = 0;
    const std::string number = std::to_string(++count);
    send(bt::wire::encode_handshake({info_hash, "-TEST00-" + std::string(12 - number.size(), '0') + number}));
}

std::string raw_neighbour::read_handshake() {
    net::result<std::string> bytes = connection.recv_exactly(bt::wire::handshake_size, soon());
    REQUIRE(bytes.ok());
    return bytes.value();
}

std::optional<std::string> raw_neighbour::next_message() {
    while (true) {
        net::result<std::string> prefix = connection.recv_exactly(4, soon());
        if (!prefix) {
            REQUIRE(prefix.error().code != std::errc::timed_out);
            return std::nullopt;
        }
        const std::uint32_t length = bt::wire::read_length(prefix.value());
        if (length == 0) continue;
        net::result<std::string> body = connection.recv_exactly(length, soon());
        REQUIRE(body.ok());
        return body.value();
    }
}

bool raw_neighbour::dropped() {
    char byte;
    while (true) {
        net::result<std::size_t> got = connection.recv(&byte, 1, soon());
        if (!got) return got.error().code != std::errc::timed_out;
        if (got.value() == 0) return true;
    }
}

std::string raw_neighbour::where() const {
    return "127.0.0.1:" + std::to_string(connection.local_address().value().port());
}

}  // namespace peer_test
