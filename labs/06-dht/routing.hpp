// routing.hpp - lab 06: the rules of a circular DHT, as functions of what one
// peer knows. No sockets here: the peers (peer/peer.cpp) call these functions when
// a query reaches them, when a ping goes unanswered, when a reply comes, and
// the grader calls them directly. You write them in routing.cpp (README.md,
// next to this file, walks you through them). Do not change this file: the
// peers and the grader are compiled against it.
//
// The lecture's circle: identifiers 0 .. 2^m - 1, going clockwise means going
// up, and after 2^m - 1 comes 0 again. A key is stored at its successor: the
// first peer at or after the key.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace dht {

// A peer's identifier, or a key: a number from 0 to 2^m - 1, m from 1 to 32.
using id = std::uint32_t;

// ---------------------------------------------------------------- task 1: the successor rule

// Whether `key` lies on the circle after `from`, up to and including `to`,
// going clockwise: the keys peer `to` is responsible for when peer `from` is
// the one before it. When from == to, that is the whole circle (a ring of one).
//   in_range(48, 53, 60), in_range(60, 61, 1) and in_range(60, 1, 12) are true; in_range(12, 1, 60) is false.
bool in_range(id from, id key, id to);

// The peer that stores `key`: the closest peer at or after the key, going
// clockwise, round past the largest identifier to the smallest. `peers` is not
// empty and may come in any order.
//   peers 1 12 13 25 32 40 48 60: successor_of(51) == 60, successor_of(61) == 1
id successor_of(id key, const std::vector<id>& peers);

// ---------------------------------------------------------------- tasks 2 and 4: one step of a query

// What a peer knows when a query for a key reaches it.
struct table {
    id self = 0;
    id successor = 0;           // its immediate successor (itself in a ring of one)
    std::vector<id> shortcuts;  // empty: the query walks the successors
};

// What the peer does with the query.
struct step {
    bool found = false;  // true: the successor holds the key; the peer answers the query's origin
    id peer = 0;         // found: the holder; else: the peer to pass the query on to
};

// Task 2 (walking the successors), then task 4 (with shortcuts).
step next_step(const table& t, id key);

// ---------------------------------------------------------------- task 3: building the shortcuts

// The identifiers the shortcuts aim at: self + 1, self + 2, self + 4, ...,
// self + 2^(m-1), each taken modulo 2^m, in that order (m of them).
std::vector<id> finger_targets(id self, int m);

// The shortcuts, from the peers that hold those targets (holders[i] stores
// target i): each peer once, in the order first seen, never the peer itself.
std::vector<id> shortcuts_from(id self, const std::vector<id>& holders);

// ---------------------------------------------------------------- task 5: churn (yours to design)

// Whom a peer keeps track of around it. Unknown is std::nullopt.
struct neighbours {
    id self = 0;
    std::optional<id> successor;    // the immediate successor
    std::optional<id> second;       // the successor's successor
    std::optional<id> predecessor;  // the peer whose immediate successor this one is
};

// A decision: what the peer knows now, and whom to ask (GET_SUCCESSOR:
// "who are your successor and your predecessor?"), if anyone.
struct repair {
    neighbours now;
    std::optional<id> ask;
};

// A peer stopped answering (a PING, or any request, went unanswered after
// every retry): it left, or crashed.
repair on_silent(const neighbours& n, id silent);

// Peer `from` answered GET_SUCCESSOR: its successor and its predecessor, each
// of which it may not know.
repair on_successor_reply(const neighbours& n, id from, std::optional<id> its_successor,
                          std::optional<id> its_predecessor);

// Peer `from` says (NOTIFY) that this peer is its immediate successor.
neighbours on_notify(const neighbours& n, id from);

}  // namespace dht
