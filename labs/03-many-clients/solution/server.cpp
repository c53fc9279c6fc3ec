// server.cpp - lab 03: many clients at once, one thread per connection
// (reference solution, tasks 1 to 4).
//
// The welcoming socket only accepts. Each connection socket is moved into a
// thread of its own, which does what the lecture's loop body does (receive,
// uppercase, send back, close), while the loop goes straight back to
// accept(). On Ctrl-C every thread's recv() wakes up, each thread closes its
// connection and returns, and main() joins them all.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/cli.hpp"
#include "common/net.hpp"
#include "common/text.hpp"

// The lecture's loop body, for one client and a whole stream:
//   modifiedMessage = connectionSocket.recv(2048).decode().upper()
//   connectionSocket.send(modifiedMessage.encode())
//   connectionSocket.close()
// It receives, uppercases and sends back until the client closes its side.
// It owns the connection socket (taken by value): when it returns, the
// socket is closed.
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

// One per client: its thread, and a flag the thread sets when it is done.
// (std::shared_ptr: the flag must outlive whichever of the two lets go last.)
struct client_thread {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> finished;
};

// Task 4: a thread that has finished still holds its stack until it is
// joined. Join those (it takes no time: they are done) and forget them.
void join_finished(std::vector<client_thread>& clients) {
    for (auto it = clients.begin(); it != clients.end();) {
        if (*it->finished) {
            it->thread.join();
            it = clients.erase(it);
        } else {
            ++it;
        }
    }
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

    // Task 2: the threads, so that main() can wait for them at the end.
    std::vector<client_thread> clients;

    while (true) {
        // connectionSocket, addr = serverSocket.accept()
        auto accepted = serverSocket.accept();
        if (net::stop_requested()) break;  // Ctrl-C: stop accepting
        if (!accepted) {
            cli::log(accepted.error());
            continue;
        }
        auto [connectionSocket, addr] = std::move(accepted.value());

        // Task 4: join the threads whose client has left, so they do not pile up.
        join_finished(clients);

        // Task 1: serve this client in a thread of its own, which owns the
        // connection socket from now on; the loop goes back to accept().
        auto finished = std::make_shared<std::atomic<bool>>(false);
        std::thread thread(
            [finished](net::socket socket, std::string client) {
                serve_client(std::move(socket), std::move(client));
                *finished = true;  // main() may join this thread now
            },
            std::move(connectionSocket), addr.to_string());
        clients.push_back({std::move(thread), finished});
    }

    // Task 3: Ctrl-C brought us here. It woke every serve_client's recv()
    // as well: each closes its connection and returns. Wait for each thread.
    serverSocket.close();
    for (client_thread& each : clients) each.thread.join();
    return cli::success;
}
