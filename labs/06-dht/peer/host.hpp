// host.hpp - lab 06: many peers in one program, one thread, one wait.
//
// Each peer has its own UDP socket and address, exactly as if it ran alone;
// the host only saves the cost of a process per peer. A ring of 1,024 peers
// as 1,024 processes would need 1,024 schedulings for every hop of a query on
// a two-core machine; here one thread waits on all the sockets at once (as
// lab 03's poll server does, with the wrapper's poller: epoll on Linux, which
// reports only the sockets that have a datagram, so a hop costs the same in
// a ring of 64 as in one of 16,384), hands each datagram to its peer, and
// fires the peers' timers. One thread also means no locks: a peer's state is
// only ever touched by that thread.
//
// A peer killed by the host closes its socket: from then on, datagrams to it
// go nowhere, and the others notice only by its silence.
#pragma once

#include <poll.h>  // POSIX: the terminal, which the dht tool reads between turns

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include "../../../common/net.hpp"
#include "../../../common/poller.hpp"
#include "../routing.hpp"
#include "peer.hpp"

namespace dht {

using ms = std::chrono::milliseconds;

// How every peer of a host behaves.
struct settings {
    int m = 6;              // identifiers 0 .. 2^m - 1
    bool shortcuts = true;  // false: queries walk the successors
    ms period{500};         // a peer pings its successors once per period
    ms timeout{200};        // it waits this long for a reply before sending again
    int tries = 3;          // sends of one request before the other peer is taken as gone
    ms lookup_wait{2000};   // an origin waits this long for an ANSWER before asking again (tries times in all)
    bool upkeep = true;     // pings, stabilisation, shortcut refresh; off: a frozen ring
    bool rescue = true;     // a peer left with no successor takes its nearest shortcut (off: the lecture's rules alone)
    int successors = 2;     // successors each peer keeps: the lecture's two (routing.cpp's), or Chord's r = O(log N)
    bool replicas = true;   // a holder keeps a copy of each pair it stores at its successor
    double loss = 0;        // the fraction of arriving datagrams each peer drops (like udp_server --loss)
    std::uint64_t seed = 1;  // which ones
    std::string bind_host = "127.0.0.1";
};

// A thousand peers are a thousand sockets: more than the usual limit of
// 1,024 open files per process. Raises this process's limit to the most the
// system allows (as `ulimit -n` would), and says what is wrong ("" if
// nothing) when that is still too few for `peers` sockets and a few files.
std::string allow_many_sockets(std::size_t peers = 0);

class host {
public:
    using log_sink = std::function<void(const std::string&)>;
    // Log lines go to `log`; without one, to stderr (cli::log, which -q silences).
    explicit host(settings s, log_sink log = {});
    ~host();
    host(const host&) = delete;
    host& operator=(const host&) = delete;

    const settings& config() const { return settings_; }
    void use_shortcuts(bool on) { settings_.shortcuts = on; }
    void use_replicas(bool on) { settings_.replicas = on; }

    // A new peer on its own UDP socket, on bind_host and a free port. It is
    // in no ring until settle_ring() or join().
    net::result<peer*> start(id ident);
    // Links the live peers into one ring, as it is once it has settled: each
    // knows its successor, its second successor, its predecessor, and its
    // shortcuts (the holders of finger_targets(), through shortcuts_from()).
    // Then every peer starts its upkeep.
    // With settings().successors = r > 2, each also knows the r - 2 peers
    // after its second successor.
    void settle_ring();
    // The upkeep of every live peer starts, in a ring settled with upkeep off
    // (a ring measured as it was, then left to repair itself).
    void start_upkeep();
    // The peer leaves abruptly: its socket closes, it answers nothing.
    void kill(id ident);
    peer* find(id ident) const;        // a live peer, or nullptr
    std::vector<peer*> peers() const;  // the live peers, by identifier
    std::vector<id> identifiers() const;

    // Running: datagrams and timers of every peer, until done() is true (then
    // true) or `limit` has passed (then false).
    bool run_until(const std::function<bool()>& done, ms limit);
    void run_for(ms how_long);
    // ... until file descriptor fd (the terminal) has input.
    void run_until_readable(int fd);

    // The peers' operations, asked at peer `at`, waited for (at most `limit`).
    lookup_result lookup(id at, id key, ms limit);
    store_result put(id at, const std::string& name, id key, const std::string& value, ms limit);
    store_result get(id at, const std::string& name, id key, ms limit);
    // A new peer `ident` joins through peer `via`: true once it has a successor.
    bool join(id ident, id via, ms limit);

    // For the peers: the host's clock (it stands still while this process is
    // not running), timers on it, and the log.
    std::chrono::steady_clock::time_point now() const { return std::chrono::steady_clock::now() - held_up_; }
    std::chrono::steady_clock::duration held_up() const { return held_up_; }
    void after(std::chrono::steady_clock::duration delay, std::function<void()> action);
    void log(const std::string& line);
    void count_sent() { ++datagrams_sent_; }
    std::uint64_t datagrams_sent() const { return datagrams_sent_; }

private:
    struct timer {
        std::chrono::steady_clock::time_point when;  // host time
        std::uint64_t order;                         // the earlier scheduled first, at the same time
        std::function<void()> action;
        bool operator>(const timer& other) const {
            return when != other.when ? when > other.when : order > other.order;
        }
    };
    int turn(std::chrono::steady_clock::time_point until, int extra_fd);
    void receive(peer& p);
    bool fire_due_timers();

    settings settings_;
    log_sink log_;
    std::vector<std::unique_ptr<peer>> peers_;  // killed ones too: their timers may still fire
    std::priority_queue<timer, std::vector<timer>, std::greater<>> timers_;
    std::uint64_t timer_order_ = 0;
    std::uint64_t datagrams_sent_ = 0;
    std::chrono::steady_clock::duration held_up_{};  // how long this process was seen not to run
    std::chrono::steady_clock::time_point last_turn_{};
    std::vector<char> buffer_;
    net::poller waiting_;  // every live peer's socket, keyed by its place in peers_
    std::unordered_map<id, peer*> live_;  // the live peers by identifier (find() in a ring of 16,384)
};

}  // namespace dht
