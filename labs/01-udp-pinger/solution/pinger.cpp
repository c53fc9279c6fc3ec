// pinger.cpp - lab 01: a UDP ping client (the reference solution).
//
// Ten times: send "Ping <seq> <time>" to a UDP server with sendto(), wait at
// most one second for the reply with recvfrom(), and print the round-trip
// time, or "Request timed out" when no reply came. Then a summary, like the
// system's own ping command.
//
// It is the lecture's UDPClient.py, grown up:
//
//   clientSocket = socket(AF_INET, SOCK_DGRAM)      net::socket::create(family, net::udp)
//   clientSocket.sendto(message,                    clientSocket.sendto(message, server)
//                       (serverName, serverPort))
//   modifiedMessage, serverAddress =                clientSocket.recvfrom(buffer, size)
//       clientSocket.recvfrom(2048)
//   (nothing: the lecture waits for ever)           clientSocket.set_receive_timeout(...)
//
// usage: pinger [--trace] HOST PORT
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/net.hpp"

using steady = std::chrono::steady_clock;

// How many pings, and how long to wait for each reply.
constexpr int ping_count = 10;
constexpr std::chrono::milliseconds reply_wait{1000};

// ---------------------------------------------------------------- the command line (task 1)

struct arguments {
    std::string host;
    std::uint16_t port = 0;
    bool trace = false;
};

const char* const usage_line = "usage: pinger [--trace] HOST PORT";

// A wrong command line: say what is wrong, show the usage, exit status 2.
[[noreturn]] void usage_error(const std::string& problem) {
    std::fprintf(stderr, "pinger: %s\n%s\n", problem.c_str(), usage_line);
    std::exit(2);
}

// A failure at run time (host not found, ...): one line that names the call, exit status 1.
[[noreturn]] void fail(const net::error& failure) {
    std::fflush(stdout);
    std::fprintf(stderr, "pinger: %s\n", failure.message().c_str());
    std::exit(1);
}

// The port: a whole number from 1 to 65535, nothing else.
std::optional<std::uint16_t> parse_port(const std::string& text) {
    if (text.empty() || text.size() > 5) return std::nullopt;  // "" or far too many digits
    unsigned value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;  // "12x", "-5", "1.5"
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value < 1 || value > 65535) return std::nullopt;  // port 0 means "any port": no server has it
    return static_cast<std::uint16_t>(value);
}

arguments parse_arguments(int argc, char* argv[]) {
    arguments args;
    std::vector<std::string> words;
    for (int i = 1; i < argc; ++i) {
        const std::string word = argv[i];
        if (word == "--help" || word == "-h") {
            std::printf("%s\n\nSends ten UDP pings to HOST PORT and prints the round-trip times.\n", usage_line);
            std::exit(0);
        }
        if (word == "--trace") {
            args.trace = true;
        } else if (word.size() > 1 && word[0] == '-') {
            usage_error("unknown option '" + word + "'");
        } else {
            words.push_back(word);
        }
    }
    if (words.size() != 2) usage_error("expected HOST and PORT, got " + std::to_string(words.size()) + " argument(s)");
    args.host = words[0];
    std::optional<std::uint16_t> port = parse_port(words[1]);
    if (!port) usage_error("invalid port '" + words[1] + "' (a whole number from 1 to 65535)");
    args.port = *port;
    return args;
}

// ---------------------------------------------------------------- the messages

// "Ping 3 1718031234.123456": the sequence number, then the time the ping is
// sent, in seconds since 1 January 1970 (UTC) with exactly six digits of
// microseconds after the dot.
std::string ping_message(int seq) {
    const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
    const long long micros = std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count();
    char text[64];
    std::snprintf(text, sizeof text, "Ping %d %lld.%06lld", seq, micros / 1000000, micros % 1000000);
    return text;
}

// The sequence number in a reply: the server sends our ping back in upper
// case, "PING 3 1718031234.123456", so the number is the second word.
// Nothing when the datagram is not such a reply.
std::optional<int> reply_seq(std::string_view reply) {
    const std::string_view start = "PING ";
    if (reply.substr(0, start.size()) != start) return std::nullopt;
    reply.remove_prefix(start.size());
    int seq = 0;
    std::size_t digits = 0;
    while (digits < reply.size() && digits < 9 && reply[digits] >= '0' && reply[digits] <= '9') {
        seq = seq * 10 + (reply[digits] - '0');
        ++digits;
    }
    if (digits == 0 || (digits < reply.size() && reply[digits] != ' ')) return std::nullopt;
    return seq;
}

// ---------------------------------------------------------------- the output

// "Reply from 127.0.0.1:12000: seq=3 rtt=0.082 ms"
void print_reply(const net::address& from, int seq, double rtt_ms) {
    std::printf("Reply from %s: seq=%d rtt=%.3f ms\n", from.to_string().c_str(), seq, rtt_ms);
    std::fflush(stdout);  // show each line as it happens, also when stdout is a pipe
}

// "Request timed out: seq=4"
void print_timeout(int seq) {
    std::printf("Request timed out: seq=%d\n", seq);
    std::fflush(stdout);
}

// The summary (tasks 4 and 5):
//   --- 127.0.0.1 ping statistics ---
//   10 packets transmitted, 7 received, 30% packet loss
//   rtt min/avg/max = 0.052/0.081/0.134 ms           (only when at least one reply came)
//   jitter = 0.031 ms                                 (only when at least two replies came)
void print_summary(const std::string& host, int transmitted, const std::vector<double>& rtts) {
    std::printf("--- %s ping statistics ---\n", host.c_str());
    const int received = static_cast<int>(rtts.size());
    const long loss = std::lround(100.0 * (transmitted - received) / transmitted);
    std::printf("%d packets transmitted, %d received, %ld%% packet loss\n", transmitted, received, loss);
    if (!rtts.empty()) {
        double min = rtts.front(), max = rtts.front(), sum = 0.0;
        for (double rtt : rtts) {
            if (rtt < min) min = rtt;
            if (rtt > max) max = rtt;
            sum += rtt;
        }
        std::printf("rtt min/avg/max = %.3f/%.3f/%.3f ms\n", min, sum / received, max);
    }
    // Task 5: how much the RTT changes from one reply to the next, on average.
    // Lost pings have no RTT: the replies on either side of them are neighbours.
    if (rtts.size() >= 2) {
        double change = 0.0;
        for (std::size_t i = 1; i < rtts.size(); ++i) change += std::abs(rtts[i] - rtts[i - 1]);
        std::printf("jitter = %.3f ms\n", change / static_cast<double>(rtts.size() - 1));
    }
    std::fflush(stdout);
}

// ---------------------------------------------------------------- main

int main(int argc, char* argv[]) {
    const arguments args = parse_arguments(argc, argv);
    net::set_trace(args.trace);  // --trace: every socket call on stderr

    // (serverName, serverPort): look the name up once; its first address will do.
    net::result<std::vector<net::address>> found = net::resolve(args.host, args.port, net::udp);
    if (!found) fail(found.error());
    const net::address server = found.value().front();

    // clientSocket = socket(AF_INET, SOCK_DGRAM), of the server's family (IPv4 or IPv6)
    net::result<net::socket> created = net::socket::create(server.family(), net::udp);
    if (!created) fail(created.error());
    net::socket clientSocket = std::move(created.value());

    std::vector<char> buffer(65536);  // room for the largest datagram there is
    std::vector<double> rtts;         // the round-trip time of every reply, in ms

    for (int seq = 1; seq <= ping_count; ++seq) {
        // Task 2: send ping number seq, and remember when.
        // clientSocket.sendto(message, (serverName, serverPort))
        const steady::time_point sent_at = steady::now();
        net::result<std::size_t> sent = clientSocket.sendto(ping_message(seq), server);
        if (!sent) fail(sent.error());

        // Task 3: wait for the reply to this ping, until one second after it was sent.
        // modifiedMessage, serverAddress = clientSocket.recvfrom(2048)
        const steady::time_point deadline = sent_at + reply_wait;
        bool answered = false;
        while (!answered) {
            // Only what is left of the second: a late reply to an earlier ping
            // that we ignored must not buy this ping more time.
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - steady::now());
            if (left <= std::chrono::milliseconds::zero()) break;
            if (net::result<void> set = clientSocket.set_receive_timeout(left); !set) fail(set.error());

            auto received = clientSocket.recvfrom(buffer.data(), buffer.size());
            if (!received) {
                if (received.error().code == std::errc::timed_out) break;  // the second is over
                fail(received.error());
            }
            auto [size, serverAddress] = received.value();
            // A late reply to an earlier ping (or anything else) is not the
            // reply to this one: drop it and keep waiting.
            if (reply_seq({buffer.data(), size}) != seq) continue;

            const double rtt = std::chrono::duration<double, std::milli>(steady::now() - sent_at).count();
            rtts.push_back(rtt);
            print_reply(serverAddress, seq, rtt);
            answered = true;
        }
        if (!answered) print_timeout(seq);  // UDP never tells us why: the ping or its reply is gone
    }

    print_summary(args.host, ping_count, rtts);
    return 0;  // clientSocket.close(): the socket closes itself here
}
