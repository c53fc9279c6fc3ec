// message.hpp - lab 06: the peers' messages, one UDP datagram each.
//
// Every datagram starts with the same 9 bytes, numbers big-endian:
//
//   type (1 byte) | request number (4) | the sender's identifier (4)
//
// A reply carries the number of the request it answers, so that a peer can
// tell which of its requests it answers, and can ignore a reply to a request
// it never sent. What follows the header depends on the type (README.md has
// the table); a peer on the wire is a `node`, 23 bytes:
//
//   identifier (4) | family (1: 4 or 6, 0 for none) | address (16: IPv4 in
//   the first 4) | port (2)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../../../common/net.hpp"
#include "../routing.hpp"

namespace dht {

// A peer as the messages name it: its identifier and its UDP address.
struct node {
    id ident = 0;
    net::address where;
};

enum class kind : std::uint8_t {
    query = 1,      // who holds this key? passed on from peer to peer      -> ACK (from each next peer)
    ack,            // "I have your QUERY"
    answer,         // to the query's origin: the holder, and the path     (request: the lookup's number)
    put,            // store a (name, value) pair at its key's holder       -> STORED
    stored,         // "stored"
    get,            // the value stored under a name                        -> VALUE
    value,          // found or not, and the value
    ping,           // are you there?                                       -> PONG
    pong,           // yes
    get_successor,  // who are your successor and predecessor?              -> SUCCESSOR
    successor,      // both, each possibly unknown
    notify,         // "I think I am your predecessor"                       (no reply)
    replica,        // keep a copy of this pair (the holder to its successor) -> STORED
};
inline constexpr int kind_count = 13;
const char* kind_name(kind k);  // "QUERY"

// The longest name or value, and the longest path a query may carry.
inline constexpr std::size_t max_text = 1000;
inline constexpr std::size_t max_path = 4096;
// The most successors a SUCCESSOR names after the replier's successor: a peer
// keeps at most max_successors (Chord's successor list, dht --successors).
inline constexpr std::size_t max_successors = 32;

// One message, decoded. Which fields mean something depends on the kind.
struct message {
    explicit message(dht::kind k = kind::ping) : kind(k) {}

    dht::kind kind;
    std::uint32_t request = 0;  // a reply has its request's number; ANSWER has the lookup's
    id sender = 0;              // the identifier of the peer that sent it

    std::uint32_t lookup = 0;       // QUERY: the origin's number for this lookup
    id key = 0;                     // QUERY, ANSWER, PUT, GET, REPLICA
    std::optional<node> about;      // QUERY: the origin; ANSWER: the holder
    std::vector<id> path;           // QUERY, ANSWER: the origin, then every peer the query reached
    std::string name;               // PUT, GET, REPLICA
    std::string value;              // PUT, REPLICA, VALUE
    bool found = false;             // VALUE
    std::optional<node> successor;  // SUCCESSOR
    std::optional<node> predecessor;
    std::vector<node> later;        // SUCCESSOR: the successors after its successor (none: the lecture's two)
};

std::string encode(const message& m);

// A datagram taken apart: the message, or (problem not empty) why it is not
// one: too short, an unknown type, an identifier out of 0 .. 2^m - 1, bytes
// left over, ...
struct decoded {
    message msg;
    std::string problem;
};
decoded decode(std::string_view datagram, int m);

// One line for a log: "QUERY #7 from 12: key 53, path 1 12".
std::string describe(const message& m);

// True for the kinds that answer a request (ACK, STORED, VALUE, PONG,
// SUCCESSOR; ANSWER answers a lookup).
bool is_reply(kind k);

}  // namespace dht
