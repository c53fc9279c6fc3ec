// test_rules.cpp - the grader of lab 06, part 1: the rules of routing.cpp,
// called directly on the lecture's rings and on random ones, so that every
// case is exact and no socket is involved. Part 2 (test_udp.cpp) runs rings
// of real UDP peers built on the same rules.
// Each TEST_CASE is one requirement of the handout.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "../routing.hpp"
#include "rings.hpp"

using namespace dht;
using namespace grading;

namespace {

std::string show(const std::optional<id>& i) { return i ? std::to_string(*i) : std::string("unknown"); }

std::string show(const neighbours& n) {
    return "{self " + std::to_string(n.self) + ", successor " + show(n.successor) + ", second " + show(n.second) +
           ", predecessor " + show(n.predecessor) + "}";
}

std::string show(const repair& r) { return show(r.now) + ", ask " + show(r.ask); }

bool same(const neighbours& a, const neighbours& b) {
    return a.self == b.self && a.successor == b.successor && a.second == b.second && a.predecessor == b.predecessor;
}

// Follows next_step() from `origin` until a peer finds the holder, or the
// query comes back to a peer it passed (then it would go round for ever: the
// path ends with that peer a second time), or 2N + 2 steps. The path, origin first.
struct walk {
    std::vector<id> path;
    std::optional<id> holder;
    bool loops = false;
};
walk follow(const std::vector<id>& ring, int m, id origin, id key, bool with_shortcuts) {
    walk w{{origin}, std::nullopt};
    id at = origin;
    for (std::size_t steps = 0; steps <= 2 * ring.size() + 2 && !w.loops; ++steps) {
        table t{at, successor_in(ring, at), with_shortcuts ? true_shortcuts(ring, at, m) : std::vector<id>{}};
        const step s = next_step(t, key);
        if (s.found) {
            w.holder = s.peer;
            return w;
        }
        at = s.peer;
        w.loops = std::find(w.path.begin(), w.path.end(), at) != w.path.end();
        w.path.push_back(at);
    }
    return w;
}

std::string path_of(const walk& w) { return list(w.path) + (w.loops ? " (and round again: a loop)" : ""); }

}  // namespace

// ---------------------------------------------------------------- task 1

TEST_CASE("the lecture's keys (m = 6): 51 and 60 are stored at peer 60, 61 at peer 1" *
          doctest::description("task 1: the closest peer at or after the key; past the largest identifier (60), "
                               "round to the smallest (1)")) {
    const std::vector<id> peers = lecture_ring();
    for (const auto& lecture_case : std::vector<std::pair<id, id>>{{51, 60}, {60, 60}, {61, 1}}) {
        const id key = lecture_case.first, holder = lecture_case.second;  // (named: a lambda in INFO uses them)
        INFO("successor_of(" << key << ", {1, 12, 13, 25, 32, 40, 48, 60}) gave " << successor_of(key, peers)
                             << ", the lecture says " << holder);
        CHECK(successor_of(key, peers) == holder);
    }
    for (const auto& range : std::vector<std::tuple<id, id, id, bool>>{
             {48, 51, 60, true}, {48, 60, 60, true}, {60, 61, 1, true}, {48, 48, 60, false}, {60, 60, 1, false}}) {
        const id from = std::get<0>(range), key = std::get<1>(range), to = std::get<2>(range);
        const bool inside = std::get<3>(range);
        INFO("in_range(" << from << ", " << key << ", " << to << ") gave " << in_range(from, key, to) << ", expected "
                         << inside << " (is " << key << " in (" << from << ", " << to << "]?)");
        CHECK(in_range(from, key, to) == inside);
    }
}

TEST_CASE("the successor rule on any ring: the closest peer at or after the key" *
          doctest::description("task 1: successor_of and in_range must work for peers in any order, keys equal to "
                               "a peer's identifier, key 0 and key 2^m - 1, from == to (the whole circle), and m up "
                               "to 32")) {
    std::mt19937_64 random(6);
    for (int m : {1, 3, 6, 10, 16, 32}) {
        for (int round = 0; round < 20; ++round) {
            std::vector<id> peers = random_ring(random, m, 1 + random() % 12);
            std::shuffle(peers.begin(), peers.end(), random);  // any order
            const std::uint64_t top = (std::uint64_t{1} << m) - 1;
            std::vector<id> keys{0, static_cast<id>(top), peers[0],
                                 static_cast<id>(peers[0] + 1 <= top ? peers[0] + 1 : 0)};
            for (int k = 0; k < 20; ++k) keys.push_back(static_cast<id>(random() % (top + 1)));
            for (id key : keys) {
                const id expected = true_successor(peers, key);
                CHECK_MESSAGE(successor_of(key, peers) == expected,
                              "m = " << m << ", peers " << list(peers) << ": successor_of(" << key << ") gave "
                                     << successor_of(key, peers) << ", expected " << expected);
                for (id from : peers)
                    for (id to : peers) {
                        INFO("in_range(" << from << ", " << key << ", " << to << ") gave " << in_range(from, key, to)
                                         << ", expected " << true_in_range(from, key, to));
                        CHECK(in_range(from, key, to) == true_in_range(from, key, to));
                    }
            }
        }
    }
}

TEST_CASE("wrap-around: past the largest identifier, round to the smallest" *
          doctest::description("task 1: a key above every peer belongs to the smallest peer; (60, 1] holds 61, 62, "
                               "63, 0 and 1; (x, x] is the whole circle")) {
    const std::vector<id> peers = lecture_ring();
    for (id key : {61u, 62u, 63u, 0u, 1u}) {
        {
            INFO("successor_of(" << key << ") gave " << successor_of(key, peers) << ", expected 1");
            CHECK(successor_of(key, peers) == 1);
        }
        {
            INFO("in_range(60, " << key << ", 1) gave " << in_range(60, key, 1) << ", expected true");
            CHECK(in_range(60, key, 1));
        }
    }
    for (id key : {2u, 12u, 59u, 60u}) {
        INFO("in_range(60, " << key << ", 1) gave " << in_range(60, key, 1) << ", expected false");
        CHECK_FALSE(in_range(60, key, 1));
    }
    for (id key : {0u, 5u, 12u, 63u}) {
        INFO("in_range(12, " << key << ", 12) (a ring of one) gave " << in_range(12, key, 12) << ", expected true");
        CHECK(in_range(12, key, 12));
    }
    {
        INFO("m = 32: successor_of(4294967295, {7, 4000000000}) gave " << successor_of(4294967295u, {7, 4000000000u}));
        CHECK(successor_of(4294967295u, {7, 4000000000u}) == 7);
    }
}

// ---------------------------------------------------------------- task 2

TEST_CASE("walking the successors: every key from every peer, one message per peer passed" *
          doctest::description("task 2: without shortcuts, next_step finds the holder if the key lies after this "
                               "peer, up to its successor; else it passes the query to the successor")) {
    std::mt19937_64 random(2);
    for (const auto& example : std::vector<std::pair<int, std::vector<id>>>{
             {6, lecture_ring()}, {4, churn_ring()}, {8, random_ring(random, 8, 32)}}) {
        const int m = example.first;
        const std::vector<id>& ring = example.second;
        double total = 0;
        for (id origin : ring)
            for (id key = 0; key < (id{1} << m); ++key) {
                const walk w = follow(ring, m, origin, key, false);
                const id holder = true_successor(ring, key);
                const std::vector<id> expected = walking_path(ring, origin, key);
                INFO("ring " << list(ring) << ", key " << key << " from peer " << origin << ": path " << path_of(w)
                             << ", holder " << show(w.holder) << "; expected path " << list(expected) << ", holder "
                             << holder);
                REQUIRE(w.holder == holder);
                REQUIRE(w.path == expected);
                total += static_cast<double>(w.path.size() - 1);
            }
        const double mean = total / static_cast<double>(ring.size() << m);
        INFO("ring " << list(ring) << ": " << mean << " messages per lookup on average, expected about N/2");
        CHECK(std::abs(mean - (static_cast<double>(ring.size()) - 1) / 2) < 1.0);
    }
}

// ---------------------------------------------------------------- task 3

TEST_CASE("finger targets: self + 2^i, modulo 2^m" *
          doctest::description("task 3: m targets, self + 1, self + 2, self + 4, ..., each taken modulo 2^m (60 + 4 "
                               "is 0 when m = 6); mind the overflow when m = 32")) {
    struct example {
        id self;
        int m;
        std::vector<id> targets;
    };
    const std::uint64_t big = 4294967295u;
    for (const example& e : std::vector<example>{{1, 6, {2, 3, 5, 9, 17, 33}},
                                                 {60, 6, {61, 62, 0, 4, 12, 28}},
                                                 {5, 4, {6, 7, 9, 13}},
                                                 {0, 1, {1}},
                                                 {static_cast<id>(big), 32, {}},
                                                 {3000000000u, 32, {}}}) {
        std::vector<id> expected = e.targets;
        if (e.m == 32)
            for (int i = 0; i < 32; ++i)
                expected.push_back(static_cast<id>((e.self + (std::uint64_t{1} << i)) % (big + 1)));
        INFO("finger_targets(" << e.self << ", " << e.m << ") gave " << list(finger_targets(e.self, e.m))
                               << ", expected " << list(expected));
        CHECK(finger_targets(e.self, e.m) == expected);
    }
}

// The holders given to shortcuts_from here are those of the right targets
// (true_targets), not of the student's finger_targets: this requirement
// grades shortcuts_from alone, and a wrong finger_targets fails only its own.
TEST_CASE("shortcuts from the fingers: each peer once, never itself; O(log N) of them" *
          doctest::description("task 3: shortcuts_from keeps the holders in order, without repeats and without the "
                               "peer itself: 1 -> 12 25 40 in the lecture's ring (the holders here are those of the "
                               "right finger targets: only shortcuts_from is graded)")) {
    const std::vector<id> lecture = lecture_ring();
    for (const auto& example : std::vector<std::pair<id, std::vector<id>>>{
             {1, {12, 25, 40}}, {60, {1, 12, 32}}, {40, {48, 60, 12}}, {48, {60, 1, 25}}}) {
        const id self = example.first;
        const std::vector<id>& expected = example.second;
        std::vector<id> holders;
        for (id t : true_targets(self, 6)) holders.push_back(true_successor(lecture, t));
        INFO("peer " << self << " of the lecture's ring: holders " << list(holders) << ", shortcuts_from gave "
                     << list(shortcuts_from(self, holders)) << ", expected " << list(expected));
        CHECK(shortcuts_from(self, holders) == expected);
    }
    {
        INFO("shortcuts_from(5, {5, 5, 8, 5, 8, 12}) gave " << list(shortcuts_from(5, {5, 5, 8, 5, 8, 12})));
        CHECK(shortcuts_from(5, {5, 5, 8, 5, 8, 12}) == std::vector<id>{8, 12});
    }

    std::mt19937_64 random(4);
    const std::vector<id> ring = random_ring(random, 32, 1024);
    double total = 0;
    std::size_t most = 0;
    for (id self : ring) {
        std::vector<id> holders;
        for (id t : true_targets(self, 32)) holders.push_back(true_successor(ring, t));
        const std::vector<id> s = shortcuts_from(self, holders);
        total += static_cast<double>(s.size());
        most = std::max(most, s.size());
    }
    {
        INFO("1,024 random peers, m = 32: " << total / 1024 << " shortcuts per peer on average, " << most
                                            << " at most; log2 N = 10");
        CHECK(total / 1024 >= 8);
        CHECK(total / 1024 <= 14);
        CHECK(most <= 25);
    }
}

// ---------------------------------------------------------------- task 4

TEST_CASE("shortcuts: never past the key" *
          doctest::description("task 4: the query may go only to a peer strictly between this peer and the key; a "
                               "shortcut AT the key holds it but would not know it, and one past it overshoots")) {
    std::mt19937_64 random(3);
    for (int round = 0; round < 3000; ++round) {
        const int m = 1 + static_cast<int>(random() % 12);
        const std::vector<id> ring = random_ring(random, m, 2 + random() % 20);
        const id self = ring[random() % ring.size()];
        std::vector<id> shortcuts;
        for (id p : ring)
            if (p != self && random() % 2 == 0) shortcuts.push_back(p);
        std::shuffle(shortcuts.begin(), shortcuts.end(), random);
        // Keys at a shortcut, just past one, and anywhere.
        const std::uint64_t top = (std::uint64_t{1} << m) - 1;
        id key = static_cast<id>(random() % (top + 1));
        if (!shortcuts.empty() && round % 3 == 0) key = shortcuts[random() % shortcuts.size()];
        const table t{self, successor_in(ring, self), shortcuts};
        const step s = next_step(t, key);
        if (s.found) {
            INFO("peer " << self << " (successor " << t.successor << ", shortcuts " << list(shortcuts) << "), key "
                         << key << ": next_step says its successor holds the key, which is not in (" << self << ", "
                         << t.successor << "]");
            CHECK(true_in_range(self, key, t.successor));
            continue;
        }
        const bool before_key = s.peer != key && s.peer != self && true_in_range(self, s.peer, key);
        INFO("peer " << self << " (successor " << t.successor << ", shortcuts " << list(shortcuts) << "), key " << key
                     << ": next_step passes the query to " << s.peer << ", which is not strictly between " << self
                     << " and " << key);
        CHECK(before_key);
        if (!before_key) break;
    }
}

TEST_CASE("shortcuts: the farthest shortcut that does not pass the key" *
          doctest::description("task 4: of the shortcuts strictly between this peer and the key, the one closest to "
                               "the key; the successor when none is closer")) {
    // Peer 1 of the lecture's ring, with the shortcuts of a finger table: 12, 25 and 40.
    const table one{1, 12, {12, 25, 40}};
    for (const auto& example : std::vector<std::pair<id, id>>{
             {53, 40}, {41, 40}, {40, 25}, {39, 25}, {30, 25}, {25, 12}, {13, 12}, {63, 40}, {0, 40}}) {
        const id key = example.first, next = example.second;
        const step s = next_step(one, key);
        INFO("peer 1, successor 12, shortcuts 12 25 40, key " << key << ": next_step gave {found " << s.found
                                                              << ", peer " << s.peer << "}, expected {found false, peer "
                                                              << next << "}");
        CHECK((!s.found && s.peer == next));
    }
    std::mt19937_64 random(33);
    for (int round = 0; round < 3000; ++round) {
        const int m = 2 + static_cast<int>(random() % 14);
        const std::vector<id> ring = random_ring(random, m, 3 + random() % 30);
        const id self = ring[random() % ring.size()];
        std::vector<id> shortcuts;
        for (id p : ring)
            if (p != self && random() % 3 == 0) shortcuts.push_back(p);
        std::shuffle(shortcuts.begin(), shortcuts.end(), random);
        const id key = static_cast<id>(random() % (std::uint64_t{1} << m));
        const table t{self, successor_in(ring, self), shortcuts};
        const step expected = best_step(t, key);
        const step s = next_step(t, key);
        INFO("peer " << self << " (successor " << t.successor << ", shortcuts " << list(shortcuts) << "), key " << key
                     << ": next_step gave {found " << s.found << ", peer " << s.peer << "}, expected {found "
                     << expected.found << ", peer " << expected.peer << "}");
        CHECK((s.found == expected.found && s.peer == expected.peer));
        if (s.found != expected.found || s.peer != expected.peer) break;
    }
}

TEST_CASE("with shortcuts, fewer messages than walking: at most 1/2 log2 N + 1 on average, every key found" *
          doctest::description("task 4: with finger-table shortcuts, every lookup must end at the key's holder, "
                               "in O(log N) messages")) {
    std::mt19937_64 random(7);
    for (std::size_t n : {8u, 64u, 256u}) {
        const std::vector<id> ring = random_ring(random, 16, n);
        double walking = 0, shortcut = 0;
        const int lookups = 400;
        for (int i = 0; i < lookups; ++i) {
            const id origin = ring[random() % n];
            const id key = static_cast<id>(random() % 65536);
            const walk w = follow(ring, 16, origin, key, true);
            INFO(n << " peers (m = 16), key " << key << " from peer " << origin << " with shortcuts: holder "
                   << show(w.holder) << ", expected " << true_successor(ring, key) << "; path " << path_of(w));
            REQUIRE(w.holder == true_successor(ring, key));
            shortcut += static_cast<double>(w.path.size() - 1);
            walking += static_cast<double>(walking_path(ring, origin, key).size() - 1);
        }
        const double bound = 0.5 * std::log2(static_cast<double>(n)) + 1;
        INFO(n << " peers: " << shortcut / lookups << " messages per lookup with shortcuts, " << walking / lookups
               << " walking; at most " << bound << " expected with shortcuts");
        CHECK(shortcut / lookups <= bound);
        CHECK(shortcut < walking);
    }
}

// ---------------------------------------------------------------- task 5

TEST_CASE("churn: a silent successor is replaced by the second, which is asked for its successor" *
          doctest::description("task 5: on_silent(successor): the second becomes the successor, the second is "
                               "unknown until the new successor says who follows it (ask it); then "
                               "on_successor_reply makes that the second")) {
    // The lecture: peer 4 (successors 5 and 8) finds 5 silent.
    const neighbours four{4, 5, 8, 3};
    const repair r = on_silent(four, 5);
    {
        INFO("on_silent(" << show(four) << ", 5) gave " << show(r) << "; expected successor 8, second unknown, ask 8");
        CHECK(same(r.now, neighbours{4, 8, std::nullopt, 3}));
        CHECK(r.ask == std::optional<id>(8));
    }
    // 8 answers: its successor is 10 (its predecessor, 5, is silent: the peer leaves it out).
    const neighbours asked{4, 8, std::nullopt, 3};
    for (std::optional<id> pred : {std::optional<id>(), std::optional<id>(4)}) {
        const repair a = on_successor_reply(asked, 8, 10, pred);
        INFO("on_successor_reply(" << show(asked) << ", from 8, its successor 10, its predecessor " << show(pred)
                                   << ") gave " << show(a) << "; expected second 10, nobody to ask");
        CHECK(same(a.now, neighbours{4, 8, 10, 3}));
        CHECK_FALSE(a.ask.has_value());
    }
    // The successor silent, and no second known: nothing left to ask.
    const repair alone = on_silent(neighbours{4, 5, std::nullopt, 3}, 5);
    {
        INFO("on_silent({self 4, successor 5, second unknown, predecessor 3}, 5) gave "
             << show(alone) << "; expected successor unknown (no second to take over from 5, which is gone)");
        CHECK_FALSE(alone.now.successor == std::optional<id>(5));
    }
}

TEST_CASE(
    "churn: a silent second, a silent predecessor, a stranger, a stale reply" *
    doctest::description("task 5: on_silent(second): forget it and ask the successor; on_silent(predecessor): "
                         "forget it; a peer not among the neighbours changes nothing; a reply from a peer that is "
                         "no longer the successor changes nothing")) {
    const neighbours four{4, 5, 8, 3};
    const repair second = on_silent(four, 8);
    {
        INFO("on_silent(" << show(four) << ", 8) gave " << show(second) << "; expected second unknown, ask 5");
        CHECK(same(second.now, neighbours{4, 5, std::nullopt, 3}));
        CHECK(second.ask == std::optional<id>(5));
    }
    const repair predecessor = on_silent(four, 3);
    {
        INFO("on_silent(" << show(four) << ", 3) gave " << show(predecessor) << "; expected predecessor unknown");
        CHECK(same(predecessor.now, neighbours{4, 5, 8, std::nullopt}));
        CHECK_FALSE(predecessor.ask.has_value());
    }
    const repair stranger = on_silent(four, 12);
    {
        INFO("on_silent(" << show(four) << ", 12) gave " << show(stranger) << "; expected no change");
        CHECK(same(stranger.now, four));
        CHECK_FALSE(stranger.ask.has_value());
    }
    const repair stale = on_successor_reply(neighbours{4, 8, 10, 3}, 5, 8, 4);
    {
        INFO(
            "on_successor_reply({self 4, successor 8, second 10, predecessor 3}, from 5, its successor 8, its "
            "predecessor 4) gave "
            << show(stale) << "; expected no change (5 is no longer the successor: a late answer)");
        CHECK(same(stale.now, neighbours{4, 8, 10, 3}));
        CHECK_FALSE(stale.ask.has_value());
    }
    // The second is a neighbour, but not the one asked: its answer would make
    // its own successor our second.
    const repair from_second = on_successor_reply(neighbours{4, 8, 10, 3}, 10, 12, std::nullopt);
    {
        INFO(
            "on_successor_reply({self 4, successor 8, second 10, predecessor 3}, from 10, its successor 12, its "
            "predecessor unknown) gave "
            << show(from_second) << "; expected no change (only the successor's answer counts; 10 is the second)");
        CHECK(same(from_second.now, neighbours{4, 8, 10, 3}));
        CHECK_FALSE(from_second.ask.has_value());
    }
}

TEST_CASE("joining: a closer predecessor is believed (notify), a newcomer after us becomes our successor (stabilise)" *
          doctest::description("task 5: on_notify takes the notifier as predecessor if none is known or it lies "
                               "between the predecessor and us; on_successor_reply adopts the successor's predecessor "
                               "if it lies strictly between us and the successor, and asks it")) {
    // 7 joins between 5 and 8 (m = 4): 8 hears from 7, 5 learns of 7 from 8.
    const neighbours eight{8, 10, 12, 5};
    {
        INFO("on_notify(" << show(eight) << ", 7) gave " << show(on_notify(eight, 7)) << "; expected predecessor 7");
        CHECK(same(on_notify(eight, 7), neighbours{8, 10, 12, 7}));
    }
    {
        INFO("on_notify(" << show(eight) << ", 4) gave " << show(on_notify(eight, 4)) << "; expected no change");
        CHECK(same(on_notify(eight, 4), eight));
    }
    const neighbours unknown{8, 10, 12, std::nullopt};
    {
        INFO("on_notify(" << show(unknown) << ", 4) gave " << show(on_notify(unknown, 4))
                          << "; expected predecessor 4");
        CHECK(same(on_notify(unknown, 4), neighbours{8, 10, 12, 4}));
    }
    const neighbours wrapped{1, 3, 4, 12};
    {
        INFO("on_notify(" << show(wrapped) << ", 15) gave " << show(on_notify(wrapped, 15))
                          << "; expected predecessor 15");
        CHECK(same(on_notify(wrapped, 15), neighbours{1, 3, 4, 15}));
    }

    const neighbours five{5, 8, 10, 4};
    const repair r = on_successor_reply(five, 8, 10, 7);
    {
        INFO("on_successor_reply(" << show(five) << ", from 8, its successor 10, its predecessor 7) gave " << show(r)
                                   << "; expected successor 7, second 8, ask 7");
        CHECK(same(r.now, neighbours{5, 7, 8, 4}));
        CHECK(r.ask == std::optional<id>(7));
    }
    const repair same_pred = on_successor_reply(five, 8, 10, 5);
    {
        INFO("on_successor_reply(" << show(five) << ", from 8, its successor 10, its predecessor 5) gave "
                                   << show(same_pred) << "; expected second 10 and nothing else");
        CHECK(same(same_pred.now, five));
    }
    const neighbours alone{9, 9, std::nullopt, 3};
    const repair first = on_successor_reply(alone, 9, 9, 3);
    {
        INFO("a ring of one, 9, that 3 has joined: on_successor_reply(" << show(alone) << ", from 9, 9, 3) gave "
                                                                        << show(first) << "; expected successor 3");
        CHECK(first.now.successor == std::optional<id>(3));
    }
}

TEST_CASE("churn in rings of two and three: one peer in two roles, and a peer never asks itself" *
          doctest::description("task 5: check each role on its own (the successor, the second, the predecessor "
                               "may be the same peer, and a silent peer loses every role it had); never ask "
                               "yourself (a ring of one has nobody to ask); a notify from yourself, or a reply "
                               "naming a peer outside (you, successor), changes nothing")) {
    // A ring of two, 4 and 9: to 4, peer 9 is successor and predecessor, and
    // 4 itself comes after 9. 9 goes silent: 4 is alone, its own successor.
    const neighbours two{4, 9, 4, 9};
    const repair left_alone = on_silent(two, 9);
    {
        INFO("on_silent(" << show(two) << ", 9) gave " << show(left_alone)
                          << "; expected successor 4 (itself), second and predecessor unknown, nobody to ask");
        CHECK(same(left_alone.now, neighbours{4, 4, std::nullopt, std::nullopt}));
        CHECK_FALSE(left_alone.ask.has_value());
    }
    // A ring of three, 4, 7 and 9: to 4, peer 9 is both second and predecessor.
    const neighbours three{4, 7, 9, 9};
    const repair both = on_silent(three, 9);
    {
        INFO("on_silent(" << show(three) << ", 9) gave " << show(both)
                          << "; expected second and predecessor unknown, ask 7");
        CHECK(same(both.now, neighbours{4, 7, std::nullopt, std::nullopt}));
        CHECK(both.ask == std::optional<id>(7));
    }
    // The second goes silent when the successor is this peer itself, or unknown.
    for (const neighbours& n : {neighbours{5, 5, 9, std::nullopt}, neighbours{5, std::nullopt, 9, std::nullopt}}) {
        const repair r = on_silent(n, 9);
        INFO("on_silent(" << show(n) << ", 9) gave " << show(r) << "; expected second unknown, nobody to ask");
        CHECK(same(r.now, neighbours{5, n.successor, std::nullopt, std::nullopt}));
        CHECK_FALSE(r.ask.has_value());
    }
    const neighbours eight{8, 10, 12, 5};
    for (id from : {8u, 10u, 12u}) {
        INFO("on_notify(" << show(eight) << ", " << from << ") gave " << show(on_notify(eight, from))
                          << "; expected no change (" << from << " is not between the predecessor 5 and 8)");
        CHECK(same(on_notify(eight, from), eight));
    }
    const neighbours five{5, 8, 10, 4};
    for (id outside : {12u, 3u, 8u}) {
        const repair r = on_successor_reply(five, 8, 10, outside);
        INFO("on_successor_reply(" << show(five) << ", from 8, its successor 10, its predecessor " << outside
                                   << ") gave " << show(r) << "; expected no change (" << outside
                                   << " is not strictly between 5 and 8), nobody to ask");
        CHECK(same(r.now, five));
        CHECK_FALSE(r.ask.has_value());
    }
}
