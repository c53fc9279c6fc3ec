// registry.cpp - start, count, stop and join the per-connection threads.
#include "registry.hpp"

#include <system_error>
#include <vector>

#include "../common/cli.hpp"
#include "session.hpp"

void connection_registry::start(net::socket connectionSocket, const net::address& client) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (running_ >= max_clients_) {
        lock.unlock();
        turn_away(connectionSocket, client, "max clients reached");
        return;
    }
    auto self = live_.insert(live_.end(), connection{std::move(connectionSocket), {}});
    const std::size_t active = ++running_;
    try {
        self->thread = std::thread(&connection_registry::serve, this, self, client);
    } catch (const std::system_error&) {  // the system has no thread for us (a process limit)
        net::socket refused = std::move(self->socket);
        live_.erase(self);
        --running_;
        lock.unlock();
        turn_away(refused, client, "no thread available");
        return;
    }
    lock.unlock();
    cli::log("connected ", client, " (", active, " active)");
}

void connection_registry::serve(std::list<connection>::iterator self, net::address client) {
    net::stop_on_ctrl_c(self->socket);  // Ctrl-C wakes this thread's recv() too
    const session_summary summary = serve_client(self->socket, idle_);
    std::size_t active;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        self->socket.close();  // under the lock: stop_all() may be looking at it
        active = --running_;
    }
    changed_.notify_all();
    cli::log("closed ", client, " (", active, " active; ", summary.describe(), ")");
    // A finished thread holds its stack until it is joined, and the accept
    // loop is no place to wait for that: the thread lets itself go, unless
    // stop_all() is joining every thread now.
    std::lock_guard<std::mutex> lock(mutex_);
    if (!stopped_) {
        self->thread.detach();
        live_.erase(self);
    }
}

void connection_registry::turn_away(net::socket& connectionSocket, const net::address& client, const char* why) {
    if (turned_away_ <= 1) cli::log("refused ", client, " (server busy: ", why, ")");
    // Say so, then close in order: closing with the client's request unread
    // would send a reset, so what has come already is read first. Nothing is
    // waited for: this runs in the accept loop, and the next client (turned
    // away too, perhaps) must hear at once. A request still on its way when
    // the socket closes draws a reset, which follows the words and the end of
    // the stream on the same path: the client has read them by then.
    (void)connectionSocket.send_all("server busy\n");
    (void)connectionSocket.shutdown(net::socket::direction::write);
    char discard[4096];
    const net::deadline now = net::clock::now();  // past by the time it is looked at: "what is there now"
    while (true) {
        net::result<std::size_t> got = connectionSocket.recv(discard, sizeof discard, now);
        if (!got || got.value() == 0) break;
    }
}

void connection_registry::turn_away_for_lack_of_descriptors(net::socket& welcomingSocket) {
    if (turned_away_ == 0) cli::log("out of file descriptors: turning clients away until some leave");
    ++turned_away_;
    platform::release_spare_descriptor(std::exchange(spare_descriptor_, -1));
    bool accepted_one = false;
    {
        auto accepted = welcomingSocket.accept();
        if (accepted) turn_away(accepted.value().first, accepted.value().second, "out of file descriptors");
        accepted_one = accepted.ok();
    }  // closed here, so that the spare can be taken back
    spare_descriptor_ = platform::hold_spare_descriptor();
    // Nobody could be accepted even so (the descriptors of the whole system
    // are gone, say): wait a little instead of spinning on accept().
    if (!accepted_one) std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

void connection_registry::descriptors_available() {
    if (turned_away_ == 0) return;
    cli::log("file descriptors available again (", turned_away_, " clients were turned away)");
    turned_away_ = 0;
}

bool connection_registry::stop_all(std::chrono::milliseconds grace) {
    std::unique_lock<std::mutex> lock(mutex_);
    stopped_ = true;
    // Ctrl-C has woken every session waiting in recv() for its client: each
    // sees the stop and ends (with a reset, so that no client takes a cut
    // answer for whole). Those sending an answer finish it, if their client reads.
    const bool all_done = changed_.wait_for(lock, grace, [this] { return running_ == 0; });
    if (!all_done) {
        for (connection& each : live_)
            if (each.socket.is_open()) {
                (void)each.socket.reset_on_close();
                each.thread.detach();
            }
        cli::log(running_, " clients read nothing for ", grace.count(), " ms: their connections are reset");
        return false;
    }
    std::vector<std::thread> threads;
    for (connection& each : live_) threads.push_back(std::move(each.thread));
    live_.clear();
    lock.unlock();
    for (std::thread& thread : threads) thread.join();
    return true;
}
