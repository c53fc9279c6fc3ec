// connection.hpp - a new neighbour over TCP: dialing it, or taking its
// call, and the handshake; then the swarm takes it on.
//
// All of it happens in the event loop (swarm_loop.cpp), without waiting and
// without a thread of its own: the dial is a connect() that does not wait,
// whose end the poller reports (the socket becomes writable, or an error
// comes); the handshake's 68 bytes each way are sent and received as the
// poller says they can be. Each newcomer has a deadline among the loop's
// timers: 5 s for the dial, then 10 s for the handshake.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/net.hpp"
#include "common/poller.hpp"
#include "swarm.hpp"

namespace bt {

// Neighbours that dialed us and are still handshaking, at most: one more
// drops the one that has waited longest (its handshake had the most time
// already). So connections that never send a handshake cannot keep anyone
// out: an honest neighbour's handshake comes within a round trip, and it
// would take this many new connections within that round trip to push it
// out. More than max_connections, so that every peer of a tracker's list
// arriving at once is never pushed out.
inline constexpr std::size_t max_handshaking = 64;

// The neighbours on their way in: the event loop's own.
class arrivals {
public:
    arrivals(swarm& peers, net::poller& waiting) : peers_(peers), waiting_(waiting) {}
    ~arrivals();  // takes their sockets off the poller, and closes them
    arrivals(const arrivals&) = delete;
    arrivals& operator=(const arrivals&) = delete;

    // Their sockets' keys in the poller are first_key and up.
    static constexpr std::uint64_t first_key = std::uint64_t{1} << 62;

    // A neighbour dialed us: its handshake is awaited.
    void take_call(net::socket connectionSocket, const net::address& from);
    // Dial `where` at the first of its addresses; the next if that one fails.
    void dial(const std::string& where, std::vector<net::address> addresses);
    // The poller reported one of their sockets.
    void ready(const net::poller::event& e);
    // Ends those whose patience ran out; when the next one runs out.
    clock::time_point check_deadlines(clock::time_point now);

private:
    struct newcomer {
        std::shared_ptr<connection> c;
        std::vector<net::address> addresses;  // dialing: those to try, `trying` first
        std::size_t trying = 0;
        bool connecting = false;  // our connect() is on its way
        bool checked = false;     // its handshake came, and is for our torrent
        std::string received;     // of its handshake
        std::string to_send;      // of ours, not sent yet
        unsigned watching = 0;    // the poller's interest now
        clock::time_point until;  // the dial's patience, then the handshake's
    };
    using entry = std::map<std::uint64_t, newcomer>::iterator;

    void start(std::uint64_t key, newcomer n);
    void try_next_address(entry it, const net::error& last);
    void talk(entry it);                                   // the handshake, as far as it goes now
    void end(entry it, const std::string& why = "");       // logs `why` unless empty
    void watch(entry it, unsigned what);

    swarm& peers_;
    net::poller& waiting_;
    std::map<std::uint64_t, newcomer> newcomers_;  // by key: in the order they came
    std::uint64_t next_key_ = first_key;
    std::size_t calling_ = 0;  // of them, those that dialed us
    bool told_crowded_ = false;  // the log has said that they were too many
};

// Dial host:port, unless that neighbour is connected or being dialed
// already. Any thread may call it: the name is looked up there, then the
// event loop dials. The swarm knows the neighbour by its address as
// address_text writes it ("127.0.0.1:6881", "[::1]:6881"), and by the peer
// id the tracker gave with the address, if any.
void start_dialing(swarm& peers, const std::string& host, std::uint16_t port, const std::string& id = "");

// "127.0.0.1:6881", "[::1]:6881"; an IPv4 client seen by an IPv6 server
// (::ffff:127.0.0.1) is written as the IPv4 address it is.
std::string address_text(const std::string& host, std::uint16_t port);

}  // namespace bt
