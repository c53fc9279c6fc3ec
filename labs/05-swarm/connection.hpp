// connection.hpp - one neighbour over TCP: the handshake, then a reader
// thread and a writer thread (lab 03's thread per connection, once for
// each direction: TCP is full duplex, and a peer uploads and downloads on
// the same connection at once).
#pragma once

#include <cstdint>
#include <string>

#include "common/net.hpp"
#include "swarm.hpp"

namespace bt {

// A neighbour that dialed us: run in a thread of its own until it ends.
void serve_incoming(swarm& peers, net::socket connectionSocket, const net::address& from);
// Dial host:port, then the same. `where` is how the swarm knows the address
// ("127.0.0.1:6881", "[::1]:6881": see address_text).
void dial(swarm& peers, const std::string& host, std::uint16_t port);
// Dial in a thread of its own, unless that neighbour is connected or being
// dialed already (or no thread can be had: then not at all).
void start_dialing(swarm& peers, const std::string& host, std::uint16_t port);

// "127.0.0.1:6881", "[::1]:6881"; an IPv4 client seen by an IPv6 server
// (::ffff:127.0.0.1) is written as the IPv4 address it is.
std::string address_text(const std::string& host, std::uint16_t port);

}  // namespace bt
