// loadgen.hpp - what the load generator's modes share: options, tallies, checks.
//
// Every mode sends lowercase ASCII and checks that each reply is, byte for
// byte, text::upper() of what it sent. A wrong, short, late or missing reply
// is an error that is counted and printed, never skipped.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "../common/net.hpp"

namespace bench {

using clock = std::chrono::steady_clock;

struct options {
    std::string mode;                  // udp, tcp-conn, tcp-session, tcp-hold, tcp-bulk
    std::string host = "127.0.0.1";    // loopback only: the benchmark never leaves the machine
    std::uint16_t port = 0;
    std::uint64_t requests = 10000;    // per client thread (udp, tcp-conn, tcp-session)
    int clients = 1;                   // client threads
    int connections = 100;             // tcp-hold: connections held open at once
    int rounds = 10;                   // tcp-hold: exchanges on each held connection
    std::uint64_t bytes = 256ull << 20;// tcp-bulk: bytes to stream
    std::size_t size = 64;             // bytes per request
    int timeout_ms = 5000;             // one recv/send/connect may wait this long
    int deadline_s = 120;              // the whole run may take this long
    bool pause = false;                // tcp-hold: wait for a line on stdin before closing
};

// What one client thread measured.
struct tally {
    std::uint64_t requests = 0;        // answered correctly
    std::uint64_t errors = 0;          // failed or answered wrongly
    std::uint64_t bytes = 0;           // payload bytes verified
    std::uint64_t held = 0;            // tcp-hold: connections open and answered at once
    std::vector<std::uint64_t> latency_ns;
    clock::time_point began{}, ended{};// when this thread's measured work started and ended
};

// Progress seen by the watchdog, which reports them if the run overruns.
extern std::atomic<std::uint64_t> answered;
extern std::atomic<std::uint64_t> failed;

// Counts an error in `t` and prints its description (the first few only, so a
// broken server cannot flood the terminal; the count is always complete).
void report_error(tally& t, const std::string& what);
void report_error(tally& t, const net::error& failure);

// A lowercase message of `size` bytes whose first bytes spell `tag` in
// letters, so a reply to the wrong request can never pass the check.
std::string make_message(std::size_t size, std::uint64_t tag);

// socket() + connect() to the server, with send/receive/connect timeouts.
net::result<net::socket> open_tcp(const net::address& server, int timeout_ms);
net::result<net::socket> open_udp(const net::address& server, int timeout_ms);
// Receive and send timeouts: a silent server is an error, not a hang.
void set_timeouts(net::socket& s, int timeout_ms);

// recv() exactly want.size() bytes (or until EOF / error) and compare them
// with `want`; true when the reply is exactly right.
bool receive_exact(net::socket& s, std::string_view want, std::string& got, tally& t);
// recv() until the peer closes; true when nothing arrived (a clean EOF).
bool receive_eof(net::socket& s, tally& t);

void record(tally& t, clock::time_point started, std::size_t bytes);

// The modes. Each returns one tally per client thread.
std::vector<tally> run_udp(const options& o, const net::address& server);
std::vector<tally> run_tcp_conn(const options& o, const net::address& server);
std::vector<tally> run_tcp_session(const options& o, const net::address& server);
std::vector<tally> run_tcp_hold(const options& o, const net::address& server);
std::vector<tally> run_tcp_bulk(const options& o, const net::address& server);

}  // namespace bench
