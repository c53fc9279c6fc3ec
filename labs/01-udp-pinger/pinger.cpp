// pinger.cpp - lab 01: a UDP ping client. Your work goes in the TODO blocks;
// README.md (next to this file) explains each task.
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
    // TODO (task 1): return std::nullopt unless `text` is made of digits only
    // and its value is from 1 to 65535 ("", "abc", "12x", "0" and "70000" are
    // all wrong). Then parse_arguments() below says so and exits with status 2.
    //
    // As it is, atoi() turns "abc" into 0, and the cast turns 70000 into 4464
    // (70000 - 65536): the pings would quietly go to the wrong port.
    return static_cast<std::uint16_t>(std::atoi(text.c_str()));
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
//   jitter = 0.031 ms                                 (task 5: README.md says what it is, and when)
void print_summary(const std::string& host, int transmitted, const std::vector<double>& rtts) {
    std::printf("--- %s ping statistics ---\n", host.c_str());

    // TODO (task 4): the two lines after the heading.
    //   - received: how many RTTs there are (one per reply)
    //   - loss: (transmitted - received) * 100 / transmitted, a whole number
    //   - "%d packets transmitted, %d received, %d%% packet loss\n"  (%% prints one %)
    //   - only if at least one reply came: the smallest, the average and the
    //     largest RTT, "rtt min/avg/max = %.3f/%.3f/%.3f ms\n"
    (void)transmitted;  // "not used yet, on purpose": delete these two lines when you use them
    (void)rtts;

    // TODO (task 5): the jitter line, as README.md defines it.

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
        // TODO (task 2): send ping number seq, and remember when.
        //   clientSocket.sendto(message, (serverName, serverPort)) in the lecture;
        //   here: clientSocket.sendto(ping_message(seq), server)
        //   - note the time first:  const steady::time_point sent_at = steady::now();
        //   - sendto returns a net::result: if (!sent) fail(sent.error());

        // TODO (task 3): wait for the reply to this ping, at most until one
        // second (reply_wait) after it was sent.
        //   modifiedMessage, serverAddress = clientSocket.recvfrom(2048) in the lecture;
        //   here: clientSocket.recvfrom(buffer.data(), buffer.size())
        //   - before each recvfrom, clientSocket.set_receive_timeout(what is left of the second),
        //     e.g. std::chrono::ceil<std::chrono::milliseconds>(deadline - steady::now());
        //     it returns a net::result<void> too: if (!set) fail(set.error());
        //   - recvfrom failed with std::errc::timed_out: print_timeout(seq), next ping
        //   - reply_seq(...) == seq: the RTT in ms is
        //       std::chrono::duration<double, std::milli>(steady::now() - sent_at).count()
        //     keep it in rtts and print_reply(serverAddress, seq, rtt)
        //   - anything else is a late reply to an earlier ping: ignore it and
        //     recvfrom again, with what is left of the second
        (void)reply_wait;  // "not used yet, on purpose" for the compiler: delete this line when you use it
    }

    print_summary(args.host, ping_count, rtts);
    return 0;  // clientSocket.close(): the socket closes itself here
}
