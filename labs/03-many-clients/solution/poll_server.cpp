// poll_server.cpp - lab 03, stretch task: many clients at once in ONE thread,
// with poll() (reference solution).
//
// poll() takes a list of sockets and waits until at least one of them has
// something for us: a new connection on the welcoming socket, or bytes (or
// the end of the stream) on a connection socket. Then a recv() or accept()
// on that socket returns at once, so one thread can take turns among all
// clients, doing only what can be done without waiting.
//
// (POSIX: Linux and macOS. Windows has the same call as WSAPoll.)
#include <poll.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "common/cli.hpp"
#include "common/net.hpp"
#include "common/text.hpp"

// What the server remembers about one client between two turns.
struct client {
    net::socket connectionSocket;
    std::string name;          // "127.0.0.1:50512", for the log
    text::upper_stream upper;  // a character cut in two by recv() stays here until the rest comes
};

// One turn for a client whose socket poll() said is readable: one recv()
// (it does not wait), uppercase, send back. Returns false when the client is
// done: it closed its side, or the connection failed.
//
// The reply goes out with send_all(), which may wait if the client does not
// read its replies and its buffers are full: then every other client waits
// too. (A server for the wide world would keep the unsent bytes and ask
// poll() for POLLOUT: see question 6 of the handout.)
bool serve_turn(client& c) {
    char sentence[4096];
    net::result<std::size_t> got = c.connectionSocket.recv(sentence, sizeof sentence);
    if (!got) {
        cli::log("closed ", c.name, " (", got.error(), ")");
        return false;
    }
    if (got.value() == 0) {  // the client closed its side: answer the rest, then close ours
        (void)c.connectionSocket.send_all(c.upper.finish());
        cli::log("closed ", c.name, " (the client closed)");
        return false;
    }
    net::result<void> sent = c.connectionSocket.send_all(c.upper.feed({sentence, got.value()}));
    if (!sent) {
        cli::log("closed ", c.name, " (", sent.error(), ")");
        return false;
    }
    return true;
}

int main(int argc, char* argv[]) {
    std::string host;  // all interfaces
    std::uint16_t serverPort = cli::default_port;
    int backlog = 128;
    cli::parse(argc, argv,
               {"poll_server",
                "Lab 03 (stretch): serves many TCP clients in one thread with poll(): everything each client "
                "sends comes back uppercased, until that client closes.",
                {cli::host(host), cli::port(serverPort),
                 cli::whole("--backlog", "N", "connections the OS may queue for accept() (default: 128)", 0, 65535,
                            backlog),
                 cli::quiet(), cli::trace()}});
    net::socket serverSocket = cli::check(net::server_socket(net::tcp, host, serverPort));
    cli::check(serverSocket.listen(backlog));
    // Ctrl-C wakes the poll() below: the welcoming socket becomes readable.
    net::stop_on_ctrl_c(serverSocket);
    cli::announce_ready(serverSocket);

    // watched[0] is the welcoming socket; watched[i] (i >= 1) is clients[i - 1].
    // The two lists always change together.
    std::vector<pollfd> watched{{serverSocket.handle(), POLLIN, 0}};
    std::vector<client> clients;

    while (!net::stop_requested()) {
        // Wait until a socket has something for us (-1: as long as it takes).
        const int ready = ::poll(watched.data(), watched.size(), -1);
        if (ready < 0) {
            if (errno == EINTR) continue;  // a signal (Ctrl-C): the loop condition looks at it
            cli::fail(std::string("poll: ") + std::strerror(errno));
        }

        // The clients first, from the last to the first, so that removing
        // one does not move those not yet looked at.
        for (std::size_t i = watched.size() - 1; i >= 1; --i) {
            // POLLIN: bytes came, or the end of the stream; POLLHUP/POLLERR:
            // the connection is gone. In every case recv() tells which.
            if ((watched[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
            if (!serve_turn(clients[i - 1])) {
                clients.erase(clients.begin() + static_cast<std::ptrdiff_t>(i - 1));  // closes its socket
                watched.erase(watched.begin() + static_cast<std::ptrdiff_t>(i));
            }
        }

        // A new client on the welcoming socket: accept() does not wait now.
        if (watched[0].revents & POLLIN) {
            auto accepted = serverSocket.accept();
            if (net::stop_requested()) break;  // Ctrl-C
            if (!accepted) {
                cli::log(accepted.error());
                continue;
            }
            auto [connectionSocket, addr] = std::move(accepted.value());
            cli::log("connected ", addr);
            watched.push_back({connectionSocket.handle(), POLLIN, 0});
            clients.push_back(client{std::move(connectionSocket), addr.to_string(), {}});
        }
    }
    // Ctrl-C: close every connection; each client sees the end of the stream.
    for (client& c : clients) {
        c.connectionSocket.close();
        cli::log("closed ", c.name, " (Ctrl-C)");
    }
    return cli::success;
}
