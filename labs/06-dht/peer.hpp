// peer.hpp - lab 06: one peer of the DHT, on its own UDP socket.
//
// A peer answers the messages of message.hpp, passes queries on, stores
// (name, value) pairs, and keeps its place in the ring: every period it pings
// its two successors, asks its successor who comes after it, and tells it
// that it is its predecessor. Every decision about the ring (where a query
// goes next, what to do when a peer falls silent, which predecessor to
// believe) is a function of routing.cpp: the peer only carries it out.
//
// A peer does not run by itself: a host (host.hpp) owns it, hands it the
// datagrams that arrive on its socket and fires its timers, in one thread.
// Nothing here blocks.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "../../common/net.hpp"
#include "../../udp_server/loss.hpp"
#include "message.hpp"
#include "routing.hpp"

namespace dht {

class host;

// What a lookup found, as its origin sees it.
struct lookup_result {
    bool ok = false;  // false: no ANSWER came, after every try
    id key = 0;
    node holder;           // the peer that stores the key
    std::vector<id> path;  // the origin, then every peer the query reached
    // The handout's rule: one message each time the query goes from one peer
    // to the next; the ANSWER, and the GET or PUT that follow, are not counted.
    int messages() const { return path.empty() ? 0 : static_cast<int>(path.size()) - 1; }
};

// What a put or a get did.
struct store_result {
    bool ok = false;     // false: no holder found, or it did not answer
    bool found = false;  // get: something is stored under that name
    std::string value;   // get: what
    lookup_result lookup;
};

class peer {
public:
    peer(host& owner, id ident, net::socket s, net::address where);

    id ident() const { return ident_; }
    const net::address& where() const { return where_; }
    bool alive() const { return alive_; }

    // Asking the DHT at this peer, as its user would. `done` is called once.
    void lookup(id key, std::function<void(const lookup_result&)> done);
    void put(const std::string& name, id key, const std::string& value, std::function<void(const store_result&)> done);
    void get(const std::string& name, id key, std::function<void(const store_result&)> done);
    // Enters a ring through one of its peers: a lookup of its own identifier
    // finds its successor; the ring's upkeep does the rest.
    void join(const net::address& known, std::function<void(bool)> done);

    // What it knows.
    const neighbours& links() const { return links_; }
    const std::vector<id>& shortcuts() const { return shortcuts_; }
    std::size_t pairs_stored() const { return store_.size(); }
    std::optional<net::address> address_of(id peer) const;

    // For the host: a ready-made place in a settled ring, the upkeep timer,
    // the datagrams of its socket, and the end.
    void settle(const neighbours& n, const std::vector<id>& fingers, const std::vector<node>& known);
    void start_upkeep();
    void receive(std::string_view datagram, const net::address& from);
    net::socket& socket() { return socket_; }
    void stop();

private:
    // ---- requests: send, wait, send again, give up (peer.cpp)
    using reply_handler = std::function<void(const message&)>;
    struct pending {
        net::address to;
        std::string datagram;
        kind expects;
        int sends = 0;
        reply_handler on_reply;
        std::function<void()> on_silence;
    };
    void request(const net::address& to, message m, kind expects, reply_handler on_reply,
                 std::function<void()> on_silence);
    void send_again(std::uint32_t number);
    void send(const net::address& to, message m);
    void reply(const net::address& to, const message& asked, message answer);
    void take_reply(const message& m, const net::address& from);

    // ---- lookups (peer.cpp)
    struct lookup_state {
        id key = 0;
        std::optional<net::address> via;  // joining: the first hop, a peer of the ring
        int sends = 0;
        std::function<void(const lookup_result&)> done;
    };
    void start_lookup(id key, std::optional<net::address> via, std::function<void(const lookup_result&)> done);
    void send_lookup(std::uint32_t number);
    void take_query(message q, const net::address& from);
    void route(message q, std::vector<id> avoid);
    void answer(const message& q, id holder);
    void finish_lookup(std::uint32_t number, const node& holder, const std::vector<id>& path);
    bool seen_before(const net::address& from, std::uint32_t number);

    // ---- the pairs (peer.cpp)
    void keep(id key, const std::string& name, const std::string& value);
    void copy_to(id peer, const std::function<bool(const std::string& name, id key)>& which);

    // ---- upkeep: pings, repairs, joins, shortcuts (upkeep.cpp)
    void tick();
    void rescue();
    void ping(id peer);
    void ask_successor(id peer);
    void take_notify(id from, const net::address& where);
    void silent(id peer);
    void forget_shortcut(id peer);
    void apply(const neighbours& now, std::optional<id> ask, const std::string& why);
    void refresh_finger(std::size_t i);
    void joined(const lookup_result& found, const std::function<void(bool)>& done);
    void learn(const std::optional<node>& n);
    bool is_suspect(id peer) const;

    host& host_;
    const id ident_;
    net::socket socket_;
    const net::address where_;
    bool alive_ = true;
    bool upkeep_started_ = false;
    loss_simulator losses_;

    neighbours links_;
    std::vector<std::optional<id>> fingers_;  // the holder of each finger target, when known
    std::vector<id> shortcuts_;
    std::size_t next_finger_ = 0;
    std::map<id, net::address> known_;                              // the addresses this peer has learnt
    std::map<id, std::chrono::steady_clock::time_point> suspects_;  // found silent, and when
    std::chrono::steady_clock::time_point heard_from_predecessor_{};

    std::uint32_t next_number_ = 1;
    std::unordered_map<std::uint32_t, pending> pending_;
    std::unordered_map<std::uint32_t, lookup_state> lookups_;
    std::deque<std::string> seen_order_;  // the QUERYs already passed on, oldest first
    std::set<std::string> seen_;

    std::map<std::string, std::pair<id, std::string>> store_;  // name -> (key, value)
};

}  // namespace dht
