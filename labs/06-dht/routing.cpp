// routing.cpp - lab 06: the rules of a circular DHT. Your work goes in the
// TODO blocks; README.md (next to this file) explains each task.
//
// The types, and what each function must return, are in routing.hpp. The
// circle: identifiers 0 .. 2^m - 1; clockwise is up, and after 2^m - 1 comes 0.
#include "routing.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

namespace dht {

// ---------------------------------------------------------------- task 1

bool in_range(id from, id key, id to) {
    // TODO (task 1): is key in (from, to], going clockwise from `from`?
    //   - the plain case, from < to: from < key <= to
    //   - round past the top, from >= to: (60, 1] holds 61, 62, 63, 0 and 1
    //   - from == to: the whole circle (a ring of one peer holds every key)
    (void)from;  // "not used yet, on purpose": delete these lines when you use them
    (void)key;
    (void)to;
    return false;
}

id successor_of(id key, const std::vector<id>& peers) {
    // TODO (task 1): the closest peer at or after the key; when no peer is
    // at or after it, round the circle: the smallest peer of all.
    (void)key;
    return peers.front();
}

// ---------------------------------------------------------------- tasks 2 and 4

step next_step(const table& t, id key) {
    // TODO (task 2): does the successor hold the key, or where does the
    // query go next? (The handout's task 2 says what a step must be.)
    //
    // TODO (task 4): with shortcuts (t.shortcuts), fewer steps: see the
    // handout's task 4.
    (void)key;
    return {true, t.successor};
}

// ---------------------------------------------------------------- task 3

std::vector<id> finger_targets(id self, int m) {
    // TODO (task 3): self + 2^i for i = 0 .. m-1, each modulo 2^m.
    (void)self;
    (void)m;
    return {};
}

std::vector<id> shortcuts_from(id self, const std::vector<id>& holders) {
    // TODO (task 3): the holders, each once, in the order first seen, without self.
    (void)self;
    (void)holders;
    return {};
}

// ---------------------------------------------------------------- task 5 (yours to design)

repair on_silent(const neighbours& n, id silent) {
    // TODO (task 5): see the handout.
    (void)silent;
    return {n, std::nullopt};
}

repair on_successor_reply(const neighbours& n, id from, std::optional<id> its_successor,
                          std::optional<id> its_predecessor) {
    // TODO (task 5)
    (void)from;
    (void)its_successor;
    (void)its_predecessor;
    return {n, std::nullopt};
}

neighbours on_notify(const neighbours& n, id from) {
    // TODO (task 5)
    (void)from;
    return n;
}

}  // namespace dht
