// peer.hpp - lab 06: one peer of the DHT, on its own UDP socket.
//
// A peer answers the messages of message.hpp, passes queries on, stores
// (name, value) pairs, and keeps its place in the ring: every period it pings
// its two successors, asks its successor who comes after it, and tells it
// that it is its predecessor. Every decision about the ring (where a query
// goes next, what to do when a peer falls silent, which predecessor to
// believe) is a function of routing.cpp: the peer only carries it out.
//
// A peer also guards itself against a stranger on the network, who can send
// it any datagram from any address: it takes a reply only with the unguessable
// number of one of its requests; it binds an identifier to an address only
// when that address answers a PING (a stranger cannot pass for a peer the
// ring knows); it stores only the pairs of its own keys (and its predecessor's
// copies), and only max_pairs of each.
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

#include "../../../common/net.hpp"
#include "../../shared/loss.hpp"
#include "../routing.hpp"
#include "message.hpp"

namespace dht {

class host;

// The most pairs a peer stores for its own keys, and the most copies it keeps
// for its predecessor, so that PUTs from anyone cannot fill its memory: with
// names and values of at most max_text (1,000) bytes each, 2 x 1,000 pairs
// take at most 4 MB.
inline constexpr std::size_t max_pairs = 1000;

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

// Why `path` cannot be the path of a lookup asked at peer `origin`, or "" if
// it can: it starts at the origin, and no query passes more peers than the
// circle (m bits) has. An ANSWER comes from whoever sends it: its path is
// not believed for being there.
std::string path_problem(const std::vector<id>& path, id origin, int m);

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
    // With settings().successors = r > 2: the r - 2 successors after the
    // second (Chord's successor list; routing.cpp keeps the first two).
    const std::vector<id>& later_successors() const { return later_; }
    const std::vector<id>& shortcuts() const { return shortcuts_; }
    std::size_t pairs_stored() const { return store_.size(); }
    std::optional<net::address> address_of(id peer) const;

    // For the host: a ready-made place in a settled ring, the upkeep timer,
    // the datagrams of its socket, and the end.
    void settle(const neighbours& n, const std::vector<id>& later, const std::vector<id>& fingers,
                const std::vector<node>& known);
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
    std::uint32_t unguessable_number() const;
    void request(const net::address& to, message m, kind expects, reply_handler on_reply,
                 std::function<void()> on_silence);
    void send_again(std::uint32_t number);
    void send(const net::address& to, message m);
    void reply(const net::address& to, const message& asked, message answer);
    void take_reply(const message& m, const net::address& from);

    // ---- lookups (lookups.cpp)
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
    void take_answer(const message& a, const net::address& from);
    void finish_lookup(std::uint32_t number, const node& holder, const std::vector<id>& path);
    bool seen_before(const net::address& from, std::uint32_t number);

    // ---- the pairs (pairs.cpp)
    void ask_holder(message m, kind expects, std::function<void(const store_result&)> done);
    void take_pair(const message& m, const net::address& from);
    void take_get(const message& m, const net::address& from);
    std::string refusal(const message& m, const net::address& from) const;
    void copy_to(id peer, const std::function<bool(const std::string& name, id key)>& which);
    void copy_own_pairs(id successor);

    // ---- upkeep: pings, repairs, joins, shortcuts (upkeep.cpp)
    void tick();
    void rescue();
    bool next_in_list();
    void take_list(id from, const std::vector<node>& its_later);
    std::vector<node> list_to_send() const;
    void ping(id peer);
    void ask_successor(id peer);
    void believe_notify(id from);
    void silent(id peer);
    void forget_shortcut(id peer);
    void apply(const neighbours& now, std::optional<id> ask, const std::string& why);
    void refresh_finger(std::size_t i);
    void joined(const lookup_result& found, const std::function<void(bool)>& done);
    bool is_suspect(id peer) const;

    // ---- who is where: an identifier bound to an address (addresses.cpp)
    void take_notify(id from, const net::address& where);
    void learn(const std::optional<node>& n);
    void check_address(id who, const net::address& where, const std::string& claim, std::function<void()> then);
    void bind_if_answers(id who, const net::address& where, const std::string& claim, std::function<void()> then);

    host& host_;
    const id ident_;
    net::socket socket_;
    const net::address where_;
    bool alive_ = true;
    bool upkeep_started_ = false;
    loss_simulator losses_;

    neighbours links_;
    std::vector<id> later_;  // the successors after the second (settings().successors - 2 at most)
    std::vector<std::optional<id>> fingers_;  // the holder of each finger target, when known
    std::vector<id> shortcuts_;
    std::size_t next_finger_ = 0;
    std::map<id, net::address> known_;                              // who is where (addresses.cpp)
    std::map<id, std::chrono::steady_clock::time_point> suspects_;  // found silent, and when
    std::chrono::steady_clock::time_point heard_from_predecessor_{};
    std::optional<id> copies_at_;  // the successor that took this peer as its predecessor, and has its copies
    std::set<id> checking_;        // identifiers whose new address is being asked (a PING) before it is believed

    std::unordered_map<std::uint32_t, pending> pending_;
    std::unordered_map<std::uint32_t, lookup_state> lookups_;
    std::deque<std::string> seen_order_;  // the QUERYs already passed on, oldest first
    std::set<std::string> seen_;

    std::map<std::string, std::pair<id, std::string>> store_;  // name -> (key, value)
};

}  // namespace dht
