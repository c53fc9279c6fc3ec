// test_stream.cpp - the grader of lab 02: one TEST_CASE per requirement.
//
// Your stream.cpp is linked into this program. Each requirement connects two
// sockets over loopback (127.0.0.1, a free port): one end is handed to your
// functions, the other is the grader's "peer", which writes the bytes in the
// pieces the requirement is about (one byte per send(), random pieces from
// fixed seeds, 64 KiB chunks) or reads what your functions sent.
//
// Each requirement runs in a process of its own (fork), so that a function
// that never returns (a loop that goes on after recv() returned 0) or that
// crashes costs that requirement only: the grader reports it and goes on.
#include <doctest/doctest.h>
#include <poll.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <initializer_list>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "stream.hpp"

using namespace std::chrono_literals;

namespace {

using clock_type = std::chrono::steady_clock;

// How long one requirement may take before it counts as stuck. The reference
// solution needs a fraction of a second for most of them and a few seconds
// for the 64 MiB ones; the limit is far above that, so that a machine busy
// with other work gives the same verdict as an idle one (and below the 60 s
// after which the grader stops a requirement whatever it does).
constexpr auto time_limit = 50s;
// How long one recv() in your code may wait: every byte a requirement needs
// has been sent long before this.
constexpr auto recv_patience = 1500ms;

// ------------------------------------------------------------------ describing bytes
// Printable ASCII as is, the rest as \n, \r, \0 or \xHH; cut to `limit` bytes.
std::string printable(std::string_view bytes, std::size_t limit = 40, bool with_size = true) {
    static const char* hex = "0123456789abcdef";
    std::string out = "\"";
    for (unsigned char c : bytes.substr(0, limit)) {
        if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (c == '\0')
            out += "\\0";
        else if (c == '"' || c == '\\')
            out += std::string("\\") + static_cast<char>(c);
        else if (c >= 0x20 && c < 0x7f)
            out += static_cast<char>(c);
        else
            out += std::string("\\x") + hex[c >> 4] + hex[c & 15];
    }
    out += bytes.size() > limit ? "...\"" : "\"";
    if (bytes.size() > limit && with_size) out += " (" + std::to_string(bytes.size()) + " bytes)";
    return out;
}

std::string hex_bytes(std::string_view bytes) {
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        if (!out.empty()) out += ' ';
        out += hex[c >> 4];
        out += hex[c & 15];
    }
    return out.empty() ? "(nothing)" : out;
}

// What one of your functions returned, in words.
std::string describe_error(const net::error& e) {
    if (e.code == std::errc::timed_out)  // the wrapper's likely cause speaks of servers: not the point here
        return "the error '" + std::string(net::call_name(e.call)) + ": timed out' (recv() waited 1.5 s for bytes that were not coming)";
    return "the error '" + e.message() + "'";
}
std::string describe(net::result<std::string>& got) {
    if (!got) return describe_error(got.error());
    return printable(got.value());
}

// How far `got` and `want` agree, for long byte strings.
std::string compare_bytes(const std::string& got, const std::string& want, const std::string& who) {
    std::size_t same = 0;
    while (same < got.size() && same < want.size() && got[same] == want[same]) ++same;
    std::string text =
        who + " " + std::to_string(got.size()) + " bytes where " + std::to_string(want.size()) + " were expected";
    if (same < got.size() && same < want.size()) text += ", the first " + std::to_string(same) + " of them right";
    return text;
}

// "returned X, expected Y": short strings in full, long ones compared.
std::string returned(net::result<std::string>& got, const std::string& want) {
    if (!got && want.size() > 40)
        return "returned " + describe(got) + ", expected " + std::to_string(want.size()) + " bytes, starting " +
               printable(want, 20, false);
    if (got && (got.value().size() > 40 || want.size() > 40))
        return "returned " + compare_bytes(got.value(), want, "a string of") + " (starting " + printable(got.value(), 20, false) +
               ", expected starting " + printable(want, 20, false) + ")";
    return "returned " + describe(got) + ", expected " + printable(want);
}

const char* code_name(stream::errc e) {
    switch (e) {
        case stream::errc::closed: return "stream::errc::closed";
        case stream::errc::cut_short: return "stream::errc::cut_short";
        case stream::errc::too_long: return "stream::errc::too_long";
    }
    return "?";
}

// ------------------------------------------------------------------ the data
// Random bytes from a fixed seed. mt19937's numbers are the same everywhere
// (unlike std::uniform_int_distribution's), so every run sees the same data.
std::string random_bytes(std::mt19937& rng, std::size_t n) {
    std::string out(n, '\0');
    for (char& c : out) c = static_cast<char>(rng());
    return out;
}

std::size_t below(std::mt19937& rng, std::size_t n) { return rng() % n; }

// A line of text of n bytes or a little more: words, now and then a UTF-8
// letter, a tab or a '\r' (a line holds any byte but '\n').
std::string random_line(std::mt19937& rng, std::size_t n) {
    static const char* const words[] = {"tcp ",  "byte ", "stream ", "socket ", "recv ",     "send ",
                                        "line ", "the ",  "a ",      "pipe, ",  "in-order ", "stra\xc3\x9f\x65 ",
                                        "\t",    "\r",    "42 "};
    std::string out;
    while (out.size() < n) out += words[below(rng, std::size(words))];
    return out;
}

// The lines of the stream, each sent with a '\n' after it.
std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const std::string& line : lines) out += line + "\n";
    return out;
}

// A message on the wire: 4 bytes of length, big-endian, then the bytes.
std::string framed(std::string_view message) {
    const auto n = static_cast<std::uint32_t>(message.size());
    std::string out{static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
                    static_cast<char>(n)};
    out.append(message);
    return out;
}
std::string framed(const std::vector<std::string>& messages) {
    std::string out;
    for (const std::string& m : messages) out += framed(m);
    return out;
}

// Text lines of every kind: empty ones, '\r', a 0 byte, UTF-8, long ones.
std::vector<std::string> sample_lines() {
    std::vector<std::string> lines = {"hello",
                                      "",
                                      "The server is ready to receive",
                                      "a line with a carriage return\r",
                                      std::string("a 0 byte: [\0]", 13),
                                      "stra\xc3\x9f\x65, gr\xc3\xbc\xc3\x9f\x65",
                                      "",
                                      "",
                                      "\ttabs\tand spaces  ",
                                      std::string(300, 'x'),
                                      "the last but one",
                                      "bye"};
    std::mt19937 rng(42);
    for (int i = 0; i < 40; ++i) lines.insert(lines.begin() + 3, random_line(rng, below(rng, 40)));
    return lines;
}

// ------------------------------------------------------------------ sockets
struct connection {
    net::socket student;  // handed to your functions
    net::socket peer;     // the grader's end
};

template <class T>
T need(net::result<T> r, const char* what) {
    if (!r) throw std::runtime_error(std::string("the grader could not ") + what + ": " + r.error().message());
    return std::move(r).value();
}
void need(net::result<void> r, const char* what) {
    if (!r) throw std::runtime_error(std::string("the grader could not ") + what + ": " + r.error().message());
}


// A TCP connection over loopback: listen on a free port, connect, accept.
connection connect_pair() {
    net::socket listener = need(net::server_socket(net::tcp, "127.0.0.1", 0), "bind a loopback port");
    need(listener.listen(1), "listen");
    const std::uint16_t port = need(listener.local_address(), "read the port").port();
    connection c;
    c.student = need(net::connect_to("127.0.0.1", port), "connect over loopback");
    c.peer = std::move(need(listener.accept(), "accept").first);
    // Each send() of the peer leaves at once as a segment of its own, not
    // gathered with the next ones (Nagle's algorithm off).
    need(c.peer.set_no_delay(), "turn Nagle's algorithm off");
    need(c.student.set_receive_timeout(std::chrono::duration_cast<std::chrono::milliseconds>(recv_patience)),
         "set a receive timeout");
    need(c.peer.set_receive_timeout(3000ms), "set a receive timeout");
    return c;
}

// How the peer cuts what it sends: the size of the next piece.
using splitter = std::function<std::size_t(std::size_t left)>;
splitter one_byte() {
    return [](std::size_t) { return std::size_t{1}; };
}
splitter random_pieces(unsigned seed, std::size_t largest) {
    auto rng = std::make_shared<std::mt19937>(seed);
    return [rng, largest](std::size_t) { return 1 + (*rng)() % largest; };
}
splitter chunks(std::size_t size) {
    return [size](std::size_t) { return size; };
}

// The peer's writing side: a thread that sends `bytes` in the pieces `split`
// chooses, then closes its sending side if asked to (the reader then sees
// recv() return 0), or else keeps the connection open.
class writer {
public:
    writer(net::socket& peer, std::string bytes, splitter split, bool close_at_end)
        : thread_([&peer, bytes = std::move(bytes), split = std::move(split), close_at_end] {
              std::string_view left = bytes;
              while (!left.empty()) {
                  const std::size_t n = std::min(left.size(), std::max<std::size_t>(1, split(left.size())));
                  if (!peer.send_all(left.substr(0, n))) return;  // the reader went away
                  left.remove_prefix(n);
              }
              if (close_at_end) (void)peer.shutdown(net::socket::direction::write);
          }) {}
    ~writer() { join(); }
    void join() {
        if (thread_.joinable()) thread_.join();
    }

private:
    std::thread thread_;
};

// Ends a scenario: closing your end makes a writer still blocked in send()
// fail at once, so it can be joined.
void hang_up(connection& c, writer& w) {
    c.student.close();
    w.join();
}

// The peer's reading side: everything until the other end closes, in
// little bites of 512 to 4607 bytes, so that the sender has to wait for room.
// (At most a little over `most` bytes: a sender that never stops then
// waits, instead of filling the grader's memory.)
std::string read_slowly(net::socket& s, std::size_t most = std::string::npos) {
    std::string got;
    std::mt19937 sizes(9);
    std::vector<char> buffer(4608);
    while (true) {
        net::result<std::size_t> r = s.recv(buffer.data(), 512 + sizes() % 4096);
        if (!r || r.value() == 0) return got;
        got.append(buffer.data(), r.value());
        if (got.size() > most) return got;
    }
}

// Small buffers on both sides: the sender fills them at once and must wait
// for the reader again and again.
void small_buffers(connection& c) {
    need(c.student.set_buffer_size(net::socket::direction::write, 32 * 1024), "set a send buffer size");
    need(c.peer.set_buffer_size(net::socket::direction::read, 32 * 1024), "set a receive buffer size");
}

extern "C" void on_nudge(int) {}

// While a nudger lives, the thread that made it gets a signal every 200 us,
// a signal that does nothing. But a send() that it interrupts while send()
// waits for room returns at once, with the number of bytes sent so far: the
// partial send() that happens on any busy machine, and that send_all() is
// there to handle.
class nudger {
public:
    nudger() : target_(::pthread_self()) {
        struct sigaction nudge {};
        nudge.sa_handler = on_nudge;
        sigemptyset(&nudge.sa_mask);
        ::sigaction(SIGUSR1, &nudge, nullptr);
        thread_ = std::thread([this] {
            while (!stop_) {
                ::pthread_kill(target_, SIGUSR1);
                std::this_thread::sleep_for(200us);  // pacing, not waiting for anything
            }
        });
    }
    ~nudger() { stop(); }
    void stop() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
    }

private:
    pthread_t target_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

// ------------------------------------------------------------------ one process per requirement
// Runs `scenario` in a child process and fails the requirement with what it
// returns (an empty string: all is well), or if it takes longer than
// time_limit, or crashes.
void check_in_child(const std::function<std::string()>& scenario, const std::string& when_stuck) {
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    int report_pipe[2];
    REQUIRE(::pipe(report_pipe) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(report_pipe[0]);
        // The parent's crash handlers would report this child's crash as the
        // whole grader's: here a crash simply ends the child.
        for (int s : {SIGINT, SIGILL, SIGFPE, SIGSEGV, SIGTERM, SIGABRT, SIGBUS}) std::signal(s, SIG_DFL);
        // A length from the network taken at its word could ask for 4 GiB:
        // then std::bad_alloc, not a machine that swaps.
        const rlimit memory{2UL << 30, 2UL << 30};
        ::setrlimit(RLIMIT_AS, &memory);
        std::string report = "finished\n";
        try {
            report += scenario();
        } catch (const std::exception& e) {
            report += std::string("an exception was thrown: ") + e.what();
        } catch (...) {
            report += "an exception was thrown";
        }
        std::string_view left = report;
        while (!left.empty()) {
            const ssize_t n = ::write(report_pipe[1], left.data(), left.size());
            if (n <= 0) break;
            left.remove_prefix(static_cast<std::size_t>(n));
        }
        std::cout.flush();  // anything your code printed
        std::fflush(nullptr);
        ::_exit(0);
    }
    ::close(report_pipe[1]);

    std::string report;
    bool timed_out = false;
    const auto deadline = clock_type::now() + time_limit;
    while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
        if (left.count() <= 0) {
            timed_out = true;
            break;
        }
        pollfd p{report_pipe[0], POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) {
            timed_out = ready == 0;
            break;
        }
        char buffer[4096];
        const ssize_t n = ::read(report_pipe[0], buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        report.append(buffer, static_cast<std::size_t>(n));
    }
    if (timed_out) ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    ::close(report_pipe[0]);

    const std::string finished = "finished\n";
    if (timed_out) {
        FAIL_CHECK("still not done after " << std::chrono::seconds(time_limit).count() << " s: " << when_stuck);
    } else if (WIFSIGNALED(status)) {
        FAIL_CHECK("your code crashed: " << std::string(strsignal(WTERMSIG(status)))
                                         << " (run the grader under gdb, or with -fsanitize=address, to see where)");
    } else if (report.compare(0, finished.size(), finished) != 0) {
        FAIL_CHECK("the process ended early (exit status " << WEXITSTATUS(status) << "): does your code call exit()?");
    } else if (report.size() > finished.size()) {
        FAIL_CHECK(report.substr(finished.size()));
    }
}

const char* const stuck_reading =
    "does a loop go on after recv() returned 0 (the peer closed) or an error? "
    "After a 0 from recv(), no more bytes will ever come";

// ------------------------------------------------------------------ checking lines and messages
// Reads the expected lines with one line_reader; the first difference, or "".
std::string expect_lines(stream::line_reader& reader, const std::vector<std::string>& lines, const std::string& how) {
    for (std::size_t i = 0; i < lines.size(); ++i) {
        net::result<std::string> got = reader.recv_line();
        if (!got || got.value() != lines[i]) {
            std::string problem =
                how + ": call " + std::to_string(i + 1) + " of recv_line() " + returned(got, lines[i]);
            if (got && got.value().size() > lines[i].size() && got.value().find('\n') != std::string::npos)
                problem += " (a line ends at the first '\\n'; the '\\n' itself is not part of it)";
            else if (got && i > 0 && got.value() == lines[i - 1])
                problem += " (the same line twice: take it out of pending_)";
            else if (!got && got.error().code == std::errc::timed_out)
                problem += " (recv() waited for more, but the whole line had come already: look in pending_ first)";
            return problem;
        }
    }
    return "";
}

std::string expect_messages(net::socket& s, const std::vector<std::string>& messages, const std::string& how) {
    for (std::size_t i = 0; i < messages.size(); ++i) {
        net::result<std::string> got = stream::recv_message(s);
        if (!got || got.value() != messages[i]) {
            std::string problem =
                how + ": call " + std::to_string(i + 1) + " of recv_message() " + returned(got, messages[i]);
            if (!got && got.error().code == std::errc::timed_out)
                problem += " (recv() waited for bytes that never came: were some taken by an earlier call?)";
            // recv() of 0 bytes returns 0, which recv_exactly takes for a close:
            // closed, or cut_short once recv_message has turned it into one.
            if (!got && messages[i].empty() &&
                (got.error().code == stream::errc::closed || got.error().code == stream::errc::cut_short))
                problem += " (for a length of 0, call no recv() at all: recv() of 0 bytes returns 0, as if the "
                           "peer had closed)";
            if (!got && got.error().code == stream::errc::too_long && messages[i].size() < 1000000)
                problem += " (is the length read most significant byte first, through unsigned char?)";
            return problem;
        }
    }
    return "";
}

// The end of the stream: `got` must be the error `want`.
std::string expect_end(net::result<std::string> got, stream::errc want, const std::string& call,
                       const std::string& how) {
    if (got || got.error().code != want)
        return how + ": " + call + " returned " + describe(got) + ", expected the error " + code_name(want);
    return "";
}

// Where the bytes the peer received (`got`) first differ from the framed
// `messages` (`want`), in the terms of the message format.
std::string first_difference(const std::string& got, const std::string& want,
                             const std::vector<std::string>& messages) {
    std::size_t at = 0;
    while (at < got.size() && at < want.size() && got[at] == want[at]) ++at;
    if (at == want.size())
        return "the peer received " + std::to_string(got.size()) + " bytes, " + std::to_string(want.size()) +
               " expected: after the last message came " + std::to_string(got.size() - want.size()) + " bytes too many";
    // Which message, and which part of it, byte `at` belongs to.
    std::size_t start = 0, i = 0;
    while (i + 1 < messages.size() && at >= start + stream::header_size + messages[i].size()) {
        start += stream::header_size + messages[i].size();
        ++i;
    }
    const bool in_header = at < start + stream::header_size;
    const std::string which = "message " + std::to_string(i + 1) + " (" + std::to_string(messages[i].size()) +
                              " bytes, header " + hex_bytes(want.substr(start, stream::header_size)) + ")";
    if (at == got.size())
        return "the peer received only " + std::to_string(got.size()) + " of " + std::to_string(want.size()) +
               " bytes: the stream stops in the " + (in_header ? "header" : "bytes") + " of " + which +
               " (a send() sent less than all: use your send_all)";
    const std::string short_by = got.size() < want.size()
                                     ? " (the peer received " + std::to_string(got.size()) + " bytes in all, " +
                                           std::to_string(want.size()) + " expected: did a send() send less than all?)"
                                     : std::string();
    if (in_header)
        return "the first wrong byte is in the header of " + which + ": the peer got " +
               hex_bytes(got.substr(start, stream::header_size)) + short_by;
    return "the first wrong byte is byte " + std::to_string(at - start - stream::header_size) + " of " + which +
           short_by;
}

}  // namespace

// ================================================================== task 1: send_all
TEST_CASE("send_all: 8 MB reach a slow reader, every byte, in order" *
          doctest::description("task 1: send() may send only part of the data; call it again for the rest, "
                               "until nothing is left")) {
    check_in_child(
        [] {
            connection c = connect_pair();
            small_buffers(c);
            std::mt19937 rng(8);
            const std::string data = random_bytes(rng, 8 * 1024 * 1024);
            std::string got;
            std::thread reader([&] { got = read_slowly(c.peer, data.size()); });

            nudger interruptions;
            net::result<void> sent = stream::send_all(c.student, data);
            interruptions.stop();
            (void)c.student.shutdown(net::socket::direction::write);  // the reader sees the end
            reader.join();

            if (!sent) return "send_all() returned " + describe_error(sent.error());
            if (got != data)
                return "send_all() returned success, but " + compare_bytes(got, data, "the reader got") +
                       (got.size() < data.size() ? " (a send() sent less than all: send the rest too)" : "");
            return std::string();
        },
        "does send_all() keep sending the same bytes, or stop advancing?");
}

TEST_CASE("send_all: a broken connection is an error value, not a hang" *
          doctest::description("task 1: when send() fails, return its error (sent.error()) at once: the "
                               "connection is gone and trying again cannot help")) {
    check_in_child(
        [] {
            connection c = connect_pair();
            // The peer resets the connection (as a crashed program's would).
            (void)c.peer.reset_on_close();
            c.peer.close();
            std::mt19937 rng(2);
            net::result<void> sent = stream::send_all(c.student, random_bytes(rng, 8 * 1024 * 1024));
            if (sent) return std::string("send_all() to a reset connection returned success");
            const std::error_code code = sent.error().code;
            if (code != std::errc::connection_reset && code != std::errc::broken_pipe)
                return "send_all() returned the error '" + sent.error().message() +
                       "', expected the one send() reported (connection reset, or broken pipe)";
            return std::string();
        },
        "does send_all() go on calling send() after it failed?");
}

// ================================================================== task 2: recv_line
TEST_CASE("recv_line: lines sent one byte at a time" *
          doctest::description("task 2: one recv() may return any part of a line; keep receiving into "
                               "pending_ until it holds a '\\n'")) {
    check_in_child(
        [] {
            const std::vector<std::string> lines = sample_lines();
            connection c = connect_pair();
            writer w(c.peer, joined(lines), one_byte(), false);
            stream::line_reader reader(c.student);
            std::string problem = expect_lines(reader, lines, "one byte per send()");
            hang_up(c, w);
            return problem;
        },
        stuck_reading);
}

TEST_CASE("recv_line: lines in random pieces, several lines in one piece" *
          doctest::description("task 2: one recv() may return the end of one line and the start of the next, "
                               "or many lines: keep what follows the '\\n' in pending_, and look there first")) {
    check_in_child(
        [] {
            std::mt19937 rng(1);
            std::vector<std::string> lines;
            for (int i = 0; i < 600; ++i)
                lines.push_back(below(rng, 10) == 0 ? std::string() : random_line(rng, below(rng, 120)));
            // Seed 0: the whole stream in one send(); seeds 1-3: random pieces of 1 to 700 bytes.
            for (unsigned seed = 0; seed <= 3; ++seed) {
                connection c = connect_pair();
                const std::string bytes = joined(lines);
                writer w(c.peer, bytes, seed == 0 ? chunks(bytes.size()) : random_pieces(seed, 700), false);
                stream::line_reader reader(c.student);
                std::string problem = expect_lines(
                    reader, lines,
                    seed == 0 ? std::string("all lines in one send()") : "random pieces, seed " + std::to_string(seed));
                hang_up(c, w);
                if (!problem.empty()) return problem;
            }
            return std::string();
        },
        stuck_reading);
}

TEST_CASE("recv_line: 64 KiB chunks and lines of 200 KB" *
          doctest::description("task 2: a line may be longer than your recv() buffer, and than anything "
                               "one recv() returns; keep appending to pending_")) {
    check_in_child(
        [] {
            std::mt19937 rng(64);
            std::vector<std::string> lines;
            for (int i = 0; i < 3000; ++i) lines.push_back(random_line(rng, below(rng, 80)));
            lines.insert(lines.begin() + 1000, random_line(rng, 200 * 1000));
            lines.insert(lines.begin() + 2000, random_line(rng, 70 * 1000));
            lines.push_back(random_line(rng, 200 * 1000));
            connection c = connect_pair();
            writer w(c.peer, joined(lines), chunks(64 * 1024), false);
            stream::line_reader reader(c.student);
            std::string problem = expect_lines(reader, lines, "64 KiB per send()");
            hang_up(c, w);
            return problem;
        },
        stuck_reading);
}

TEST_CASE("recv_line: the end of the stream, after the last line or in the middle of one" *
          doctest::description("task 2: when recv() returns 0, return errc::closed if pending_ is empty, "
                               "errc::cut_short if it holds part of a line; but first hand out the whole "
                               "lines still in pending_; after the end, every call returns errc::closed")) {
    check_in_child(
        [] {
            struct ending {
                const char* bytes;
                std::vector<std::string> lines;
                stream::errc end;
            };
            const ending cases[] = {
                {"one\ntwo\n", {"one", "two"}, stream::errc::closed},
                {"one\ntw", {"one"}, stream::errc::cut_short},
                {"", {}, stream::errc::closed},
                {"\n\n", {"", ""}, stream::errc::closed},
                {"no newline at all", {}, stream::errc::cut_short},
            };
            for (const ending& e : cases) {
                const std::string how = "the peer sent " + printable(e.bytes) + " and closed";
                // All in one send() first (the whole lines wait in pending_), then one byte at a time.
                for (bool whole : {true, false}) {
                    connection c = connect_pair();
                    writer w(c.peer, e.bytes, whole ? chunks(64) : one_byte(), true);
                    stream::line_reader reader(c.student);
                    std::string problem = expect_lines(reader, e.lines, how);
                    if (problem.empty())
                        problem = expect_end(reader.recv_line(), e.end,
                                             "call " + std::to_string(e.lines.size() + 1) + " of recv_line()", how);
                    // The stream is over: the part of a line that came is gone with it.
                    if (problem.empty())
                        problem = expect_end(reader.recv_line(), stream::errc::closed,
                                             "call " + std::to_string(e.lines.size() + 2) + " of recv_line()", how);
                    hang_up(c, w);
                    if (!problem.empty()) return problem;
                }
            }
            return std::string();
        },
        stuck_reading);
}

// ================================================================== task 3: messages
TEST_CASE("send_message: the exact bytes on the wire (big-endian length, then the message)" *
          doctest::description("task 3b: 4 bytes of length, most significant first (n >> 24, n >> 16, n >> 8, n), "
                               "then the message, all of it (use your send_all); the empty message is 00 00 00 00")) {
    check_in_child(
        [] {
            std::mt19937 rng(7);
            const std::vector<std::string> messages = {"hi",
                                                       "",
                                                       std::string(300, 'x'),
                                                       "a\nb",
                                                       random_bytes(rng, 70000),
                                                       "",
                                                       random_bytes(rng, 3 * 1024 * 1024),
                                                       "bye"};
            connection c = connect_pair();
            small_buffers(c);
            std::string got;
            std::thread reader([&] { got = read_slowly(c.peer); });
            nudger interruptions;
            std::string problem;
            for (std::size_t i = 0; i < messages.size() && problem.empty(); ++i) {
                net::result<void> sent = stream::send_message(c.student, messages[i]);
                if (!sent)
                    problem = "send_message() of message " + std::to_string(i + 1) + " (" +
                              std::to_string(messages[i].size()) + " bytes) returned " + describe_error(sent.error());
            }
            interruptions.stop();
            (void)c.student.shutdown(net::socket::direction::write);
            reader.join();
            if (!problem.empty()) return problem;
            const std::string want = framed(messages);
            if (got != want) return first_difference(got, want, messages);
            return std::string();
        },
        "does send_message() (or the send_all() it uses) stop advancing?");
}

TEST_CASE("recv_message: messages sent one byte at a time" *
          doctest::description("task 3a/3c: even the 4 bytes of the header may come in several recv()s: "
                               "use recv_exactly for the header and for the message")) {
    check_in_child(
        [] {
            std::mt19937 rng(3);
            const std::vector<std::string> messages = {
                "hello", "", std::string("a\nb\0c", 5), std::string(300, 'y'), random_bytes(rng, 5000), "last"};
            connection c = connect_pair();
            writer w(c.peer, framed(messages), one_byte(), false);
            std::string problem = expect_messages(c.student, messages, "one byte per send()");
            hang_up(c, w);
            return problem;
        },
        stuck_reading);
}

TEST_CASE("recv_message: 200 messages back to back in random pieces, empty ones among them" *
          doctest::description("task 3a: ask recv() for no more than what is still missing (n - have): the "
                               "bytes after a message belong to the next one; and for n == 0 call no recv()")) {
    check_in_child(
        [] {
            std::mt19937 rng(200);
            std::vector<std::string> messages;
            for (int i = 0; i < 200; ++i)
                messages.push_back(below(rng, 8) == 0 ? std::string() : random_bytes(rng, 1 + below(rng, 3000)));
            for (unsigned seed = 0; seed <= 3; ++seed) {
                connection c = connect_pair();
                const std::string bytes = framed(messages);
                writer w(c.peer, bytes, seed == 0 ? chunks(bytes.size()) : random_pieces(seed, 2000), false);
                std::string problem = expect_messages(
                    c.student, messages,
                    seed == 0 ? std::string("all in one send()") : "random pieces, seed " + std::to_string(seed));
                hang_up(c, w);
                if (!problem.empty()) return problem;
            }
            return std::string();
        },
        stuck_reading);
}

TEST_CASE("recv_message: a 5 MB message in 64 KiB chunks, then more" *
          doctest::description("task 3a: a message may be much longer than one recv() returns; keep "
                               "receiving until you have all n bytes")) {
    check_in_child(
        [] {
            std::mt19937 rng(5);
            const std::vector<std::string> messages = {random_bytes(rng, 5 * 1000 * 1000), "", "after it"};
            connection c = connect_pair();
            writer w(c.peer, framed(messages), chunks(64 * 1024), false);
            std::string problem = expect_messages(c.student, messages, "64 KiB per send()");
            hang_up(c, w);
            return problem;
        },
        stuck_reading);
}

TEST_CASE("recv_message: the peer closes mid-message: an error value, not a crash" *
          doctest::description("task 3a/3c: recv() returns 0 when the peer closes: return errc::closed between "
                               "messages, errc::cut_short inside one (header or message), never loop or crash")) {
    check_in_child(
        [] {
            struct ending {
                std::string bytes;
                std::vector<std::string> messages;
                stream::errc end;
                const char* what;
            };
            const ending cases[] = {
                {framed("abc"), {"abc"}, stream::errc::closed, "a whole message, then closed"},
                {"", {}, stream::errc::closed, "nothing, then closed"},
                {framed("abcdefghij").substr(0, 7),
                 {},
                 stream::errc::cut_short,
                 "a header for 10 bytes and 3 of them, then closed"},
                {std::string("\0\0", 2), {}, stream::errc::cut_short, "2 bytes of a header, then closed"},
                {framed("five!").substr(0, 4),
                 {},
                 stream::errc::cut_short,
                 "a header for 5 bytes and none of them, then closed"},
                {framed("ok") + framed(std::string(100000, 'z')).substr(0, 70000),
                 {"ok"},
                 stream::errc::cut_short,
                 "a message, then 70000 bytes of a 100000-byte one, then closed"},
            };
            for (const ending& e : cases) {
                connection c = connect_pair();
                writer w(c.peer, e.bytes, chunks(64 * 1024), true);
                const std::string how = std::string("the peer sent ") + e.what;
                std::string problem = expect_messages(c.student, e.messages, how);
                if (problem.empty())
                    problem = expect_end(stream::recv_message(c.student), e.end,
                                         "call " + std::to_string(e.messages.size() + 1) + " of recv_message()", how);
                hang_up(c, w);
                if (!problem.empty()) return problem;
            }
            return std::string();
        },
        stuck_reading);
}

TEST_CASE("messages: a length over max_message is refused, on both sides" *
          doctest::description("task 3b/3c: check the length against stream::max_message before anything "
                               "else, and return errc::too_long at once: a peer could announce 4 GiB and send "
                               "nothing more")) {
    check_in_child(
        [] {
            // The peer announces more than max_message bytes and sends nothing
            // more: too_long, at once (reading the body first would wait for
            // bytes that never come, after making room for up to 4 GiB).
            const struct {
                std::string header;
                const char* what;
            } announced[] = {{std::string("\x04\x00\x00\x01", 4), "64 MiB + 1 byte (04 00 00 01)"},
                             {std::string("\xff\xff\xff\xff", 4), "4 GiB - 1 byte (ff ff ff ff)"}};
            for (const auto& a : announced) {
                connection c = connect_pair();
                writer w(c.peer, a.header, chunks(4), false);
                const auto started = clock_type::now();
                net::result<std::string> got = stream::recv_message(c.student);
                const auto took =
                    std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - started).count();
                std::string problem = expect_end(std::move(got), stream::errc::too_long, "recv_message()",
                                                 std::string("the header says ") + a.what + " and nothing follows");
                // Reading the body first would wait recv_patience (1.5 s): anything
                // under a second is "at once", even on a busy machine.
                if (problem.empty() && took > 1000)
                    problem = std::string("the header says ") + a.what + " and nothing follows: recv_message() " +
                              "returned errc::too_long, but only after " + std::to_string(took) +
                              " ms (did it try to read the body first?)";
                hang_up(c, w);
                if (!problem.empty()) return problem;
            }
            // Sending so much: refused, and nothing goes out.
            connection c = connect_pair();
            std::string got;
            std::thread reader([&] { got = read_slowly(c.peer); });
            net::result<void> sent = stream::send_message(c.student, std::string(stream::max_message + 1, 'x'));
            (void)c.student.shutdown(net::socket::direction::write);
            reader.join();
            if (sent || sent.error().code != stream::errc::too_long)
                return "send_message() of 64 MiB + 1 byte returned " +
                       (sent ? std::string("success") : describe_error(sent.error())) +
                       ", expected the error stream::errc::too_long";
            if (!got.empty())
                return "send_message() of 64 MiB + 1 byte was refused, but " + std::to_string(got.size()) +
                       " bytes went out first";
            return std::string();
        },
        "does recv_message() wait for 64 MiB that will never come?");
}

TEST_CASE("messages: exactly max_message bytes pass, on both sides" *
          doctest::description("task 3b/3c: max_message is the longest message allowed, not the first one refused: "
                               "refuse a length over it (>), not one equal to it")) {
    check_in_child(
        [] {
            const std::string largest(stream::max_message, 'm');
            {
                // The peer sends a message of exactly max_message bytes, then "after".
                connection c = connect_pair();
                writer w(c.peer, framed(largest) + framed("after"), chunks(1024 * 1024), false);
                net::result<std::string> got = stream::recv_message(c.student);
                std::string problem;
                if (!got || got.value() != largest)
                    problem = "the peer sent a message of exactly max_message bytes (header 04 00 00 00): "
                              "recv_message() " + returned(got, largest);
                else if (net::result<std::string> next = stream::recv_message(c.student); !next || next.value() != "after")
                    problem = "after the message of max_message bytes, recv_message() " + returned(next, "after");
                hang_up(c, w);
                if (!problem.empty()) return problem;
            }
            // send_message of exactly max_message bytes: the header, then all of it.
            connection c = connect_pair();
            std::string got;
            std::thread reader([&] {
                std::vector<char> buffer(1 << 20);
                while (true) {
                    net::result<std::size_t> r = c.peer.recv(buffer.data(), buffer.size());
                    if (!r || r.value() == 0) return;
                    got.append(buffer.data(), r.value());
                }
            });
            net::result<void> sent = stream::send_message(c.student, largest);
            (void)c.student.shutdown(net::socket::direction::write);
            reader.join();
            if (!sent)
                return "send_message() of exactly max_message bytes returned " + describe_error(sent.error()) +
                       ", expected success";
            if (got.size() != stream::header_size + largest.size() || got.compare(0, 4, std::string("\x04\0\0\0", 4)) != 0 ||
                got.compare(4, std::string::npos, largest) != 0)
                return "send_message() of exactly max_message bytes: the peer received " +
                       std::to_string(got.size()) + " bytes starting " + hex_bytes(got.substr(0, 4)) + ", expected " +
                       std::to_string(stream::header_size + largest.size()) + " bytes starting 04 00 00 00";
            return std::string();
        },
        "does recv_message() or send_message() stop advancing on a message of 64 MiB?");
}

// ================================================================== task 4: lists
namespace {

std::string describe_list(const std::vector<std::string>& items, std::size_t limit = 6) {
    std::string out = "{";
    for (std::size_t i = 0; i < items.size() && i < limit; ++i)
        out += (i == 0 ? "" : ", ") + printable(items[i], 20);
    if (items.size() > limit) out += ", ... (" + std::to_string(items.size()) + " items)";
    return out + "}";
}

std::string describe(net::result<std::vector<std::string>>& got) {
    if (!got) return describe_error(got.error());
    return describe_list(got.value());
}

// Lists that a careless design gets wrong: empty ones, empty items, items
// that hold the separators and the digits a design might use.
std::vector<std::vector<std::string>> sample_lists() {
    std::mt19937 rng(44);
    std::vector<std::string> many;
    for (int i = 0; i < 5000; ++i) many.push_back(below(rng, 6) == 0 ? std::string() : random_bytes(rng, below(rng, 12)));
    return {{},
            {""},
            {"", ""},
            {"hello"},
            {},
            {"a", "b", "c"},
            {"a\nb", "\n", "", "\n\n"},
            {std::string("\0", 1), std::string("x\0y", 3), ""},
            {"3", "1:a", "0", "00 00 00 02", "\x00\x00\x00\x02"},
            {"a,b", ",", ",,", ";", "\t"},
            {"\xff\xfe\xfd", "\r\n", "stra\xc3\x9f\x65"},
            {" ", "  ", ""},
            {"", "", "", "last"},
            many,
            {random_bytes(rng, 1000 * 1000), "", "x"},
            {}};
}

// Wakes every call blocked on these sockets (each in some thread), so that
// the threads can be joined: recv() returns 0, send() fails.
void wake_all(std::initializer_list<net::socket*> sockets) {
    for (net::socket* s : sockets) (void)s->shutdown(net::socket::direction::both);
}

// What your send_list() puts on the wire for `items`, read by the peer.
net::result<std::string> wire_of(const std::vector<std::string>& items) {
    connection c = connect_pair();
    std::string got;
    std::thread reader([&] { got = read_slowly(c.peer); });
    net::result<void> sent = stream::send_list(c.student, items);
    (void)c.student.shutdown(net::socket::direction::write);
    reader.join();
    if (!sent) return sent.error();
    return got;
}

}  // namespace

TEST_CASE("lists: recv_list returns what send_list sent, item for item" *
          doctest::description("task 4: your design must carry any bytes in an item ('\\n', 0, digits, commas), "
                               "empty items and empty lists, and recv_list must read one list and no byte more "
                               "(what follows belongs to the next list or message)")) {
    check_in_child(
        [] {
            const std::vector<std::vector<std::string>> lists = sample_lists();
            // Seed 0: the bytes go on as they come; seeds 1-2: in random pieces of 1 to 300 bytes.
            for (unsigned seed = 0; seed <= 2; ++seed) {
                const std::string how = seed == 0 ? std::string("as sent") : "in random pieces, seed " + std::to_string(seed);
                connection from = connect_pair();  // your send_list writes here
                connection to = connect_pair();    // and your recv_list reads here
                // The grader relays the bytes from one connection to the other.
                std::thread relay([&from, &to, seed] {
                    std::mt19937 rng(seed);
                    std::vector<char> buffer(65536);
                    while (true) {
                        net::result<std::size_t> r = from.peer.recv(buffer.data(), buffer.size());
                        if (!r || r.value() == 0) break;
                        std::string_view left(buffer.data(), r.value());
                        while (!left.empty()) {
                            const std::size_t n = seed == 0 ? left.size() : std::min(left.size(), 1 + rng() % 300);
                            if (!to.peer.send_all(left.substr(0, n))) return;
                            left.remove_prefix(n);
                        }
                    }
                    (void)to.peer.shutdown(net::socket::direction::write);
                });
                std::string send_problem;
                std::thread sender([&] {
                    for (std::size_t i = 0; i < lists.size() && send_problem.empty(); ++i) {
                        const std::string which = "send_list() of list " + std::to_string(i + 1) + " " + describe_list(lists[i]);
                        try {  // an exception here would end the whole test with no word of what it said
                            net::result<void> sent = stream::send_list(from.student, lists[i]);
                            if (!sent) send_problem = which + " returned " + describe_error(sent.error());
                        } catch (const std::exception& e) {
                            send_problem = which + " threw an exception: " + e.what();
                        }
                    }
                    if (send_problem.empty()) (void)from.student.send_all(framed("end of the lists"));
                    (void)from.student.shutdown(net::socket::direction::write);
                });
                std::string problem;
                for (std::size_t i = 0; i < lists.size() && problem.empty(); ++i) {
                    std::optional<net::result<std::vector<std::string>>> received;
                    try {  // the threads above must be joined however recv_list() ends
                        received.emplace(stream::recv_list(to.student));
                    } catch (const std::exception& e) {
                        problem = how + ": call " + std::to_string(i + 1) + " of recv_list() threw an exception: " +
                                  e.what() + ", expected " + describe_list(lists[i]);
                        break;
                    }
                    net::result<std::vector<std::string>>& got = *received;
                    if (!got || got.value() != lists[i]) {
                        problem = how + ": call " + std::to_string(i + 1) + " of recv_list() returned " +
                                  describe(got) + ", expected " + describe_list(lists[i]);
                        if (got && got.value().size() == lists[i].size())
                            for (std::size_t k = 0; k < lists[i].size(); ++k)
                                if (got.value()[k] != lists[i][k]) {
                                    problem += "; item " + std::to_string(k + 1) + " is " +
                                               printable(got.value()[k]) + ", expected " + printable(lists[i][k]);
                                    break;
                                }
                    }
                }
                if (problem.empty()) {
                    // The grader's own message follows the last list: 4 bytes of length, then the text.
                    const std::string end = framed("end of the lists");
                    net::result<std::string> after = to.student.recv_exactly(end.size(), clock_type::now() + recv_patience);
                    if (!after || after.value() != end)
                        problem = how + ": after the last list came the message \"end of the lists\" (" +
                                  std::to_string(end.size()) + " bytes, header 00 00 00 10), but reading it " +
                                  (after ? "gave " + printable(after.value()) : describe_error(after.error())) +
                                  " (did recv_list() take bytes that were not its own?)";
                }
                wake_all({&to.student, &to.peer, &from.peer, &from.student});
                sender.join();
                relay.join();
                // What recv_list got wrong first: a send_list that failed after
                // it, failed because the grader hung up.
                if (!problem.empty()) return problem;
                if (!send_problem.empty()) return send_problem;
            }
            return std::string();
        },
        "does recv_list() wait for bytes that send_list() never sent, or loop after recv() returned 0?");
}

TEST_CASE("lists: the peer closes inside a list, or between two" *
          doctest::description("task 4: when the stream ends, recv_list returns errc::closed if no byte of a new "
                               "list had come, and errc::cut_short anywhere inside a list, even where one of its "
                               "items ends; if even the whole list ends in cut_short, look for bytes of the list that "
                               "recv_list took into a buffer of its own (a line_reader's, say) and lost")) {
    check_in_child(
        [] {
            const std::vector<std::vector<std::string>> lists = {{"ab", "", "c\n"}, {}, {""}};
            for (const std::vector<std::string>& items : lists) {
                net::result<std::string> wire = wire_of(items);
                if (!wire)
                    return "send_list() of " + describe_list(items) + " returned " + describe_error(wire.error());
                const std::string& bytes = wire.value();
                if (bytes.empty())
                    return "send_list() of " + describe_list(items) + " sent no byte at all: then nothing tells "
                           "recv_list() that a list came";
                // Every cut: nothing, each part of the list, all of it.
                for (std::size_t k = 0; k <= bytes.size(); ++k) {
                    connection c = connect_pair();
                    writer w(c.peer, bytes.substr(0, k), chunks(64 * 1024), true);
                    net::result<std::vector<std::string>> got = stream::recv_list(c.student);
                    const std::string how = "your send_list() sent the " + std::to_string(bytes.size()) +
                                            " bytes " + hex_bytes(bytes.substr(0, 24)) +
                                            (bytes.size() > 24 ? " ..." : "") + " for " + describe_list(items) +
                                            "; the peer sent " + (k == bytes.size() ? std::string("all of them") :
                                            "the first " + std::to_string(k)) + " and closed";
                    std::string problem;
                    if (k == bytes.size()) {
                        if (!got || got.value() != items)
                            problem = how + ": recv_list() returned " + describe(got) + ", expected " + describe_list(items);
                        else if (net::result<std::vector<std::string>> next = stream::recv_list(c.student);
                                 next || next.error().code != stream::errc::closed)
                            problem = how + ": the second recv_list() returned " + describe(next) +
                                      ", expected the error stream::errc::closed";
                    } else {
                        const stream::errc want = k == 0 ? stream::errc::closed : stream::errc::cut_short;
                        if (got || got.error().code != want)
                            problem = how + ": recv_list() returned " + describe(got) + ", expected the error " +
                                      code_name(want);
                    }
                    hang_up(c, w);
                    if (!problem.empty()) return problem;
                }
            }
            return std::string();
        },
        stuck_reading);
}

TEST_CASE("lists: a list of 70,000 items, and an item over your design's limit" *
          doctest::description("task 4: a list may be long (count it in as many bytes as a message's length), "
                               "and an item as long as a message (up to max_message bytes); an item longer than "
                               "your design carries is refused by send_list with errc::too_long, not sent for "
                               "recv_list to refuse")) {
    check_in_child(
        [] {
            // 70,000 items of 0 to 2 bytes: a count that needs three bytes.
            std::vector<std::string> many;
            for (int i = 0; i < 70000; ++i) many.push_back(std::string(static_cast<std::size_t>(i % 3), 'a' + i % 26));
            // An item of max_message bytes is no item too long: send_list sends it
            // (read here in large pieces, and only counted: 64 MiB).
            {
                connection c = connect_pair();
                std::size_t received = 0;
                std::thread reader([&] {
                    std::vector<char> buffer(1 << 20);
                    while (true) {
                        // Making 64 MiB ready can take send_list() a while on a busy machine: a receive
                        // timeout here is no reason to stop reading (send_list() would then wait for ever).
                        net::result<std::size_t> r = c.peer.recv(buffer.data(), buffer.size());
                        if (!r && r.error().code == std::errc::timed_out) continue;
                        if (!r || r.value() == 0) return;
                        received += r.value();
                    }
                });
                net::result<void> sent = stream::send_list(c.student, {std::string(stream::max_message, 'm')});
                (void)c.student.shutdown(net::socket::direction::write);
                reader.join();
                if (!sent)
                    return "send_list() of a list of one item of exactly max_message bytes returned " +
                           describe_error(sent.error()) + ": max_message is the longest item allowed, not the "
                           "first one refused";
                if (received < stream::max_message)
                    return "send_list() of a list of one item of max_message bytes sent only " +
                           std::to_string(received) + " bytes";
            }
            // Items of 17 MiB (a length whose first byte is not 0) and of 0 bytes: carried whole.
            const std::vector<std::string> long_items{std::string(17 << 20, 'n'), ""};
            // One item of max_message + 1 bytes: refused, or carried whole.
            const std::vector<std::string> huge{std::string(stream::max_message + 1, 'x')};
            for (const std::vector<std::string>* items :
                 std::vector<const std::vector<std::string>*>{&many, &long_items, &huge}) {
                const std::string which = items == &many         ? "a list of 70,000 short items"
                                          : items == &long_items ? "a list of an item of 17 MiB and an empty one"
                                                                 : "a list of one item of max_message + 1 bytes";
                net::result<std::string> wire = wire_of(*items);
                if (!wire) {
                    if (items == &huge && wire.error().code == stream::errc::too_long) continue;
                    return "send_list() of " + which + " returned " + describe_error(wire.error());
                }
                connection c = connect_pair();
                writer w(c.peer, wire.value(), chunks(64 * 1024), true);
                net::result<std::vector<std::string>> got = stream::recv_list(c.student);
                std::string problem;
                if (!got)
                    problem = "send_list() sent " + which + " (" + std::to_string(wire.value().size()) +
                              " bytes), and recv_list() returned " + describe(got) +
                              (got.error().code == stream::errc::too_long
                                   ? ": an item your recv_list refuses must be refused by send_list already"
                                   : "");
                else if (got.value() != *items)
                    problem = "send_list() sent " + which + ", and recv_list() returned a list of " +
                              std::to_string(got.value().size()) + " items that differs from it" +
                              (got.value().size() != items->size() ? " (is the count cut to fewer bytes?)" : "");
                hang_up(c, w);
                if (!problem.empty()) return problem;
            }
            return std::string();
        },
        stuck_reading);
}

TEST_CASE("a connection reset by the peer is an error value, not a crash" *
          doctest::description("tasks 2 to 4: recv() can fail (the peer's machine resets the connection, a "
                               "timeout): check every result of recv() before its value(), and return the error")) {
    check_in_child(
        [] {
            // The peer closes with a reset (RST): the next recv() fails.
            const auto reset = [](connection& c) {
                (void)c.peer.reset_on_close();
                c.peer.close();
            };
            const std::string how = "the peer reset the connection (RST) without sending anything";
            {
                connection c = connect_pair();
                reset(c);
                stream::line_reader reader(c.student);
                net::result<std::string> got = reader.recv_line();
                if (got) return how + ": recv_line() returned " + describe(got) + ", expected an error";
            }
            {
                connection c = connect_pair();
                reset(c);
                net::result<std::string> got = stream::recv_message(c.student);
                if (got) return how + ": recv_message() returned " + describe(got) + ", expected an error";
            }
            {
                connection c = connect_pair();
                reset(c);
                net::result<std::vector<std::string>> got = stream::recv_list(c.student);
                if (got) return how + ": recv_list() returned " + describe(got) + ", expected an error";
            }
            return std::string();
        },
        stuck_reading);
}
