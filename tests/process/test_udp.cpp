// test_udp.cpp - udp_server and udp_client as processes, driven over loopback.
#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>
#include <optional>
#include <string>
#include <vector>

#include "../../common/text.hpp"
#include "child.hpp"
#include "peer.hpp"

using proc::program;

namespace {

// An uppercase that knows only ASCII: an oracle that shares no code with the
// servers, for inputs where ASCII is all that changes.
std::string ascii_upper(std::string s) {
    for (char& c : s)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return s;
}

// Ends a server with Ctrl-C (SIGINT) and waits for it, so its stderr log is complete.
proc::ending stop(proc::server& s) {
    s.process.send_signal(SIGINT);
    return s.process.wait();
}

}  // namespace

TEST_CASE("udp: the ready line names the real port, and -m prints the uppercase reply") {
    proc::server s = proc::start_server("udp_server");
    // The port is real: a datagram sent there is answered.
    peer::udp raw;
    CHECK(raw.exchange("ping", s.port) == "PING");

    proc::outcome r = proc::run({program("udp_client"), "-m", "hello", "127.0.0.1", std::to_string(s.port)});
    INFO(r.describe());
    CHECK(r.end.code == 0);
    CHECK(r.out == "HELLO\n");
    CHECK(r.err.empty());
}

TEST_CASE("udp: -m repeated prints each reply on its own line, multi-character results included") {
    proc::server s = proc::start_server("udp_server");
    proc::outcome r = proc::run({program("udp_client"), "-m", "hello", "-m", "grüße", "-m", "straße ﬁ", "127.0.0.1",
                                 std::to_string(s.port)});
    INFO(r.describe());
    CHECK(r.end.code == 0);
    CHECK(r.out == "HELLO\nGRÜSSE\nSTRASSE FI\n");
}

TEST_CASE("udp: piped stdin, each line one datagram, each reply on its own line") {
    SUBCASE("against udp_server") {
        proc::server s = proc::start_server("udp_server");
        proc::outcome r =
            proc::run({program("udp_client"), "127.0.0.1", std::to_string(s.port)}, "one\ntwo words\n\nlast ß");
        INFO(r.describe());
        CHECK(r.end.code == 0);
        CHECK(r.out == "ONE\nTWO WORDS\n\nLAST SS\n");
    }
    SUBCASE("against the test as server, which sees the datagram boundaries") {
        // Uppercased output alone cannot tell one datagram per line from one
        // datagram holding all lines; a server that answers each datagram
        // with its own number can.
        peer::bound_udp fake;
        proc::child client({program("udp_client"), "127.0.0.1", std::to_string(fake.port)});
        client.write_input("alpha\nbeta gamma\n\ndelta");
        client.close_input();
        std::vector<char> buffer(65536);
        REQUIRE(fake.socket.set_receive_timeout(proc::patience).ok());
        const std::vector<std::string> expected{"alpha", "beta gamma", "", "delta"};
        for (std::size_t i = 0; i < expected.size(); ++i) {
            auto got = fake.socket.recvfrom(buffer.data(), buffer.size());
            REQUIRE_MESSAGE(got.ok(), "datagram " << i << ": " << (got ? "" : got.error().message()));
            auto [size, from] = got.value();
            CHECK(std::string(buffer.data(), size) == expected[i]);
            REQUIRE(fake.socket.sendto("reply " + std::to_string(i), from).ok());
        }
        CHECK(client.read_to_end() == "reply 0\nreply 1\nreply 2\nreply 3\n");
        CHECK(client.wait().code == 0);
    }
}

TEST_CASE("udp: with no --host the server answers on 127.0.0.1 and on ::1") {
    proc::server s = proc::start_server("udp_server");
    proc::outcome four = proc::run({program("udp_client"), "-m", "over ipv4", "127.0.0.1", std::to_string(s.port)});
    INFO(four.describe());
    CHECK(four.out == "OVER IPV4\n");
    CHECK(four.end.code == 0);

    if (!peer::have_ipv6_loopback()) {
        MESSAGE("skipped the ::1 half: this machine has no IPv6 loopback");
        return;
    }
    proc::outcome six = proc::run({program("udp_client"), "-m", "over ipv6", "::1", std::to_string(s.port)});
    INFO(six.describe());
    CHECK(six.out == "OVER IPV6\n");
    CHECK(six.end.code == 0);
}

TEST_CASE("udp: empty, maximal, binary and invalid UTF-8 datagrams from a raw peer") {
    proc::server s = proc::start_server("udp_server", {"-q"});
    peer::udp raw;

    // An empty datagram is a datagram: it gets an (empty) answer.
    CHECK(raw.exchange("", s.port).empty());

    // The largest datagram IPv4 can carry comes back whole, not cut at a
    // buffer size the way the lecture's recvfrom(2048) would cut it.
    std::string big;
    const std::string pattern = "the quick brown fox jumps over the lazy dog 0123456789\n";
    const std::size_t largest_ipv4 = 65507;  // 65,535 - 8 (UDP header) - 20 (IPv4 header)
    while (big.size() < largest_ipv4) big += pattern;
    big.resize(largest_ipv4);
    const std::string big_reply = raw.exchange(big, s.port);
    CHECK(big_reply.size() == largest_ipv4);
    CHECK(big_reply == ascii_upper(big));

    // NUL bytes are data, not the end of a C string.
    CHECK(raw.exchange(std::string("a\0b\0", 4), s.port) == std::string("A\0B\0", 4));

    // All 256 byte values in order: ASCII letters change; 0x80..0xFF here are
    // stray continuation bytes or lead bytes followed by another lead byte,
    // so none of them forms a character and each passes through unchanged.
    std::string all;
    for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
    const std::string all_reply = raw.exchange(all, s.port);
    CHECK(all_reply.size() == 256);
    CHECK(all_reply == ascii_upper(all));
    CHECK(all_reply == text::upper(all));

    // Invalid UTF-8 is kept as it is and the valid text around it is still uppercased.
    CHECK(raw.exchange("ab\xff\xfe" "cd", s.port) == "AB\xff\xfe" "CD");
    CHECK(raw.exchange("x\xc3", s.port) == "X\xc3");              // a lead byte at the very end
    CHECK(raw.exchange("\xc3 é z", s.port) == "\xc3 É Z");        // a lead byte without its continuation
    CHECK(raw.exchange("q\xc0\xafz", s.port) == "Q\xc0\xafZ");    // overlong encoding of '/'

    // After all that, the server still serves.
    CHECK(raw.exchange("still here", s.port) == "STILL HERE");
    CHECK(s.process.running());
}

namespace {

// Which of 40 numbered datagrams a server answers: '1' answered, '0' dropped.
//
// The 40 go out at once. To know when every answer that will ever come has
// come, a sentinel follows: the server handles datagrams in order and its
// replies reach us in order over loopback, so once a sentinel is answered,
// all replies to the 40 are in. A sentinel may itself be dropped; after
// 200 ms without its reply the next one goes out.
std::string loss_pattern(std::vector<std::string> server_args) {
    constexpr int count = 40;
    server_args.push_back("-q");
    proc::server s = proc::start_server("udp_server", server_args);
    peer::udp raw;
    for (int i = 0; i < count; ++i) raw.send("datagram " + std::to_string(100 + i), s.port);

    std::string pattern(count, '0');
    for (int sentinel = 0; sentinel < 60; ++sentinel) {
        raw.send("end " + std::to_string(sentinel), s.port);
        while (std::optional<std::string> reply = raw.receive(s.port, std::chrono::milliseconds(200))) {
            if (reply->rfind("END ", 0) == 0) return pattern;
            REQUIRE_MESSAGE(reply->rfind("DATAGRAM 1", 0) == 0, "unexpected reply '" << proc::printable(*reply) << "'");
            const int i = std::stoi(reply->substr(9)) - 100;
            REQUIRE((i >= 0 && i < count));
            CHECK_MESSAGE(pattern[static_cast<std::size_t>(i)] == '0', "datagram " << i << " answered twice");
            pattern[static_cast<std::size_t>(i)] = '1';
        }
    }
    FAIL("60 sentinels in a row went unanswered: the server drops everything, or is gone");
    return pattern;
}

}  // namespace

TEST_CASE("udp: --loss with a seed drops the same datagrams every run, a plausible fraction of them") {
    const std::string first = loss_pattern({"--loss", "0.5", "--seed", "7"});
    const std::string second = loss_pattern({"--loss", "0.5", "--seed", "7"});
    const std::string other = loss_pattern({"--loss", "0.5", "--seed", "8"});
    INFO("seed 7: " << first << "\nseed 7: " << second << "\nseed 8: " << other);
    CHECK(first == second);
    CHECK(first != other);
    const auto answered = std::count(first.begin(), first.end(), '1');
    CHECK(answered >= 10);  // 25% to 75% of 40 answered
    CHECK(answered <= 30);
}

TEST_CASE("udp: --loss 0 drops nothing") {
    CHECK(loss_pattern({"--loss", "0", "--seed", "7"}) == std::string(40, '1'));
}

TEST_CASE("udp: no reply ends udp_client after its tries with one line on stderr") {
    peer::bound_udp nobody;
    const std::string where = "127.0.0.1:" + std::to_string(nobody.port);
    proc::outcome r = proc::run({program("udp_client"), "--timeout", "100", "--retries", "2", "-m", "x", "127.0.0.1",
                                 std::to_string(nobody.port)});
    INFO(r.describe());
    CHECK(r.end.code == 1);
    CHECK(r.out.empty());
    const std::vector<std::string> lines = r.error_lines();
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find(where) != std::string::npos);
    CHECK(lines[0].find("timed out") != std::string::npos);
    CHECK(lines[0].find("3 tries") != std::string::npos);
    // Three tries of 100 ms each: the client really waited for every one.
    CHECK(r.elapsed >= std::chrono::milliseconds(300));

    // And it really sent three times.
    std::vector<char> buffer(64);
    int received = 0;
    REQUIRE(nobody.socket.set_receive_timeout(std::chrono::milliseconds(1)).ok());
    while (nobody.socket.recvfrom(buffer.data(), buffer.size())) ++received;
    CHECK(received == 3);
}

TEST_CASE("udp: the server logs each client on stderr, and -q silences that") {
    SUBCASE("without -q a line names the client") {
        proc::server s = proc::start_server("udp_server");
        peer::udp raw;
        CHECK(raw.exchange("one", s.port) == "ONE");
        CHECK(raw.exchange("two", s.port) == "TWO");
        CHECK(stop(s).code == 0);
        const std::string log = s.process.error_text();
        INFO("stderr: " << log);
        CHECK(log.find(raw.local()) != std::string::npos);
    }
    SUBCASE("with -q nothing") {
        proc::server s = proc::start_server("udp_server", {"-q"});
        peer::udp raw;
        CHECK(raw.exchange("one", s.port) == "ONE");
        CHECK(raw.exchange("two", s.port) == "TWO");
        CHECK(stop(s).code == 0);
        CHECK(s.process.error_text() == "");
    }
}

TEST_CASE("udp: SIGINT and SIGTERM end an idle server promptly with status 0") {
    for (int sig : proc::stop_signals()) {
        CAPTURE(sig);
        proc::server s = proc::start_server("udp_server");
        s.process.send_signal(sig);
        std::optional<proc::ending> end = s.process.wait_for(std::chrono::seconds(2));
        REQUIRE_MESSAGE(end.has_value(), "udp_server still running 2 s after signal " << sig);
        CHECK(end->describe() == "exit status 0");
    }
}
