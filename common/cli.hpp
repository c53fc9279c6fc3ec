// cli.hpp - command lines, usage, exit codes and log lines, shared by every program.
//
// The conventions (see DESIGN.md):
//   --help            usage on stdout, exit 0
//   a bad argument    one line naming the problem + the usage line on stderr, exit 2
//   a run-time error  one line naming the call, the address and the likely cause, exit 1
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "net.hpp"

namespace cli {

enum exit_code { success = 0, runtime_failure = 1, usage_error = 2 };

inline constexpr std::uint16_t default_port = 12000;

struct server_options {
    std::string host;                  // empty: all interfaces
    std::uint16_t port = default_port; // 0: the system picks a free port
    bool quiet = false;                // -q: no per-client log lines
    bool trace = false;
    int backlog = 1;                   // listen(1), as in the lecture (program::default_backlog)
    double loss = 0.0;                 // udp_server: fraction of datagrams dropped
    std::uint64_t seed = 1;            // udp_server: makes the losses reproducible
    int max_clients = 1024;            // tcp_server_threaded
};

struct client_options {
    std::string host = "localhost";
    std::uint16_t port = default_port;
    std::vector<std::string> messages; // -m TEXT
    bool interactive = false;          // tcp_client -i
    int timeout_ms = 1000;             // udp_client
    int retries = 3;                   // udp_client
    bool trace = false;
};

// Which of the optional switches a program takes, and what it says about itself.
struct program {
    const char* name;
    const char* summary;     // one sentence for --help
    bool backlog = false;
    int default_backlog = 1;
    bool loss = false;
    bool max_clients = false;
    bool many_messages = false;  // -m may be repeated
    bool interactive = false;    // -i
    bool retries = false;        // --timeout / --retries
};

// The result of parsing without side effects (for tests): either options, or
// help was asked for, or an error message.
template <class Options>
struct parsed {
    Options options;
    bool help = false;
    std::string error;  // empty when all is well
};

parsed<server_options> parse_server_args(const program& spec, const std::vector<std::string>& args);
parsed<client_options> parse_client_args(const program& spec, const std::vector<std::string>& args);
std::string usage_line(const program& spec, bool server);
std::string help_text(const program& spec, bool server);

// What main() calls: parse, and on --help or a bad argument print and exit.
// Also turns on --trace and sets the program's name for messages.
server_options parse_server(const program& spec, int argc, char* argv[]);
client_options parse_client(const program& spec, int argc, char* argv[]);

// The one place a program reports a failure: "tcp_client: connect to
// 127.0.0.1:12000: connection refused (is the server running ...?)", exit 1.
[[noreturn]] void fail(const net::error& failure);
[[noreturn]] void fail(const std::string& message);

template <class T>
T check(net::result<T> r) {
    if (!r) fail(r.error());
    return std::move(r).value();
}
inline void check(net::result<void> r) {
    if (!r) fail(r.error());
}

// Servers: print the ready line with the real port, flushed at once.
// (parse_server() has already set up Ctrl-C handling.)
void announce_ready(const net::socket& serverSocket);
// Per-client log lines on stderr, unless -q. Safe to call from many threads.
void set_quiet(bool quiet);
bool logging();  // false with -q: no need to even put a log line together
void log(const std::string& line);
// Whole lines and raw bytes on stdout.
void print_line(const std::string& text);
void write_out(const char* data, std::size_t size);
// Reads one line from stdin without its line ending; nothing at end of input.
std::optional<std::string> read_line();
// The lecture's prompt when stdin is a terminal.
std::optional<std::string> prompt(const char* question);

}  // namespace cli
