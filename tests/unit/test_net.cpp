// Unit tests of the socket wrapper, over loopback, always on port 0.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

#include "../../common/net.hpp"

namespace {
using namespace std::chrono_literals;

net::socket udp_on_loopback(const char* host = "127.0.0.1") {
    auto s = net::server_socket(net::udp, host, 0);
    REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().message()));
    return std::move(s.value());
}

net::socket tcp_listening(const std::string& host = "127.0.0.1") {
    auto s = net::server_socket(net::tcp, host, 0);
    REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().message()));
    REQUIRE(s.value().listen(8).ok());
    return std::move(s.value());
}

std::uint16_t port_of(const net::socket& s) {
    auto local = s.local_address();
    REQUIRE(local.ok());
    return local.value().port();
}

bool has_ipv6_loopback() {
    auto s = net::server_socket(net::udp, "::1", 0);
    return s.ok();
}
}  // namespace

TEST_CASE("port 0 gives a real port, and local_address reports it") {
    net::socket serverSocket = udp_on_loopback();
    CHECK(port_of(serverSocket) != 0);
    CHECK(serverSocket.local_address().value().to_string() == "127.0.0.1:" + std::to_string(port_of(serverSocket)));
}

TEST_CASE("sendto and recvfrom carry one datagram and its sender's address") {
    net::socket serverSocket = udp_on_loopback();
    net::socket clientSocket = udp_on_loopback();
    auto server = net::resolve("127.0.0.1", port_of(serverSocket), net::udp);
    REQUIRE(server.ok());
    REQUIRE(clientSocket.sendto("hello", server.value().front()).ok());

    char buffer[100];
    auto got = serverSocket.recvfrom(buffer, sizeof buffer);
    REQUIRE(got.ok());
    CHECK(std::string(buffer, got.value().first) == "hello");
    CHECK(got.value().second.port() == port_of(clientSocket));
    CHECK(got.value().second.host() == "127.0.0.1");
}

TEST_CASE("an empty datagram is a datagram") {
    net::socket serverSocket = udp_on_loopback();
    net::socket clientSocket = udp_on_loopback();
    auto server = net::resolve("127.0.0.1", port_of(serverSocket), net::udp);
    REQUIRE(server.ok());
    REQUIRE(clientSocket.sendto("", server.value().front()).ok());
    char buffer[16];
    REQUIRE(serverSocket.set_receive_timeout(2000ms).ok());
    auto got = serverSocket.recvfrom(buffer, sizeof buffer);
    REQUIRE(got.ok());
    CHECK(got.value().first == 0);
}

TEST_CASE("a receive timeout ends the wait with timed_out") {
    net::socket s = udp_on_loopback();
    REQUIRE(s.set_receive_timeout(150ms).ok());
    char buffer[16];
    const auto start = std::chrono::steady_clock::now();
    auto got = s.recvfrom(buffer, sizeof buffer);
    const auto waited = std::chrono::steady_clock::now() - start;
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().code == std::errc::timed_out);
    CHECK(waited >= 100ms);
    CHECK(waited < 3s);
    CHECK(got.error().message().find("timed out") != std::string::npos);
}

TEST_CASE("TCP: connect, accept, send_all and recv move a stream") {
    net::socket welcomingSocket = tcp_listening();
    auto clientSocket = net::connect_to("127.0.0.1", port_of(welcomingSocket));
    REQUIRE(clientSocket.ok());
    auto accepted = welcomingSocket.accept();
    REQUIRE(accepted.ok());
    net::socket& connectionSocket = accepted.value().first;
    CHECK(accepted.value().second.port() == clientSocket.value().local_address().value().port());

    // More than fits in one socket buffer: send_all must keep going while the
    // other side reads.
    const std::string big(4 * 1024 * 1024, 'x');
    std::thread sender([&] { CHECK(clientSocket.value().send_all(big).ok()); (void)clientSocket.value().shutdown(net::socket::direction::write); });
    std::string received;
    char buffer[65536];
    while (true) {
        auto got = connectionSocket.recv(buffer, sizeof buffer);
        REQUIRE(got.ok());
        if (got.value() == 0) break;
        received.append(buffer, got.value());
    }
    sender.join();
    CHECK(received.size() == big.size());
    CHECK(received == big);
}

TEST_CASE("a moved-from socket is empty and the new owner closes it") {
    auto created = net::socket::create(AF_INET, net::udp);
    REQUIRE(created.ok());
    net::socket first = std::move(created.value());
    REQUIRE(first.is_open());
    const auto handle = first.handle();
    net::socket second = std::move(first);
    CHECK_FALSE(first.is_open());
    CHECK(second.handle() == handle);
    second.close();
    CHECK_FALSE(second.is_open());
    second.close();  // closing twice is harmless
}

TEST_CASE("errors name the call, the address and the likely cause") {
    SUBCASE("connection refused") {
        std::uint16_t port;
        {
            net::socket closed = tcp_listening();
            port = port_of(closed);
        }  // nobody listens there any more
        auto r = net::connect_to("127.0.0.1", port);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == std::errc::connection_refused);
        const std::string text = r.error().message();
        CHECK(text.find("connect") == 0);
        CHECK(text.find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
        CHECK(text.find("refused") != std::string::npos);
        CHECK(text.find("server running") != std::string::npos);
    }
    SUBCASE("address already in use") {
        net::socket first = tcp_listening();
        auto second = net::server_socket(net::tcp, "127.0.0.1", port_of(first));
        REQUIRE_FALSE(second.ok());
        CHECK(second.error().code == std::errc::address_in_use);
        const std::string text = second.error().message();
        CHECK(text.find("bind on 127.0.0.1:" + std::to_string(port_of(first))) == 0);
        CHECK(text.find("already in use") != std::string::npos);
    }
    SUBCASE("UDP port in use too") {
        net::socket first = udp_on_loopback();
        auto second = net::server_socket(net::udp, "127.0.0.1", port_of(first));
        REQUIRE_FALSE(second.ok());
        CHECK(second.error().code == std::errc::address_in_use);
    }
    SUBCASE("host not found") {
        auto r = net::resolve("nosuchhost.invalid", 12000, net::tcp);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == std::error_code(static_cast<int>(platform::resolver_errc::host_not_found),
                                                platform::resolver_category()));
        const std::string text = r.error().message();
        CHECK(text.find("nosuchhost.invalid") != std::string::npos);
        CHECK(text.find("host not found") != std::string::npos);
    }
}

TEST_CASE("a server on all interfaces takes IPv4 and IPv6 clients") {
    auto any = net::server_socket(net::tcp, "", 0);
    REQUIRE(any.ok());
    REQUIRE(any.value().listen(4).ok());
    const std::uint16_t port = port_of(any.value());

    auto four = net::connect_to("127.0.0.1", port);
    REQUIRE(four.ok());
    auto accepted = any.value().accept();
    REQUIRE(accepted.ok());
    CHECK(accepted.value().second.host() == "127.0.0.1");  // shown as plain IPv4, not ::ffff:127.0.0.1

    if (!has_ipv6_loopback()) {
        MESSAGE("no IPv6 loopback on this machine: IPv6 half skipped");
        return;
    }
    auto six = net::connect_to("::1", port);
    REQUIRE(six.ok());
    auto accepted6 = any.value().accept();
    REQUIRE(accepted6.ok());
    CHECK(accepted6.value().second.host() == "::1");
    CHECK(accepted6.value().second.to_string() == "[::1]:" + std::to_string(six.value().local_address().value().port()));
}

TEST_CASE("send to a peer that has gone reports an error instead of killing the process") {
    net::socket welcomingSocket = tcp_listening();
    auto clientSocket = net::connect_to("127.0.0.1", port_of(welcomingSocket));
    REQUIRE(clientSocket.ok());
    {
        auto accepted = welcomingSocket.accept();
        REQUIRE(accepted.ok());
    }  // the server side closes at once
    // Writing into a closed connection: first an RST comes back, then EPIPE,
    // which without MSG_NOSIGNAL would be a fatal SIGPIPE.
    const std::string chunk(64 * 1024, 'x');
    bool failed = false;
    for (int i = 0; i < 200 && !failed; ++i) failed = !clientSocket.value().send_all(chunk).ok();
    CHECK(failed);
}

TEST_CASE("address equality compares family, host and port") {
    auto a = net::resolve("127.0.0.1", 5000, net::udp);
    auto b = net::resolve("127.0.0.1", 5000, net::udp);
    auto c = net::resolve("127.0.0.1", 5001, net::udp);
    REQUIRE((a.ok() && b.ok() && c.ok()));
    CHECK(a.value().front() == b.value().front());
    CHECK(a.value().front() != c.value().front());
    CHECK(net::family_name(AF_INET) == std::string("AF_INET"));
    CHECK(net::family_name(AF_INET6) == std::string("AF_INET6"));
}

TEST_CASE("--trace prints each socket call in the lecture's words") {
    // Send stderr to a file for the length of this test.
    std::fflush(stderr);
    FILE* capture = std::tmpfile();
    REQUIRE(capture != nullptr);
    const int saved = dup(2);
    dup2(fileno(capture), 2);
    net::set_trace(true);
    {
        net::socket serverSocket = udp_on_loopback();
        net::socket clientSocket = udp_on_loopback();
        auto server = serverSocket.local_address();
        REQUIRE(clientSocket.sendto("abc", server.value()).ok());
        char buffer[65536];
        REQUIRE(serverSocket.recvfrom(buffer, sizeof buffer).ok());
    }
    net::set_trace(false);
    std::fflush(stderr);
    dup2(saved, 2);
    close(saved);

    std::rewind(capture);
    std::string text;
    char chunk[4096];
    std::size_t n;
    while ((n = std::fread(chunk, 1, sizeof chunk, capture)) > 0) text.append(chunk, n);
    std::fclose(capture);

    CHECK(text.find("socket(AF_INET, SOCK_DGRAM) -> ") != std::string::npos);
    CHECK(text.find(", 127.0.0.1:") != std::string::npos);            // bind(3, 127.0.0.1:port)
    CHECK(text.find("sendto(") != std::string::npos);
    CHECK(text.find(", 3 bytes, 127.0.0.1:") != std::string::npos);
    CHECK(text.find(", 65536) -> 3 bytes from 127.0.0.1:") != std::string::npos);
    CHECK(text.find("close(") != std::string::npos);
}

TEST_CASE("the network library starts once, and says so when it cannot") {
    // WSAStartup on Windows (checked, once per process), nothing on POSIX.
    CHECK_FALSE(platform::start_network());
    CHECK_FALSE(platform::start_network());
    // A socket handle is never compared with < 0 (Winsock's SOCKET is
    // unsigned): the invalid handle is a value of its own.
    auto created = net::socket::create(AF_INET, net::udp);
    REQUIRE(created.ok());
    CHECK(created.value().handle() != platform::invalid_socket);
}

TEST_CASE("a UDP socket is not broken by a 'port unreachable' from an earlier send") {
    // Sending to a port where nobody listens brings back an ICMP error. The
    // next receive must time out normally (Windows: SIO_UDP_CONNRESET off),
    // not fail with "connection reset".
    std::uint16_t closed_port;
    {
        net::socket gone = udp_on_loopback();
        closed_port = port_of(gone);
    }
    net::socket s = udp_on_loopback();
    REQUIRE(s.set_receive_timeout(200ms).ok());
    auto nowhere = net::resolve("127.0.0.1", closed_port, net::udp);
    REQUIRE(nowhere.ok());
    REQUIRE(s.sendto("anyone?", nowhere.value().front()).ok());
    char buffer[64];
    auto got = s.recvfrom(buffer, sizeof buffer);
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().code == std::errc::timed_out);
}

namespace {
// A connected pair over loopback: {the client's end, the server's end}.
std::pair<net::socket, net::socket> connected_pair() {
    net::socket welcomingSocket = tcp_listening();
    auto clientSocket = net::connect_to("127.0.0.1", port_of(welcomingSocket));
    REQUIRE(clientSocket.ok());
    auto accepted = welcomingSocket.accept();
    REQUIRE(accepted.ok());
    return {std::move(clientSocket.value()), std::move(accepted.value().first)};
}
}  // namespace

TEST_CASE("recv_exactly takes exactly n bytes, whatever pieces they come in") {
    auto [a, b] = connected_pair();
    REQUIRE(a.send_all("he").ok());
    net::socket& sender = a;  // (a structured binding cannot be captured before C++20's clang 16)
    std::thread later([&sender] {
        std::this_thread::sleep_for(50ms);
        (void)sender.send_all("llo, and the rest");
    });
    auto got = b.recv_exactly(5);
    later.join();
    REQUIRE(got.ok());
    CHECK(got.value() == "hello");
    auto rest = b.recv_exactly(4);  // what follows was left in the stream
    REQUIRE(rest.ok());
    CHECK(rest.value() == ", an");
    CHECK(b.recv_exactly(0).value().empty());  // nothing asked: no recv at all
}

TEST_CASE("recv_exactly: the peer closing early, and a deadline") {
    SUBCASE("closed after 3 of 10 bytes") {
        auto [a, b] = connected_pair();
        REQUIRE(a.send_all("abc").ok());
        a.close();
        auto got = b.recv_exactly(10);
        REQUIRE_FALSE(got.ok());
        CHECK(got.error().code == net::errc::closed);
        CHECK(got.error().message() == "recv: connection closed by peer after 3 of 10 bytes");
    }
    SUBCASE("the deadline passes") {
        auto [a, b] = connected_pair();
        REQUIRE(a.send_all("ab").ok());
        const auto start = net::clock::now();
        auto got = b.recv_exactly(3, start + 150ms);
        const auto waited = net::clock::now() - start;
        REQUIRE_FALSE(got.ok());
        CHECK(got.error().code == std::errc::timed_out);
        CHECK(waited >= 140ms);
        CHECK(waited < 3s);
    }
}

TEST_CASE("line_reader: lines in any pieces, the end of the stream, the limit") {
    auto [a, b] = connected_pair();
    net::line_reader lines(b, 64);
    REQUIRE(a.send_all("first\nsec").ok());
    REQUIRE(a.send_all("ond\n\nlast line\nbinary:").ok());
    REQUIRE(a.send_all(std::string("\0\x01\x02", 3)).ok());
    CHECK(lines.next().value() == std::optional<std::string>("first"));
    CHECK(lines.next().value() == std::optional<std::string>("second"));
    CHECK(lines.next().value() == std::optional<std::string>(""));
    CHECK(lines.next().value() == std::optional<std::string>("last line"));
    auto bytes = lines.exactly(10);  // "binary:" was read already, 3 more come from the socket
    REQUIRE(bytes.ok());
    CHECK(bytes.value() == std::string("binary:\0\x01\x02", 10));
    SUBCASE("closed between two lines: nothing, not an error") {
        a.close();
        auto end = lines.next();
        REQUIRE(end.ok());
        CHECK_FALSE(end.value().has_value());
    }
    SUBCASE("closed in the middle of a line") {
        REQUIRE(a.send_all("half a li").ok());
        a.close();
        auto cut = lines.next();
        REQUIRE_FALSE(cut.ok());
        CHECK(cut.error().code == net::errc::closed);
        CHECK(cut.error().message().find("in the middle of a line") != std::string::npos);
    }
    SUBCASE("a line past the limit") {
        REQUIRE(a.send_all(std::string(200, 'x')).ok());
        auto longer = lines.next();
        REQUIRE_FALSE(longer.ok());
        CHECK(longer.error().code == net::errc::too_long);
    }
    SUBCASE("nothing before the deadline") {
        auto late = lines.next(net::clock::now() + 100ms);
        REQUIRE_FALSE(late.ok());
        CHECK(late.error().code == std::errc::timed_out);
    }
}

TEST_CASE("a deadline already past looks without waiting") {
    net::socket s = udp_on_loopback();
    char buffer[16];
    const auto start = net::clock::now();
    auto nothing = s.recvfrom(buffer, sizeof buffer, net::clock::now());
    CHECK(net::clock::now() - start < 500ms);
    REQUIRE_FALSE(nothing.ok());
    CHECK(nothing.error().code == std::errc::timed_out);
    // With a datagram waiting, the same look finds it.
    net::socket sender = udp_on_loopback();
    REQUIRE(sender.sendto("x", s.local_address().value()).ok());
    REQUIRE(s.recvfrom(buffer, sizeof buffer, net::clock::now() + 2s).ok());  // it has arrived
    REQUIRE(sender.sendto("y", s.local_address().value()).ok());
    std::this_thread::sleep_for(50ms);
    auto found = s.recvfrom(buffer, sizeof buffer, net::clock::now());
    REQUIRE(found.ok());
    CHECK(buffer[0] == 'y');
}

TEST_CASE("a send timeout ends a send to a peer that reads nothing") {
    auto [a, b] = connected_pair();
    REQUIRE(a.set_send_timeout(200ms).ok());
    const std::string chunk(1 << 20, 'x');
    net::result<void> sent;
    const auto start = net::clock::now();
    for (int i = 0; i < 256 && sent.ok(); ++i) sent = a.send_all(chunk);  // b never reads
    REQUIRE_FALSE(sent.ok());
    CHECK(sent.error().code == std::errc::timed_out);
    CHECK(net::clock::now() - start < 10s);
}

TEST_CASE("reset_on_close: the peer sees a reset, not the end of the stream") {
    if (std::getenv("WINEPREFIX") != nullptr) {
        MESSAGE("skipped under Wine, which closes in order whatever SO_LINGER says (Windows itself resets)");
        return;
    }
    auto [a, b] = connected_pair();
    REQUIRE(a.send_all("partial").ok());
    REQUIRE(a.reset_on_close().ok());
    a.close();
    std::string got;
    char buffer[64];
    net::result<std::size_t> r = b.recv(buffer, sizeof buffer, net::clock::now() + 2s);
    while (r.ok() && r.value() > 0) {
        got.append(buffer, r.value());
        r = b.recv(buffer, sizeof buffer, net::clock::now() + 2s);
    }
    REQUIRE_FALSE(r.ok());  // never an orderly 0
    CHECK(r.error().code == std::errc::connection_reset);
}

TEST_CASE("errors name their call with the lecture's words") {
    CHECK(std::string(net::call_name(net::call::recvfrom)) == "recvfrom");
    CHECK(std::string(net::call_name(net::call::getsockname)) == "getsockname");
    net::error e{std::make_error_code(std::errc::timed_out), net::call::recvfrom, "127.0.0.1:9", "after 4 tries"};
    CHECK(e.message() ==
          "recvfrom from 127.0.0.1:9: timed out after 4 tries (no answer in time: is the server running? is a "
          "firewall in the way?)");
    net::error denied{std::make_error_code(std::errc::permission_denied), net::call::sendto, "255.255.255.255:9"};
    CHECK(denied.message().find("ports below 1024") == std::string::npos);  // that hint is for bind only
    CHECK(denied.message().find("broadcast") != std::string::npos);
}

TEST_CASE("non-blocking: recv and send never wait, send says how much it took") {
    auto [a, b] = connected_pair();
    REQUIRE(a.set_non_blocking().ok());
    char byte = 0;
    const auto start = net::clock::now();
    net::result<std::size_t> got = a.recv(&byte, 1);  // nothing there yet: no wait
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().code == std::errc::timed_out);
    // b never reads: the system's buffers fill, a send takes part or nothing, and none waits.
    const std::string chunk(1 << 20, 'x');
    std::size_t total = 0;
    net::result<std::size_t> sent = std::size_t{0};
    for (int i = 0; i < 256 && sent.ok(); ++i) {
        sent = a.send(chunk);
        if (sent.ok()) total += sent.value();
    }
    REQUIRE_FALSE(sent.ok());
    CHECK(sent.error().code == std::errc::timed_out);
    CHECK(total > 0);
    CHECK(net::clock::now() - start < 10s);
    REQUIRE(b.send_all("x").ok());
    REQUIRE(a.set_non_blocking(false).ok());
    got = a.recv(&byte, 1);  // blocking again: waits for the byte
    REQUIRE(got.ok());
    CHECK(byte == 'x');
}

TEST_CASE("a parser's refusal: fail() gives the message as it is, and where in the input") {
    net::result<int> refused = net::fail("bencode: byte 1: leading zero in an integer", 1);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message() == "bencode: byte 1: leading zero in an integer");
    CHECK(refused.error().offset == std::optional<std::size_t>(1));
    CHECK_FALSE(net::fail("no offset").offset.has_value());
    net::result<std::string> fine = std::string("abc");
    CHECK(fine->size() == 3);
    CHECK(*fine == "abc");
}

TEST_CASE("connect_to with a deadline: connected or refused as without one, timed out at the deadline") {
    SUBCASE("a server that listens: connected, and the socket waits again as a new one does") {
        net::socket welcomingSocket = tcp_listening();
        auto clientSocket = net::connect_to("127.0.0.1", port_of(welcomingSocket), net::clock::now() + 5s);
        REQUIRE_MESSAGE(clientSocket.ok(), (clientSocket.ok() ? "" : clientSocket.error().message()));
        auto accepted = welcomingSocket.accept();  // kept open: a closed one would end the stream
        REQUIRE(accepted.ok());
        // Nothing is sent: a blocking recv waits for its timeout, a non-blocking one would fail at once.
        REQUIRE(clientSocket.value().set_receive_timeout(300ms).ok());
        char byte;
        const auto started = net::clock::now();
        auto got = clientSocket.value().recv(&byte, 1);
        REQUIRE_FALSE(got.ok());
        CHECK(got.error().code == std::errc::timed_out);
        CHECK(net::clock::now() - started >= 250ms);
    }
    SUBCASE("nobody listens: refused") {
        std::uint16_t port;
        {
            net::socket closed = tcp_listening();
            port = port_of(closed);
        }
        auto r = net::connect_to("127.0.0.1", port, net::clock::now() + 5s);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == std::errc::connection_refused);
        CHECK(r.error().message().find("connect to 127.0.0.1:" + std::to_string(port)) == 0);
    }
    SUBCASE("a server whose queue of connections is full does not answer: timed out at the deadline") {
        auto listening = net::server_socket(net::tcp, "127.0.0.1", 0);
        REQUIRE(listening.ok());
        REQUIRE(listening.value().listen(0).ok());  // never accepted: after one or two, the system drops the SYNs
        std::vector<net::socket> queued;
        bool timed_out = false;
        for (int i = 0; i < 16 && !timed_out; ++i) {
            const auto started = net::clock::now();
            auto r = net::connect_to("127.0.0.1", port_of(listening.value()), started + 200ms);
            if (r) {
                queued.push_back(std::move(r.value()));
                continue;
            }
            timed_out = true;
            CHECK(r.error().code == std::errc::timed_out);
            CHECK(r.error().message().find("connect to 127.0.0.1:") == 0);
            const auto waited = net::clock::now() - started;
            CHECK(waited >= 150ms);
            CHECK(waited < 3s);
        }
        CHECK(timed_out);
    }
}
