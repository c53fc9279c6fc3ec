// Unit tests of net::poller over loopback (epoll on Linux; poll() in the
// Windows build, which runs these same tests under Wine).
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "../../common/net.hpp"
#include "../../common/poller.hpp"

namespace {
using namespace std::chrono_literals;

net::socket bound(net::transport kind) {
    auto s = net::server_socket(kind, "127.0.0.1", 0);
    REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().message()));
    return std::move(s.value());
}

net::address address_of(const net::socket& s) {
    auto local = s.local_address();
    REQUIRE(local.ok());
    return local.value();
}

// The keys of the sockets ready to read, waiting at most `wait` for the first.
std::set<std::uint64_t> readable_keys(net::poller& waiting, std::chrono::milliseconds wait) {
    auto ready = waiting.wait(net::clock::now() + wait);
    REQUIRE_MESSAGE(ready.ok(), (ready.ok() ? "" : ready.error().message()));
    std::set<std::uint64_t> keys;
    for (const net::poller::event& e : ready.value())
        if (e.readable) keys.insert(e.key);
    return keys;
}

void drain(net::socket& s) {
    char buffer[2048];
    while (s.recvfrom(buffer, sizeof buffer, net::clock::now()).ok()) {
    }
}
}  // namespace

TEST_CASE("poller: nothing to read, the wait ends at its deadline with nothing ready") {
    net::poller waiting;
    net::socket quiet = bound(net::udp);
    REQUIRE(waiting.add(quiet, 7).ok());
    const auto start = net::clock::now();
    CHECK(readable_keys(waiting, 30ms).empty());
    CHECK(net::clock::now() - start >= 30ms);
    CHECK(readable_keys(waiting, 0ms).empty());  // a deadline already past: a look, no wait
}

TEST_CASE("poller: of 200 sockets, exactly the ones with a datagram are reported, by their keys") {
    net::poller waiting;
    std::vector<net::socket> sockets;
    for (int i = 0; i < 200; ++i) {
        sockets.push_back(bound(net::udp));
        REQUIRE(waiting.add(sockets.back(), 1000 + i).ok());
    }
    CHECK(waiting.size() == 200);
    net::socket sender = bound(net::udp);
    const std::set<std::uint64_t> chosen{1000, 1003, 1099, 1150, 1199};
    for (std::uint64_t key : chosen) REQUIRE(sender.sendto("hello", address_of(sockets[key - 1000])).ok());
    // Datagrams on loopback arrive at once, but a wait may come before the
    // last: wait until all five have been seen.
    std::set<std::uint64_t> seen;
    while (seen.size() < chosen.size()) {
        std::set<std::uint64_t> now = readable_keys(waiting, 5000ms);
        REQUIRE_FALSE(now.empty());
        for (std::uint64_t key : now) {
            CHECK(chosen.count(key) == 1);
            drain(sockets[key - 1000]);
            seen.insert(key);
        }
    }
    CHECK(readable_keys(waiting, 0ms).empty());  // read: no longer ready
}

TEST_CASE("poller: a removed socket is not reported, and the others keep their keys") {
    net::poller waiting;
    net::socket a = bound(net::udp), b = bound(net::udp), c = bound(net::udp);
    REQUIRE(waiting.add(a, 1).ok());
    REQUIRE(waiting.add(b, 2).ok());
    REQUIRE(waiting.add(c, 3).ok());
    waiting.remove(a);  // the first: with poll(), the last entry takes its place
    CHECK(waiting.size() == 2);
    net::socket sender = bound(net::udp);
    REQUIRE(sender.sendto("x", address_of(a)).ok());
    REQUIRE(sender.sendto("x", address_of(c)).ok());
    std::set<std::uint64_t> seen;
    while (seen.count(3) == 0) {
        for (std::uint64_t key : readable_keys(waiting, 5000ms)) seen.insert(key);
    }
    CHECK(seen == std::set<std::uint64_t>{3});
    CHECK_FALSE(waiting.add(b, 9).ok());  // a socket is added once
}

TEST_CASE("poller: a listener is readable when a client connects; a connection is writable when asked, then readable at the end") {
    net::poller waiting;
    net::socket listener = bound(net::tcp);
    REQUIRE(listener.listen(8).ok());
    REQUIRE(waiting.add(listener, 1).ok());
    CHECK(readable_keys(waiting, 0ms).empty());

    auto client = net::connect_to("127.0.0.1", address_of(listener).port());
    REQUIRE(client.ok());
    CHECK(readable_keys(waiting, 5000ms) == std::set<std::uint64_t>{1});
    auto accepted = listener.accept();
    REQUIRE(accepted.ok());
    net::socket& connection = accepted.value().first;

    // Room to send: reported only while asked for.
    REQUIRE(waiting.add(connection, 2, net::poller::writable).ok());
    auto ready = waiting.wait(net::clock::now() + 5000ms);
    REQUIRE(ready.ok());
    REQUIRE(ready.value().size() == 1);
    CHECK(ready.value()[0].key == 2);
    CHECK(ready.value()[0].writable);
    REQUIRE(waiting.change(connection, net::poller::readable).ok());
    CHECK(readable_keys(waiting, 0ms).empty());

    // The client's data, then its end of the stream: both are "readable".
    REQUIRE(client.value().send_all("hi").ok());
    CHECK(readable_keys(waiting, 5000ms) == std::set<std::uint64_t>{2});
    CHECK(connection.recv_exactly(2).value() == "hi");
    client.value().close();
    CHECK(readable_keys(waiting, 5000ms) == std::set<std::uint64_t>{2});
    char byte;
    CHECK(connection.recv(&byte, 1).value() == 0);
}

namespace {
// Waits (at most 5 s) until the poller reports the socket with `key`,
// readable or writable: a connect on its way has ended, one way or the other.
bool reported(net::poller& waiting, std::uint64_t key) {
    const auto until = net::clock::now() + 5000ms;
    while (net::clock::now() < until) {
        auto ready = waiting.wait(until);
        REQUIRE_MESSAGE(ready.ok(), (ready.ok() ? "" : ready.error().message()));
        for (const net::poller::event& e : ready.value())
            if (e.key == key && (e.readable || e.writable)) return true;
    }
    return false;
}

net::socket new_tcp_socket() {
    auto s = net::socket::create(AF_INET, net::tcp);
    REQUIRE(s.ok());
    return std::move(s.value());
}
}  // namespace

TEST_CASE("poller: a connect started without waiting is reported when made, and its outcome says so") {
    net::poller waiting;
    net::socket listener = bound(net::tcp);
    REQUIRE(listener.listen(8).ok());
    net::socket clientSocket = new_tcp_socket();
    const auto started = net::clock::now();
    auto start = clientSocket.start_connect(address_of(listener));
    REQUIRE_MESSAGE(start.ok(), (start.ok() ? "" : start.error().message()));
    CHECK(net::clock::now() - started < 1000ms);  // it did not wait
    REQUIRE(waiting.add(clientSocket, 3, net::poller::writable).ok());
    REQUIRE(reported(waiting, 3));
    CHECK(clientSocket.connect_outcome(address_of(listener)).ok());
    // Connected, and non-blocking: the server's greeting comes through the poller.
    auto accepted = listener.accept();
    REQUIRE(accepted.ok());
    REQUIRE(accepted.value().first.send_all("hello").ok());
    REQUIRE(waiting.change(clientSocket, net::poller::readable).ok());
    CHECK(readable_keys(waiting, 5000ms) == std::set<std::uint64_t>{3});
    char buffer[8];
    auto got = clientSocket.recv(buffer, sizeof buffer);
    REQUIRE(got.ok());
    CHECK(std::string(buffer, got.value()) == "hello");
    auto nothing = clientSocket.recv(buffer, sizeof buffer);  // non-blocking: nothing more there now
    REQUIRE_FALSE(nothing.ok());
    CHECK(nothing.error().code == std::errc::timed_out);
}

TEST_CASE("poller: a connect started without waiting to a port nobody listens on ends refused") {
    net::address nobody;
    {
        net::socket closed = bound(net::tcp);
        nobody = address_of(closed);
    }
    net::poller waiting;
    net::socket clientSocket = new_tcp_socket();
    auto start = clientSocket.start_connect(nobody);
    if (start.ok()) {  // on its way: the refusal comes through the poller (at once on loopback)
        REQUIRE(waiting.add(clientSocket, 4, net::poller::writable).ok());
        REQUIRE(reported(waiting, 4));
        start = clientSocket.connect_outcome(nobody);
    }
    REQUIRE_FALSE(start.ok());
    CHECK(start.error().code == std::errc::connection_refused);
    CHECK(start.error().message().find("connect to " + nobody.to_string()) == 0);
}

TEST_CASE("poller: a connect to a server whose queue is full stays on its way, and waits nobody else") {
    net::socket listener = bound(net::tcp);
    REQUIRE(listener.listen(0).ok());  // never accepted: after one or two, the system drops the SYNs
    net::poller waiting;
    net::socket answering = bound(net::udp);
    REQUIRE(waiting.add(answering, 9).ok());
    std::vector<net::socket> dialing;
    for (int i = 0; i < 8; ++i) {
        dialing.push_back(new_tcp_socket());
        REQUIRE(dialing.back().start_connect(address_of(listener)).ok());
        REQUIRE(waiting.add(dialing.back(), 100 + static_cast<std::uint64_t>(i), net::poller::writable).ok());
    }
    // Meanwhile a datagram to another socket is reported at once.
    net::socket sender = bound(net::udp);
    REQUIRE(sender.sendto("x", address_of(answering)).ok());
    std::set<std::uint64_t> writable, readable;
    const auto until = net::clock::now() + 500ms;
    while (net::clock::now() < until) {
        auto ready = waiting.wait(until);
        REQUIRE(ready.ok());
        for (const net::poller::event& e : ready.value()) {
            if (e.readable) readable.insert(e.key);
            if (e.writable) writable.insert(e.key);
            if (e.key >= 100) waiting.remove(dialing[e.key - 100]);  // made: no more reports of it
        }
        if (readable.count(9)) drain(answering);
    }
    CHECK(readable.count(9) == 1);
    CHECK(writable.size() < 8);  // some never connected: their SYNs were dropped
}
