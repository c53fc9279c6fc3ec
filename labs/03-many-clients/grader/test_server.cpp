// test_server.cpp - the grader of lab 03: one TEST_CASE per requirement.
//
// Each requirement starts your server as a program (--port 0: it picks a
// free port and says which in its ready line), talks to it over loopback as
// one or many clients, and ends it. Every wait has a deadline: a server that
// keeps a client waiting makes the requirement fail, not the grader hang.
//
//   LAB_BIN      the folder of the program to grade (the Makefile sets it)
//   LAB_SERVER   its name: "server" (make lab03) or "poll_server" (make lab03-poll)
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/net.hpp"
#include "common/text.hpp"
#include "tests/process/child.hpp"

using namespace std::chrono_literals;

namespace {

using clock_type = std::chrono::steady_clock;

std::string server_path() {
    const char* dir = std::getenv("LAB_BIN");
    const char* name = std::getenv("LAB_SERVER");
    return std::string(dir && *dir ? dir : "build/labs/student/03") + "/" + (name && *name ? name : "server");
}

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

// The server's log (its stderr), last lines, for the report.
std::string log_tail(const proc::child& server) {
    std::vector<std::string> lines = server.error_lines();
    std::string out;
    const std::size_t from = lines.size() > 3 ? lines.size() - 3 : 0;
    for (std::size_t i = from; i < lines.size(); ++i) out += "\n        " + lines[i];
    return out.empty() ? "" : "\n      the server's last log lines:" + out;
}

}  // namespace

TEST_CASE("a silent client does not hold up the next one" *
          doctest::description("tasks 1-2: start a thread for each accepted connection and go straight back to "
                               "accept() (poll_server: keep every client in the list that poll() watches)")) {
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
                   << b_problem << ". Is the server still busy with A, instead of back in accept()?");

    // And A is still served afterwards.
    const std::string again = served(a, "still here", clock_type::now() + 2s);
    if (!again.empty()) FAIL_CHECK("client A, after B: " << again);
}

TEST_CASE("100 clients at once, each answered byte for byte" *
          doctest::description("task 1: one thread per connection, each owning its own connection socket "
                               "(moved into it): 100 clients connected at the same time each get their own reply")) {
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
          doctest::description("task 3: after the accept loop, join() every thread; each one notices Ctrl-C "
                               "within half a second, closes its connection and returns")) {
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
    int closed = 0;
    for (const std::string& line : s.process.error_lines())
        if (line.rfind("closed ", 0) == 0) ++closed;
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
          doctest::description("every byte a client sends comes back uppercased, in order, until the client "
                               "closes; then the server closes too (serve_client does it: keep it as it is)")) {
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
            if (!c.send(std::string_view(input).substr(at, n), deadline)) return;
            at += n;
            piece = piece * 3 % 7919 + 1;
        }
        c.finish_sending();
    });
    std::optional<std::string> got = c.read_to_end(deadline);
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
