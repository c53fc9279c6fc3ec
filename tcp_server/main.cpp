// tcp_server - the lecture's TCPServer.py in C++: one client at a time.
//
//   from socket import *
//   serverPort = 12000
//   serverSocket = socket(AF_INET, SOCK_STREAM)
//   serverSocket.bind(('', serverPort))
//   serverSocket.listen(1)
//   print('The server is ready to receive')
//   while True:
//       connectionSocket, addr = serverSocket.accept()
//       sentence = connectionSocket.recv(1024).decode()
//       capitalizedSentence = sentence.upper()
//       connectionSocket.send(capitalizedSentence.encode())
//       connectionSocket.close()
//
// Difference, on purpose: one recv(1024) gets whatever part of the stream has
// arrived, which on a real network may be half a sentence. This server keeps
// receiving and answering until the client closes its side.
// While it serves one client, the next ones wait: see tcp_server_threaded.
#include "../common/cli.hpp"
#include "../common/net.hpp"
#include "session.hpp"

static const cli::program tcp_server{
    .name = "tcp_server",
    .summary = "Accepts one TCP connection at a time and sends back everything it receives, "
               "uppercased, until the client closes.",
    .backlog = true};

int main(int argc, char* argv[]) {
    const cli::server_options options = cli::parse_server(tcp_server, argc, argv);

    // serverSocket = socket(AF_INET, SOCK_STREAM); serverSocket.bind(('', serverPort))
    net::socket serverSocket = cli::check(net::server_socket(net::tcp, options.host, options.port));
    // serverSocket.listen(1): the welcoming socket
    cli::check(serverSocket.listen(options.backlog));
    cli::announce_ready(serverSocket);

    while (true) {
        // connectionSocket, addr = serverSocket.accept()
        auto accepted = serverSocket.accept();
        if (!accepted) {
            if (net::is_stop(accepted.error())) break;
            cli::log(accepted.error().message());
            continue;
        }
        auto [connectionSocket, addr] = std::move(accepted.value());
        cli::log("connected " + addr.to_string());

        // sentence = connectionSocket.recv(1024) ... connectionSocket.send(capitalizedSentence)
        session_summary summary = uppercase_stream(connectionSocket);

        // connectionSocket.close()
        connectionSocket.close();
        cli::log("closed " + addr.to_string() + " (" + summary.describe() + ")");
        if (net::stop_requested()) break;
    }
    return cli::success;
}
