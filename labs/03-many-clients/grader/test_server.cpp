// test_server.cpp - the grader of lab 03: one TEST_CASE per requirement.
//
// Each requirement starts your server as a program (--port 0: it picks a
// free port and says which in its ready line), talks to it over loopback as
// one or many clients, and ends it. Every wait has a deadline: a server that
// keeps a client waiting makes the requirement fail, not the grader hang.
// One requirement runs a second build of your server, made with
// -fsanitize=thread: ThreadSanitizer reports two threads that touch the same
// memory without care, even when the run happened to give the right bytes.
//
//   LAB_BIN      the folder of the program to grade (the Makefile sets it)
//   LAB_SERVER   its name: "server" (make lab03) or "poll_server" (make lab03-poll);
//                the ThreadSanitizer build is the same name with "-tsan"
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/net.hpp"
#include "common/text.hpp"
#include "tests/process/child.hpp"

using namespace std::chrono_literals;

namespace {

using clock_type = std::chrono::steady_clock;

std::string server_name() {
    const char* name = std::getenv("LAB_SERVER");
    return name && *name ? name : "server";
}
std::string server_path(const std::string& suffix = "") {
    const char* dir = std::getenv("LAB_BIN");
    return std::string(dir && *dir ? dir : "build/labs/student/03") + "/" + server_name() + suffix;
}

// The same requirements grade server.cpp (threads) and poll_server.cpp (the
// stretch task); each hint speaks of the file being graded.
bool grading_poll() { return server_name() == "poll_server"; }
const char* hint(const char* threads, const char* poll) { return grading_poll() ? poll : threads; }

// Your server, started on a free port; killed (if still running) when the
// test ends, whatever happens.
proc::server start() { return proc::start_ready({server_path(), "--port", "0"}); }

std::string printable(std::string_view bytes) { return "\"" + proc::printable(bytes, 60) + "\""; }

// A client of our own, in which every call has a deadline.
class client {
public:
    client(std::uint16_t port, clock_type::time_point deadline) {
        net::result<std::vector<net::address>> where = net::resolve("127.0.0.1", port, net::tcp);
        if (!where || where.value().empty()) {
            problem_ = "resolve 127.0.0.1: " + (where ? std::string("no address") : where.error().message());
            return;
        }
        const net::address server = where.value().front();
        net::result<net::socket> created = net::socket::create(server.family(), net::tcp);
        if (!created) {
            problem_ = created.error().message();
            return;
        }
        socket_ = std::move(created.value());
        // On Linux, a send timeout bounds connect() as well as send(): a
        // server whose listen queue is full cannot make us wait for ever.
        set_send_timeout(deadline);
        net::result<void> connected = socket_.connect(server);
        if (!connected) problem_ = connected.error().message();
    }

    bool ok() const { return problem_.empty(); }
    const std::string& problem() const { return problem_; }
    net::socket& socket() { return socket_; }

    bool send(std::string_view data, clock_type::time_point deadline) {
        set_send_timeout(deadline);
        net::result<void> sent = socket_.send_all(data);
        if (!sent) problem_ = "send: " + sent.error().message();
        return sent.ok();
    }

    // Up to n bytes: fewer if the deadline passes or the server closes first
    // (then problem() says which).
    std::string read_exactly(std::size_t n, clock_type::time_point deadline) {
        std::string got;
        std::vector<char> buffer(65536);
        while (got.size() < n) {
            net::result<std::size_t> r = socket_.recv(buffer.data(), std::min(buffer.size(), n - got.size()), deadline);
            if (!r) {
                problem_ = r.error().code == std::errc::timed_out ? "no reply in time" : r.error().message();
                break;
            }
            if (r.value() == 0) {
                problem_ = "the server closed the connection";
                break;
            }
            got.append(buffer.data(), r.value());
        }
        return got;
    }

    // Everything until the server closes; nothing if the deadline passes first.
    std::optional<std::string> read_to_end(clock_type::time_point deadline) {
        std::string got;
        std::vector<char> buffer(65536);
        while (true) {
            net::result<std::size_t> r = socket_.recv(buffer.data(), buffer.size(), deadline);
            if (!r) {
                if (r.error().code == std::errc::timed_out) return std::nullopt;
                return got;  // reset: the connection has ended too
            }
            if (r.value() == 0) return got;
            got.append(buffer.data(), r.value());
        }
    }

    void finish_sending() { (void)socket_.shutdown(net::socket::direction::write); }

private:
    void set_send_timeout(clock_type::time_point deadline) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock_type::now());
        (void)socket_.set_send_timeout(std::max(left, std::chrono::milliseconds(1)));
    }

    net::socket socket_;
    std::string problem_;
};

// Connects a client and checks that it is served: it sends `hello`, and
// the uppercase must come back before `deadline`. "" if so, else the problem.
std::string served(client& c, const std::string& hello, clock_type::time_point deadline) {
    if (!c.ok()) return "connect: " + c.problem();
    if (!c.send(hello, deadline)) return c.problem();
    const std::string want = text::upper(hello);
    const std::string got = c.read_exactly(want.size(), deadline);
    if (got == want) return "";
    if (!c.ok() && got.empty()) return c.problem();
    return "sent " + printable(hello) + ", got back " + printable(got) + " (" +
           (c.ok() ? std::string("expected ") + printable(want) : c.problem()) + ")";
}

// A client that comes, is answered once, and leaves. "" if all went well.
std::string come_and_go(std::uint16_t port, const std::string& hello, clock_type::time_point deadline) {
    client c(port, deadline);
    const std::string problem = served(c, hello, deadline);
    if (!problem.empty()) return problem;
    c.finish_sending();
    if (!c.read_to_end(deadline)) return "sent " + printable(hello) + " and closed, but the server did not close";
    return "";
}

// The server's log (its stderr), last lines, for the report.
std::string log_tail(const proc::child& server, std::size_t count = 3) {
    std::vector<std::string> lines = server.error_lines();
    std::string out;
    const std::size_t from = lines.size() > count ? lines.size() - count : 0;
    for (std::size_t i = from; i < lines.size(); ++i) out += "\n        " + lines[i];
    return out.empty() ? "" : "\n      the server's last log lines:" + out;
}

// "" while the server runs; once it has ended, how.
std::string how_it_ended(proc::server& s) {
    if (s.process.running()) return "";
    std::optional<proc::ending> end = s.process.wait_for(0s);
    return "the server is no longer running (" + (end ? end->describe() : std::string("it ended")) + ")";
}

int count_closed(const proc::child& server) {
    int closed = 0;
    for (const std::string& line : server.error_lines())
        if (line.rfind("closed ", 0) == 0) ++closed;
    return closed;
}

// How many thread stacks a process has mapped (Linux, glibc): each is an
// anonymous read-write mapping right above a one-page guard that nothing may
// touch. A thread keeps its stack after it has finished, until it is
// joined; a joined thread's stack is freed, or kept for reuse (a few of them).
std::optional<int> thread_stacks(pid_t pid) {
    std::ifstream maps("/proc/" + std::to_string(pid) + "/maps");
    if (!maps) return std::nullopt;
    struct mapping {
        unsigned long long from = 0, to = 0;
        std::string perms;
        bool anonymous = false;
    };
    std::vector<mapping> all;
    std::string line;
    while (std::getline(maps, line)) {
        std::istringstream fields(line);
        std::string range, perms, offset, device, inode, path;
        fields >> range >> perms >> offset >> device >> inode;
        std::getline(fields >> std::ws, path);
        const std::size_t dash = range.find('-');
        if (dash == std::string::npos) continue;
        mapping m;
        m.from = std::stoull(range.substr(0, dash), nullptr, 16);
        m.to = std::stoull(range.substr(dash + 1), nullptr, 16);
        m.perms = perms;
        m.anonymous = inode == "0" && path.empty();
        all.push_back(m);
    }
    int stacks = 0;
    for (std::size_t i = 0; i + 1 < all.size(); ++i) {
        const mapping& guard = all[i];
        const mapping& stack = all[i + 1];
        if (guard.anonymous && guard.perms == "---p" && guard.to - guard.from == 4096 && stack.anonymous &&
            stack.perms == "rw-p" && stack.from == guard.to)
            ++stacks;
    }
    return stacks;
}

// ------------------------------------------------------------------ bursts

// What client `k` sends in `round`: lines that name it, with characters whose
// uppercase is longer (ß -> SS) and characters that a recv() may cut in two.
std::string burst_text(int round, int k, std::size_t size) {
    std::string text;
    for (int line = 0; text.size() < size; ++line)
        text += "round " + std::to_string(round) + " client " + std::to_string(k) + " line " + std::to_string(line) +
                ": stra\xc3\x9f\x65, gr\xc3\xbc\xc3\x9f\x65, \xef\xac\x81ne \xce\xb1\xce\xb2\n";
    return text;
}

// `clients` connect at once and each streams its own text, in uneven pieces,
// while it reads what comes back; then each closes its side and must get
// exactly the uppercase of what it sent. `rounds` times. "" if all went well.
std::string bursts(std::uint16_t port, int clients, std::size_t size, int rounds, clock_type::duration patience) {
    for (int round = 1; round <= rounds; ++round) {
        const auto deadline = clock_type::now() + patience;
        std::vector<std::unique_ptr<client>> connections;
        for (int k = 0; k < clients; ++k) {
            connections.push_back(std::make_unique<client>(port, deadline));
            if (!connections.back()->ok())
                return "round " + std::to_string(round) + ": client " + std::to_string(k + 1) + " of " +
                       std::to_string(clients) + " could not connect: " + connections.back()->problem();
        }
        std::vector<std::string> sent(static_cast<std::size_t>(clients));
        std::vector<std::optional<std::string>> got(static_cast<std::size_t>(clients));
        std::vector<std::thread> threads;
        for (int k = 0; k < clients; ++k) {
            sent[static_cast<std::size_t>(k)] = burst_text(round, k + 1, size);
            net::socket& s = connections[static_cast<std::size_t>(k)]->socket();
            // Each client sends from one thread and reads in another, as a
            // client that only sent could fill every buffer and wait for ever.
            threads.emplace_back([&s, &text = sent[static_cast<std::size_t>(k)], k] {
                std::size_t at = 0, piece = static_cast<std::size_t>(k) * 37 + 1;
                while (at < text.size()) {
                    const std::size_t n = std::min(piece, text.size() - at);
                    if (!s.send_all(std::string_view(text).substr(at, n))) return;
                    at += n;
                    piece = piece * 7 % 1499 + 1;  // uneven pieces, cutting characters too
                }
                (void)s.shutdown(net::socket::direction::write);
            });
            threads.emplace_back([&s, &out = got[static_cast<std::size_t>(k)], deadline] {
                std::string all;
                std::vector<char> buffer(65536);
                while (true) {
                    net::result<std::size_t> r = s.recv(buffer.data(), buffer.size(), deadline);
                    if (!r) {
                        if (r.error().code != std::errc::timed_out) out = all;
                        break;
                    }
                    if (r.value() == 0) {
                        out = all;
                        break;
                    }
                    all.append(buffer.data(), r.value());
                }
                // Done reading (or given up): a sender still blocked fails now.
                (void)s.shutdown(net::socket::direction::both);
            });
        }
        for (std::thread& t : threads) t.join();

        int wrong = 0;
        std::string first;
        for (int k = 0; k < clients; ++k) {
            const std::string want = text::upper(sent[static_cast<std::size_t>(k)]);
            const std::optional<std::string>& back = got[static_cast<std::size_t>(k)];
            if (back && *back == want) continue;
            ++wrong;
            if (!first.empty()) continue;
            first = "client " + std::to_string(k + 1);
            if (!back) {
                first += " did not get everything back before the deadline";
                continue;
            }
            std::size_t same = 0;
            while (same < back->size() && same < want.size() && (*back)[same] == want[same]) ++same;
            first += " sent " + std::to_string(sent[static_cast<std::size_t>(k)].size()) + " bytes and got back " +
                     std::to_string(back->size()) + ", " + std::to_string(want.size()) + " expected; the first " +
                     std::to_string(same) + " are right";
            if (same < back->size())
                first += ", then " + printable(back->substr(same, 40)) + " where " +
                         printable(want.substr(same, 40)) + " was expected";
        }
        if (wrong > 0)
            return "round " + std::to_string(round) + " of " + std::to_string(rounds) + ": " + std::to_string(clients) +
                   " clients sent at once, " + std::to_string(wrong) + " of them did not get exactly their own " +
                   "bytes back, uppercased; the first: " + first;
    }
    return "";
}

// C++ names in ThreadSanitizer's reports carry their parameter types:
// "serve_client(net::socket, std::__cxx11::basic_string<...>)::sentence"
// reads better as "serve_client(...)::sentence".
std::string without_arguments(const std::string& text) {
    std::string out;
    int depth = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        // A '(' right after a name opens a parameter list; "(tid=...)" and
        // "(server-tsan+0x...)" after a space are kept as they are.
        if (c == '(' && depth == 0 && i > 0 && text[i - 1] != ' ') {
            out += "(...";
            depth = 1;
        } else if (depth > 0) {
            if (c == '(') ++depth;
            if (c == ')' && --depth == 0) out += ')';
        } else {
            out += c;
        }
    }
    return out;
}

// Whether one of ThreadSanitizer's report names `file` in the stack of one
// of the two accesses ("Write of size 8 ... by thread T2:" and the frames
// under it), not only where a thread or a mutex was created.
bool names_in_an_access(const std::string& report, const std::string& file) {
    std::istringstream lines(report);
    std::string line;
    bool in_access = false;
    while (std::getline(lines, line)) {
        if (line.find_first_not_of(' ') == std::string::npos) {
            in_access = false;  // a blank line ends a part of the report
            continue;
        }
        if (line.find(" of size ") != std::string::npos) in_access = true;
        if (in_access && line.find(file) != std::string::npos) return true;
    }
    return false;
}

}  // namespace

TEST_CASE("a silent client does not hold up the next one" *
          doctest::description(hint("tasks 1-2: start a thread for each accepted connection and go straight back to "
                                    "accept(); task 4: join() only threads that have finished, since join() on one "
                                    "whose client is still connected waits until that client leaves",
                                    "stretch, steps 1-2: keep every accepted client in both lists, so that poll() "
                                    "watches its socket, and give a turn only to the clients that poll() says are "
                                    "readable"))) {
    proc::server s = start();
    const auto start_time = clock_type::now();

    // A connects, is served once, then stays connected and says nothing.
    client a(s.port, start_time + 2s);
    const std::string a_problem = served(a, "a", start_time + 2s);
    if (!a_problem.empty()) FAIL("the first client was not served within 2 s: " << a_problem << log_tail(s.process));

    // B must be served while A is still connected.
    const auto b_start = clock_type::now();
    client b(s.port, b_start + 1s);
    const std::string b_problem = served(b, "served while a waits\n", b_start + 1s);
    if (!b_problem.empty())
        FAIL_CHECK("while client A stayed connected (silent), client B was not served within 1 s: "
                   << b_problem << ". Is the server still busy with A, instead of back in "
                   << std::string(grading_poll() ? "poll()?" : "accept()?"));

    // And A is still served afterwards.
    const std::string again = served(a, "still here", clock_type::now() + 2s);
    if (!again.empty()) FAIL_CHECK("client A, after B: " << again);
}

TEST_CASE("100 clients at once, each answered byte for byte" *
          doctest::description(hint("task 1: one thread per connection, each owning its own connection socket "
                                    "(moved into it): 100 clients connected at the same time each get their own reply",
                                    "stretch: poll() watches all 100 sockets at once; serve_turn() only those whose "
                                    "revents say so, each with its own entry in clients"))) {
    proc::server s = start();
    constexpr int clients = 100;
    const auto deadline = clock_type::now() + 4s;
    std::vector<std::unique_ptr<client>> connections;
    for (int i = 0; i < clients; ++i) {
        connections.push_back(std::make_unique<client>(s.port, deadline));
        if (!connections.back()->ok())
            FAIL("client " << i + 1 << " of " << clients << " could not connect: " << connections.back()->problem());
    }
    // All 100 are connected; now each one talks.
    auto message = [](int i) {
        return "client " + std::to_string(i + 1) + " says gr\xc3\xbc\xc3\x9f\x65, stra\xc3\x9f\x65\n";
    };
    for (int i = 0; i < clients; ++i) {
        if (!connections[i]->send(message(i), deadline))
            FAIL("client " << i + 1 << " could not send: " << connections[i]->problem());
    }
    int exact = 0;
    std::string first_problem;
    for (int i = 0; i < clients; ++i) {
        const std::string want = text::upper(message(i));
        const std::string got = connections[i]->read_exactly(want.size(), deadline);
        if (got == want) {
            ++exact;
        } else if (first_problem.empty()) {
            first_problem = "client " + std::to_string(i + 1) + " got " + printable(got) + ", expected " +
                            printable(want) + (connections[i]->ok() ? "" : " (" + connections[i]->problem() + ")");
        }
    }
    if (exact != clients)
        FAIL_CHECK("with " << clients << " clients connected at once, " << exact
                           << " got their exact reply within 4 s; the first of the others: " << first_problem);
    connections.clear();
    CHECK_MESSAGE(s.process.running(), "the server is no longer running after the 100 clients left");
}

TEST_CASE("Ctrl-C with clients connected: the server ends them and exits 0 within 2 s" *
          doctest::description(hint("task 3: after the accept loop, join() every thread; each one notices Ctrl-C "
                                    "at once, closes its connection and returns",
                                    "stretch: on Ctrl-C the poll() loop ends (its condition looks at "
                                    "net::stop_requested()); then every client still in the list is closed, as the "
                                    "code after the loop does"))) {
    proc::server s = start();
    const auto deadline = clock_type::now() + 3s;
    std::vector<std::unique_ptr<client>> connections;
    for (int i = 0; i < 3; ++i) {
        connections.push_back(std::make_unique<client>(s.port, deadline));
        const std::string problem = served(*connections.back(), "x", deadline);
        if (!problem.empty())
            FAIL("before Ctrl-C, 3 clients must be served at the same time, but client "
                 << i + 1 << " was not: " << problem << log_tail(s.process));
    }
    // Three idle clients, each (we hope) in a thread of its own, waiting in recv().
    const auto signalled = clock_type::now();
    s.process.send_signal(SIGINT);
    std::optional<proc::ending> end = s.process.wait_for(2s);
    if (!end)
        FAIL("still running 2 s after Ctrl-C (SIGINT): does main() wait for a thread that never ends?"
             << log_tail(s.process));
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - signalled);
    if (end->code != 0) {
        std::string why = "after Ctrl-C the server ended with " + end->describe() + " (exit status 0 expected)";
        if (end->signal == SIGABRT)
            why += ": a std::thread destroyed without join() ends the program with std::terminate";
        FAIL_CHECK(why << log_tail(s.process));
    }
    // Each thread closed its connection and said so in the log before the
    // program ended: a thread that was not waited for would be cut off.
    const int closed = count_closed(s.process);
    if (closed < 3)
        FAIL_CHECK("the server exited " << took.count() << " ms after Ctrl-C, but its log shows only " << closed
                                        << " of 3 'closed' lines: did it end before its threads had finished "
                                           "(detach(), or no join())?"
                                        << log_tail(s.process));
    // Each client sees its connection end, instead of waiting for ever.
    int ended = 0;
    for (auto& c : connections)
        if (c->read_to_end(clock_type::now() + 1s)) ++ended;
    if (ended != 3) FAIL_CHECK("after the server exited, only " << ended << " of 3 clients saw their connection end");
}

TEST_CASE("the uppercase of a stream of lines comes back byte for byte" *
          doctest::description(hint("every byte a client sends comes back uppercased, in order, until the client "
                                    "closes; then the server closes too (serve_client does it: keep it as it is)",
                                    "every byte a client sends comes back uppercased, in order, until the client "
                                    "closes; then the server closes too (serve_turn does it: keep it as it is)"))) {
    proc::server s = start();
    // Lines of every kind, 200 KB in all: more than any buffer, so the
    // server must receive and send many times.
    std::string input;
    const char* const kinds[] = {"hello, tcp\n",
                                 "reliable, in-order byte-stream transfer\n",
                                 "stra\xc3\x9f\x65, gr\xc3\xbc\xc3\x9f\x65, \xc3\xa9t\xc3\xa9\n",
                                 "\xef\xac\x81ne \xce\xb1\xce\xb2\xce\xb3\n",
                                 "not UTF-8: \xff\xfe, kept as it is\n",
                                 "\n"};
    for (int i = 0; input.size() < 200 * 1000; ++i) input += std::to_string(i) + ": " + kinds[i % 6];
    const std::string want = text::upper(input);

    const auto deadline = clock_type::now() + 5s;
    client c(s.port, deadline);
    REQUIRE_MESSAGE(c.ok(), "connect: " << c.problem());
    // Send in uneven pieces from a thread of our own while this one reads
    // (a client that only sends could fill every buffer and wait for ever).
    std::thread sender([&] {
        std::size_t at = 0, piece = 1;
        while (at < input.size()) {
            const std::size_t n = std::min(piece, input.size() - at);  // cuts characters in two, too
            if (!c.socket().send_all(std::string_view(input).substr(at, n))) return;
            at += n;
            piece = piece * 3 % 7919 + 1;
        }
        c.finish_sending();
    });
    std::optional<std::string> got = c.read_to_end(deadline);
    (void)c.socket().shutdown(net::socket::direction::both);  // a sender still blocked fails now
    sender.join();
    REQUIRE_MESSAGE(got.has_value(), "the server did not send everything back and close within 5 s");
    if (*got != want) {
        std::size_t same = 0;
        while (same < got->size() && same < want.size() && (*got)[same] == want[same]) ++same;
        FAIL_CHECK("sent " << input.size() << " bytes, got back " << got->size() << " bytes, " << want.size()
                           << " expected; the first " << same << " are right"
                           << (same < want.size() ? ", then " + printable(got->substr(same, 30)) + " where " +
                                                        printable(want.substr(same, 30)) + " was expected"
                                                  : std::string()));
    }
}

TEST_CASE("clients one after another: 200 come and go, and the next one is still served" *
          doctest::description(hint("tasks 2 and 4: a client that has left must not disturb the next one; if you "
                                    "erase finished threads from the vector while you loop over it, remember that "
                                    "erase() already returns the next element",
                                    "stretch, step 2: when serve_turn() returns false, erase that client from both "
                                    "lists, clients[i - 1] and watched[i], so that they stay side by side"))) {
    proc::server s = start();
    constexpr int clients = 200;
    bool logs_closed = true;
    for (int i = 1; i <= clients; ++i) {
        const std::string problem =
            come_and_go(s.port, "client " + std::to_string(i) + " of " + std::to_string(clients) + "\n",
                        clock_type::now() + 2s);
        // The next client comes only once this one's thread is done: its
        // "closed" line is in the log (and a moment more), so that a server
        // that cleans up finished threads finds one to clean up every time.
        for (const auto until = clock_type::now() + 1s; logs_closed && problem.empty();) {
            if (count_closed(s.process) >= i) {
                std::this_thread::sleep_for(2ms);  // pacing: the thread's last act follows its log line
                break;
            }
            if (clock_type::now() > until) logs_closed = false;  // a server that does not log: no waiting
            std::this_thread::sleep_for(1ms);
        }
        if (!problem.empty()) {
            const std::string gone = how_it_ended(s);
            FAIL("clients came one after another, each served and gone before the next; client "
                 << i << " was not served within 2 s: " << problem << (gone.empty() ? "" : "; " + gone)
                 << log_tail(s.process));
        }
    }
    client last(s.port, clock_type::now() + 2s);
    const std::string problem = served(last, "and one more\n", clock_type::now() + 2s);
    if (!problem.empty())
        FAIL_CHECK("after " << clients << " clients came and went, the next one was not served: " << problem
                            << log_tail(s.process));
}

TEST_CASE("clients coming and going for a while: finished threads do not pile up" *
          doctest::description(hint("task 4: a thread whose client has left keeps its stack (8 MiB of address "
                                    "space) until it is joined: join the finished ones while the server runs, not "
                                    "only at the end",
                                    "stretch, step 2: a client that has left is erased from both lists, so "
                                    "nothing of it stays behind"))) {
    proc::server s = start();
    // Three clients stay connected the whole time and must still be served at the end.
    const auto deadline = clock_type::now() + 3s;
    std::vector<std::unique_ptr<client>> staying;
    for (int i = 0; i < 3; ++i) {
        staying.push_back(std::make_unique<client>(s.port, deadline));
        const std::string problem = served(*staying.back(), "i stay " + std::to_string(i + 1) + "\n", deadline);
        if (!problem.empty())
            FAIL("3 clients that stay connected must be served at the same time, but client "
                 << i + 1 << " was not: " << problem << log_tail(s.process));
    }
    // Meanwhile 4 streams of clients, 60 each, come, are served and go.
    constexpr int streams = 4, each = 60;
    std::vector<std::string> problems(streams);
    std::vector<std::thread> threads;
    for (int k = 0; k < streams; ++k)
        threads.emplace_back([&, k] {
            for (int i = 1; i <= each && problems[static_cast<std::size_t>(k)].empty(); ++i) {
                const std::string problem = come_and_go(
                    s.port, "stream " + std::to_string(k + 1) + " client " + std::to_string(i) + "\n",
                    clock_type::now() + 2s);
                if (!problem.empty())
                    problems[static_cast<std::size_t>(k)] = "client " + std::to_string(i) + " of stream " +
                                                            std::to_string(k + 1) + ": " + problem;
            }
        });
    for (std::thread& t : threads) t.join();
    for (const std::string& p : problems)
        if (!p.empty()) FAIL((streams * each) << " clients came and went while 3 stayed; " << p << log_tail(s.process));

    // One more, so that a server that joins when a client arrives has done so.
    const std::string one_more = come_and_go(s.port, "one more\n", clock_type::now() + 2s);
    if (!one_more.empty()) FAIL("the client after them was not served: " << one_more << log_tail(s.process));
    // Three threads for the clients that stay, a few whose clients have
    // just left, a few stacks kept for reuse: far fewer than one per client.
    const std::optional<int> stacks = thread_stacks(s.process.pid());
    if (stacks && *stacks > 64)
        FAIL_CHECK("after " << streams * each + 1 << " clients came and went (3 others still connected), the "
                            << "server still holds " << *stacks << " thread stacks, 8 MiB of address space each: "
                            << "the threads of the clients that left were never joined");
    for (std::size_t i = 0; i < staying.size(); ++i) {
        const std::string problem = served(*staying[i], "still here\n", clock_type::now() + 2s);
        if (!problem.empty()) FAIL_CHECK("client " << i + 1 << " of the 3 that stayed, at the end: " << problem);
    }
}

TEST_CASE("bursts of clients at once, round after round: each gets exactly its own bytes back" *
          doctest::description(hint("tasks 1-2: nothing may be shared between two clients' threads: each "
                                    "serve_client has its own buffer and its own upper_stream (a static or global "
                                    "one is shared by every thread)",
                                    "stretch: each client keeps its own upper_stream in its entry of clients; "
                                    "nothing of one client may end up in another's reply"))) {
    proc::server s = start();
    const std::string problem = bursts(s.port, 24, 48 * 1024, 4, 8s);
    if (!problem.empty()) {
        const std::string gone = how_it_ended(s);
        FAIL_CHECK(problem << (gone.empty() ? "" : "; " + gone) << log_tail(s.process));
    }
}

TEST_CASE("ThreadSanitizer finds no data race in the server" *
          doctest::description(hint("tasks 1-4: memory that two threads use must not be touched by both without "
                                    "care: a static buffer, a global upper_stream, a flag that is not std::atomic; "
                                    "ThreadSanitizer's report below names the lines",
                                    "stretch: the poll() server has a single thread of its own: a race means that "
                                    "something is shared with the wrapper's Ctrl-C thread; the report below names "
                                    "the lines"))) {
    // The same source, built with -fsanitize=thread: every memory access is
    // watched, and two threads that touch the same bytes without a
    // happens-before order between them (a lock, a join, an atomic) are
    // reported, even if this run gave the right bytes.
    const std::string tsan = server_path("-tsan");
    std::vector<std::string> prefix;
    // Some kernels place memory where ThreadSanitizer cannot work; without
    // address randomisation (setarch -R) it can.
    {
        proc::outcome probe = proc::run({tsan, "--help"});
        if (probe.err.find("ThreadSanitizer") != std::string::npos && proc::find_in_path("setarch"))
            prefix = {*proc::find_in_path("setarch"), "-R"};
    }
    std::vector<std::string> argv = prefix;
    argv.insert(argv.end(), {tsan, "--port", "0"});
    proc::options with_tsan;
    with_tsan.environment = {{"TSAN_OPTIONS", "exitcode=0 halt_on_error=0 report_thread_leaks=0"}};
    proc::server s = proc::start_ready(argv, with_tsan);

    // Eight clients held open at once, each answered twice before any
    // leaves: every thread is running while the others use their memory,
    // however slowly this machine serves them. (Served one after another, a
    // thread could end and be joined before the next one begins: then two
    // threads never share a moment, and there is no race to report.)
    std::string problem;
    {
        const auto deadline = clock_type::now() + 20s;
        std::vector<std::unique_ptr<client>> held;
        for (int round = 1; round <= 2 && problem.empty(); ++round)
            for (int k = 0; k < 8 && problem.empty(); ++k) {
                if (round == 1) held.push_back(std::make_unique<client>(s.port, deadline));
                problem = served(*held[static_cast<std::size_t>(k)],
                                 "held open " + std::to_string(k + 1) + ", line " + std::to_string(round) + "\n",
                                 deadline);
            }
        for (std::unique_ptr<client>& c : held) {
            c->finish_sending();
            (void)c->read_to_end(deadline);
        }
    }
    if (problem.empty()) problem = bursts(s.port, 8, 16 * 1024, 2, 10s);
    for (int i = 1; i <= 20 && problem.empty(); ++i)
        problem = come_and_go(s.port, "one after another " + std::to_string(i) + "\n", clock_type::now() + 5s);
    s.process.send_signal(SIGINT);
    std::optional<proc::ending> end = s.process.wait_for(5s);

    // The first report that names a line of your file (a race inside the
    // wrapper alone is not yours to fix).
    const std::string err = s.process.error_text();
    const std::string yours = server_name() + ".cpp:";
    const std::string marker = "WARNING: ThreadSanitizer:";
    std::size_t report = err.find(marker);
    while (report != std::string::npos) {
        const std::size_t next = err.find(marker, report + marker.size());
        if (names_in_an_access(err.substr(report, next == std::string::npos ? std::string::npos : next - report),
                               yours))
            break;
        report = next;
    }
    if (report != std::string::npos) {
        // What, where, and the other access: the report's headings, and of
        // its stack frames those in your file, each as "function file:line".
        std::istringstream lines(err.substr(report));
        std::string line, shown;
        int kept = 0;
        while (std::getline(lines, line) && kept < 16) {
            const std::size_t text = line.find_first_not_of(' ');
            if (text == std::string::npos || line.rfind("SUMMARY", text) == text) continue;
            if (line.rfind("=====", text) == text) break;  // the end of this report
            if (line[text] == '#') {
                std::istringstream frame(line.substr(text));
                std::string number, function, word, where;
                frame >> number >> function;
                while (frame >> word)
                    if (word.find(yours) != std::string::npos) where = word;
                if (where.empty()) continue;  // the wrapper's frames, the library's
                function = function.substr(0, function.find('('));  // the name, without its parameters
                line = line.substr(0, text) + number + " " + (function == "operator" ? "(a lambda)" : function) +
                       " " + where.substr(where.rfind('/') == std::string::npos ? 0 : where.rfind('/') + 1);
            } else {
                line = without_arguments(line);  // "Location is global 'serve_client(...)::sentence' ..."
            }
            shown += "\n        " + line;
            ++kept;
        }
        FAIL_CHECK("ThreadSanitizer reported a data race in " << server_name() << "-tsan (the same source, built "
                                                              << "with -fsanitize=thread):" << shown);
    } else if (err.find("FATAL: ThreadSanitizer") != std::string::npos) {
        FAIL_CHECK("ThreadSanitizer could not run on this machine: " << proc::printable(err, 300));
    } else if (!problem.empty()) {
        FAIL_CHECK("under ThreadSanitizer: " << problem);
    } else if (!end || end->code != 0) {
        FAIL_CHECK("under ThreadSanitizer, after Ctrl-C the server "
                   << (end ? "ended with " + end->describe() : std::string("was still running after 5 s"))
                   << log_tail(s.process));
    }
}

TEST_CASE("Ctrl-C: the server exits as soon as its threads have finished, not after a pause" *
          doctest::description(hint("task 3: after the loop, join() each thread: join() returns as soon as that "
                                    "thread has finished, a few milliseconds after Ctrl-C; detach() and a pause "
                                    "(sleep) instead make the server slow to stop, and cut off any thread slower "
                                    "than the pause",
                                    "stretch: on Ctrl-C the poll() loop ends at once; close every client still in "
                                    "the list (each gets its 'closed' line) and return"))) {
    // One try: 3 idle clients, then Ctrl-C. "" if the server exited in time;
    // else the problem, and whether it was only too slow (then the grader
    // tries again: a busy machine can be slow too, a pause never fails to).
    const auto once = [](bool& only_slow) -> std::string {
        only_slow = false;
        proc::server s = start();
        const auto deadline = clock_type::now() + 3s;
        std::vector<std::unique_ptr<client>> idle;
        for (int i = 0; i < 3; ++i) {
            idle.push_back(std::make_unique<client>(s.port, deadline));
            const std::string problem = served(*idle.back(), "idle", deadline);
            if (!problem.empty())
                return "before Ctrl-C, 3 idle clients must be served at the same time, but client " +
                       std::to_string(i + 1) + " was not: " + problem + log_tail(s.process);
        }
        const auto signalled = clock_type::now();
        s.process.send_signal(SIGINT);
        std::optional<proc::ending> end = s.process.wait_for(2s);
        const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - signalled);
        if (!end) return "still running 2 s after Ctrl-C" + log_tail(s.process);
        if (end->code != 0) return "after Ctrl-C the server ended with " + end->describe() + log_tail(s.process);
        const int closed = count_closed(s.process);
        if (took > 600ms) {
            only_slow = true;
            return "the server took " + std::to_string(took.count()) + " ms to exit after Ctrl-C, although each of " +
                   "its 3 threads is woken at once and ends within milliseconds: does main() pause (sleep) instead " +
                   "of joining?" + log_tail(s.process);
        }
        if (closed < 3)
            return "the server exited " + std::to_string(took.count()) + " ms after Ctrl-C, but its log shows only " +
                   std::to_string(closed) + " of 3 'closed' lines" + log_tail(s.process);
        return "";
    };
    std::string problem;
    bool only_slow = true;
    for (int attempt = 1; attempt <= 3 && only_slow; ++attempt) {
        problem = once(only_slow);
        if (problem.empty()) return;
    }
    if (only_slow) problem += " (the same in 3 tries)";
    FAIL_CHECK(problem);
}
