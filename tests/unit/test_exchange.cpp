// Unit tests of udp_client's exchange: resending, several server addresses
// of different families, and late replies.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "../../common/net.hpp"
#include "../../udp_client/exchange.hpp"

using namespace std::chrono_literals;

namespace {
net::address loopback(const char* host, std::uint16_t port) {
    auto found = net::resolve(host, port, net::udp);
    REQUIRE(found.ok());
    return found.value().front();
}

// A server on 127.0.0.1 that answers `answers` datagrams with `reply(text)`.
struct echo_server {
    net::socket socket;
    std::uint16_t port = 0;
    std::thread thread;
    template <class Reply>
    echo_server(int answers, Reply reply) {
        auto bound = net::server_socket(net::udp, "127.0.0.1", 0);
        REQUIRE(bound.ok());
        socket = std::move(bound.value());
        port = socket.local_address().value().port();
        thread = std::thread([this, answers, reply] {
            char buffer[512];
            for (int i = 0; i < answers; ++i) {
                auto got = socket.recvfrom(buffer, sizeof buffer, net::clock::now() + 5s);
                if (!got) return;
                for (const std::string& each : reply(std::string(buffer, got.value().first)))
                    (void)socket.sendto(each, got.value().second);
            }
        });
    }
    ~echo_server() { thread.join(); }
};
}  // namespace

TEST_CASE("udp_exchange: no answer on one address, the next one (of another family) answers") {
    if (!net::server_socket(net::udp, "::1", 0)) {
        MESSAGE("skipped: no IPv6 loopback here");
        return;
    }
    echo_server server(1, [](const std::string& text) { return std::vector<std::string>{"re: " + text}; });
    // ::1 first, where nobody listens on that port: the client gives up on it
    // after its timeout and must open a socket of the other family for 127.0.0.1.
    udp_exchange client({loopback("::1", server.port), loopback("127.0.0.1", server.port)}, 100ms, 2);
    auto reply = client.sendto_recvfrom("hello");
    REQUIRE_MESSAGE(reply.ok(), reply.error().message());
    CHECK(reply.value() == "re: hello");
}

TEST_CASE("udp_exchange: a late second reply to one message is not taken for the reply to the next") {
    // The server answers "one" at once, and answers it a second time (as
    // after a resend) only when "two" has arrived, just before it answers
    // "two": the duplicate reaches the client while it waits for "two".
    net::socket server = std::move(net::server_socket(net::udp, "127.0.0.1", 0).value());
    std::thread answers([&server] {
        char buffer[64];
        auto one = server.recvfrom(buffer, sizeof buffer, net::clock::now() + 5s);
        if (!one) return;
        (void)server.sendto("re: one", one.value().second);
        auto two = server.recvfrom(buffer, sizeof buffer, net::clock::now() + 5s);
        if (!two) return;
        (void)server.sendto("re: one", one.value().second);
        (void)server.sendto("re: two", two.value().second);
    });
    udp_exchange client({server.local_address().value()}, 2000ms, 0);
    auto first = client.sendto_recvfrom("one");
    auto second = client.sendto_recvfrom("two");
    answers.join();
    REQUIRE(first.ok());
    CHECK(first.value() == "re: one");
    REQUIRE(second.ok());
    CHECK(second.value() == "re: two");
}

TEST_CASE("udp_exchange: every try unanswered ends in one error naming the tries") {
    net::socket silent = std::move(net::server_socket(net::udp, "127.0.0.1", 0).value());
    udp_exchange client({silent.local_address().value()}, 50ms, 2);
    const auto start = net::clock::now();
    auto reply = client.sendto_recvfrom("anyone?");
    REQUIRE_FALSE(reply.ok());
    CHECK(reply.error().code == std::errc::timed_out);
    CHECK(reply.error().message().find("after 3 tries of 50 ms") != std::string::npos);
    CHECK(net::clock::now() - start >= 140ms);
}

TEST_CASE("udp_exchange: the wait is counted from the send, whatever strays in meanwhile") {
    // The server reads the datagram but never answers; a stranger sends the
    // client a datagram every 300 ms. Without a deadline counted from the
    // send, each stray would start the second again, for ever.
    net::socket server = std::move(net::server_socket(net::udp, "127.0.0.1", 0).value());
    net::socket stranger = std::move(net::server_socket(net::udp, "127.0.0.1", 0).value());
    std::thread strays([&] {
        char buffer[64];
        auto got = server.recvfrom(buffer, sizeof buffer, net::clock::now() + 5s);
        if (!got) return;
        for (int i = 0; i < 10; ++i) {  // 3 s of strays
            (void)stranger.sendto("stray", got.value().second);
            std::this_thread::sleep_for(300ms);
        }
    });
    udp_exchange client({server.local_address().value()}, 1000ms, 0);
    const auto start = net::clock::now();
    auto reply = client.sendto_recvfrom("anyone?");
    const auto waited = net::clock::now() - start;
    strays.join();
    REQUIRE_FALSE(reply.ok());
    CHECK(reply.error().code == std::errc::timed_out);
    CHECK(waited >= 900ms);
    CHECK(waited < 1500ms);
}
