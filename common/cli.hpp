// cli.hpp - command lines, usage, exit codes and log lines, shared by every program.
//
// The conventions every program keeps:
//   --help            usage on stdout, exit 0
//   a bad argument    one line naming the problem + the usage line on stderr, exit 2
//   a run-time error  one line naming the call, the address and the likely cause, exit 1
//
// Each program lists its options once, in a table, and that table drives the
// parsing, the usage line and --help:
//
//     std::uint16_t serverPort = cli::default_port;
//     cli::parse(argc, argv, {"udp_server", "Receives UDP datagrams ...",
//                             {cli::port(serverPort), cli::quiet(), cli::trace()}});
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "net.hpp"

namespace cli {

enum exit_code { success = 0, runtime_failure = 1, usage_error = 2 };

inline constexpr std::uint16_t default_port = 12000;

// One entry of a program's table: how it is written, what it takes, what it
// means, and what to do with its value.
struct option {
    std::string names;  // "--port", "-m, --message"; for a positional argument its name: "HOST"
    std::string value;  // what it takes, "PORT"; empty for a switch such as -q
    std::string help;   // one line for --help
    // Stores the value (a switch gets ""); returns what is wrong with it, or "".
    std::function<std::string(const std::string& value)> take;
    bool repeatable = false;  // -m TEXT -m TEXT ...
    bool positional = false;  // HOST [PORT]: taken in order, each optional
};

struct program {
    std::string name;
    std::string summary;  // one sentence for --help
    std::vector<option> options;
    std::string notes{};  // more lines for --help, after the options
    // After parsing: what is wrong with the combination of options, or "".
    std::function<std::string()> check{};
};

// The table's usual entries.
option host(std::string& host);             // --host HOST (servers; empty: all interfaces)
option port(std::uint16_t& port);           // --port PORT, 0 for any free port
option quiet();                             // -q: no log line per client
option trace();                             // --trace: every socket call on stderr
option flag(const std::string& names, const std::string& help, bool& on);
option text(const std::string& names, const std::string& value, const std::string& help, std::string& out);
option texts(const std::string& names, const std::string& value, const std::string& help,
             std::vector<std::string>& out);  // may be repeated
option fraction(const std::string& names, const std::string& value, const std::string& help, double& out);
option host_argument(std::string& host);     // a client's positional HOST
option port_argument(std::uint16_t& port);   // and PORT

// A whole number from min to max: "12x", "", "-1" and overflow are errors.
std::optional<std::uint64_t> parse_whole(const std::string& text, std::uint64_t min, std::uint64_t max);
std::string invalid_number(const std::string& names, const std::string& text, std::uint64_t min, std::uint64_t max);
template <class Int>
option whole(const std::string& names, const std::string& value, const std::string& help, std::uint64_t min,
             std::uint64_t max, Int& out) {
    return {names, value, help, [=, &out](const std::string& text) {
                std::optional<std::uint64_t> number = parse_whole(text, min, max);
                if (!number) return invalid_number(names, text, min, max);
                out = static_cast<Int>(*number);
                return std::string();
            }};
}

// Parsing, with no side effect but the table's own (for tests): "" when all
// is well, else the problem; help is set by -h or --help.
struct parsed {
    bool help = false;
    std::string error;
};
parsed parse_args(const program& spec, const std::vector<std::string>& args);
std::string usage_line(const program& spec);
std::string help_text(const program& spec);

// What main() calls first: parse the command line; on --help print the help
// and exit 0, on a bad argument print the problem and the usage line and
// exit 2. Also prepares the standard streams.
void parse(int argc, char* argv[], const program& spec);

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

// Servers: the ready line with the real port, flushed at once.
void announce_ready(const net::socket& serverSocket);

// Per-client log lines on stderr, unless -q. The pieces are put together
// only when the line is written: with -q a log line costs nothing.
//     cli::log("connected ", clientAddress, " (", active, " active)");
void set_quiet(bool quiet);
bool is_quiet();
void write_log(const std::string& line);  // thread-safe, one line at a time
// What write_log writes of a line: the bytes a client sent are quoted in log
// lines (a refused request, a peer's id), and the terminal that shows the log
// would obey some of them (ESC starts a command: retitle the window, clear the
// screen), so every control character and every byte that is not UTF-8 is
// written as \xNN. Printable text, UTF-8 included, stays as it is. At most
// max_log_line bytes, never cut inside a character or a \xNN.
inline constexpr std::size_t max_log_line = 4000;  // with its '\n', one write a pipe takes whole
std::string log_text(std::string_view line);
inline void append(std::string& line, std::string_view piece) { line += piece; }
inline void append(std::string& line, const net::address& a) { line += a.to_string(); }
inline void append(std::string& line, const net::error& e) { line += e.message(); }
template <class Number, class = std::enable_if_t<std::is_arithmetic_v<Number>>>
void append(std::string& line, Number n) {
    line += std::to_string(n);
}
template <class... Pieces>
void log(const Pieces&... pieces) {
    if (is_quiet()) return;
    std::string line;
    (append(line, pieces), ...);
    write_log(line);
}

// Whole lines and raw bytes on stdout; flush_out() sends what is buffered.
// A write that fails (a full disk, a closed pipe) is a run-time failure.
void print_line(std::string_view text);
void write_out(std::string_view bytes);
void flush_out();
// Reads one line from stdin without its line ending; nothing at end of input.
std::optional<std::string> read_line();
// The lecture's prompt when stdin is a terminal.
std::optional<std::string> prompt(const char* question);
// Is stdin a terminal (someone typing), not a pipe or a file?
bool stdin_is_terminal();

}  // namespace cli
