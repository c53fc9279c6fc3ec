// loadgen_pingpong.cpp - the request/reply modes: one message out, its
// uppercase back, measured one at a time.
//
//   udp          one datagram, one reply datagram (the lecture's UDP pair)
//   tcp-conn     a connection per request, as the lecture's TCPClient does:
//                connect, send, shutdown(write), read to EOF, close
//   tcp-session  one connection, many request/reply round trips
#include <algorithm>
#include <functional>
#include <thread>

#include "../common/text.hpp"
#include "loadgen.hpp"

namespace bench {

namespace {
// Runs `client(index, tally)` in o.clients threads and collects their tallies.
std::vector<tally> in_threads(const options& o, const std::function<void(int, tally&)>& client) {
    std::vector<tally> tallies(static_cast<std::size_t>(o.clients));
    std::vector<std::thread> threads;
    for (int i = 0; i < o.clients; ++i) {
        threads.emplace_back([&client, &tallies, i] {
            tally& t = tallies[static_cast<std::size_t>(i)];
            t.began = clock::now();
            client(i, t);
            t.ended = clock::now();
        });
    }
    for (std::thread& each : threads) each.join();
    return tallies;
}

std::uint64_t tag_of(int client, std::uint64_t request) {
    return static_cast<std::uint64_t>(client) * 1000000000ull + request;
}

void udp_client(const options& o, const net::address& server, int index, tally& t) {
    // On loopback a datagram is lost only when a buffer overflows; waiting the
    // full TCP timeout for each one would let a lossy run take for ever.
    net::result<net::socket> opened = open_udp(server, std::min(o.timeout_ms, 1000));
    if (!opened) return report_error(t, opened.error());
    net::socket& s = opened.value();
    t.latency_ns.reserve(o.requests);
    std::string got;
    for (std::uint64_t i = 0; i < o.requests; ++i) {
        const std::string message = make_message(o.size, tag_of(index, i));
        const std::string want = text::upper(message);
        const clock::time_point started = clock::now();
        if (net::result<std::size_t> sent = s.send(message); !sent) {
            report_error(t, sent.error());
            continue;
        }
        // One datagram is one reply: receive it into a buffer larger than
        // expected, so a too-long reply shows up as a mismatch, not a cut.
        got.resize(want.size() + 1);
        net::result<std::size_t> n = s.recv(got.data(), got.size());
        if (!n) {  // on loopback a lost datagram means an overflowing buffer
            report_error(t, "udp request " + std::to_string(i) + ": " + n.error().message());
            continue;
        }
        got.resize(n.value());
        if (got != want) {
            report_error(t, "wrong udp reply: sent for '" + want + "', got '" + got + "'");
            continue;
        }
        record(t, started, message.size());
    }
}

// The lecture's TCPClient, once: its own connection for a single sentence.
void one_connection(const options& o, const net::address& server, std::uint64_t tag, std::string& got, tally& t) {
    const std::string message = make_message(o.size, tag);
    const std::string want = text::upper(message);
    const clock::time_point started = clock::now();
    net::result<net::socket> opened = open_tcp(server, o.timeout_ms);
    if (!opened) return report_error(t, opened.error());
    net::socket& s = opened.value();
    if (net::result<void> sent = s.send_all(message); !sent) return report_error(t, sent.error());
    // shutdown(write): "that was all", so the server sees EOF and finishes.
    if (net::result<void> done = s.shutdown(net::socket::direction::write); !done) return report_error(t, done.error());
    if (!receive_exact(s, want, got, t) || !receive_eof(s, t)) return;
    s.close();
    record(t, started, message.size());
}

void tcp_conn_client(const options& o, const net::address& server, int index, tally& t) {
    t.latency_ns.reserve(o.requests);
    std::string got;
    for (std::uint64_t i = 0; i < o.requests; ++i) one_connection(o, server, tag_of(index, i), got, t);
}

void tcp_session_client(const options& o, const net::address& server, int index, tally& t) {
    net::result<net::socket> opened = open_tcp(server, o.timeout_ms);
    if (!opened) return report_error(t, opened.error());
    net::socket& s = opened.value();
    t.latency_ns.reserve(o.requests);
    std::string got;
    for (std::uint64_t i = 0; i < o.requests; ++i) {
        const std::string message = make_message(o.size, tag_of(index, i));
        const std::string want = text::upper(message);
        const clock::time_point started = clock::now();
        if (net::result<void> sent = s.send_all(message); !sent) return report_error(t, sent.error());
        // After a wrong or missing reply the stream is out of step: stop this session.
        if (!receive_exact(s, want, got, t)) return;
        record(t, started, message.size());
    }
    if (net::result<void> done = s.shutdown(net::socket::direction::write); !done) return report_error(t, done.error());
    receive_eof(s, t);
}
}  // namespace

std::vector<tally> run_udp(const options& o, const net::address& server) {
    return in_threads(o, [&](int i, tally& t) { udp_client(o, server, i, t); });
}

std::vector<tally> run_tcp_conn(const options& o, const net::address& server) {
    return in_threads(o, [&](int i, tally& t) { tcp_conn_client(o, server, i, t); });
}

std::vector<tally> run_tcp_session(const options& o, const net::address& server) {
    return in_threads(o, [&](int i, tally& t) { tcp_session_client(o, server, i, t); });
}

}  // namespace bench
