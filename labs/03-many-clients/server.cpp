// server.cpp - lab 03: from one client at a time to many at once.
//
// As it is, this is the lecture's TCPServer (like bin/tcp_server):
//
//   serverSocket.listen(...)
//   while True:
//       connectionSocket, addr = serverSocket.accept()
//       ... receive, uppercase, send back, until the client closes ...
//       connectionSocket.close()
//
// While the loop serves one client, it does not call accept(): every other
// client waits in the listen queue, however little the first one does.
// Your job (tasks 1 to 4 of README.md): serve each accepted connection in a
// thread of its own, so that the loop goes straight back to accept(), and
// keep the list of threads from growing while clients come and go.
// `make lab03` grades this file.
#include <cstdint>
#include <string>
#include <thread>  // std::thread (task 1)
#include <utility>
#include <vector>  // std::vector (task 2)

#include "common/cli.hpp"
#include "common/net.hpp"
#include "common/text.hpp"

// The lecture's loop body, for one client and a whole stream:
//   modifiedMessage = connectionSocket.recv(2048).decode().upper()
//   connectionSocket.send(modifiedMessage.encode())
//   connectionSocket.close()
// It receives, uppercases and sends back until the client closes its side.
// It owns the connection socket (taken by value): when it returns, the
// socket is closed. Nothing here needs to change for the tasks.
void serve_client(net::socket connectionSocket, std::string client) {
    cli::log("connected ", client);
    // Ctrl-C wakes this thread's recv() too (see task 3).
    net::stop_on_ctrl_c(connectionSocket);
    text::upper_stream upper;  // a character cut in two by recv() is uppercased as one
    char sentence[4096];
    std::string reason = "the client closed";
    while (true) {
        net::result<std::size_t> got = connectionSocket.recv(sentence, sizeof sentence);
        if (net::stop_requested()) {  // Ctrl-C woke the recv()
            reason = "Ctrl-C";
            break;
        }
        if (!got) {  // the client reset the connection
            reason = got.error().message();
            break;
        }
        if (got.value() == 0) {  // the client closed its side: answer the rest, then close ours
            (void)connectionSocket.send_all(upper.finish());
            break;
        }
        net::result<void> sent = connectionSocket.send_all(upper.feed({sentence, got.value()}));
        if (!sent) {
            reason = sent.error().message();
            break;
        }
    }
    connectionSocket.close();
    cli::log("closed ", client, " (", reason, ")");
}

int main(int argc, char* argv[]) {
    // The command line: --host, --port, --backlog, -q, --trace.
    std::string host;  // all interfaces
    std::uint16_t serverPort = cli::default_port;
    // The listen queue: how many connections the operating system completes
    // and keeps for us until we accept() them. The lecture's listen(1) is too
    // short for a hundred clients arriving at once.
    int backlog = 128;
    cli::parse(argc, argv,
               {"server",
                "Lab 03: accepts TCP connections and sends back everything each client sends, uppercased, "
                "until that client closes.",
                {cli::host(host), cli::port(serverPort),
                 cli::whole("--backlog", "N", "connections the OS may queue for accept() (default: 128)", 0, 65535,
                            backlog),
                 cli::quiet(), cli::trace()}});

    // serverSocket = socket(AF_INET, SOCK_STREAM); serverSocket.bind(('', serverPort))
    net::socket serverSocket = cli::check(net::server_socket(net::tcp, host, serverPort));
    // serverSocket.listen(...): the welcoming socket
    cli::check(serverSocket.listen(backlog));
    net::stop_on_ctrl_c(serverSocket);  // Ctrl-C wakes the accept() below
    cli::announce_ready(serverSocket);

    // TODO (task 2): a place for the threads, so that main() can wait for
    // them at the end:  std::vector<std::thread> clients;

    while (true) {
        // connectionSocket, addr = serverSocket.accept()
        auto accepted = serverSocket.accept();
        if (net::stop_requested()) break;  // Ctrl-C: stop accepting
        if (!accepted) {
            cli::log(accepted.error());
            continue;
        }
        auto [connectionSocket, addr] = std::move(accepted.value());

        // TODO (task 1): this call serves the client right here, in the
        // accept loop, and returns only when the client has gone. Instead,
        // start a thread that runs serve_client, and move the connection
        // socket into it (a socket cannot be copied, and the thread must own
        // it: this loop's variable is gone at the next turn):
        //     std::thread(serve_client, std::move(connectionSocket), addr.to_string())
        // Then keep the thread (task 2) and loop straight back to accept().
        //
        // TODO (task 4): before a new thread joins the list, forget the
        // threads whose client has left (README.md, task 4: no code given).
        serve_client(std::move(connectionSocket), addr.to_string());
    }

    // TODO (task 3): Ctrl-C brought us here. It woke every serve_client's
    // recv() as well: each closes its connection and returns. Wait for each
    // thread to finish, with join(), before main returns. (A std::thread
    // destroyed before it was joined ends the whole program with std::terminate.)
    return cli::success;
}
