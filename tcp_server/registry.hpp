// registry.hpp - the live connections of tcp_server_threaded, one thread each.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <list>
#include <mutex>
#include <thread>

#include "../common/net.hpp"

class connection_registry {
public:
    connection_registry(std::size_t max_clients, std::chrono::seconds idle) : max_clients_(max_clients), idle_(idle) {}
    ~connection_registry() {
        stop_all();
        platform::release_spare_descriptor(spare_descriptor_);
    }

    // Serves the connection in a thread of its own (serve_client of
    // session.hpp) and logs "connected <client> (N active)", then, when the
    // session ends, "closed <client> (N active; what happened)". When
    // max_clients are being served already, or no thread can be started,
    // the client is told "server busy" instead.
    void start(net::socket connectionSocket, const net::address& client);

    // accept() failed for lack of file descriptors (EMFILE): instead of
    // trying again at once, for ever, while the client waits, let the spare
    // descriptor go, accept that one client, tell it "server busy", close it
    // and take the spare back. Logged once per burst.
    void turn_away_for_lack_of_descriptors(net::socket& welcomingSocket);
    void descriptors_available();  // an accept() worked again: the burst is over

    // After Ctrl-C (which wakes every session waiting for its client: each
    // then ends with a reset): gives the sessions still sending up to
    // `grace` to finish, and joins every thread. False if some did not finish in time (a client
    // that reads nothing): their connections will be reset when the process
    // ends, which is then the only way to end their threads.
    bool stop_all(std::chrono::milliseconds grace = std::chrono::seconds(2));

private:
    struct connection {
        net::socket socket;
        std::thread thread;
    };
    void serve(std::list<connection>::iterator self, net::address client);
    void turn_away(net::socket& connectionSocket, const net::address& client, const char* why);

    std::size_t max_clients_;
    std::chrono::seconds idle_;
    int spare_descriptor_ = platform::hold_spare_descriptor();
    std::size_t turned_away_ = 0;  // in the current burst of EMFILE
    std::mutex mutex_;
    std::condition_variable changed_;  // a session ended
    std::list<connection> live_;       // list: an element stays put while others come and go
    std::size_t running_ = 0;
    bool stopped_ = false;
};
