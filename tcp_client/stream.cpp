// stream.cpp - streaming and line-by-line use of one TCP connection.
#include "stream.hpp"

#include <cstdio>
#include <optional>
#include <thread>
#include <vector>

#include "../common/cli.hpp"

net::result<std::string> receive_all(net::socket& clientSocket) {
    std::string everything;
    std::vector<char> buffer(64 * 1024);
    while (true) {
        net::result<std::size_t> got = clientSocket.recv(buffer.data(), buffer.size());
        if (!got) return got.error();
        if (got.value() == 0) return everything;  // the server closed: that was all
        everything.append(buffer.data(), got.value());
    }
}

int stream_through(net::socket& clientSocket) {
    // The sending half runs in its own thread; this thread receives.
    std::optional<net::error> send_failure;
    std::thread sender([&] {
        std::vector<char> chunk(64 * 1024);
        std::size_t n;
        while ((n = std::fread(chunk.data(), 1, chunk.size(), stdin)) > 0) {
            net::result<void> sent = clientSocket.send_all({chunk.data(), n});
            if (!sent) {
                send_failure = sent.error();
                return;
            }
        }
        // End of input: half-close. The server sees end of stream, finishes
        // its answer and closes; our receiving loop then ends.
        net::result<void> closed = clientSocket.shutdown(net::socket::direction::write);
        if (!closed) send_failure = closed.error();
    });

    std::optional<net::error> receive_failure;
    std::vector<char> buffer(64 * 1024);
    while (true) {
        net::result<std::size_t> got = clientSocket.recv(buffer.data(), buffer.size());
        if (!got) {
            receive_failure = got.error();
            break;
        }
        if (got.value() == 0) break;
        cli::write_out(buffer.data(), got.value());
    }
    std::fflush(stdout);
    // If the server went away before reading all our input, the sender may be
    // stuck in send(); shutting down both directions wakes it.
    if (receive_failure) (void)clientSocket.shutdown(net::socket::direction::both);
    sender.join();

    if (receive_failure) cli::fail(*receive_failure);
    if (send_failure) cli::fail(*send_failure);
    return cli::success;
}

int exchange_lines(net::socket& clientSocket) {
    const bool terminal = platform::stdin_is_terminal();
    std::vector<char> buffer(64 * 1024);
    while (auto line = terminal ? cli::prompt("Input lowercase sentence: ") : cli::read_line()) {
        cli::check(clientSocket.send_all(*line + "\n"));
        // The reply to one line is one line: read until its newline arrives.
        std::string reply;
        while (reply.empty() || reply.back() != '\n') {
            std::size_t got = cli::check(clientSocket.recv(buffer.data(), buffer.size()));
            if (got == 0) cli::fail("the server closed the connection before answering '" + *line + "'");
            reply.append(buffer.data(), got);
        }
        cli::write_out(reply.data(), reply.size());
        std::fflush(stdout);
    }
    return cli::success;
}
