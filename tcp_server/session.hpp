// session.hpp - what a TCP server does with one connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "../common/net.hpp"

struct session_summary {
    std::uint64_t received = 0;          // bytes from the client
    std::uint64_t sent = 0;              // bytes back to it
    std::optional<net::error> failure;   // why it ended early, if it did
    bool stopped = false;                // Ctrl-C cut it short: closing resets the connection
    bool idle = false;                   // the idle timeout ended it: the same

    std::string describe() const;        // "12 bytes in, 12 out" or "... connection reset by peer"
};

// The lecture's   modifiedMessage = connectionSocket.recv(2048).decode().upper()
//                 connectionSocket.send(modifiedMessage.encode())
//                 connectionSocket.close()
// done right: TCP is a byte stream, so one recv() may hold half a message or
// three of them. Receive, uppercase and send back every byte until the client
// closes its side. A session that Ctrl-C cuts short is set to end with a
// reset when the caller closes the socket, so the client can tell that its
// answer is not whole.
// With an idle timeout (--idle-timeout), a client that sends nothing, or
// reads nothing, for that long loses its connection (with a reset), so that
// it cannot hold a place for ever; 0: no limit, as in the lecture.
session_summary serve_client(net::socket& connectionSocket, std::chrono::seconds idle = std::chrono::seconds(0));
