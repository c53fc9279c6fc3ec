// exchange.hpp - one request, one reply, over a network that may lose either.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "../common/net.hpp"

class udp_exchange {
public:
    udp_exchange(std::vector<net::address> server, std::chrono::milliseconds timeout, int retries);

    // sendto() the message, then recvfrom() the reply. When nothing comes
    // back within the timeout (counted from the send), send again, trying the
    // server's next address if it has several (say ::1 and 127.0.0.1).
    // After the last retry: an error. Each message is sent from a new
    // socket, so no reply to an earlier one can be taken for its reply.
    net::result<std::string> sendto_recvfrom(const std::string& message);

private:
    net::result<void> open_for(const net::address& server);

    std::vector<net::address> server_;
    std::size_t current_ = 0;  // the address that answered last
    std::chrono::milliseconds timeout_;
    int retries_;
    net::socket clientSocket_;
    int family_ = 0;  // of clientSocket_
    std::vector<char> reply_;
};
