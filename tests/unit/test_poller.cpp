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
