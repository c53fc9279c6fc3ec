// test_cross.cpp - programs of two systems talking to each other.
//
// When the programs under test are the Windows build (RUNNER=wine), NATIVE_BIN
// names the folder of the Linux build: its clients talk to the Windows
// servers, and the Windows clients to its servers, over loopback.
#include <doctest/doctest.h>

#include <csignal>
#include <cstdlib>
#include <string>

#include "child.hpp"
#include "peer.hpp"

using proc::program;

namespace {
// The Linux program `name`, when the tests drive a Windows build.
std::string native(const std::string& name) {
    const char* dir = std::getenv("NATIVE_BIN");
    return std::string(dir != nullptr ? dir : "") + "/" + name;
}

bool cross_testing() {
    const char* dir = std::getenv("NATIVE_BIN");
    if (proc::runner() && dir != nullptr && *dir != '\0') return true;
    MESSAGE("skipped: only when testing a Windows build with NATIVE_BIN set (make test-windows)");
    return false;
}

// A native server: started without the runner, as the child helper adds it
// only to programs in the folder under test.
proc::server start_native(const std::string& name) { return proc::start_ready({native(name), "--port", "0"}); }
}  // namespace

TEST_CASE("cross: a Linux udp_client and a Windows udp_server") {
    if (!cross_testing()) return;
    proc::server windows_server = proc::start_server("udp_server");
    proc::outcome r = proc::run({native("udp_client"), "-m", "linux to windows, grüße", "127.0.0.1",
                                 std::to_string(windows_server.port)});
    INFO(r.describe());
    CHECK(r.end.code == 0);
    CHECK(r.out == "LINUX TO WINDOWS, GRÜSSE\n");
}

TEST_CASE("cross: a Linux tcp_client and a Windows tcp_server and tcp_server_threaded") {
    if (!cross_testing()) return;
    for (const char* name : {"tcp_server", "tcp_server_threaded"}) {
        proc::server windows_server = proc::start_server(name);
        proc::outcome r = proc::run({native("tcp_client"), "localhost", std::to_string(windows_server.port)},
                                    "line one\nstraße\n");
        INFO(name << ": " << r.describe());
        CHECK(r.end.code == 0);
        CHECK(r.out == "LINE ONE\nSTRASSE\n");
    }
}

TEST_CASE("cross: Windows clients and Linux servers") {
    if (!cross_testing()) return;
    proc::server linux_udp = start_native("udp_server");
    proc::outcome u = proc::run({program("udp_client"), "-m", "windows to linux", "127.0.0.1",
                                 std::to_string(linux_udp.port)});
    INFO(u.describe());
    CHECK(u.out == "WINDOWS TO LINUX\n");

    proc::server linux_tcp = start_native("tcp_server");
    proc::outcome t = proc::run({program("tcp_client"), "-m", "windows to linux over tcp", "127.0.0.1",
                                 std::to_string(linux_tcp.port)});
    INFO(t.describe());
    CHECK(t.out == "WINDOWS TO LINUX OVER TCP\n");
}

TEST_CASE("udp: a client that vanished before its reply costs the server nothing") {
    // The reply to a closed port comes back as an ICMP "port unreachable".
    // Winsock would make the server's next recvfrom() fail with WSAECONNRESET
    // unless SIO_UDP_CONNRESET is turned off; POSIX ignores it on an
    // unconnected socket. Either way: no error, and the next client is served.
    proc::server s = proc::start_server("udp_server");
    for (int i = 0; i < 3; ++i) {
        peer::udp gone;
        gone.send("nobody will read this", s.port);
    }  // each socket closes at once, before its reply can arrive
    peer::udp next;
    CHECK(next.exchange("next", s.port) == "NEXT");
    CHECK(next.exchange("and again", s.port) == "AND AGAIN");
    s.process.send_signal(SIGINT);
    REQUIRE(s.process.wait().code == 0);
    const std::string log = s.process.error_text();
    INFO(log);
    CHECK(log.find("reset") == std::string::npos);
    CHECK(log.find("recvfrom") == std::string::npos);  // no failed call was logged
}
