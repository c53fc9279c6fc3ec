// tracker - the lecture's BitTorrent tracker: "tracks peers participating in torrent".
//
//   tracker [--host H] [--port P] [--interval S] [-q] [--trace]
//
// A peer announces itself with an HTTP GET (BEP 3) and gets back a random
// list of at most 50 other peers of its torrent; the status page at / shows
// every swarm beside the lecture's bounds. The tracker is a tiny web server
// in the shape of lab 03's many-clients server: the welcoming socket only
// accepts, and each connection is served in a thread of its own: receive
// one request head, answer it (tracker_http.hpp), close. The list of peers
// (tracker_peers.hpp) is shared by those threads, under one mutex.
//
// No client can hurt it: a request head must come whole within 5 s and
// within 8 KiB, an answer must be taken within 5 s, and at most 256
// connections are served at once (more are told 503 and closed).
#include <chrono>
#include <cstdint>
#include <list>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "../../common/cli.hpp"
#include "../../common/net.hpp"
#include "http.hpp"
#include "tracker_http.hpp"
#include "tracker_peers.hpp"

using namespace std::chrono_literals;

namespace {

constexpr auto request_time = 5s;      // for the whole request head, however it trickles in
constexpr auto answer_time = 5s;       // for the client to take the answer
constexpr std::size_t most_connections = 256;

// What every connection's thread shares: the list of peers, and what the
// announces need along with it (the clock, the random choice of peers).
struct tracker_state {
    explicit tracker_state(int interval) : peers(interval), random(std::random_device{}()) {}
    std::mutex mutex;
    bt::tracker::registry peers;
    std::mt19937 random;
    const net::clock::time_point start = net::clock::now();
};

// The connections being served, a thread each (serve(), below). A thread
// that has finished is joined when the next connection comes, and every
// thread at the end.
void serve(net::socket connectionSocket, const net::address& client, tracker_state& tracker);

class connection_threads {
public:
    // Serves the connection in a new thread, which takes the socket; false
    // (the socket left as it is) when most_connections are being served.
    bool start(net::socket& connectionSocket, const net::address& client, tracker_state& tracker) {
        std::lock_guard<std::mutex> lock(mutex_);
        join_finished();
        if (running_.size() >= most_connections) return false;
        auto slot = running_.emplace(running_.end());
        try {
            *slot = std::thread([this, &tracker, client, s = std::move(connectionSocket)]() mutable {
                serve(std::move(s), client, tracker);
                std::lock_guard<std::mutex> done(mutex_);
                finished_.push_back(std::this_thread::get_id());
            });
        } catch (const std::system_error&) {  // the system has no thread to give: the socket is closed
            running_.erase(slot);
        }
        return true;
    }

    void join_all() {
        std::list<std::thread> all;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            all.swap(running_);
        }
        for (std::thread& t : all) t.join();
    }

private:
    void join_finished() {  // mutex_ held: each of these has finished with it
        for (std::thread::id id : finished_) {
            for (auto t = running_.begin(); t != running_.end(); ++t) {
                if (t->get_id() != id) continue;
                t->join();
                running_.erase(t);
                break;
            }
        }
        finished_.clear();
    }

    std::mutex mutex_;
    std::list<std::thread> running_;  // a list: a thread stays put while others come and go
    std::vector<std::thread::id> finished_;
};

// One connection: receive a request head, answer it, close.
void serve(net::socket connectionSocket, const net::address& client, tracker_state& tracker) {
    net::stop_on_ctrl_c(connectionSocket);  // Ctrl-C wakes the recv below
    // TCP is a byte stream: the head may come in pieces, so keep receiving
    // until its blank line, or until it is clearly too long or too slow.
    const net::deadline until = net::clock::now() + request_time;
    std::string received;
    char buffer[4096];
    while (bt::http::head_end(received) == std::string::npos && received.size() <= bt::http::max_head) {
        auto got = connectionSocket.recv(buffer, sizeof buffer, until);
        if (net::stop_requested()) return;
        if (!got || got.value() == 0) {
            if (!got && got.error().code == std::errc::timed_out)
                cli::log(client, ": no whole request within 5 s: closed");
            else if (!got)
                cli::log(client, ": ", got.error());
            return;  // a client that connects and leaves without asking anything: nothing to say
        }
        received.append(buffer, got.value());
    }

    bt::tracker::answer answer;
    {
        std::lock_guard<std::mutex> lock(tracker.mutex);
        const double now = std::chrono::duration<double>(net::clock::now() - tracker.start).count();
        answer = bt::tracker::respond(received, client.host(), now, tracker.peers, tracker.random);
    }
    cli::log(client, " ", answer.log);
    (void)connectionSocket.set_send_timeout(answer_time);
    if (auto sent = connectionSocket.send_all(answer.response); !sent) {
        cli::log(client, ": ", sent.error());
        return;
    }
    // Close gently: say we are done, then take what the client may still be
    // sending (the rest of a head too long), so that closing does not reset
    // the connection and destroy the answer before the client has read it.
    if (!connectionSocket.shutdown(net::socket::direction::write)) return;
    const net::deadline linger = net::clock::now() + 1s;
    for (std::size_t drained = 0; drained < (1u << 16);) {
        auto got = connectionSocket.recv(buffer, sizeof buffer, linger);
        if (!got || got.value() == 0) break;
        drained += got.value();
    }
}

// More than most_connections at once: a short answer instead of a thread.
void turn_away(net::socket& connectionSocket, const net::address& client) {
    cli::log(client, ": ", most_connections, " connections are being served: told 503");
    (void)connectionSocket.set_send_timeout(100ms);
    (void)connectionSocket.send_all(bt::http::response(503, "busy: try again in a moment\n"));
}

}  // namespace

int main(int argc, char* argv[]) {
    std::string host;  // all interfaces
    std::uint16_t serverPort = 6969;
    int interval = 10;
    cli::option port = cli::port(serverPort);
    port.help = "port to listen on, 0 for any free port (default: 6969, the usual tracker port)";
    cli::parse(argc, argv,
               {"tracker",
                "The lecture's BitTorrent tracker: peers announce themselves with GET /announce (BEP 3) and get a "
                "random list of at most 50 other peers of their torrent.",
                {cli::host(host), port,
                 cli::whole("--interval", "S",
                            "seconds between a peer's announces (default: 10); silent for two, it leaves the list",
                            1, 86400, interval),
                 cli::quiet(), cli::trace()},
                "\npages:\n"
                "  /announce         the peers' announces (BEP 3; compact BEP 23 replies unless compact=0)\n"
                "  /                 the status page: every swarm and peer, beside D_p2p and D_cs (HTML)\n"
                "  /status.txt       the same in plain text, for scripts\n"});

    // serverSocket = socket(AF_INET, SOCK_STREAM); bind(('', serverPort)); listen
    net::socket serverSocket = cli::check(net::server_socket(net::tcp, host, serverPort));
    cli::check(serverSocket.listen(128));
    net::stop_on_ctrl_c(serverSocket);  // Ctrl-C wakes the accept below
    cli::announce_ready(serverSocket);

    tracker_state tracker(interval);
    connection_threads connections;
    while (true) {
        auto accepted = serverSocket.accept();
        if (net::stop_requested()) break;  // Ctrl-C
        if (!accepted) {
            cli::log(accepted.error());
            // Out of descriptors, say: the next accept would fail at once
            // too. Give the connections being served a moment to end.
            std::this_thread::sleep_for(50ms);
            continue;
        }
        auto [connectionSocket, client] = std::move(accepted.value());
        if (!connections.start(connectionSocket, client, tracker)) turn_away(connectionSocket, client);
    }
    // Ctrl-C: stop accepting; every connection's recv has been woken, and
    // every send has a deadline, so each thread ends soon.
    serverSocket.close();
    connections.join_all();
    return cli::success;
}
