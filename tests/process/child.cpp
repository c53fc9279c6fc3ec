// child.cpp - POSIX process plumbing for the process-level tests.
#include "child.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace proc {

namespace {

// Writing to a child that has already ended must be an error we can see
// (EPIPE), not a SIGPIPE that kills the whole test run. Children get the
// default disposition back when they start (see spawn_attributes).
struct ignore_sigpipe {
    ignore_sigpipe() { ::signal(SIGPIPE, SIG_IGN); }
} const sigpipe_ignored;

std::string errno_text(int code) { return std::strerror(code); }

int remaining_ms(clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
    if (left <= 0) return 0;
    return left > 1000000 ? 1000000 : static_cast<int>(left) + 1;
}

// poll() one descriptor until `deadline`; true when it is ready.
bool poll_one(int fd, short events, clock::time_point deadline) {
    while (true) {
        pollfd p{fd, events, 0};
        int rc = ::poll(&p, 1, remaining_ms(deadline));
        if (rc > 0) return true;
        if (rc == 0) return false;
        if (errno != EINTR) return false;
    }
}

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

ending decode(int status) {
    ending e;
    if (WIFEXITED(status)) e.code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status)) e.signal = WTERMSIG(status);
    return e;
}

std::string join(const std::vector<std::string>& argv) {
    std::string text;
    for (const std::string& a : argv) {
        if (!text.empty()) text += ' ';
        const bool plain = !a.empty() && std::all_of(a.begin(), a.end(), [](unsigned char c) {
            return std::isalnum(c) || std::strchr("-_./:=", c) != nullptr;
        });
        text += plain ? a : "'" + printable(a, 60) + "'";
    }
    return text;
}

// The environment for the child: ours, with `changes` applied.
std::vector<std::string> environment_with(const std::vector<std::pair<std::string, std::string>>& changes) {
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e) {
        std::string entry = *e;
        const std::string key = entry.substr(0, entry.find('='));
        const bool replaced = std::any_of(changes.begin(), changes.end(), [&](const auto& c) { return c.first == key; });
        if (!replaced) env.push_back(entry);
    }
    for (const auto& [key, value] : changes) env.push_back(key + "=" + value);
    return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (std::string& s : strings) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

// A pipe whose ends are not inherited by any other child we start.
void make_pipe(int fds[2]) {
    if (::pipe2(fds, O_CLOEXEC) != 0) FAIL("pipe2: " << errno_text(errno));
}

}  // namespace

// ------------------------------------------------------------------ locations
std::string bin_dir() {
    const char* bin = std::getenv("BIN");
    return bin != nullptr && *bin != '\0' ? bin : "bin";
}

std::string program(const std::string& name) {
    const char* suffix = std::getenv("EXE");  // ".exe" for the Windows build
    return bin_dir() + "/" + name + (suffix != nullptr ? suffix : "");
}

std::optional<std::string> runner() {
    const char* launcher = std::getenv("RUNNER");
    if (launcher == nullptr || *launcher == '\0') return std::nullopt;
    return std::string(launcher);
}

std::string lecture_dir() {
    const char* dir = std::getenv("LECTURE_DIR");
    return dir != nullptr && *dir != '\0' ? dir : "tests/lecture";
}

std::vector<int> stop_signals() {
    if (runner()) return {SIGINT};  // Wine turns SIGINT into Ctrl-C; Windows has no SIGTERM
    return {SIGINT, SIGTERM};
}

std::optional<std::string> find_in_path(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= dirs.size()) {
        std::size_t end = dirs.find(':', start);
        if (end == std::string::npos) end = dirs.size();
        std::string dir = dirs.substr(start, end - start);
        if (dir.empty()) dir = ".";
        const std::string candidate = dir + "/" + name;
        struct stat info {};
        if (::stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
            return candidate;
        start = end + 1;
    }
    return std::nullopt;
}

// ------------------------------------------------------------------ ending
std::string ending::describe() const {
    if (signal != 0) return "killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
    return "exit status " + std::to_string(code);
}

// ------------------------------------------------------------------ child
child::child(std::vector<std::string> argv, options opts) : command_(join(argv)) {
    REQUIRE_MESSAGE(!argv.empty(), "no program to start");
    // The programs under test may need a launcher (RUNNER=wine for Windows .exe files).
    if (auto launcher = runner(); launcher && argv[0].rfind(bin_dir() + "/", 0) == 0) argv.insert(argv.begin(), *launcher);
    int in[2] = {-1, -1};
    int out[2] = {-1, -1};
    make_pipe(out);
    int child_stdin = -1;
    if (opts.stdin_kind == input::terminal) {
        // A pseudo-terminal: the program reads from the slave side and sees a
        // terminal; the test types into the master side.
        int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0)
            FAIL("cannot open a pseudo-terminal: " << errno_text(errno));
        char name[128];
        if (::ptsname_r(master, name, sizeof name) != 0) FAIL("ptsname_r: " << errno_text(errno));
        child_stdin = ::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (child_stdin < 0) FAIL("cannot open " << name << ": " << errno_text(errno));
        in[1] = master;
        terminal_ = true;
    } else {
        make_pipe(in);
        child_stdin = in[0];
    }

    int child_stderr;
    if (opts.stderr_unread_pipe) {
        int err[2];
        make_pipe(err);
        stderr_fd_ = err[0];  // kept open, never read: the pipe fills up
        child_stderr = err[1];
    } else {
        char temp_name[] = "/tmp/process_tests_stderr_XXXXXX";
        stderr_fd_ = ::mkostemp(temp_name, O_CLOEXEC);
        if (stderr_fd_ < 0) FAIL("mkostemp: " << errno_text(errno));
        ::unlink(temp_name);  // gone when the last descriptor closes
        child_stderr = stderr_fd_;
    }
    stderr_is_file_ = !opts.stderr_unread_pipe;

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, child_stdin, STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, child_stderr, STDERR_FILENO);

    // The program starts with default signal handling and nothing blocked,
    // whatever the test process itself has set.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t defaults;
    sigemptyset(&defaults);
    for (int s : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD}) sigaddset(&defaults, s);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

    std::vector<std::string> env = environment_with(opts.environment);
    std::vector<char*> env_pointers = pointers(env);
    std::vector<char*> arg_pointers = pointers(argv);
    const bool search = argv[0].find('/') == std::string::npos;
    int rc = search ? ::posix_spawnp(&pid_, argv[0].c_str(), &actions, &attributes, arg_pointers.data(),
                                     env_pointers.data())
                    : ::posix_spawn(&pid_, argv[0].c_str(), &actions, &attributes, arg_pointers.data(),
                                    env_pointers.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);

    // The child has its copies; the parent keeps only its own ends.
    ::close(child_stdin);
    ::close(out[1]);
    if (!stderr_is_file_) ::close(child_stderr);
    stdin_fd_ = in[1];
    stdout_fd_ = out[0];
    if (rc != 0) {
        pid_ = -1;
        close_fd(stdin_fd_);
        close_fd(stdout_fd_);
        close_fd(stderr_fd_);
        FAIL("cannot start " << command_ << ": " << errno_text(rc));
    }
    set_nonblocking(stdout_fd_);
    set_nonblocking(stdin_fd_);
}

child::child(child&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      command_(std::move(other.command_)),
      stdin_fd_(std::exchange(other.stdin_fd_, -1)),
      stdout_fd_(std::exchange(other.stdout_fd_, -1)),
      stderr_fd_(std::exchange(other.stderr_fd_, -1)),
      stderr_is_file_(other.stderr_is_file_),
      terminal_(other.terminal_),
      pending_(std::move(other.pending_)),
      ended_(std::move(other.ended_)) {}

child::~child() {
    if (pid_ > 0 && !ended_) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
    }
    close_fd(stdin_fd_);
    close_fd(stdout_fd_);
    close_fd(stderr_fd_);
}

void child::fail_waiting(const std::string& what) const {
    FAIL(command_ << ": " << what << "\n  stdout so far: '" << printable(pending_) << "'\n  stderr: '"
                  << printable(error_text(), 2000) << "'");
    throw std::logic_error("FAIL did not end the test");  // only with doctest's --no-throw
}

void child::write_input(std::string_view data) {
    REQUIRE_MESSAGE(stdin_fd_ >= 0, command_ << ": stdin is already closed");
    const clock::time_point deadline = clock::now() + patience;
    while (!data.empty()) {
        ssize_t n = ::write(stdin_fd_, data.data(), data.size());
        if (n > 0) {
            data.remove_prefix(static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno != EAGAIN) fail_waiting("writing to stdin failed: " + errno_text(errno));
        if (!poll_one(stdin_fd_, POLLOUT, deadline)) fail_waiting("stdin not accepting input for 10 s");
    }
}

void child::close_input() { close_fd(stdin_fd_); }

child::got child::read_some(clock::time_point deadline) {
    if (stdout_fd_ < 0) return got::end;
    while (true) {
        char buffer[65536];
        ssize_t n = ::read(stdout_fd_, buffer, sizeof buffer);
        if (n > 0) {
            pending_.append(buffer, static_cast<std::size_t>(n));
            return got::data;
        }
        if (n == 0) {
            close_fd(stdout_fd_);
            return got::end;
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN) fail_waiting("reading stdout failed: " + errno_text(errno));
        if (!poll_one(stdout_fd_, POLLIN, deadline)) return got::timeout;
    }
}

std::string child::read_until(std::string_view marker) {
    const clock::time_point deadline = clock::now() + patience;
    while (true) {
        std::size_t at = pending_.find(marker);
        if (at != std::string::npos) {
            std::string head = pending_.substr(0, at + marker.size());
            pending_.erase(0, at + marker.size());
            return head;
        }
        switch (read_some(deadline)) {
            case got::data: break;
            case got::end: fail_waiting("stdout ended before '" + printable(marker) + "'");
            case got::timeout: fail_waiting("no '" + printable(marker) + "' on stdout within 10 s");
        }
    }
}

std::optional<std::string> child::read_line_or_end() {
    const clock::time_point deadline = clock::now() + patience;
    while (true) {
        const std::size_t at = pending_.find('\n');
        if (at != std::string::npos) {
            std::string line = pending_.substr(0, at);
            pending_.erase(0, at + 1);
            return line;
        }
        switch (read_some(deadline)) {
            case got::data: break;
            case got::end: return std::nullopt;
            case got::timeout: fail_waiting("no line on stdout within 10 s");
        }
    }
}

void child::close_output() { close_fd(stdout_fd_); }

std::string child::read_line() {
    std::string line = read_until("\n");
    line.pop_back();
    return line;
}

std::string child::read_to_end() {
    const clock::time_point deadline = clock::now() + patience;
    while (true) {
        switch (read_some(deadline)) {
            case got::data: break;
            case got::end: return std::exchange(pending_, std::string());
            case got::timeout: fail_waiting("stdout still open after 10 s");
        }
    }
}

void child::pump(std::string_view input, const std::function<void(std::string_view)>& sink,
                 std::chrono::milliseconds stall) {
    if (!pending_.empty()) sink(std::exchange(pending_, std::string()));
    if (input.empty()) close_input();
    std::vector<char> buffer(1 << 20);
    clock::time_point deadline = clock::now() + stall;
    while (stdout_fd_ >= 0) {
        pollfd fds[2] = {{stdout_fd_, POLLIN, 0}, {stdin_fd_, POLLOUT, 0}};
        const nfds_t count = stdin_fd_ >= 0 ? 2 : 1;
        int rc = ::poll(fds, count, remaining_ms(deadline));
        if (rc < 0 && errno == EINTR) continue;
        if (rc < 0) fail_waiting("poll failed: " + errno_text(errno));
        if (rc == 0) {
            fail_waiting("no progress for " + std::to_string(stall.count()) + " ms with " +
                         std::to_string(input.size()) + " bytes of input still to write" +
                         (stdin_fd_ >= 0 ? "" : " (stdin closed)"));
        }
        if (count == 2 && fds[1].revents != 0) {
            ssize_t n = ::write(stdin_fd_, input.data(), std::min<std::size_t>(input.size(), 1 << 20));
            if (n > 0) {
                input.remove_prefix(static_cast<std::size_t>(n));
                deadline = clock::now() + stall;
                if (input.empty()) close_input();  // end of input: the program sees EOF
            } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
                close_input();  // the program stopped reading (EPIPE): its output tells why
            }
        }
        if (fds[0].revents != 0) {
            ssize_t n = ::read(stdout_fd_, buffer.data(), buffer.size());
            if (n > 0) {
                sink(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
                deadline = clock::now() + stall;
            } else if (n == 0) {
                close_fd(stdout_fd_);
            } else if (errno != EAGAIN && errno != EINTR) {
                fail_waiting("reading stdout failed: " + errno_text(errno));
            }
        }
    }
    close_input();
}

std::optional<ending> child::wait_for(clock::duration limit) {
    if (ended_) return ended_;
    const clock::time_point deadline = clock::now() + limit;
    while (true) {
        int status = 0;
        pid_t done = ::waitpid(pid_, &status, WNOHANG);
        if (done == pid_) {
            ended_ = decode(status);
            return ended_;
        }
        if (done < 0 && errno != EINTR) FAIL(command_ << ": waitpid: " << errno_text(errno));
        if (clock::now() >= deadline) return std::nullopt;
        // Look again shortly: a poll for the event, not a delay the test relies on.
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

ending child::wait(clock::duration limit) {
    std::optional<ending> e = wait_for(limit);
    if (!e) {
        fail_waiting("still running after " +
                     std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(limit).count()) + " ms");
    }
    return *e;
}

bool child::running() { return !wait_for(clock::duration::zero()).has_value(); }

void child::send_signal(int signal_number) {
    REQUIRE_MESSAGE(!ended_, command_ << " has already ended");
    REQUIRE_MESSAGE(::kill(pid_, signal_number) == 0, "kill: " << errno_text(errno));
}

std::string child::error_text() const {
    std::string text;
    if (stderr_fd_ < 0 || !stderr_is_file_) return text;
    char buffer[65536];
    off_t offset = 0;
    while (true) {
        ssize_t n = ::pread(stderr_fd_, buffer, sizeof buffer, offset);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        text.append(buffer, static_cast<std::size_t>(n));
        offset += n;
    }
    return text;
}

std::vector<std::string> child::error_lines() const { return split_lines(error_text()); }

// ------------------------------------------------------------------ run
std::vector<std::string> outcome::error_lines() const { return split_lines(err); }

std::string outcome::describe() const {
    return end.describe() + " after " + std::to_string(elapsed.count()) + " ms\n  stdout: '" + printable(out) +
           "'\n  stderr: '" + printable(err, 2000) + "'";
}

outcome run(std::vector<std::string> argv, std::string_view input, options opts) {
    const clock::time_point start = clock::now();
    child process(std::move(argv), std::move(opts));
    outcome result;
    process.pump(input, [&](std::string_view piece) { result.out.append(piece); });
    result.end = process.wait();
    result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - start);
    result.err = process.error_text();
    return result;
}

// ------------------------------------------------------------------ servers
std::optional<std::uint16_t> ready_port(const std::string& line) {
    const std::string prefix = "The server is ready to receive on port ";
    if (line.rfind(prefix, 0) != 0) return std::nullopt;
    const std::string digits = line.substr(prefix.size());
    if (digits.empty() || digits.size() > 5 ||
        !std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); }))
        return std::nullopt;
    const unsigned long value = std::stoul(digits);
    if (value == 0 || value > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

server start_ready(std::vector<std::string> argv, options opts) {
    server s{child(std::move(argv), std::move(opts)), 0};
    const std::string line = s.process.read_line();
    std::optional<std::uint16_t> port = ready_port(line);
    if (!port) {
        FAIL(s.process.command() << ": first line is not 'The server is ready to receive on port N' but '"
                                 << printable(line) << "'");
    }
    s.port = *port;
    return s;
}

server start_server(const std::string& name, std::vector<std::string> extra) {
    std::vector<std::string> argv{program(name), "--port", "0"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return start_ready(std::move(argv));
}

// ------------------------------------------------------------------ text
std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

bool has_stray_number(std::string line, const std::vector<std::string>& allowed) {
    for (const std::string& a : allowed) {
        for (std::size_t at; !a.empty() && (at = line.find(a)) != std::string::npos;) line.erase(at, a.size());
    }
    return std::any_of(line.begin(), line.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::string printable(std::string_view bytes, std::size_t limit) {
    std::string out;
    for (unsigned char c : bytes.substr(0, limit)) {
        if (c == '\n') {
            out += "\\n";
        } else if (c >= 0x20 && c < 0x7f && c != '\\') {
            out += static_cast<char>(c);
        } else {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02X", c);
            out += hex;
        }
    }
    if (bytes.size() > limit) out += "... (" + std::to_string(bytes.size()) + " bytes)";
    return out;
}

}  // namespace proc
