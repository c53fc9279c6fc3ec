// server.cpp - lab 03: many clients at once, one thread per connection
// (reference solution, tasks 1 to 4).
//
// The welcoming socket only accepts. Each connection socket is moved into a
// thread of its own, which does what the lecture's loop body does (receive,
// uppercase, send back, close), while the loop goes straight back to
// accept(). On Ctrl-C every thread's recv() fails, each thread closes its
// connection and returns, and main() joins them all.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/cli.hpp"
#include "common/net.hpp"
#include "common/text.hpp"

// The listen queue (--backlog): how many connections the operating system
// completes and keeps for us until we accept() them. The lecture's listen(1)
// is too short for a hundred clients arriving at once.
static const cli::program lab_server{
    .name = "server",
    .summary = "Lab 03: accepts TCP connections and sends back everything each client sends, "
               "uppercased, until that client closes.",
    .backlog = true,
    .default_backlog = 128};

// The lecture's loop body, for one client and a whole stream:
//   sentence = connectionSocket.recv(1024)
//   connectionSocket.send(sentence.upper())
//   connectionSocket.close()
// It receives, uppercases and sends back until the client closes its side.
// It owns the connection socket (taken by value): when it returns, the
// socket is closed.
void serve_client(net::socket connectionSocket, std::string client) {
    cli::log("connected " + client);
    // Ctrl-C wakes the main thread only (its accept() fails). So that a
    // thread of its own, waiting in recv() for a silent client, notices it
    // too, recv() waits at most half a second at a time.
    (void)connectionSocket.set_timeout(std::chrono::milliseconds(500));
    text::upper_stream upper;  // a character cut in two by recv() is uppercased as one
    char sentence[4096];
    std::string reason = "the client closed";
    while (true) {
        net::result<std::size_t> got = connectionSocket.recv(sentence, sizeof sentence);
        if (!got) {
            // Half a second without a byte: wait again, unless Ctrl-C was pressed.
            if (got.error().code == std::errc::timed_out && !net::stop_requested()) continue;
            reason = got.error().message();  // the client reset the connection, or Ctrl-C
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
    cli::log("closed " + client + " (" + reason + ")");
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
    // Reads --port, --host, -q ...; also makes Ctrl-C (SIGINT) wake the main
    // thread's accept() with an error for which net::is_stop() is true.
    const cli::server_options options = cli::parse_server(lab_server, argc, argv);

    // serverSocket = socket(AF_INET, SOCK_STREAM); serverSocket.bind(('', serverPort))
    net::socket serverSocket = cli::check(net::server_socket(net::tcp, options.host, options.port));
    // serverSocket.listen(...): the welcoming socket
    cli::check(serverSocket.listen(options.backlog));
    cli::announce_ready(serverSocket);

    // Task 2: the threads, so that main() can wait for them at the end.
    std::vector<client_thread> clients;

    while (true) {
        // connectionSocket, addr = serverSocket.accept()
        auto accepted = serverSocket.accept();
        if (!accepted) {
            if (net::is_stop(accepted.error())) break;  // Ctrl-C: stop accepting
            cli::log(accepted.error().message());
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

    // Task 3: Ctrl-C brought us here. Each serve_client notices it within
    // half a second, closes its connection and returns: wait for each thread.
    serverSocket.close();
    for (client_thread& each : clients) each.thread.join();
    return cli::success;
}
