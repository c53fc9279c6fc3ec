// routing.cpp - lab 06: the rules of a circular DHT (reference solution).
//
// The types and what each function must return are in routing.hpp; README.md
// explains each task.
#include "routing.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

namespace dht {

// ---------------------------------------------------------------- task 1

bool in_range(id from, id key, id to) {
    if (from < to) return from < key && key <= to;  // the plain case: 48 < 53 <= 60
    return key > from || key <= to;                 // round past the top: (60, 1] holds 61, 62, 63, 0 and 1
}

id successor_of(id key, const std::vector<id>& peers) {
    // The smallest identifier at or after the key; if there is none, the
    // circle goes round to the smallest identifier of all.
    std::optional<id> at_or_after;
    id smallest = peers.front();
    for (id p : peers) {
        smallest = std::min(smallest, p);
        if (p >= key && (!at_or_after || p < *at_or_after)) at_or_after = p;
    }
    return at_or_after ? *at_or_after : smallest;
}

// ---------------------------------------------------------------- tasks 2 and 4

step next_step(const table& t, id key) {
    // The successor holds every key between this peer and itself.
    if (in_range(t.self, key, t.successor)) return {true, t.successor};

    // Else the query goes on: to the shortcut closest to the key that does
    // not reach it, strictly between this peer and the key. A shortcut AT the
    // key holds it, but would not know that (the key is not after it): the
    // query would go round the whole circle again.
    id best = t.successor;  // lies before the key: the key is past it
    for (id s : t.shortcuts)
        if (s != key && in_range(t.self, s, key) && in_range(best, s, key)) best = s;
    return {false, best};
}

// ---------------------------------------------------------------- task 3

std::vector<id> finger_targets(id self, int m) {
    // In 64 bits: self + 2^31 does not fit in 32 when m = 32.
    const std::uint64_t circle = std::uint64_t{1} << m;
    std::vector<id> targets;
    for (int i = 0; i < m; ++i) targets.push_back(static_cast<id>((self + (std::uint64_t{1} << i)) % circle));
    return targets;
}

std::vector<id> shortcuts_from(id self, const std::vector<id>& holders) {
    std::vector<id> shortcuts;
    for (id h : holders)
        if (h != self && std::find(shortcuts.begin(), shortcuts.end(), h) == shortcuts.end()) shortcuts.push_back(h);
    return shortcuts;
}

// ---------------------------------------------------------------- task 5

repair on_silent(const neighbours& n, id silent) {
    repair r{n, std::nullopt};
    if (n.successor == silent) {
        // The lecture: "if immediate successor leaves, choose next successor
        // as new immediate successor", then ask it who comes after it.
        r.now.successor = n.second;
        r.now.second = std::nullopt;
        if (r.now.successor && *r.now.successor != n.self) r.ask = r.now.successor;
    } else if (n.second == silent) {
        // The successor knows who comes after it now.
        r.now.second = std::nullopt;
        if (n.successor && *n.successor != n.self) r.ask = n.successor;
    }
    if (n.predecessor == silent) r.now.predecessor = std::nullopt;
    return r;
}

repair on_successor_reply(const neighbours& n, id from, std::optional<id> its_successor,
                          std::optional<id> its_predecessor) {
    repair r{n, std::nullopt};
    if (n.successor != from) return r;  // a late reply from a peer that is no longer the successor
    // A peer has joined between us and our successor (Chord's stabilize):
    // it is our successor now, and the old one comes after it.
    const id p = its_predecessor.value_or(n.self);
    if (p != n.self && p != from && in_range(n.self, p, from)) {
        r.now.successor = p;
        r.now.second = from;
        r.ask = p;
        return r;
    }
    if (its_successor) r.now.second = its_successor;
    return r;
}

neighbours on_notify(const neighbours& n, id from) {
    neighbours now = n;
    if (from == n.self) return now;
    // Closer than the predecessor we know (or the first we hear of).
    if (!n.predecessor || (from != *n.predecessor && in_range(*n.predecessor, from, n.self))) now.predecessor = from;
    return now;
}

}  // namespace dht
