// loadgen_stream.cpp - the modes that keep connections open.
//
//   tcp-hold   N connections open at once, each answered while all stay open:
//              the test a thread-per-connection server is built for, and one
//              the lecture's iterative server cannot pass (it serves the
//              first connection and leaves the others waiting in the queue).
//   tcp-bulk   one connection streaming many megabytes both ways at once.
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <barrier>
#include <cstdio>
#include <cstring>
#include <optional>
#include <thread>

#include "../common/text.hpp"
#include "loadgen.hpp"

namespace bench {

namespace {
struct held_connection {
    net::socket socket;
    std::string want;              // the reply expected this round
    clock::time_point sent_at{};
    bool alive = true;
};

void open_share(const options& o, const net::address& server, std::size_t count, std::vector<held_connection>& out,
                tally& t) {
    for (std::size_t i = 0; i < count; ++i) {
        net::result<net::socket> opened = open_tcp(server, o.timeout_ms);
        if (!opened) {
            report_error(t, opened.error());
            continue;
        }
        out.push_back(held_connection{std::move(opened.value()), {}, {}, true});
    }
}

// One round: every connection of this thread sends its message first, then
// every reply is read. All N requests are in flight at once, as if N clients
// had pressed Enter together.
void exchange_round(const options& o, std::uint64_t first_tag, std::vector<held_connection>& mine, tally& t) {
    std::uint64_t tag = first_tag;
    for (held_connection& c : mine) {
        if (!c.alive) continue;
        const std::string message = make_message(o.size, tag++);
        c.want = text::upper(message);
        c.sent_at = clock::now();
        if (net::result<void> sent = c.socket.send_all(message); !sent) {
            report_error(t, sent.error());
            c.alive = false;
        }
    }
    std::string got;
    for (held_connection& c : mine) {
        if (!c.alive) continue;
        if (!receive_exact(c.socket, c.want, got, t)) {
            c.alive = false;
            continue;
        }
        record(t, c.sent_at, c.want.size());
    }
}

// Waits (bounded) for the orchestrator to say it has looked at the server
// while all connections are held: one line on stdin.
void pause_while_held(std::uint64_t held, int timeout_ms) {
    std::printf("HELD %llu\n", static_cast<unsigned long long>(held));
    std::fflush(stdout);
    pollfd in{0, POLLIN, 0};
    if (::poll(&in, 1, timeout_ms) > 0) {
        char line[64];
        (void)!::read(0, line, sizeof line);
    }
}

void close_all(std::vector<held_connection>& mine, tally& t) {
    // Half-close each one and wait for the server's EOF: every server thread
    // must notice that its client is done.
    for (held_connection& c : mine) {
        if (!c.alive) continue;
        if (net::result<void> done = c.socket.shutdown(net::socket::direction::write); !done) {
            report_error(t, done.error());
            continue;
        }
        receive_eof(c.socket, t);
    }
    mine.clear();
}
}  // namespace

std::vector<tally> run_tcp_hold(const options& o, const net::address& server) {
    const int threads = std::max(1, std::min(o.clients, o.connections));
    std::vector<tally> tallies(static_cast<std::size_t>(threads));
    std::vector<std::vector<held_connection>> shares(static_cast<std::size_t>(threads));
    std::barrier all_open(threads);
    std::vector<std::thread> workers;
    for (int w = 0; w < threads; ++w) {
        workers.emplace_back([&, w] {
            const auto i = static_cast<std::size_t>(w);
            const std::size_t count = static_cast<std::size_t>(o.connections) / threads +
                                      (i < static_cast<std::size_t>(o.connections % threads) ? 1 : 0);
            open_share(o, server, count, shares[i], tallies[i]);
            all_open.arrive_and_wait();  // nobody talks until all N are open
            tallies[i].began = clock::now();
            for (int r = 0; r < o.rounds; ++r)
                exchange_round(o, static_cast<std::uint64_t>(w) * 1000000000ull + r * count, shares[i], tallies[i]);
            tallies[i].ended = clock::now();
            for (const held_connection& c : shares[i]) tallies[i].held += c.alive ? 1 : 0;
        });
    }
    for (std::thread& each : workers) each.join();
    std::uint64_t held = 0;
    for (const tally& t : tallies) held += t.held;
    if (o.pause) pause_while_held(held, o.timeout_ms * 4);
    for (std::size_t i = 0; i < shares.size(); ++i) close_all(shares[i], tallies[i]);
    return tallies;
}

// ------------------------------------------------------------------ bulk
namespace {
constexpr std::size_t pattern_size = 64 * 1024;

// Lowercase letters and spaces in an irregular order, so that a lost,
// repeated or reordered piece of the stream cannot line up with the pattern.
std::string make_pattern() {
    std::string p(pattern_size, ' ');
    std::uint32_t x = 12345;
    for (char& c : p) {
        x = x * 1103515245u + 12345u;
        const std::uint32_t r = (x >> 16) % 32;
        c = r < 26 ? static_cast<char>('a' + r) : ' ';
    }
    return p;
}

void send_stream(const options& o, net::socket& s, const std::string& pattern, tally& t) {
    std::uint64_t left = o.bytes;
    while (left > 0) {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, pattern.size()));
        if (net::result<void> sent = s.send_all({pattern.data(), n}); !sent) return report_error(t, sent.error());
        left -= n;
    }
    if (net::result<void> done = s.shutdown(net::socket::direction::write); !done) report_error(t, done.error());
}

// Compares what arrived with the expected uppercase at stream offset `at`.
std::optional<std::uint64_t> first_difference(const std::string& want, std::uint64_t at, const char* got, std::size_t n) {
    while (n > 0) {
        const std::size_t offset = static_cast<std::size_t>(at % want.size());
        const std::size_t piece = std::min(n, want.size() - offset);
        if (std::memcmp(want.data() + offset, got, piece) != 0) {
            for (std::size_t i = 0;; ++i)
                if (want[offset + i] != got[i]) return at + i;
        }
        at += piece;
        got += piece;
        n -= piece;
    }
    return std::nullopt;
}

void receive_stream(const options& o, net::socket& s, const std::string& want, tally& t) {
    std::vector<char> buffer(pattern_size);
    std::uint64_t have = 0;
    while (true) {
        net::result<std::size_t> n = s.recv(buffer.data(), buffer.size());
        if (!n) return report_error(t, n.error());
        if (n.value() == 0) break;
        if (auto wrong = first_difference(want, have, buffer.data(), n.value())) {
            return report_error(t, "bulk stream differs at byte " + std::to_string(*wrong));
        }
        have += n.value();
    }
    if (have != o.bytes)
        return report_error(t, "bulk stream ended after " + std::to_string(have) + " of " + std::to_string(o.bytes));
    t.bytes = have;
}
}  // namespace

std::vector<tally> run_tcp_bulk(const options& o, const net::address& server) {
    std::vector<tally> tallies(2);  // [0] receiving, [1] sending
    net::result<net::socket> opened = open_tcp(server, o.timeout_ms);
    if (!opened) {
        report_error(tallies[0], opened.error());
        return tallies;
    }
    net::socket& s = opened.value();
    const std::string pattern = make_pattern();
    const std::string want = text::upper(pattern);
    tallies[0].began = clock::now();
    // Send and receive at once: a server that answers as it reads would
    // otherwise fill both directions' buffers and everyone would wait for ever.
    std::thread sender([&] { send_stream(o, s, pattern, tallies[1]); });
    receive_stream(o, s, want, tallies[0]);
    if (tallies[0].errors > 0) (void)s.shutdown(net::socket::direction::both);  // unblock the sender
    sender.join();
    tallies[0].ended = clock::now();
    if (tallies[0].errors == 0 && tallies[1].errors == 0) record(tallies[0], tallies[0].began, 0);
    return tallies;
}

}  // namespace bench
