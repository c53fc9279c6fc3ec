// loadgen_common.cpp - messages, connections and reply checks shared by every mode.
#include <chrono>
#include <cstdio>
#include <mutex>

#include "loadgen.hpp"

namespace bench {

std::atomic<std::uint64_t> answered{0};
std::atomic<std::uint64_t> failed{0};

namespace {
std::mutex print_mutex;
std::uint64_t printed = 0;
constexpr std::uint64_t print_limit = 10;
}  // namespace

void report_error(tally& t, const std::string& what) {
    ++t.errors;
    ++failed;
    std::lock_guard<std::mutex> lock(print_mutex);
    if (printed++ < print_limit) std::fprintf(stderr, "bench_loadgen: error: %s\n", what.c_str());
    if (printed == print_limit) std::fprintf(stderr, "bench_loadgen: (further errors counted, not printed)\n");
}

void report_error(tally& t, const net::error& failure) { report_error(t, failure.message()); }

std::string make_message(std::size_t size, std::uint64_t tag) {
    std::string message = "req ";
    do {  // the tag in base 26, as lowercase letters
        message.push_back(static_cast<char>('a' + tag % 26));
        tag /= 26;
    } while (tag != 0);
    message.push_back(' ');
    static constexpr std::string_view filler = "the quick brown fox jumps over the lazy dog, ";
    while (message.size() < size) message.push_back(filler[message.size() % filler.size()]);
    message.resize(size);
    return message;
}

// Every recv(), send() and connect() may wait at most timeout_ms: a server
// that stops answering is an error in the report, not a hung benchmark.
void set_timeouts(net::socket& s, int timeout_ms) {
    (void)s.set_receive_timeout(std::chrono::milliseconds(timeout_ms));
    (void)s.set_send_timeout(std::chrono::milliseconds(timeout_ms));
}

namespace {
net::result<net::socket> open(const net::address& server, net::transport kind, int timeout_ms) {
    net::result<net::socket> created = net::socket::create(server.family(), kind);
    if (!created) return created.error();
    set_timeouts(created.value(), timeout_ms);
    // For UDP, connect() only fixes the peer: recv() then takes datagrams from the server alone.
    if (net::result<void> connected = created.value().connect(server); !connected) return connected.error();
    return created;
}
}  // namespace

net::result<net::socket> open_tcp(const net::address& server, int timeout_ms) {
    return open(server, net::tcp, timeout_ms);
}
net::result<net::socket> open_udp(const net::address& server, int timeout_ms) {
    return open(server, net::udp, timeout_ms);
}

bool receive_exact(net::socket& s, std::string_view want, std::string& got, tally& t) {
    // TCP may deliver the reply in pieces: recv_exactly reads until all of it is here.
    net::result<std::string> reply = s.recv_exactly(want.size());
    if (!reply) {
        report_error(t, reply.error());
        return false;
    }
    got = std::move(reply.value());
    if (got != want) {
        report_error(t, "wrong reply: sent for '" + std::string(want) + "', got '" + got + "'");
        return false;
    }
    return true;
}

bool receive_eof(net::socket& s, tally& t) {
    char extra[512];
    net::result<std::size_t> n = s.recv(extra, sizeof extra);
    if (!n) {
        report_error(t, n.error());
        return false;
    }
    if (n.value() != 0) {
        report_error(t, std::to_string(n.value()) + " unexpected bytes after the last reply");
        return false;
    }
    return true;
}

void record(tally& t, clock::time_point started, std::size_t bytes) {
    const auto elapsed = clock::now() - started;
    t.latency_ns.push_back(static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count()));
    ++t.requests;
    t.bytes += bytes;
    ++answered;
}

}  // namespace bench
