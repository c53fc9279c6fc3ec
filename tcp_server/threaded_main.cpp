// tcp_server_threaded - the lecture's TCPServer, serving many clients at once.
//
// The lecture's server handles one connection at a time: while it talks to
// one client, the next waits in the listen queue. Here the welcoming socket
// only accepts; each connectionSocket is moved into a thread of its own that
// does what the lecture's loop body does (receive, uppercase, send, close).
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "../common/cli.hpp"
#include "../common/net.hpp"
#include "registry.hpp"

int main(int argc, char* argv[]) {
    std::string host;  // all interfaces
    std::uint16_t serverPort = cli::default_port;
    int backlog = 128;
    std::size_t max_clients = 1024;
    cli::parse(argc, argv,
               {"tcp_server_threaded",
                "Accepts TCP connections and serves each one in its own thread: everything it receives comes "
                "back uppercased, until that client closes.",
                {cli::host(host), cli::port(serverPort),
                 cli::whole("--backlog", "N", "connections the OS may queue for accept() (default: 128)", 0, 65535,
                            backlog),
                 cli::whole("--max-clients", "N", "clients served at once; more are told 'server busy' (default: 1024)",
                            1, 1000000, max_clients),
                 cli::quiet(), cli::trace()}});

    // serverSocket = socket(AF_INET, SOCK_STREAM); serverSocket.bind(('', serverPort))
    net::socket serverSocket = cli::check(net::server_socket(net::tcp, host, serverPort));
    // serverSocket.listen(...): the welcoming socket
    cli::check(serverSocket.listen(backlog));
    net::stop_on_ctrl_c(serverSocket);  // Ctrl-C wakes the accept below
    cli::announce_ready(serverSocket);

    connection_registry connections(max_clients);
    while (true) {
        // connectionSocket, addr = serverSocket.accept()
        auto accepted = serverSocket.accept();
        if (net::stop_requested()) break;  // Ctrl-C
        if (!accepted) {
            cli::log(accepted.error());
            continue;
        }
        auto [connectionSocket, addr] = std::move(accepted.value());
        // One thread per connection, which now owns the socket; the loop goes
        // straight back to accept().
        connections.start(std::move(connectionSocket), addr);
    }
    // Ctrl-C: stop accepting, end the live sessions, join every thread.
    serverSocket.close();
    if (!connections.stop_all()) {
        // Some clients read nothing, so their threads cannot finish sending:
        // end the process, and the system resets those connections.
        std::fflush(nullptr);
        std::_Exit(cli::success);
    }
    return cli::success;
}
