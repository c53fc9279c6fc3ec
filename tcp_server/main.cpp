// tcp_server - the lecture's TCPServer.py in C++: one client at a time.
//
//   from socket import *
//   serverPort = 12000
//
//   serverSocket = socket(AF_INET, SOCK_STREAM)
//   serverSocket.bind(("", serverPort))
//   serverSocket.listen(1)
//
//   while True:
//       connectionSocket, clientAddress = serverSocket.accept()
//       modifiedMessage = connectionSocket.recv(2048).decode().upper()
//       connectionSocket.send(modifiedMessage.encode())
//       connectionSocket.close()
//
// Difference, on purpose: one recv(2048) gets whatever part of the stream has
// arrived, which on a real network may be half a message. This server keeps
// receiving and answering until the client closes its side.
// While it serves one client, the next ones wait: see tcp_server_threaded.
#include <chrono>
#include <cstdint>
#include <string>

#include "../common/cli.hpp"
#include "../common/net.hpp"
#include "session.hpp"

int main(int argc, char* argv[]) {
    std::string host;  // all interfaces
    std::uint16_t serverPort = cli::default_port;
    int backlog = 1;
    int idle_timeout = 0;
    cli::parse(argc, argv,
               {"tcp_server",
                "Accepts one TCP connection at a time and sends back everything it receives, uppercased, "
                "until the client closes.",
                {cli::host(host), cli::port(serverPort),
                 cli::whole("--backlog", "N", "connections the OS may queue for accept() (default: 1)", 0, 65535,
                            backlog),
                 cli::whole("--idle-timeout", "S", "end a connection idle for S seconds (default: 0, never)", 0, 86400,
                            idle_timeout),
                 cli::quiet(), cli::trace()}});

    // serverSocket = socket(AF_INET, SOCK_STREAM); serverSocket.bind(("", serverPort))
    net::socket serverSocket = cli::check(net::server_socket(net::tcp, host, serverPort));
    // serverSocket.listen(1): the welcoming socket
    cli::check(serverSocket.listen(backlog));
    net::stop_on_ctrl_c(serverSocket);  // Ctrl-C wakes the accept below
    cli::announce_ready(serverSocket);

    while (true) {
        // connectionSocket, clientAddress = serverSocket.accept()
        auto accepted = serverSocket.accept();
        if (net::stop_requested()) break;  // Ctrl-C
        if (!accepted) {
            cli::log(accepted.error());
            continue;
        }
        auto [connectionSocket, clientAddress] = std::move(accepted.value());
        net::stop_on_ctrl_c(connectionSocket);  // and the recv() of this session
        cli::log("connected ", clientAddress);

        // modifiedMessage = connectionSocket.recv(2048).decode().upper(); connectionSocket.send(...)
        const session_summary summary = serve_client(connectionSocket, std::chrono::seconds(idle_timeout));

        // connectionSocket.close()
        connectionSocket.close();
        cli::log("closed ", clientAddress, " (", summary.describe(), ")");
    }
    return cli::success;
}
