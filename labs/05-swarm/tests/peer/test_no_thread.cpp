// test_no_thread.cpp - the peer when the system has no thread to give (a
// neighbour's handshake takes one for a moment): as tcp_server_threaded
// does with a client, it turns the neighbour away, says so once in its
// log, and goes on serving the others.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "neighbours.hpp"

using namespace peer_test;

namespace {

enum class greeting { served, turned_away, silent };

// A neighbour is served when the peer greets it back and its writer sends
// the bitfield; turned away when the connection ends before that.
greeting greet(raw_neighbour& n, const bt::metainfo& torrent) {
    n.handshake(torrent.info_hash);
    net::result<std::string> theirs = n.connection.recv_exactly(bt::wire::handshake_size, soon());
    net::result<std::string> prefix = theirs ? n.connection.recv_exactly(4, soon()) : theirs;
    net::result<std::string> first =
        prefix ? n.connection.recv_exactly(bt::wire::read_length(prefix.value()), soon()) : prefix;
    if (first)
        return !first.value().empty() && first.value()[0] == static_cast<char>(bt::wire::message_id::bitfield)
                   ? greeting::served
                   : greeting::silent;
    return first.error().code == std::errc::timed_out ? greeting::silent : greeting::turned_away;
}

}  // namespace

TEST_CASE("peer: with no thread to be had, a neighbour is turned away, once logged, and the others go on") {
    if (proc::runner()) {
        MESSAGE("skipped: POSIX resource limits");
        return;
    }
    workspace w;
    std::error_code ignored;
    std::filesystem::copy_file(w.path("file.bin"), w.path("seed.bin"), ignored);
    // ulimit -u (RLIMIT_NPROC) would be the natural limit, but it does not
    // hold for root. 300 MB of address space holds for everyone: each thread
    // reserves 8 MiB of stack (and glibc a malloc arena), so thread creation
    // fails after a few neighbours.
    proc::child seed({"/bin/sh", "-c", "ulimit -v 300000 && exec \"$@\"", "sh", proc::program("peer"),
                      w.path("file.torrent"), "--data", w.path("seed.bin"), "--seed", "--peers", "", "--port", "0"});
    const std::optional<std::string> ready = seed.read_line_or_end();
    const std::string prefix = "The peer is ready to receive on port ";
    if (!ready || ready->rfind(prefix, 0) != 0) {
        MESSAGE("skipped: the peer cannot start with 300 MB of address space here (a sanitizer build?)");
        return;
    }
    const auto port = static_cast<std::uint16_t>(std::stoi(ready->substr(prefix.size())));

    std::vector<std::unique_ptr<raw_neighbour>> held;  // each served neighbour stays connected
    int turned_away = 0;
    for (int i = 0; i < 200 && turned_away < 3; ++i) {
        net::result<net::socket> s = net::connect_to("127.0.0.1", port);
        REQUIRE_MESSAGE(s.ok(), "neighbour " << i + 1 << ": " << s.error().message() << "\n" << seed.error_text());
        auto n = std::make_unique<raw_neighbour>(std::move(s.value()));
        const greeting got = greet(*n, w.torrent);
        REQUIRE(got != greeting::silent);
        if (got == greeting::served)
            held.push_back(std::move(n));
        else
            ++turned_away;
    }
    INFO(seed.error_text());
    REQUIRE(turned_away == 3);
    REQUIRE(!held.empty());
    CHECK(seed.running());
    CHECK(lines_with(seed, "no thread available") == 1);

    // A neighbour served before is served still: it asks for a block and gets it.
    raw_neighbour& first = *held.front();
    first.send(bt::wire::simple(bt::wire::message_id::interested));
    first.send(bt::wire::request({0, 0, bt::wire::block_size}));  // ignored while it is choked
    for (std::optional<std::string> m = first.next_message(); m; m = first.next_message()) {
        if ((*m)[0] == static_cast<char>(bt::wire::message_id::unchoke))
            first.send(bt::wire::request({0, 0, bt::wire::block_size}));
        if ((*m)[0] != static_cast<char>(bt::wire::message_id::piece)) continue;
        CHECK(*m == bt::wire::piece(0, 0, w.data.substr(0, bt::wire::block_size)).substr(4));
        break;
    }
    CHECK(seed.running());
}
