// registry.cpp - start, count, stop and join the per-connection threads.
#include "registry.hpp"

#include <vector>

#include "../common/cli.hpp"

std::size_t connection_registry::start(net::socket& connectionSocket, const net::address& client,
                                       std::function<session_summary(net::socket&)> serve) {
    std::lock_guard<std::mutex> lock(mutex_);
    join_finished();
    if (running_ >= max_clients_) return 0;
    live_.push_back(connection{std::move(connectionSocket), {}, false});
    auto self = std::prev(live_.end());  // list iterators stay valid while others come and go
    const std::size_t count = ++running_;
    // The log lines are only put together when they will be printed (not with -q).
    if (cli::logging()) cli::log("connected " + client.to_string() + " (" + std::to_string(count) + " active)");
    self->thread = std::thread([this, self, client, serve = std::move(serve)] {
        platform::keep_stop_signals_away();  // Ctrl-C is the main thread's business
        const session_summary summary = serve(self->socket);
        std::lock_guard<std::mutex> done(mutex_);
        self->socket.close();
        self->finished = true;
        --running_;
        if (cli::logging())
            cli::log("closed " + client.to_string() + " (" + std::to_string(running_) + " active; " +
                     summary.describe() + ")");
    });
    return count;
}

void connection_registry::join_finished() {
    // A finished thread has returned from serve(); joining it takes no time.
    for (auto it = live_.begin(); it != live_.end();) {
        if (it->finished) {
            it->thread.join();
            it = live_.erase(it);
        } else {
            ++it;
        }
    }
}

void connection_registry::stop_all() {
    std::list<connection> stopping;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        // Wake every thread blocked in recv() or send(): they see the end of
        // the stream (or an error) and return.
        for (connection& each : live_)
            if (!each.finished && each.socket.is_open())
                (void)each.socket.shutdown(net::socket::direction::both);
    }
    // Join outside the lock: the threads take it once more on their way out.
    std::vector<std::thread*> threads;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        for (connection& each : live_) threads.push_back(&each.thread);
    }
    for (std::thread* thread : threads)
        if (thread->joinable()) thread->join();
    std::lock_guard<std::mutex> lock(mutex_);
    live_.clear();
}
