// connection.hpp - a new neighbour over TCP: dialing it, or taking its
// call, and the handshake; then the swarm's event loop takes it on.
#pragma once

#include <cstdint>
#include <string>

#include "common/net.hpp"
#include "swarm.hpp"

namespace bt {

// A neighbour that dialed us: its handshake, in a thread of its own.
void serve_incoming(swarm& peers, net::socket connectionSocket, const net::address& from);
// Dial host:port, then the same. The swarm knows the neighbour by its
// address as address_text writes it ("127.0.0.1:6881", "[::1]:6881").
void dial(swarm& peers, const std::string& host, std::uint16_t port);
// Dial in a thread of its own, unless that neighbour is connected or being
// dialed already (or no thread can be had: then not at all).
void start_dialing(swarm& peers, const std::string& host, std::uint16_t port);

// "127.0.0.1:6881", "[::1]:6881"; an IPv4 client seen by an IPv6 server
// (::ffff:127.0.0.1) is written as the IPv4 address it is.
std::string address_text(const std::string& host, std::uint16_t port);

}  // namespace bt
