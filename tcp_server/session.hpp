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
    bool stopped = false;                // Ctrl-C cut it short: closing resets the connection

    std::string describe() const;        // "12 bytes in, 12 out" or "... connection reset by peer"
};

// The lecture's   sentence = connectionSocket.recv(1024)
//                 connectionSocket.send(sentence.decode().upper().encode())
//                 connectionSocket.close()
// done right: TCP is a byte stream, so one recv() may hold half a sentence or
// three of them. Receive, uppercase and send back every byte until the client
// closes its side. A session that Ctrl-C cuts short is set to end with a
// reset when the caller closes the socket, so the client can tell that its
// answer is not whole.
session_summary serve_client(net::socket& connectionSocket);
