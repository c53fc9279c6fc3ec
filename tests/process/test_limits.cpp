// test_limits.cpp - the servers at the limits of the system: no thread to be
// had, no file descriptor left, a log nobody reads, clients that never
// leave, and many clients one after another.
#include <doctest/doctest.h>

#include <csignal>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "../../common/text.hpp"
#include "child.hpp"
#include "peer.hpp"

// An AddressSanitizer build: GCC defines __SANITIZE_ADDRESS__, Clang answers __has_feature.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ADDRESS_SANITIZER_CLANG 1
#endif
#endif
#ifndef ADDRESS_SANITIZER_CLANG
#define ADDRESS_SANITIZER_CLANG 0
#endif

using namespace std::chrono_literals;
using proc::program;

namespace {
// argv run by /bin/sh after `limits` (say "ulimit -n 40"), with exec so the
// program is the process the test talks to.
std::vector<std::string> limited(const std::string& limits, std::vector<std::string> argv) {
    std::vector<std::string> shell{"/bin/sh", "-c", limits + " && exec \"$@\"", "sh"};
    shell.insert(shell.end(), argv.begin(), argv.end());
    return shell;
}

// A server started under limits; nothing if it could not start there (a
// sanitizer's runtime, say, needs more address space than the limit).
std::optional<proc::server> start_limited(const std::string& limits, std::vector<std::string> argv) {
    proc::server s{proc::child(limited(limits, std::move(argv))), 0};
    std::optional<std::string> line = s.process.read_line_or_end();
    if (!line || !proc::ready_port(*line)) return std::nullopt;
    s.port = *proc::ready_port(*line);
    return s;
}

std::size_t count_lines_with(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (const std::string& line : proc::split_lines(text)) n += line.find(part) != std::string::npos;
    return n;
}

// What a client gets back for `message`: the answer, or "server busy\n",
// or (when the server reset or closed early) what came before that.
std::string answer(peer::tcp& c, const std::string& message) {
    c.send(message);
    c.finish_sending();
    net::result<std::string> got = c.read_until_reset();
    return got ? got.value() : "(reset)";
}

// VmSize of a process, in KiB (Linux).
long vm_size_kib(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmSize:", 0) == 0) return std::stol(line.substr(7));
    return -1;
}
}  // namespace

TEST_CASE("limits: with no thread to be had, a client is told 'server busy' and the others go on") {
    if (proc::runner()) {
        MESSAGE("skipped: POSIX resource limits");
        return;
    }
    // 300 MB of address space: each thread reserves 8 MiB of stack (and
    // glibc a malloc arena), so thread creation fails after a few clients.
    auto s = start_limited("ulimit -v 300000", {program("tcp_server_threaded"), "--port", "0"});
    if (!s) {
        MESSAGE("skipped: the server cannot start with 300 MB of address space here (a sanitizer build?)");
        return;
    }
    std::vector<std::unique_ptr<peer::tcp>> held;  // each served client stays, holding its thread
    bool turned_away = false;
    for (int i = 0; i < 100 && !turned_away; ++i) {
        auto c = std::make_unique<peer::tcp>(s->port);
        c->send("x");
        const std::string first = c->read_exactly(1);
        if (first == "X") {
            held.push_back(std::move(c));
            continue;
        }
        net::result<std::string> rest = c->read_until_reset();
        turned_away = rest.ok() && first + rest.value() == "server busy\n";
        CHECK_MESSAGE(turned_away, "client " << i + 1 << " got '" << first << "' and then "
                                             << (rest ? rest.value() : rest.error().message()));
    }
    INFO(s->process.error_text());
    REQUIRE(turned_away);
    CHECK(held.size() >= 1);
    CHECK(s->process.running());
    held.front()->send("still");
    CHECK(held.front()->read_exactly(5) == "STILL");
    CHECK(count_lines_with(s->process.error_text(), "server busy: no thread available") == 1);
}

TEST_CASE("limits: out of file descriptors, clients hear 'server busy', once logged, and the server goes on") {
    if (proc::runner()) {
        MESSAGE("skipped: POSIX resource limits");
        return;
    }
#if defined(__SANITIZE_ADDRESS__) || ADDRESS_SANITIZER_CLANG
    // UBSan checks a virtual call by testing the memory with a pipe: out of
    // descriptors, it cannot make one, and reports a bad object that is not.
    MESSAGE("skipped in a sanitizer build: UBSan needs free descriptors of its own");
    return;
#endif
    // 40 descriptors, and --max-clients higher than that allows: accept()
    // itself fails with EMFILE.
    auto s = start_limited("ulimit -n 40", {program("tcp_server_threaded"), "--port", "0", "--max-clients", "100"});
    REQUIRE(s);
    std::vector<std::unique_ptr<peer::tcp>> clients;
    int served = 0, busy = 0;
    for (int i = 0; i < 50; ++i) {
        clients.push_back(std::make_unique<peer::tcp>(s->port));
        clients.back()->send("x");
        // A served client gets "X" back and stays; a turned-away one gets the
        // notice and an orderly end: both within the patience of read_exactly.
        const std::string first = clients.back()->read_exactly(1);
        if (first == "X") ++served;
        else if (first + clients.back()->read_until_reset().value() == "server busy\n") ++busy;
    }
    CHECK(served >= 20);
    CHECK(busy >= 1);
    CHECK(served + busy == 50);
    // The clients still connected are still served.
    clients.front()->send("still");
    CHECK(clients.front()->read_exactly(5) == "STILL");
    const std::string log = s->process.error_text();
    INFO(log);
    CHECK(count_lines_with(log, "out of file descriptors: turning clients away") == 1);  // once per burst
    CHECK(count_lines_with(log, "is more than the open-file limit (40) allows") == 1);
    s->process.send_signal(SIGINT);
    CHECK(s->process.wait().code == 0);
}

TEST_CASE("limits: --max-clients' default fits the open-file limit, and the log says so") {
    if (proc::runner()) {
        MESSAGE("skipped: POSIX resource limits");
        return;
    }
    auto s = start_limited("ulimit -n 100", {program("tcp_server_threaded"), "--port", "0"});
    REQUIRE(s);
    peer::tcp first(s->port);  // the log line is there by the time a client is served
    first.send("a");
    REQUIRE(first.read_exactly(1) == "A");
    CHECK(count_lines_with(s->process.error_text(), "serving up to 84 clients at once (open-file limit: 100)") == 1);
}

TEST_CASE("limits: a log that nobody reads does not stop the server, nor Ctrl-C") {
    if (proc::runner()) {
        MESSAGE("skipped: on Windows a full stderr pipe still blocks (platform::stderr_ready is POSIX only)");
        return;
    }
    proc::options unread;
    unread.stderr_unread_pipe = true;
    proc::server s = proc::start_ready({program("tcp_server_threaded"), "--port", "0"}, unread);
    // 1,500 clients, two log lines each: far more than a pipe holds (64 KiB).
    for (int i = 0; i < 1500; ++i) {
        peer::tcp c(s.port);
        REQUIRE(answer(c, "abc") == "ABC");
    }
    s.process.send_signal(SIGINT);
    std::optional<proc::ending> end = s.process.wait_for(5s);
    REQUIRE_MESSAGE(end.has_value(), "the server did not end within 5 s of SIGINT");
    CHECK(end->code == 0);
}

TEST_CASE("limits: finished threads are joined as they finish, not when the next client comes") {
    if (proc::runner()) {
        MESSAGE("skipped: reads /proc");
        return;
    }
    // One malloc arena (glibc reserves 64 MiB of address space for each of up
    // to 8 per core, whatever happens to the threads): what is left is stacks.
    proc::options one_arena;
    one_arena.environment = {{"MALLOC_ARENA_MAX", "1"}};
    proc::server s = proc::start_ready({program("tcp_server_threaded"), "--port", "0"}, one_arena);
    const long vm_before = vm_size_kib(s.process.pid());
    {
        std::vector<std::unique_ptr<peer::tcp>> clients;
        for (int i = 0; i < 300; ++i) {
            clients.push_back(std::make_unique<peer::tcp>(s.port));
            clients.back()->send("x");
            REQUIRE(clients.back()->read_exactly(1) == "X");  // 300 threads now
        }
    }  // all 300 leave at once, and nobody comes after them
    // Each thread reserves 8 MiB of address space until it is joined: 300
    // unjoined threads would keep 2.4 GB. Joined as they finish, they give it
    // back without waiting for a next client.
    const auto deadline = proc::clock::now() + proc::patience;
    long grown = vm_size_kib(s.process.pid()) - vm_before;
    while (grown > 256 * 1024 && proc::clock::now() < deadline) {
        std::this_thread::sleep_for(20ms);  // looking again for the event, not waiting for it to happen
        grown = vm_size_kib(s.process.pid()) - vm_before;
    }
    INFO("VmSize grew by " << grown << " KiB after 300 clients came and left");
    CHECK(vm_before > 0);
    CHECK(grown < 256 * 1024);
}

TEST_CASE("limits: --idle-timeout ends a silent client's connection and lets the next one in") {
    for (const std::string name : {"tcp_server", "tcp_server_threaded"}) {
        CAPTURE(name);
        std::vector<std::string> extra{"--idle-timeout", "1"};
        if (name == "tcp_server_threaded") extra.insert(extra.end(), {"--max-clients", "1"});
        proc::server s = proc::start_server(name, extra);
        peer::tcp silent(s.port);
        silent.send("x");
        REQUIRE(silent.read_exactly(1) == "X");  // served, and now silent
        const auto start = proc::clock::now();
        net::result<std::string> end = silent.read_until_reset();  // the server ends it after 1 s
        const auto waited = proc::clock::now() - start;
        CHECK(waited >= 900ms);
        CHECK(waited < 5s);
        if (!proc::runner()) {
            REQUIRE_FALSE(end.ok());  // a reset: the session did not end in order
            CHECK(end.error().code == std::errc::connection_reset);
        }
        peer::tcp next(s.port);
        CHECK(answer(next, "next") == "NEXT");
    }
}

TEST_CASE("limits: --idle-timeout also ends a client that sends but never reads") {
    proc::server s = proc::start_server("tcp_server", {"--idle-timeout", "1"});
    net::result<net::socket> greedy = net::connect_to("127.0.0.1", s.port);
    REQUIRE(greedy.ok());
    // Much more than the socket buffers hold, never reading the answers: the
    // server's send() waits, for at most the idle timeout; then the server
    // resets the connection and our own send() fails.
    REQUIRE(greedy.value().set_send_timeout(5000ms).ok());
    const std::string chunk(1 << 20, 'q');
    const auto start = proc::clock::now();
    net::result<void> sent;
    for (int i = 0; i < 512 && sent.ok(); ++i) sent = greedy.value().send_all(chunk);
    CHECK_FALSE(sent.ok());
    CHECK(proc::clock::now() - start < 8s);
    peer::tcp next(s.port);
    CHECK(answer(next, "next") == "NEXT");
}
