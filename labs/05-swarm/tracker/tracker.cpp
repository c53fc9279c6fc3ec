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
// connections are open at once: a newcomer takes the place of the one that
// has waited longest for its request (connection_threads says why), and is
// told 503 only when all 256 are being answered.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/cli.hpp"
#include "common/net.hpp"
#include "bittorrent/http.hpp"
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

// One connection: receive a request head. TCP is a byte stream: the head
// may come in pieces, so keep receiving until its blank line, or until it is
// clearly too long or too slow. Nothing when the client left, or took too long.
std::optional<std::string> receive_head(net::socket& connectionSocket, const net::address& client) {
    const net::deadline until = net::clock::now() + request_time;
    std::string received;
    char buffer[4096];
    while (bt::http::head_end(received) == std::string::npos && received.size() <= bt::http::max_head) {
        auto got = connectionSocket.recv(buffer, sizeof buffer, until);
        if (net::stop_requested()) return std::nullopt;
        if (!got || got.value() == 0) {
            if (!got && got.error().code == std::errc::timed_out)
                cli::log(client, ": no whole request within 5 s: closed");
            else if (!got)
                cli::log(client, ": ", got.error());
            return std::nullopt;  // a client that connects and leaves without asking anything: nothing to say
        }
        received.append(buffer, got.value());
    }
    return received;
}

// Then answer it, and close.
void answer(net::socket& connectionSocket, const net::address& client, const std::string& received,
            tracker_state& tracker) {
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
    char buffer[4096];
    for (std::size_t drained = 0; drained < (1u << 16);) {
        auto got = connectionSocket.recv(buffer, sizeof buffer, linger);
        if (!got || got.value() == 0) break;
        drained += got.value();
    }
}

// The connections being served, a thread each, in the order they came.
//
// A client that connects and says nothing holds a thread for 5 s, and one
// that reconnects each time it is closed holds it for ever: a few hundred
// such connections (the attack called slowloris) would take every thread.
// But a real client sends its request the moment it has connected, so when
// most_connections are open, the one that has waited longest for its
// request is closed to make room for the newcomer. That is all it takes:
// an idle client is always the oldest, a real one is answered within a
// moment of coming. (A shorter deadline would not stop a client that
// reconnects at once; a limit per address would also turn away a lab room
// behind one NAT; one thread watching every connection with poll(), as lab
// 03's poll_server does, would make the tracker a different program.)
class connection_threads {
public:
    // Serves the connection in a new thread, which takes the socket; false
    // (the socket left as it is) when most_connections are open and every
    // one has its request already, being answered.
    bool start(net::socket& connectionSocket, const net::address& client, tracker_state& tracker) {
        std::lock_guard<std::mutex> lock(mutex_);
        join_finished();
        const auto open = std::count_if(running_.begin(), running_.end(), [](auto& c) { return !c.closed_for_room; });
        if (static_cast<std::size_t>(open) >= most_connections && !make_room()) return false;
        connection& c = running_.emplace_back();
        c.socket = std::move(connectionSocket);
        c.client = client;
        try {
            c.thread = std::thread([this, &c, &tracker] { serve(c, tracker); });
        } catch (const std::system_error&) {  // the system has no thread to give: the socket is closed
            running_.pop_back();
        }
        return true;
    }

    void join_all() {
        std::list<connection> all;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            all.swap(running_);
        }
        for (connection& c : all) c.thread.join();
    }

private:
    struct connection {
        net::socket socket;
        net::address client;
        net::clock::time_point came = net::clock::now();
        bool waiting = true;           // for its request head: while it is, it may be closed to make room
        bool closed_for_room = false;  // it was: it no longer counts
        bool finished = false;         // its thread has ended: join it
        std::thread thread;
    };

    void serve(connection& c, tracker_state& tracker) {
        net::stop_on_ctrl_c(c.socket);  // Ctrl-C wakes the recv in receive_head
        std::optional<std::string> head = receive_head(c.socket, c.client);
        bool closed_for_room;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            c.waiting = false;  // from here on no other thread touches the socket
            closed_for_room = c.closed_for_room;
        }
        if (closed_for_room && !head) {
            const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(net::clock::now() - c.came);
            cli::log(c.client, ": no whole request after ", waited.count(), " ms, with ", most_connections,
                     " connections open: closed to make room");
        }
        if (head) answer(c.socket, c.client, *head, tracker);
        c.socket.close();
        std::lock_guard<std::mutex> lock(mutex_);
        c.finished = true;
    }

    // mutex_ held. The list is in the order the connections came: the first
    // one still waiting has waited longest. Shutting its reading side down
    // wakes its recv (as Ctrl-C does), and its thread closes it.
    bool make_room() {
        for (connection& c : running_) {
            if (!c.waiting || c.closed_for_room) continue;
            c.closed_for_room = true;
            (void)c.socket.shutdown(net::socket::direction::read);
            return true;
        }
        return false;
    }

    void join_finished() {  // mutex_ held: each of these has finished with it
        for (auto c = running_.begin(); c != running_.end();) {
            if (!c->finished) {
                ++c;
                continue;
            }
            c->thread.join();
            c = running_.erase(c);
        }
    }

    std::mutex mutex_;
    std::list<connection> running_;  // a list: a connection stays put while others come and go
};

// More than most_connections at once: a short answer instead of a thread.
void turn_away(net::socket& connectionSocket, const net::address& client) {
    cli::log(client, ": ", most_connections, " connections are being answered: told 503");
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
