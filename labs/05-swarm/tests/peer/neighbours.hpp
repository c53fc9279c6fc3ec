// neighbours.hpp - what the peer's process tests share: a file and its
// torrent in a folder of their own, the real peer ($BIN/peer) started on a
// free port, and neighbours written by hand, which say every byte.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "../../../../tests/process/child.hpp"
#include "common/net.hpp"
#include "bittorrent/metainfo.hpp"
#include "bittorrent/wire.hpp"

namespace peer_test {

// A file of pseudo-random bytes, its torrent, and a folder for the peers'
// files; removed at the end. By default four pieces of 32 KiB (two blocks
// each) and a short fifth one.
struct workspace {
    explicit workspace(std::int64_t piece_length = 32768, std::int64_t file_size = 4 * 32768 + 1000,
                       const std::string& announce = "http://127.0.0.1:1/announce");
    ~workspace();
    workspace(const workspace&) = delete;
    workspace& operator=(const workspace&) = delete;

    std::string path(const std::string& name) const { return (dir / name).string(); }
    std::string read(const std::string& name) const;

    std::filesystem::path dir;
    std::string data;
    bt::metainfo torrent;
};

// Our peer, on a free port, with --time-scale 0.1: `extra` says the rest
// (--peers, or a tracker in the torrent).
proc::server start_peer(const workspace& w, const std::string& data, const std::vector<std::string>& extra);
// A seed of the workspace's file that dials nobody.
proc::server start_seed(const workspace& w);

net::deadline soon();  // now + the tests' patience

// The peer's log, once it has a line containing `text` (or after the patience).
bool logged(proc::child& peer, const std::string& text);
// How many lines of the peer's log contain `text`.
std::size_t lines_with(const proc::child& peer, const std::string& text);

// A neighbour written by hand: the test says every byte.
struct raw_neighbour {
    explicit raw_neighbour(std::uint16_t port);
    explicit raw_neighbour(net::socket s) : connection(std::move(s)) {}

    void send(const std::string& bytes);
    // Each neighbour has a peer id of its own: a peer that lied is refused by its id.
    void handshake(const bt::sha1::digest& info_hash);
    std::string read_handshake();
    // The next message's body (keep-alives skipped); nothing once the peer
    // has closed the connection.
    std::optional<std::string> next_message();
    // The peer hung up on us: recv ends (closed or reset) before the deadline.
    bool dropped();
    // How the peer names this neighbour in its log, when it dialed the peer.
    std::string where() const;

    net::socket connection;
};

// A neighbour's work in a thread of its own (no doctest check in there),
// ended when the test leaves its scope, even by a failed REQUIRE: shutting
// the socket down wakes the thread from any send or recv, then it is joined.
class in_background {
public:
    in_background(net::socket& s, std::function<void()> body) : socket_(s), thread_(std::move(body)) {}
    ~in_background() {
        static_cast<void>(socket_.shutdown(net::socket::direction::both));
        thread_.join();
    }
    in_background(const in_background&) = delete;
    in_background& operator=(const in_background&) = delete;

private:
    net::socket& socket_;
    std::thread thread_;
};

}  // namespace peer_test
