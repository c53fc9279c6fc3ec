// peer.hpp - the test's own end of a conversation with a server: a raw UDP
// or TCP socket that can do what no well-behaved client does (send garbage,
// stay silent, reset the connection), and ports where nobody answers.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../../common/net.hpp"

namespace peer {

// A UDP socket of the family of `host` ("127.0.0.1" or "::1").
class udp {
public:
    explicit udp(std::string host = "127.0.0.1");

    void send(std::string_view data, std::uint16_t port);
    // The next datagram from host:port, or nothing after `wait`.
    std::optional<std::string> receive(std::uint16_t port, std::chrono::milliseconds wait);
    // send(), then the reply; fails the test when none comes within proc::patience.
    std::string exchange(std::string_view data, std::uint16_t port);
    // "127.0.0.1:50512": how the server names us in its log.
    std::string local() const;

private:
    net::address to(std::uint16_t port) const;

    std::string host_;
    net::socket socket_;
    std::vector<char> buffer_;
};

// A TCP connection to host:port, made at construction.
class tcp {
public:
    explicit tcp(std::uint16_t port, const std::string& host = "127.0.0.1");

    void send(std::string_view data);
    // Exactly n bytes; fails the test when they do not come within proc::patience.
    std::string read_exactly(std::size_t n);
    // Everything until the server closes its side.
    std::string read_to_end();
    // The same, but a failure (a reset) is returned, not a failed test.
    net::result<std::string> read_until_reset();
    void finish_sending();  // shutdown(SHUT_WR): the server sees end of stream
    // close() with SO_LINGER {1, 0}: the kernel sends RST instead of FIN and
    // drops whatever is unsent, as when a client crashes mid-stream.
    void reset();
    void close();

private:
    net::socket socket_;
};

// A TCP port on 127.0.0.1 where nobody listens: bound to get a free number,
// then closed, so a connect() there is refused.
std::uint16_t closed_tcp_port();

// A UDP socket bound to 127.0.0.1 that answers nothing unless the test
// itself does: datagrams sent there get no reply and no ICMP error.
struct bound_udp {
    bound_udp();
    net::socket socket;
    std::uint16_t port = 0;
};

// Whether this machine can bind ::1 (containers sometimes have no IPv6).
bool have_ipv6_loopback();

}  // namespace peer
