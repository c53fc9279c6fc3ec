// exchange.cpp - send, wait, send again: what a UDP client does about loss.
#include "exchange.hpp"

udp_exchange::udp_exchange(std::vector<net::address> server, std::chrono::milliseconds timeout, int retries)
    : server_(std::move(server)), timeout_(timeout), retries_(retries), reply_(net::datagram_room) {}

net::result<void> udp_exchange::open_for(const net::address& server) {
    if (clientSocket_.is_open() && family_ == server.family()) return {};
    // A socket speaks one address family: make one that matches the server.
    net::result<net::socket> created = net::socket::create(server.family(), net::udp);
    if (!created) return created.error();
    clientSocket_ = std::move(created.value());
    family_ = server.family();
    return {};
}

net::result<std::string> udp_exchange::sendto_recvfrom(const std::string& message) {
    // A datagram has no request number: a reply that comes after we gave up
    // on it (the server was slow, or answered a message we sent twice) would
    // be taken for the reply to the next message. So each message goes out
    // from a socket of its own, on a new port: a late reply to an earlier
    // message goes to a port that is closed, and only its resends share one.
    clientSocket_ = net::socket();
    const int attempts = retries_ + 1;
    for (int attempt = 0; attempt < attempts; ++attempt) {
        const std::size_t which = (current_ + static_cast<std::size_t>(attempt)) % server_.size();
        const net::address& server = server_[which];
        if (net::result<void> opened = open_for(server); !opened) return opened.error();
        if (auto sent = clientSocket_.sendto(message, server); !sent) return sent.error();

        // Wait for the reply until the timeout, counted from the send: a
        // datagram from anyone else is not it, and buys no more time.
        const net::deadline until = net::clock::now() + timeout_;
        while (true) {
            auto received = clientSocket_.recvfrom(reply_.data(), reply_.size(), until);
            if (!received) {
                if (received.error().code == std::errc::timed_out) break;  // lost: send again
                // An ICMP "port unreachable" for this address: try the next one.
                if (received.error().code == std::errc::connection_refused) break;
                return received.error();
            }
            auto [size, serverAddress] = received.value();
            if (serverAddress != server) continue;
            current_ = which;
            return std::string(reply_.data(), size);
        }
    }
    return net::error{std::make_error_code(std::errc::timed_out), net::call::recvfrom, server_[current_].to_string(),
                      "after " + std::to_string(attempts) + (attempts == 1 ? " try" : " tries") + " of " +
                          std::to_string(timeout_.count()) + " ms"};
}
