// rings.hpp - lab 06's grader: the lecture's rings, random rings, and the
// right answers worked out the plain way (a whole ring at hand, nothing
// clever), to hold the student's rules against.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "../routing.hpp"

namespace grading {

using dht::id;

// The lecture's two rings: m = 6 (queries), m = 4 (churn).
inline std::vector<id> lecture_ring() { return {1, 12, 13, 25, 32, 40, 48, 60}; }
inline std::vector<id> churn_ring() { return {1, 3, 4, 5, 8, 10, 12, 15}; }

// n distinct identifiers of 0 .. 2^m - 1 (fewer if the circle is smaller), sorted.
inline std::vector<id> random_ring(std::mt19937_64& random, int m, std::size_t n) {
    const std::uint64_t circle = std::uint64_t{1} << m;
    n = static_cast<std::size_t>(std::min<std::uint64_t>(n, circle));
    std::vector<id> ring;
    while (ring.size() < n) {
        const id candidate = static_cast<id>(random() % circle);
        if (std::find(ring.begin(), ring.end(), candidate) == ring.end()) ring.push_back(candidate);
    }
    std::sort(ring.begin(), ring.end());
    return ring;
}

// Is key in (from, to] going clockwise? (from == to: the whole circle.)
inline bool true_in_range(id from, id key, id to) {
    if (from == to) return true;
    if (from < to) return from < key && key <= to;
    return key > from || key <= to;
}

// The first peer at or after key, round the circle.
inline id true_successor(std::vector<id> peers, id key) {
    std::sort(peers.begin(), peers.end());
    auto at = std::lower_bound(peers.begin(), peers.end(), key);
    return at == peers.end() ? peers.front() : *at;
}

// The next peer after p in a sorted ring.
inline id successor_in(const std::vector<id>& ring, id p) {
    auto at = std::upper_bound(ring.begin(), ring.end(), p);
    return at == ring.end() ? ring.front() : *at;
}

// The finger targets self + 2^i modulo 2^m, worked out in 64 bits.
inline std::vector<id> true_targets(id self, int m) {
    std::vector<id> targets;
    for (int i = 0; i < m; ++i)
        targets.push_back(static_cast<id>((self + (std::uint64_t{1} << i)) % (std::uint64_t{1} << m)));
    return targets;
}

// The shortcuts of a finger table, worked out on the whole ring.
inline std::vector<id> true_shortcuts(const std::vector<id>& ring, id self, int m) {
    std::vector<id> shortcuts;
    for (id target : true_targets(self, m)) {
        const id holder = true_successor(ring, target);
        if (holder != self && std::find(shortcuts.begin(), shortcuts.end(), holder) == shortcuts.end())
            shortcuts.push_back(holder);
    }
    return shortcuts;
}

// The lecture's walk: from the origin, successor after successor, up to the
// peer whose successor holds the key.
inline std::vector<id> walking_path(const std::vector<id>& ring, id origin, id key) {
    std::vector<id> path{origin};
    while (!true_in_range(path.back(), key, successor_in(ring, path.back())))
        path.push_back(successor_in(ring, path.back()));
    return path;
}

// What next_step must give: the holder, or the farthest shortcut (or the
// successor) strictly between self and the key.
inline dht::step best_step(const dht::table& t, id key) {
    if (true_in_range(t.self, key, t.successor)) return {true, t.successor};
    id best = t.successor;
    for (id s : t.shortcuts)
        if (s != key && s != t.self && true_in_range(t.self, s, key) && true_in_range(best, s, key) && s != best)
            best = s;
    return {false, best};
}

// "1 12 13"
inline std::string list(const std::vector<id>& ids) {
    std::string text;
    for (id i : ids) text += (text.empty() ? "" : " ") + std::to_string(i);
    return text.empty() ? "(none)" : text;
}

}  // namespace grading
