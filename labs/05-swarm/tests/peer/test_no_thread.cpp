// test_no_thread.cpp - the peer takes no thread per neighbour: connections
// that never send a handshake, and a dial that is never answered, are
// timers of the event loop, not threads; honest neighbours are served
// meanwhile.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "neighbours.hpp"

using namespace peer_test;

namespace {

// The process's threads (Linux: "Threads:" in /proc/PID/status); nothing
// where there is no such file.
std::optional<int> threads_of(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
    return std::nullopt;
}

// Main, the event loop, the one that waits for Ctrl-C, and with a tracker
// its announcer: a few, however many neighbours.
constexpr int few_threads = 4;

double seconds_since(net::clock::time_point start) {
    return std::chrono::duration<double>(net::clock::now() - start).count();
}

}  // namespace

TEST_CASE("peer: 100 connections that never send a handshake take no thread each, and an honest downloader gets the file") {
    workspace w(32768, 64 * 32768 + 1000);  // 2 MiB
    proc::server seed = start_seed(w);
    // The most threads the seed had at any of the looks taken.
    int most_threads = 0;
    auto look = [&] {
        if (proc::runner()) return;  // the process is the runner's (Wine)
        if (const std::optional<int> now = threads_of(seed.process.pid())) most_threads = std::max(most_threads, *now);
    };
    std::vector<net::socket> idle;
    for (int i = 0; i < 100; ++i) {
        net::result<net::socket> s = net::connect_to("127.0.0.1", seed.port, soon());
        REQUIRE_MESSAGE(s.ok(), "connection " << i + 1 << ": " << s.error().message());
        idle.push_back(std::move(s.value()));
        if (i % 10 == 9) look();
    }
    // The seed keeps the newest 64 of them waiting for a handshake, and
    // drops the oldest one as each newer one comes: the first 36.
    std::vector<bool> closed(idle.size(), false);
    std::size_t closed_count = 0;
    const auto until = net::clock::now() + proc::patience;
    while (closed_count < 36 && net::clock::now() < until) {
        for (std::size_t i = 0; i < idle.size(); ++i) {
            char byte;
            net::result<std::size_t> got = idle[i].recv(&byte, 1, net::clock::now());  // a look, no wait
            if (!closed[i] && (got ? got.value() == 0 : got.error().code != std::errc::timed_out)) {
                closed[i] = true;
                ++closed_count;
            }
        }
        ::usleep(20000);
    }
    look();
    INFO(seed.process.error_text());
    CHECK(most_threads <= few_threads);
    CHECK(closed_count == 36);
    CHECK(std::find(closed.begin(), closed.end(), false) - closed.begin() == 36);  // the oldest ones
    CHECK(lines_with(seed.process, "neighbours that dialed us are still handshaking") == 1);  // once while it lasts

    // An honest downloader comes, while the idle ones are still connected
    // (the seed's patience with them is 10 s).
    const auto started = net::clock::now();
    proc::server downloader =
        start_peer(w, "down.bin", {"--peers", "127.0.0.1:" + std::to_string(seed.port), "--leave-when-done"});
    downloader.process.read_until("complete t=");
    const double took = seconds_since(started);
    look();
    INFO("the downloader took " << took << " s\n" << downloader.process.error_text());
    CHECK(took < 5);
    CHECK(downloader.process.wait().code == 0);
    CHECK(w.read("down.bin") == w.data);
    CHECK(most_threads <= few_threads);
    CHECK(seed.process.running());

    // Their patience runs out: each of the 64 is dropped, 10 s after it came.
    CHECK(logged(seed.process, "handshake failed: it sent nothing for too long"));
}

TEST_CASE("peer: a dial that is never answered holds up no other neighbour, and ends at its patience") {
    workspace w;
    // A server whose queue of connections is full: the system drops the
    // SYNs that come next, so a connect() to it is never answered.
    net::socket full = net::server_socket(net::tcp, "127.0.0.1", 0).value();
    REQUIRE(full.listen(0).ok());
    const std::uint16_t silent_port = full.local_address().value().port();
    std::vector<net::socket> queued;
    for (int i = 0; i < 16; ++i) {
        net::result<net::socket> s = net::connect_to("127.0.0.1", silent_port, net::clock::now() + std::chrono::milliseconds(200));
        if (!s) break;
        queued.push_back(std::move(s.value()));
    }
    proc::server seed = start_seed(w);
    const auto started = net::clock::now();
    proc::server downloader = start_peer(w, "down.bin",
                                         {"--peers",
                                          "127.0.0.1:" + std::to_string(silent_port) + ",127.0.0.1:" +
                                              std::to_string(seed.port)});
    downloader.process.read_until("complete t=");
    const double took = seconds_since(started);
    INFO("the downloader completed after " << took << " s\n" << downloader.process.error_text());
    CHECK(took < 4);  // the dial's patience is 5 s
    CHECK(w.read("down.bin") == w.data);
    // The silent one: given up after the dial's patience.
    const std::string gave_up = "127.0.0.1:" + std::to_string(silent_port) + ": connect to 127.0.0.1:" +
                                std::to_string(silent_port) + ": timed out";
    CHECK(logged(downloader.process, gave_up));
    CHECK(seconds_since(started) >= 4.5);
    if (const std::optional<int> threads = proc::runner() ? std::nullopt : threads_of(downloader.process.pid()))
        CHECK(*threads <= few_threads);
}
