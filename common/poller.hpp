// poller.hpp - waiting on many sockets at once, from one thread.
//
// Lab 03's poll() server serves many clients with one thread: it asks the
// system "which of these sockets can I read now?" and serves those. A
// BitTorrent peer with dozens of neighbours and a DHT host with thousands
// of peers are built the same way, and this is the call they make:
//
//   net::poller waiting;
//   waiting.add(welcomingSocket, 0);                 // key 0: the listener
//   waiting.add(connectionSocket, 1);                // key 1: a client
//   auto ready = waiting.wait(net::clock::now() + 1s);
//   for (const net::poller::event& e : ready.value()) ... e.key, e.readable
//
// On Linux it uses epoll, which reports only the sockets that are ready, so
// a turn costs the same with 10 sockets watched as with 10,000 (poll() looks
// at every one, every time). Elsewhere it uses poll() (WSAPoll on Windows).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "net.hpp"

namespace net {

class poller {
public:
    // What to wait for: data (or a connection, or the end) to read, room to send.
    enum interest : unsigned { readable = 1, writable = 2 };

    // A socket that is ready, named by the key it was added with. An error
    // or a hang-up counts as readable: the next recv() says which.
    struct event {
        std::uint64_t key;
        bool readable;
        bool writable;
    };

    poller();
    ~poller();
    poller(const poller&) = delete;
    poller& operator=(const poller&) = delete;

    // Watch `s` for `what` (a socket once; remove() it before it closes).
    result<void> add(const socket& s, std::uint64_t key, unsigned what = readable);
    // Wait for something else on a watched socket (say, room to send only
    // while there is something to send).
    result<void> change(const socket& s, unsigned what);
    void remove(const socket& s);
    std::size_t size() const { return keys_.size(); }

    // Waits until a watched socket is ready or `until` passes, and gives the
    // ready ones: none when the time ran out. A signal is not an error (the
    // wait is made again); the span is valid until the next wait().
    result<std::span<const event>> wait(deadline until);

private:
    struct watched {
        std::uint64_t key;
        unsigned what;
        std::size_t index;  // in entries_ (poll() only)
    };
    std::unordered_map<platform::socket_handle, watched> keys_;
    std::vector<event> ready_;
    int epoll_ = -1;              // the epoll instance (Linux)
    std::vector<pollfd> entries_;  // what poll() watches (elsewhere)
};

}  // namespace net
