// conversation.hpp - the three ways tcp_client talks over its connection.
//
// In each, one thread sends the input while this one writes what comes back
// to stdout as it arrives: a server that answers as it reads would otherwise
// fill both directions and stop, and a long answer never has to fit in memory.
#pragma once

#include <string>

#include "../common/net.hpp"

// -m TEXT, or the lecture's prompt: send the message, half-close, print the
// whole answer and a newline. Returns the exit code.
int send_message(net::socket& clientSocket, const std::string& message);

// stdin is a pipe or a file: send all of it, half-close when it ends, and
// write everything that comes back, exactly. Returns the exit code.
int stream_through(net::socket& clientSocket);

// -i: one line after another over one connection, each answer printed before
// the next line is read, until the end of input. Returns the exit code.
int exchange_lines(net::socket& clientSocket);
