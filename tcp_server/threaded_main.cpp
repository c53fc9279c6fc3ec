// tcp_server_threaded - the lecture's TCPServer, serving many clients at once.
//
// The lecture's server handles one connection at a time: while it talks to
// one client, the next waits in the listen queue. Here the welcoming socket
// only accepts; each connectionSocket is moved into a thread of its own that
// does what the lecture's loop body does (receive, uppercase, send, close).
#include <cstdio>
#include <algorithm>
#include <chrono>
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
    std::size_t max_clients = 0;  // 0: as many as the open-file limit allows, at most 1024
    int idle_timeout = 0;
    cli::parse(argc, argv,
               {"tcp_server_threaded",
                "Accepts TCP connections and serves each one in its own thread: everything it receives comes "
                "back uppercased, until that client closes.",
                {cli::host(host), cli::port(serverPort),
                 cli::whole("--backlog", "N", "connections the OS may queue for accept() (default: 128)", 0, 65535,
                            backlog),
                 cli::whole("--max-clients", "N",
                            "clients served at once; more are told 'server busy' (default: 1024, fewer if the "
                            "open-file limit is lower)",
                            1, 1000000, max_clients),
                 cli::whole("--idle-timeout", "S", "end a connection idle for S seconds (default: 0, never)", 0, 86400,
                            idle_timeout),
                 cli::quiet(), cli::trace()}});
    // Each client takes a file descriptor: the limit on open files, raised as
    // far as the system allows, sets how many clients can be served at once.
    const std::size_t open_files = platform::raise_open_file_limit();
    const std::size_t fit = open_files > 16 ? open_files - 16 : 1;  // a few for the server itself
    if (max_clients == 0) max_clients = open_files == 0 ? 1024 : std::min<std::size_t>(1024, fit);

    // serverSocket = socket(AF_INET, SOCK_STREAM); serverSocket.bind(("", serverPort))
    net::socket serverSocket = cli::check(net::server_socket(net::tcp, host, serverPort));
    // serverSocket.listen(...): the welcoming socket
    cli::check(serverSocket.listen(backlog));
    net::stop_on_ctrl_c(serverSocket);  // Ctrl-C wakes the accept below
    cli::announce_ready(serverSocket);
    if (open_files != 0 && max_clients > fit)
        cli::log("--max-clients ", max_clients, " is more than the open-file limit (", open_files,
                 ") allows: past it, clients are told 'server busy'");
    cli::log("serving up to ", max_clients, " clients at once (open-file limit: ",
             open_files == 0 ? std::string("none") : std::to_string(open_files), ")");

    connection_registry connections(max_clients, std::chrono::seconds(idle_timeout));
    while (true) {
        // connectionSocket, clientAddress = serverSocket.accept()
        auto accepted = serverSocket.accept();
        if (net::stop_requested()) break;  // Ctrl-C
        if (!accepted && accepted.error().code == std::errc::too_many_files_open) {
            connections.turn_away_for_lack_of_descriptors(serverSocket);
            continue;
        }
        if (!accepted) {
            cli::log(accepted.error());
            continue;
        }
        connections.descriptors_available();
        auto [connectionSocket, clientAddress] = std::move(accepted.value());
        // One thread per connection, which now owns the socket; the loop goes
        // straight back to accept().
        connections.start(std::move(connectionSocket), clientAddress);
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
