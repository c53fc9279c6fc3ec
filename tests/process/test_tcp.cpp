// test_tcp.cpp - tcp_server and tcp_client as processes, driven over loopback.
#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "../../common/text.hpp"
#include "child.hpp"
#include "peer.hpp"

using proc::program;

namespace {

proc::outcome tcp_client(std::vector<std::string> args, std::string_view input = {}) {
    args.insert(args.begin(), program("tcp_client"));
    return proc::run(std::move(args), input);
}

// Ends a server with Ctrl-C (SIGINT) and waits for it, so its stderr log is complete.
proc::ending stop(proc::server& s) {
    s.process.send_signal(SIGINT);
    return s.process.wait();
}

std::size_t count_lines_starting(const std::string& text, const std::string& prefix) {
    std::size_t n = 0;
    for (const std::string& line : proc::split_lines(text))
        if (line.rfind(prefix, 0) == 0) ++n;
    return n;
}

// How many bytes the big stream test sends: BIG_STREAM_BYTES, default 100 MB.
std::size_t big_stream_bytes() {
    const char* text = std::getenv("BIG_STREAM_BYTES");
    if (text == nullptr || *text == '\0') return 100'000'000;
    char* end = nullptr;
    const unsigned long long value = std::strtoull(text, &end, 10);
    REQUIRE_MESSAGE((end != nullptr && *end == '\0' && value > 0), "BIG_STREAM_BYTES is not a byte count: " << text);
    return static_cast<std::size_t>(value);
}

// `size` bytes of runs of random bytes (most of them invalid UTF-8) mixed
// with runs of text whose uppercase changes length, from a fixed seed.
std::string mixed_input(std::size_t size) {
    std::mt19937_64 random(20240515);
    const std::vector<std::string> phrases{"hello, world\n", "straße ", "grüße ", "ﬁ ﬂ ﬃ ", "ǆ ǅ ", "ΐ ",
                                           "привет ", "αβγ ", "日本語 ", "😀 ", "ŉ ", "tschüß\n"};
    std::string s;
    s.reserve(size + 4096);
    while (s.size() < size) {
        if (random() % 2 == 0) {
            const std::size_t words = 1 + random() % 256;  // up to 2 KiB of noise
            for (std::size_t i = 0; i < words; ++i) {
                std::uint64_t bits = random();
                for (int b = 0; b < 8; ++b, bits >>= 8) s += static_cast<char>(bits & 0xff);
            }
        } else {
            const std::size_t count = 1 + random() % 64;
            for (std::size_t i = 0; i < count; ++i) s += phrases[random() % phrases.size()];
        }
    }
    s.resize(size);  // may cut a character: the stream's end must cope with that too
    return s;
}

}  // namespace

TEST_CASE("tcp: -m prints the uppercase reply") {
    proc::server s = proc::start_server("tcp_server");
    proc::outcome r = tcp_client({"-m", "hello", "127.0.0.1", std::to_string(s.port)});
    INFO(r.describe());
    CHECK(r.end.code == 0);
    CHECK(r.out == "HELLO\n");
    CHECK(r.err.empty());
}

TEST_CASE("tcp: piped stdin comes back exactly uppercased, with no newline added") {
    proc::server s = proc::start_server("tcp_server");
    proc::outcome r = tcp_client({"127.0.0.1", std::to_string(s.port)}, "hello wörld\nsecond line ß");
    INFO(r.describe());
    CHECK(r.end.code == 0);
    CHECK(r.out == "HELLO WÖRLD\nSECOND LINE SS");
}

TEST_CASE("tcp: -i exchanges line after line over one connection") {
    proc::server s = proc::start_server("tcp_server");
    proc::outcome r = tcp_client({"-i", "127.0.0.1", std::to_string(s.port)}, "first line\nsecond ß\n");
    INFO(r.describe());
    CHECK(r.end.code == 0);
    CHECK(r.out == "FIRST LINE\nSECOND SS\n");
    CHECK(stop(s).code == 0);
    INFO("server stderr: " << s.process.error_text());
    CHECK(count_lines_starting(s.process.error_text(), "connected ") == 1);
}

TEST_CASE("tcp: a big stream through tcp_client from a pipe comes back byte for byte") {
    const std::size_t size = big_stream_bytes();
    const std::string input = mixed_input(size);
    const std::string expected = text::upper(input);
    REQUIRE(expected.size() > size);  // ß and friends grow: the lengths differ on purpose

    proc::server s = proc::start_server("tcp_server", {"-q"});
    proc::child client({program("tcp_client"), "127.0.0.1", std::to_string(s.port)});

    // Compare as it arrives: keeping 100 MB of output only to compare it later
    // would double the memory for nothing.
    std::size_t received = 0;
    std::optional<std::size_t> first_difference;
    std::string expected_there, got_there;
    const auto started = proc::clock::now();
    client.pump(input, [&](std::string_view piece) {
        if (!first_difference) {
            const std::size_t comparable = received < expected.size()
                                               ? std::min(piece.size(), expected.size() - received)
                                               : 0;
            const auto [at, unused] = std::mismatch(piece.begin(), piece.begin() + static_cast<long>(comparable),
                                                    expected.begin() + static_cast<long>(received));
            (void)unused;
            const std::size_t offset = static_cast<std::size_t>(at - piece.begin());
            if (offset < piece.size()) {  // a differing byte, or bytes beyond the expected end
                first_difference = received + offset;
                got_there = std::string(piece.substr(offset, 16));
                expected_there = *first_difference < expected.size() ? expected.substr(*first_difference, 16) : "";
            }
        }
        received += piece.size();
    });
    const proc::ending end = client.wait();
    const auto seconds = std::chrono::duration<double>(proc::clock::now() - started).count();
    MESSAGE(size << " bytes in, " << received << " bytes back in " << seconds << " s");
    INFO("client stderr: " << client.error_text());
    CHECK(end.code == 0);
    CHECK(received == expected.size());
    CHECK_MESSAGE(!first_difference, "first difference at byte " << first_difference.value_or(0) << " of "
                                                                 << expected.size() << ": expected '"
                                                                 << proc::printable(expected_there) << "', got '"
                                                                 << proc::printable(got_there) << "'");
}

TEST_CASE("tcp: a character split across two reads is uppercased as one") {
    proc::server s = proc::start_server("tcp_server", {"-q"});
    peer::tcp c(s.port);
    // "é" is C3 A9 and its uppercase "É" is C3 89. Send the first half only.
    c.send("a\xC3");
    // The server answers what it can decide now and keeps the cut byte:
    // once "A" is back, the C3 is waiting inside the server.
    CHECK(c.read_exactly(1) == "A");
    c.send("\xA9" "b");
    CHECK(c.read_exactly(3) == "\xC3\x89" "B");
    c.finish_sending();
    CHECK(c.read_to_end() == "");
}

TEST_CASE("tcp: a client that resets mid-stream costs only its own connection") {
    proc::server s = proc::start_server("tcp_server");
    {
        peer::tcp c(s.port);
        c.send("first part ");
        CHECK(c.read_exactly(11) == "FIRST PART ");  // the server is in the middle of serving us
        c.send("and more that will never be answered");
        c.reset();
    }
    proc::outcome next = tcp_client({"-m", "next one", "127.0.0.1", std::to_string(s.port)});
    INFO(next.describe());
    INFO("server stderr: " << s.process.error_text());
    CHECK(next.end.code == 0);
    CHECK(next.out == "NEXT ONE\n");
    CHECK(s.process.running());
}

TEST_CASE("tcp: a client that connects and leaves without a word costs nothing") {
    proc::server s = proc::start_server("tcp_server");
    {
        peer::tcp c(s.port);
        c.close();
    }
    proc::outcome next = tcp_client({"-m", "next one", "127.0.0.1", std::to_string(s.port)});
    INFO(next.describe());
    INFO("server stderr: " << s.process.error_text());
    CHECK(next.end.code == 0);
    CHECK(next.out == "NEXT ONE\n");
    CHECK(s.process.running());
}

TEST_CASE("tcp: with no --host the server answers on 127.0.0.1 and on ::1") {
    proc::server s = proc::start_server("tcp_server");
    proc::outcome four = tcp_client({"-m", "over ipv4", "127.0.0.1", std::to_string(s.port)});
    INFO(four.describe());
    CHECK(four.out == "OVER IPV4\n");
    CHECK(four.end.code == 0);

    if (!peer::have_ipv6_loopback()) {
        MESSAGE("skipped the ::1 half: this machine has no IPv6 loopback");
        return;
    }
    proc::outcome six = tcp_client({"-m", "over ipv6", "::1", std::to_string(s.port)});
    INFO(six.describe());
    CHECK(six.out == "OVER IPV6\n");
    CHECK(six.end.code == 0);
}

TEST_CASE("tcp: SIGINT and SIGTERM end an idle server promptly with status 0") {
    for (int sig : proc::stop_signals()) {
        CAPTURE(sig);
        proc::server s = proc::start_server("tcp_server");
        s.process.send_signal(sig);
        std::optional<proc::ending> end = s.process.wait_for(std::chrono::seconds(2));
        REQUIRE_MESSAGE(end.has_value(), "tcp_server still running 2 s after the signal");
        CHECK(end->describe() == "exit status 0");
    }
}

TEST_CASE("tcp: SIGINT and SIGTERM end the server promptly while a connected client stays silent") {
    for (int sig : proc::stop_signals()) {
        CAPTURE(sig);
        proc::server s = proc::start_server("tcp_server");
        peer::tcp c(s.port);
        c.send("x");
        CHECK(c.read_exactly(1) == "X");  // accepted and served: the server now waits in recv()
        s.process.send_signal(sig);
        std::optional<proc::ending> end = s.process.wait_for(std::chrono::seconds(2));
        REQUIRE_MESSAGE(end.has_value(), "tcp_server still running 2 s after the signal");
        CHECK(end->describe() == "exit status 0");
        // Our connection was ended, not left hanging: with a reset, since the
        // session was cut short (an orderly end would say "that was all").
        net::result<std::string> rest = c.read_until_reset();
        if (proc::runner() && rest.ok()) continue;  // Wine closes in order whatever SO_LINGER says
        REQUIRE_FALSE(rest.ok());
        CHECK(rest.error().code == std::errc::connection_reset);
    }
}

TEST_CASE("tcp: nc (OpenBSD flavour) as the client") {
    std::optional<std::string> nc = proc::find_in_path("nc");
    if (!nc) {
        MESSAGE("skipped: nc is not installed");
        return;
    }
    // Only OpenBSD's netcat has -N (half-close at the end of input); without
    // it nc would wait for ever for more input to send.
    proc::outcome help = proc::run({*nc, "-h"});
    const std::string text = help.out + help.err;
    if (text.find("OpenBSD") == std::string::npos || text.find("-N") == std::string::npos) {
        MESSAGE("skipped: " << *nc << " is not OpenBSD netcat (no -N)");
        return;
    }
    proc::server s = proc::start_server("tcp_server");
    proc::outcome r = proc::run({*nc, "-N", "127.0.0.1", std::to_string(s.port)}, "hello\n");
    INFO(r.describe());
    CHECK(r.end.code == 0);
    CHECK(r.out == "HELLO\n");
}
