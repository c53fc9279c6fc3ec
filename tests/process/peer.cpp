// peer.cpp - raw socket peers for the process-level tests.
#include "peer.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <utility>

#include "child.hpp"

namespace peer {

namespace {
net::address first_address(const std::string& host, std::uint16_t port, net::transport kind) {
    net::result<std::vector<net::address>> found = net::resolve(host, port, kind);
    REQUIRE_MESSAGE(found.ok(), (found ? "" : found.error().message()));
    REQUIRE(!found.value().empty());
    return found.value().front();
}
}  // namespace

// ------------------------------------------------------------------ udp
udp::udp(std::string host) : host_(std::move(host)), buffer_(65536) {
    net::result<net::socket> created = net::socket::create(first_address(host_, 9, net::udp).family(), net::udp);
    REQUIRE_MESSAGE(created.ok(), (created ? "" : created.error().message()));
    socket_ = std::move(created.value());
}

net::address udp::to(std::uint16_t port) const { return first_address(host_, port, net::udp); }

void udp::send(std::string_view data, std::uint16_t port) {
    net::result<std::size_t> sent = socket_.sendto(data, to(port));
    REQUIRE_MESSAGE(sent.ok(), (sent ? "" : sent.error().message()));
    REQUIRE_MESSAGE(sent.value() == data.size(), "sendto sent " << sent.value() << " of " << data.size() << " bytes");
}

std::optional<std::string> udp::receive(std::uint16_t port, std::chrono::milliseconds wait) {
    const net::deadline until = net::clock::now() + wait;
    while (true) {
        auto got = socket_.recvfrom(buffer_.data(), buffer_.size(), until);
        if (!got) {
            REQUIRE_MESSAGE(got.error().code == std::errc::timed_out, got.error().message());
            return std::nullopt;
        }
        auto [size, from] = got.value();
        if (from.port() != port) continue;  // not from the server we asked
        return std::string(buffer_.data(), size);
    }
}

std::string udp::exchange(std::string_view data, std::uint16_t port) {
    send(data, port);
    std::optional<std::string> reply = receive(port, proc::patience);
    if (!reply) FAIL("no reply from " << host_ << " port " << port << " within 10 s to '" << proc::printable(data) << "'");
    return *reply;
}

std::string udp::local() const {
    net::result<net::address> here = socket_.local_address();
    REQUIRE(here.ok());
    // The socket was bound by its first sendto() to the "any" address; the
    // server sees it under the address it was sent from.
    const std::string host = host_.find(':') != std::string::npos ? "[" + host_ + "]" : host_;
    return host + ":" + std::to_string(here.value().port());
}

// ------------------------------------------------------------------ tcp
tcp::tcp(std::uint16_t port, const std::string& host) {
    net::result<net::socket> connected = net::connect_to(host, port);
    REQUIRE_MESSAGE(connected.ok(), (connected ? "" : connected.error().message()));
    socket_ = std::move(connected.value());
}

void tcp::send(std::string_view data) {
    net::result<void> sent = socket_.send_all(data);
    REQUIRE_MESSAGE(sent.ok(), (sent ? "" : sent.error().message()));
}

std::string tcp::read_exactly(std::size_t n) {
    net::result<std::string> got = socket_.recv_exactly(n, net::clock::now() + proc::patience);
    if (!got) FAIL("waiting for " << n << " bytes: " << got.error().message());
    return got.value();
}

std::string tcp::read_to_end() {
    const net::deadline until = net::clock::now() + proc::patience;
    std::string got;
    std::vector<char> buffer(65536);
    while (true) {
        net::result<std::size_t> r = socket_.recv(buffer.data(), buffer.size(), until);
        if (!r) FAIL("waiting for the end of stream after '" << proc::printable(got) << "': " << r.error().message());
        if (r.value() == 0) return got;
        got.append(buffer.data(), r.value());
    }
}

net::result<std::string> tcp::read_until_reset() {
    const net::deadline until = net::clock::now() + proc::patience;
    std::string got;
    std::vector<char> buffer(65536);
    while (true) {
        net::result<std::size_t> r = socket_.recv(buffer.data(), buffer.size(), until);
        if (!r) return r.error();
        if (r.value() == 0) return got;
        got.append(buffer.data(), r.value());
    }
}

void tcp::finish_sending() { REQUIRE(socket_.shutdown(net::socket::direction::write).ok()); }

void tcp::reset() {
    REQUIRE(socket_.reset_on_close().ok());
    socket_.close();
}

void tcp::close() { socket_.close(); }

// ------------------------------------------------------------------ free ports
std::uint16_t closed_tcp_port() {
    net::result<net::socket> bound = net::server_socket(net::tcp, "127.0.0.1", 0);
    REQUIRE_MESSAGE(bound.ok(), (bound ? "" : bound.error().message()));
    net::result<net::address> here = bound.value().local_address();
    REQUIRE(here.ok());
    return here.value().port();  // the socket closes here, never having listened
}

bound_udp::bound_udp() {
    net::result<net::socket> bound = net::server_socket(net::udp, "127.0.0.1", 0);
    REQUIRE_MESSAGE(bound.ok(), (bound ? "" : bound.error().message()));
    socket = std::move(bound.value());
    net::result<net::address> here = socket.local_address();
    REQUIRE(here.ok());
    port = here.value().port();
}

bool have_ipv6_loopback() {
    net::result<net::socket> bound = net::server_socket(net::udp, "::1", 0);
    return bound.ok();
}

}  // namespace peer
