// child.hpp - start a program under test, talk to it through its standard
// streams, and always end it.
//
// Every wait here has a deadline: a program that hangs makes the test fail
// with a message instead of hanging the suite. A `child` that goes out of
// scope (test passed, failed or threw) is killed and reaped, so no test
// leaves a server running behind it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace proc {

using clock = std::chrono::steady_clock;

// How long one wait (a ready line, a reply, an exit) may take before the test
// fails. Generous, so that a loaded machine running sanitized binaries still
// passes, yet short enough that a hang is reported within seconds.
inline constexpr std::chrono::seconds patience{10};

// Where the programs under test are: $BIN (the Makefile sets it), else "bin".
std::string bin_dir();
// bin_dir() + "/" + name + $EXE (".exe" when testing the Windows build).
std::string program(const std::string& name);
// The launcher the programs under test run through, from $RUNNER: "wine"
// for the Windows build. Nothing for native programs.
std::optional<std::string> runner();
// The signals that end a server cleanly: SIGINT (Ctrl-C) everywhere, and
// SIGTERM where there is such a thing (not for Windows programs).
std::vector<int> stop_signals();
// The lecture's Python programs: $LECTURE_DIR, else "tests/lecture".
std::string lecture_dir();
// The full path of an executable found in $PATH, if there is one.
std::optional<std::string> find_in_path(const std::string& name);

// What the child gets as standard input.
enum class input {
    pipe,      // the test writes to it (write_input / close_input / pump)
    terminal,  // a pseudo-terminal, so the program sees isatty(0)
};

struct options {
    input stdin_kind = input::pipe;
    // Added to (or replacing entries of) the test's own environment.
    std::vector<std::pair<std::string, std::string>> environment{};
    // stderr: a file the test reads (error_text), or a pipe that nobody
    // reads, which fills up: a program must not stop for its log.
    bool stderr_unread_pipe = false;
};

// How a process ended.
struct ending {
    int code = -1;   // exit status, -1 when killed by a signal
    int signal = 0;  // the signal that killed it, 0 when it exited
    std::string describe() const;  // "exit status 1", "killed by signal 11"
};

class child {
public:
    // Starts argv[0] (a path, or a name looked up in $PATH) with argv as its
    // arguments. stdout is a pipe read by the test; stderr goes to an unlinked
    // temporary file, so a chatty program can never block on it.
    explicit child(std::vector<std::string> argv, options opts = {});
    ~child();  // kills (SIGKILL) and reaps the process if it is still running
    child(child&& other) noexcept;
    child& operator=(child&&) = delete;
    child(const child&) = delete;
    child& operator=(const child&) = delete;

    pid_t pid() const { return pid_; }
    // The command line, for messages.
    const std::string& command() const { return command_; }

    // Standard input (a pipe, or the terminal's master side).
    void write_input(std::string_view data);
    void close_input();

    // Standard output. Each fails the test after `patience` without the
    // awaited data, or when the output ends first.
    std::string read_line();                            // without its '\n'
    std::string read_until(std::string_view marker);    // up to and including marker
    std::string read_to_end();                          // until the child closes stdout
    // The next line, or nothing when stdout ends first (a program that could
    // not start, say); fails the test only after `patience`.
    std::optional<std::string> read_line_or_end();
    // Stops reading: the child's next write to stdout fails (SIGPIPE, EPIPE),
    // as when its output goes to `head -c1`.
    void close_output();

    // Writes all of `input` to stdin and then closes it, while handing every
    // piece of stdout to `sink` as it comes, until stdout ends. Reading and
    // writing at once is what keeps a filter program from deadlocking. Fails
    // the test when neither side moves for `stall`.
    void pump(std::string_view input, const std::function<void(std::string_view)>& sink,
              std::chrono::milliseconds stall = patience);

    // Waiting for the end. wait() fails the test after `limit`.
    ending wait(clock::duration limit = patience);
    std::optional<ending> wait_for(clock::duration limit);  // nothing if still running then
    bool running();
    void send_signal(int signal_number);

    // Everything written to stderr so far, and the same split into lines.
    std::string error_text() const;
    std::vector<std::string> error_lines() const;

private:
    enum class got { data, end, timeout };
    got read_some(clock::time_point deadline);
    [[noreturn]] void fail_waiting(const std::string& what) const;

    pid_t pid_ = -1;
    std::string command_;
    int stdin_fd_ = -1;   // pipe write end or terminal master
    int stdout_fd_ = -1;  // pipe read end
    int stderr_fd_ = -1;  // unlinked temporary file, or the unread pipe's read end
    bool stderr_is_file_ = true;
    bool terminal_ = false;
    std::string pending_;  // stdout read but not yet handed out
    std::optional<ending> ended_;
};

// A program run from start to end: its input written, its output collected.
struct outcome {
    ending end;
    std::string out;
    std::string err;
    std::chrono::milliseconds elapsed{};
    std::vector<std::string> error_lines() const;
    std::string describe() const;  // for INFO(): status, stdout and stderr
};
outcome run(std::vector<std::string> argv, std::string_view input = {}, options opts = {});

// A server that has printed its ready line.
struct server {
    child process;
    std::uint16_t port = 0;
};
// Starts argv and reads the first stdout line, which must be
// "The server is ready to receive on port N".
server start_ready(std::vector<std::string> argv, options opts = {});
// start_ready({program(name), "--port", "0", extra...}).
server start_server(const std::string& name, std::vector<std::string> extra = {});
// The N of "The server is ready to receive on port N", if the line is that.
std::optional<std::uint16_t> ready_port(const std::string& line);

// Lines of a text, without their '\n'; a final line without '\n' counts too.
std::vector<std::string> split_lines(const std::string& text);
// Whether `line` holds a digit outside every one of `allowed` (the port, an
// address): a raw errno number would be such a digit.
bool has_stray_number(std::string line, const std::vector<std::string>& allowed);
// Bytes for messages: printable ASCII as is, the rest as \xHH, cut to `limit`.
std::string printable(std::string_view bytes, std::size_t limit = 200);

}  // namespace proc
