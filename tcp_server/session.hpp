// session.hpp - what a TCP server does with one connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "../common/net.hpp"

struct session_summary {
    std::uint64_t received = 0;          // bytes from the client
    std::uint64_t sent = 0;              // bytes back to it
    std::optional<net::error> failure;   // why it ended early, if it did

    std::string describe() const;        // "12 bytes in, 12 out" or "... connection reset by peer"
};

// The lecture's   sentence = connectionSocket.recv(1024)
//                 connectionSocket.send(sentence.decode().upper().encode())
// done right: TCP is a byte stream, so one recv() may hold half a sentence or
// three of them. Receive, uppercase and send back every byte until the client
// closes its side, then close ours.
session_summary uppercase_stream(net::socket& connectionSocket);
