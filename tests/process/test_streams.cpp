// test_streams.cpp - the programs and their standard streams: closed, full,
// or read by nobody; and clients that must never take a wrong or cut answer
// for a right one.
#include <doctest/doctest.h>

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "../../common/text.hpp"
#include "child.hpp"
#include "peer.hpp"

using namespace std::chrono_literals;
using proc::program;

namespace {
// argv run by /bin/sh with `redirections` (say ">&-") applied, exec'd.
std::vector<std::string> redirected(const std::string& redirections, std::vector<std::string> argv) {
    std::vector<std::string> shell{"/bin/sh", "-c", "exec \"$@\" " + redirections, "sh"};
    shell.insert(shell.end(), argv.begin(), argv.end());
    return shell;
}

bool native() { return !proc::runner(); }

// The port a process listens on (TCP), found through /proc: for a server
// whose stdout is closed, so that it cannot say its ready line.
std::optional<std::uint16_t> listening_port(pid_t pid) {
    std::vector<std::string> inodes;
    const std::string fd_dir = "/proc/" + std::to_string(pid) + "/fd";
    if (DIR* dir = ::opendir(fd_dir.c_str())) {
        while (dirent* entry = ::readdir(dir)) {
            char target[128] = {};
            const std::string path = fd_dir + "/" + entry->d_name;
            if (::readlink(path.c_str(), target, sizeof target - 1) > 0 && std::string(target).rfind("socket:[", 0) == 0)
                inodes.push_back(std::string(target).substr(8, std::string(target).size() - 9));
        }
        ::closedir(dir);
    }
    for (const char* table : {"/proc/net/tcp6", "/proc/net/tcp"}) {
        std::ifstream in(table);
        std::string line;
        std::getline(in, line);  // the header
        while (std::getline(in, line)) {
            std::vector<std::string> fields;
            std::size_t at = 0;
            while ((at = line.find_first_not_of(' ', at)) != std::string::npos) {
                const std::size_t end = line.find(' ', at);
                fields.push_back(line.substr(at, end - at));
                at = end;
            }
            if (fields.size() < 10 || fields[3] != "0A") continue;  // 0A: LISTEN
            for (const std::string& inode : inodes)
                if (fields[9] == inode)
                    return static_cast<std::uint16_t>(std::stoul(fields[1].substr(fields[1].find(':') + 1), nullptr, 16));
        }
    }
    return std::nullopt;
}

std::uint16_t wait_for_listening_port(proc::child& server) {
    const auto deadline = proc::clock::now() + proc::patience;
    while (proc::clock::now() < deadline) {
        if (auto port = listening_port(server.pid())) return *port;
        REQUIRE_MESSAGE(server.running(), server.command() << " ended: " << server.error_text());
        std::this_thread::sleep_for(10ms);  // looking again, not waiting for something to happen
    }
    FAIL(server.command() << " is not listening after 10 s");
    return 0;
}

std::string answer(std::uint16_t port, const std::string& message) {
    peer::tcp c(port);
    c.send(message);
    c.finish_sending();
    return c.read_to_end();
}
}  // namespace

TEST_CASE("streams: a server started with stdin, stdout or stderr closed serves, and logs to no client") {
    if (!native()) {
        MESSAGE("skipped: POSIX descriptors");
        return;
    }
    SUBCASE("stdout closed: no SIGPIPE at the ready line") {
        proc::child server(redirected(">&-", {program("tcp_server"), "--port", "0"}));
        const std::uint16_t port = wait_for_listening_port(server);
        CHECK(answer(port, "hello") == "HELLO");
        CHECK(server.running());
    }
    SUBCASE("stderr closed: its log goes nowhere, and the server goes on") {
        proc::server s = proc::start_ready(redirected("2>&-", {program("tcp_server_threaded"), "--port", "0"}));
        CHECK(answer(s.port, "one") == "ONE");
        CHECK(answer(s.port, "two") == "TWO");
        CHECK(s.process.running());
    }
    SUBCASE("stdin and stderr closed: no log line ever reaches a client") {
        for (const std::string name : {"tcp_server", "tcp_server_threaded"}) {
            CAPTURE(name);
            proc::server s = proc::start_ready(redirected("<&- 2>&-", {program(name), "--port", "0"}));
            for (int i = 0; i < 3; ++i) CHECK(answer(s.port, "abc") == "ABC");
        }
    }
}

TEST_CASE("streams: a client with stdout closed or full: quiet, or one line and exit 1") {
    if (!native()) {
        MESSAGE("skipped: POSIX descriptors and /dev/full");
        return;
    }
    proc::server tcp = proc::start_server("tcp_server");
    proc::server udp = proc::start_server("udp_server");
    const std::string tport = std::to_string(tcp.port), uport = std::to_string(udp.port);

    // stdout closed: the answer goes to /dev/null; no SIGPIPE, exit 0.
    proc::outcome closed = proc::run(redirected(">&-", {program("tcp_client"), "-m", "hello", "127.0.0.1", tport}));
    CHECK_MESSAGE(closed.end.code == 0, closed.describe());
    CHECK(closed.err.empty());

    // -i with stdout closed: the answer must not go back into the connection.
    proc::outcome lines =
        proc::run(redirected(">&-", {program("tcp_client"), "-i", "127.0.0.1", tport}), "hi\n");
    CHECK_MESSAGE(lines.end.code == 0, lines.describe());
    tcp.process.send_signal(SIGINT);
    REQUIRE(tcp.process.wait().code == 0);
    INFO(tcp.process.error_text());
    CHECK(tcp.process.error_text().find("(3 bytes in, 3 out)") != std::string::npos);

    // stdout full: one line, exit 1 (both clients).
    proc::server again = proc::start_server("tcp_server");
    for (const auto& argv : {std::vector<std::string>{program("tcp_client"), "-m", "hi", "127.0.0.1",
                                                       std::to_string(again.port)},
                             std::vector<std::string>{program("udp_client"), "-m", "hi", "127.0.0.1", uport}}) {
        proc::outcome full = proc::run(redirected(">/dev/full", argv));
        INFO(full.describe());
        CHECK(full.end.code == 1);
        REQUIRE(full.error_lines().size() == 1);
        CHECK(full.error_lines()[0].find("cannot write to standard output") != std::string::npos);
    }
}

TEST_CASE("streams: a client with stdin closed ends at once") {
    if (!native()) {
        MESSAGE("skipped: POSIX descriptors");
        return;
    }
    proc::server s = proc::start_server("tcp_server");
    for (const auto& mode : {std::vector<std::string>{}, std::vector<std::string>{"-i"}}) {
        std::vector<std::string> argv{program("tcp_client")};
        argv.insert(argv.end(), mode.begin(), mode.end());
        argv.insert(argv.end(), {"127.0.0.1", std::to_string(s.port)});
        proc::outcome r = proc::run(redirected("<&-", argv));
        INFO(r.describe());
        CHECK(r.end.code == 0);
        CHECK(r.out.empty());
    }
}

TEST_CASE("streams: a client whose reader stops (| head -c1) ends quietly") {
    if (!native()) {
        MESSAGE("skipped: POSIX signals");
        return;
    }
    proc::server s = proc::start_server("tcp_server", {"-q"});
    proc::child client({program("tcp_client"), "127.0.0.1", std::to_string(s.port)});
    client.write_input(std::string(300 * 1024, 'z'));  // an answer of 300 KiB: more than a pipe holds
    client.close_input();
    CHECK(client.read_until("Z") == "Z");  // like head -c1: one byte, then nobody reads
    client.close_output();
    proc::ending end = client.wait();
    CHECK((end.signal == SIGPIPE || end.code != 0));  // as cat and every Unix tool end
    CHECK(client.error_text().empty());                // without a word
}

TEST_CASE("streams: tcp_client -i sends a long line while it reads the answer (no deadlock)") {
    proc::server s = proc::start_server("tcp_server", {"-q"});
    const std::string line(12 * 1024 * 1024, 'l');  // far more than the socket buffers of both sides
    std::string out;
    proc::child client({program("tcp_client"), "-i", "127.0.0.1", std::to_string(s.port)});
    client.pump(line + "\n", [&](std::string_view piece) { out.append(piece); });
    proc::ending end = client.wait();
    CHECK(end.code == 0);
    CHECK(out.size() == line.size() + 1);
    CHECK(out == std::string(line.size(), 'L') + "\n");
}

TEST_CASE("streams: turned away, a client says 'server busy' as the error it is, every time") {
    proc::server s = proc::start_server("tcp_server_threaded", {"--max-clients", "1"});
    peer::tcp first(s.port);  // holds the one place
    first.send("x");
    REQUIRE(first.read_exactly(1) == "X");
    for (int i = 0; i < 5; ++i) {
        proc::outcome r = proc::run({program("tcp_client"), "-m", "hello", "127.0.0.1", std::to_string(s.port)});
        INFO("try " << i + 1 << ": " << r.describe());
        CHECK(r.end.code == 1);
        CHECK(r.out.empty());
        REQUIRE(r.error_lines().size() == 1);
        CHECK(r.error_lines()[0].find("server busy") != std::string::npos);
    }
    proc::outcome lines = proc::run({program("tcp_client"), "-i", "127.0.0.1", std::to_string(s.port)}, "hi\n");
    INFO(lines.describe());
    CHECK(lines.end.code == 1);
    CHECK(lines.out.empty());
    CHECK(lines.err.find("server busy") != std::string::npos);
}

TEST_CASE("streams: tcp_client -m writes a long answer as it comes, not all of it in memory") {
    if (!native() || !std::ifstream("/proc/self/status")) {
        MESSAGE("skipped: reads the client's peak memory from /proc");
        return;
    }
    // A server of our own that answers a sentence with 200 MB.
    net::socket listener = std::move(net::server_socket(net::tcp, "127.0.0.1", 0).value());
    REQUIRE(listener.listen(1).ok());
    const std::uint16_t port = listener.local_address().value().port();
    std::thread server([&listener] {
        auto accepted = listener.accept();
        if (!accepted) return;
        net::socket& c = accepted.value().first;
        char request[64];
        while (true) {  // the whole request first: closing with it unread would reset the connection
            net::result<std::size_t> got = c.recv(request, sizeof request);
            if (!got || got.value() == 0) break;
        }
        const std::string chunk(1 << 20, 'A');
        for (int i = 0; i < 200; ++i)
            if (!c.send_all(chunk)) return;
    });
    proc::child client({program("tcp_client"), "-m", "give me a lot", "127.0.0.1", std::to_string(port)});
    // The client's peak memory, read from /proc while it runs: wait4's
    // ru_maxrss would not do, since a child started with posix_spawn (vfork)
    // inherits the test's own peak at its exec.
    std::size_t received = 0, next_look = 0;
    long peak_kib = 0;
    client.pump("", [&](std::string_view piece) {
        received += piece.size();
        if (received < next_look) return;
        next_look = received + (8 << 20);
        std::ifstream status("/proc/" + std::to_string(client.pid()) + "/status");
        for (std::string line; std::getline(status, line);)
            if (line.rfind("VmHWM:", 0) == 0) peak_kib = std::max(peak_kib, std::stol(line.substr(6)));
    });
    proc::ending end = client.wait();
    server.join();
    CHECK(end.code == 0);
    CHECK(received == 200u * (1 << 20) + 1);  // and its newline
    INFO("the client's peak memory: " << peak_kib << " KiB");
    CHECK(peak_kib > 0);  // it was looked at
    CHECK(peak_kib < 64 * 1024);
}

TEST_CASE("streams: udp_client never takes a late reply to one message for the reply to the next") {
    if (!native()) {
        MESSAGE("skipped: SIGSTOP");
        return;
    }
    proc::server s = proc::start_server("udp_server");
    proc::child client({program("udp_client"), "--timeout", "500", "--retries", "5", "-m", "one", "-m", "two", "-m",
                        "three", "127.0.0.1", std::to_string(s.port)});
    // The server stops for 1.2 s while the client waits for "one": the client
    // sends "one" again, and when the server goes on it answers both.
    s.process.send_signal(SIGSTOP);
    std::this_thread::sleep_for(1200ms);  // the pause is the scenario, not a wait for something
    s.process.send_signal(SIGCONT);
    CHECK(client.read_to_end() == "ONE\nTWO\nTHREE\n");
    CHECK(client.wait().code == 0);
}

TEST_CASE("streams: a datagram whose uppercase cannot fit is refused with the reason, not a timeout") {
    peer::bound_udp nobody;
    std::string grows;
    for (int i = 0; i < 30000; ++i) grows += "\xC5\x89";  // 'ŉ': 2 bytes, uppercase 'ʼN': 3 bytes
    proc::outcome r = proc::run({program("udp_client"), "-m", grows, "127.0.0.1", std::to_string(nobody.port)});
    INFO(r.describe());
    CHECK(r.end.code == 1);
    REQUIRE(r.error_lines().size() == 1);
    CHECK(r.error_lines()[0].find("more than one UDP datagram can carry") != std::string::npos);
    CHECK(r.elapsed < 900ms);  // refused before any waiting
}
