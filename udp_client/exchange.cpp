// exchange.cpp - send, wait, send again: what a UDP client does about loss.
#include "exchange.hpp"

#include <chrono>

#include "../common/cli.hpp"

udp_exchange::udp_exchange(std::vector<net::address> server, int timeout_ms, int retries)
    : server_(std::move(server)), timeout_ms_(timeout_ms), retries_(retries), reply_(65536) {}

net::result<void> udp_exchange::open_for(const net::address& server) {
    if (clientSocket_.is_open() && clientSocket_.local_address()->family() == server.family()) return {};
    // A socket speaks one address family: make one that matches the server.
    net::result<net::socket> created = net::socket::create(server.family(), net::udp);
    if (!created) return created.error();
    clientSocket_ = std::move(created.value());
    return clientSocket_.set_timeout(std::chrono::milliseconds(timeout_ms_));
}

net::result<std::string> udp_exchange::sendto_recvfrom(const std::string& message) {
    const int attempts = retries_ + 1;
    for (int attempt = 0; attempt < attempts; ++attempt) {
        const net::address& server = server_[(current_ + static_cast<std::size_t>(attempt)) % server_.size()];
        if (net::result<void> opened = open_for(server); !opened) return opened.error();
        if (auto sent = clientSocket_.sendto(message, server); !sent) return sent.error();

        // Wait for the reply; datagrams from anyone else are not it.
        while (true) {
            auto received = clientSocket_.recvfrom(reply_.data(), reply_.size());
            if (!received) {
                if (received.error().code == std::errc::timed_out) break;  // lost: send again
                // An ICMP "port unreachable" for this address: try the next one.
                if (received.error().code == std::errc::connection_refused) break;
                return received.error();
            }
            auto [size, serverAddress] = received.value();
            if (serverAddress != server) continue;
            current_ = (current_ + static_cast<std::size_t>(attempt)) % server_.size();
            return std::string(reply_.data(), size);
        }
    }
    return net::error{std::make_error_code(std::errc::timed_out), "recvfrom", server_[current_].to_string(),
                      "after " + std::to_string(attempts) + (attempts == 1 ? " try" : " tries") + " of " +
                          std::to_string(timeout_ms_) + " ms"};
}
