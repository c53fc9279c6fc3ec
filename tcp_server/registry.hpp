// registry.hpp - the live connections of tcp_server_threaded, one thread each.
#pragma once

#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <thread>

#include "../common/net.hpp"
#include "session.hpp"

class connection_registry {
public:
    explicit connection_registry(std::size_t max_clients) : max_clients_(max_clients) {}
    ~connection_registry() { stop_all(); }

    // Starts `serve(connectionSocket)` in a thread of its own, unless
    // max_clients connections are already being served: then the socket is
    // left untouched and the caller turns the client away.
    // Logs "connected <client> (N active)" and, when serve() returns with a
    // summary of the session, "closed <client> (N active; summary)", the
    // counts taken at that very moment.
    // Returns the number of live connections (counting this one), or 0 if refused.
    std::size_t start(net::socket& connectionSocket, const net::address& client,
                      std::function<session_summary(net::socket&)> serve);

    // Shut down every live connection (their threads see end of stream and
    // finish), then join every thread.
    void stop_all();

private:
    struct connection {
        net::socket socket;
        std::thread thread;
        bool finished = false;
    };
    void join_finished();  // called with mutex_ held

    std::size_t max_clients_;
    std::mutex mutex_;
    std::list<connection> live_;
    std::size_t running_ = 0;
};
