// tcp_server_threaded - the lecture's TCPServer, serving many clients at once.
//
// The lecture's server handles one connection at a time: while it talks to
// one client, the next waits in the listen queue. Here the welcoming socket
// only accepts; each connectionSocket is moved into a thread of its own that
// does what the lecture's loop body does (receive, uppercase, send, close).
#include "../common/cli.hpp"
#include "../common/net.hpp"
#include "registry.hpp"
#include "session.hpp"

static const cli::program tcp_server_threaded{
    .name = "tcp_server_threaded",
    .summary = "Accepts TCP connections and serves each one in its own thread: everything it receives "
               "comes back uppercased, until that client closes.",
    .backlog = true,
    .default_backlog = 128,
    .max_clients = true};

int main(int argc, char* argv[]) {
    const cli::server_options options = cli::parse_server(tcp_server_threaded, argc, argv);

    // serverSocket = socket(AF_INET, SOCK_STREAM); serverSocket.bind(('', serverPort))
    net::socket serverSocket = cli::check(net::server_socket(net::tcp, options.host, options.port));
    // serverSocket.listen(...): the welcoming socket
    cli::check(serverSocket.listen(options.backlog));
    cli::announce_ready(serverSocket);

    connection_registry connections(static_cast<std::size_t>(options.max_clients));
    while (true) {
        // connectionSocket, addr = serverSocket.accept()
        auto accepted = serverSocket.accept();
        if (!accepted) {
            if (net::is_stop(accepted.error())) break;
            cli::log(accepted.error().message());
            continue;
        }
        auto [connectionSocket, addr] = std::move(accepted.value());

        // One thread per connection: the loop goes straight back to accept().
        std::size_t active = connections.start(connectionSocket, addr, [](net::socket& socket) {
            // What the lecture's loop body does, now in this connection's own thread.
            return uppercase_stream(socket);
        });
        if (active == 0) {
            // Too many clients: say so and close, instead of running out of threads.
            cli::log("refused " + addr.to_string() + " (server busy: " + std::to_string(options.max_clients) + " active)");
            (void)connectionSocket.send_all("server busy\n");
            connectionSocket.close();
            continue;
        }
    }
    // Ctrl-C: stop accepting, shut down the live connections, join every thread.
    serverSocket.close();
    connections.stop_all();
    return cli::success;
}
