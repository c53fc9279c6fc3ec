// stream.hpp - the ways tcp_client uses its connection besides one sentence.
#pragma once

#include <string>

#include "../common/net.hpp"

// recv() until the server closes its side; everything it sent.
net::result<std::string> receive_all(net::socket& clientSocket);

// stdin is a pipe or file: send all of it through the connection while
// writing whatever comes back to stdout, at the same time (a server that
// answers as it reads would otherwise fill both directions and stop),
// then half-close so the server knows the input has ended. Returns the exit code.
int stream_through(net::socket& clientSocket);

// tcp_client -i: one line at a time over one connection, printing each reply,
// until the end of input. Returns the exit code.
int exchange_lines(net::socket& clientSocket);
