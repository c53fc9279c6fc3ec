// test_policy.cpp - lab 05's scenario tests: the student's pick_piece and
// choose_unchoked, called directly with neighbours made up for each case.
// Each TEST_CASE is one requirement of the handout, its hint names the task.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "policy.hpp"

namespace {

// "0110" -> {false, true, true, false}: piece i is character i.
bt::bitfield bits(const std::string& text) {
    bt::bitfield b;
    for (char c : text) b.push_back(c == '1');
    return b;
}

std::string text_of(const bt::bitfield& b) {
    std::string t;
    for (bool has : b) t += has ? '1' : '0';
    return t;
}

std::string describe(const bt::bitfield& ours, const bt::bitfield& theirs, const std::vector<bt::bitfield>& all) {
    std::ostringstream out;
    out << "ours " << text_of(ours) << ", theirs " << text_of(theirs) << ", neighbours";
    for (const bt::bitfield& n : all) out << " " << text_of(n);
    return out.str();
}

std::string text_of(const std::optional<std::size_t>& piece) {
    return piece ? "piece " + std::to_string(*piece) : "nothing";
}

// The piece picked for this swarm, with the seed the grader chooses.
std::optional<std::size_t> pick(const std::string& ours, const std::string& theirs,
                                const std::vector<std::string>& others, unsigned seed = 1) {
    std::vector<bt::bitfield> all{bits(theirs)};
    for (const std::string& o : others) all.push_back(bits(o));
    std::mt19937 random(seed);
    return bt::pick_piece(bits(ours), bits(theirs), all, random);
}

#define CHECK_PICK(ours, theirs, others, expected)                                                     \
    do {                                                                                               \
        const std::optional<std::size_t> got = pick(ours, theirs, others);                             \
        INFO("pick_piece(" << describe(bits(ours), bits(theirs), [&] {                                \
            std::vector<bt::bitfield> all{bits(theirs)};                                               \
            for (const std::string& o : others) all.push_back(bits(o));                                \
            return all;                                                                                \
        }()) << ") gave " << text_of(got) << ", expected " << text_of(expected));                     \
        CHECK(got == expected);                                                                        \
    } while (false)

const char* const task1 = "task 1 (rarest first): count, for each piece this neighbour has and we lack, how many "
                          "neighbours have it, and take the piece with the smallest count";

}  // namespace

// ------------------------------------------------------------------ task 1: the picker

TEST_CASE("picker: the rarest piece the neighbour has" * doctest::description(task1)) {
    using v = std::vector<std::string>;
    // piece 6 is held by one neighbour (this one), piece 2 by two, the rest by three or more
    CHECK_PICK("00000000", "11111111", (v{"11011101", "11011101", "11111101"}), std::optional<std::size_t>(6));
    CHECK_PICK("00000000", "00100011", (v{"11111101", "11111101", "11011100"}), std::optional<std::size_t>(6));
    CHECK_PICK("00000000", "10100000", (v{"10111111", "10011111", "10011111"}), std::optional<std::size_t>(2));
}

TEST_CASE("picker: never a piece we have or are downloading" *
          doctest::description("task 1: skip the pieces set in `ours`, even when they are the rarest, then take "
                               "the rarest of those left (a picker that is not rarest first fails here too)")) {
    using v = std::vector<std::string>;
    CHECK_PICK("00000010", "11111111", (v{"11011101", "11011101", "11111101"}), std::optional<std::size_t>(2));
    CHECK_PICK("11111101", "11111111", (v{"11111111"}), std::optional<std::size_t>(6));
}

TEST_CASE("picker: only a piece this neighbour has" *
          doctest::description("task 1: the piece must be one `theirs` has: the rarest piece of the swarm may "
                               "be one that this neighbour cannot send")) {
    using v = std::vector<std::string>;
    // piece 0 is the rarest of all, but this neighbour lacks it
    CHECK_PICK("00000000", "01110000", (v{"10000000", "01111111", "00110000"}), std::optional<std::size_t>(1));
    CHECK_PICK("0000", "0001", (v{"1000", "0100", "0010"}), std::optional<std::size_t>(3));
}

TEST_CASE("picker: nothing when the neighbour has nothing we want" *
          doctest::description("task 1: return std::nullopt when every piece `theirs` has is in `ours`")) {
    using v = std::vector<std::string>;
    CHECK_PICK("11110000", "11110000", (v{"11111111"}), std::optional<std::size_t>());
    CHECK_PICK("00000000", "00000000", (v{"11111111"}), std::optional<std::size_t>());
    CHECK_PICK("11111111", "11111111", (v{"11111111"}), std::optional<std::size_t>());
}

TEST_CASE("picker: ties between equally rare pieces are broken at random" *
          doctest::description("task 1: among the pieces with the smallest count, pick one with `random`, the "
                               "generator given (e.g. std::uniform_int_distribution over it), so that peers that "
                               "see the same swarm do not all fetch the same piece, and the same seed gives the "
                               "same piece")) {
    // pieces 1, 3 and 5 are each held by one neighbour (this one); the others by two or more
    const std::vector<std::string> others{"10101011", "10100001"};
    std::map<std::size_t, int> times;
    for (unsigned seed = 1; seed <= 300; ++seed) {
        std::optional<std::size_t> got = pick("00000000", "11111111", others, seed);
        times[got ? *got : 99] += 1;
    }
    std::ostringstream seen;
    for (auto [piece, count] : times) seen << " piece " << piece << ": " << count << " times";
    INFO("300 calls with seeds 1 to 300, theirs 11111111, neighbours 11111111 10101011 10100001, gave" << seen.str()
         << "; expected pieces 1, 3 and 5 (held by one neighbour each), each at least 50 times");
    CHECK(times.size() == 3);
    CHECK(times[1] >= 50);
    CHECK(times[3] >= 50);
    CHECK(times[5] >= 50);
    // The choice comes from `random`: a generator of your own (rand(), a
    // static std::mt19937) also spreads the choices, but then the same seed
    // does not give the same piece, and a swarm cannot be replayed.
    for (unsigned seed = 1; seed <= 50; ++seed) {
        const std::optional<std::size_t> first = pick("00000000", "11111111", others, seed);
        const std::optional<std::size_t> again = pick("00000000", "11111111", others, seed);
        INFO("two calls with generators made from the same seed (" << seed << ") gave " << text_of(first) << " and "
             << text_of(again) << ": the tie must be broken with `random`, the generator given, not one of your own");
        REQUIRE(first == again);
    }
}

// ------------------------------------------------------------------ task 2: the choker

namespace {

// A neighbour: id, interested, the rate it sends us, the rate we send it (KiB/s).
bt::neighbour n(int id, bool interested, double down_kib, double up_kib = 0) {
    return {id, interested, down_kib * 1024, up_kib * 1024};
}

std::string text_of(const std::vector<int>& ids) {
    std::vector<int> sorted = ids;
    std::sort(sorted.begin(), sorted.end());
    std::string t = "{";
    for (int id : sorted) t += (t.size() > 1 ? ", " : "") + std::to_string(id);
    return t + "}";
}

// The choker's input: seeding or not, the time (unless the caller tells a
// series of times itself: now < 0), and the neighbours.
std::string describe(const std::vector<bt::neighbour>& all, bool seeding, double now) {
    std::ostringstream out;
    out << (seeding ? "seeding" : "downloading");
    if (now >= 0) out << ", now " << now << " s";
    out << ", neighbours (id: interested, " << (seeding ? "upload_rate" : "download_rate") << "):";
    for (const bt::neighbour& x : all)
        out << " " << x.id << ": " << (x.interested ? "yes" : "no") << ", "
            << (seeding ? x.upload_rate : x.download_rate) / 1024 << " KiB/s;";
    return out.str();
}

std::set<int> as_set(const std::vector<int>& ids) { return {ids.begin(), ids.end()}; }

// Eight interested neighbours: 1-4 send to us fast, 5-8 slowly.
std::vector<bt::neighbour> eight() {
    return {n(1, true, 400, 10), n(2, true, 300, 20), n(3, true, 200, 30), n(4, true, 100, 40),
            n(5, true, 4, 400),  n(6, true, 3, 300),  n(7, true, 2, 200),  n(8, true, 1, 100)};
}

const char* const task2 = "task 2 (tit-for-tat): unchoke the 4 interested neighbours with the highest "
                          "download_rate, plus one optimistic unchoke among the other interested ones";

}  // namespace

TEST_CASE("choker: the 4 that send us the most, plus one optimistic unchoke" * doctest::description(task2)) {
    for (unsigned seed = 1; seed <= 20; ++seed) {
        std::vector<bt::neighbour> all = eight();
        std::shuffle(all.begin(), all.end(), std::mt19937(seed + 100));  // in no particular order
        bt::choker_memory memory;
        std::mt19937 random(seed);
        const std::vector<int> got = bt::choose_unchoked(all, false, 0, memory, random);
        INFO("choose_unchoked(" << describe(all, false, 0) << ") gave " << text_of(got)
             << "; expected 1, 2, 3, 4 and one of 5-8");
        const std::set<int> ids = as_set(got);
        REQUIRE(ids.size() == 5);
        CHECK(ids.size() == got.size());
        for (int top : {1, 2, 3, 4}) CHECK(ids.count(top) == 1);
    }
}

TEST_CASE("choker: only interested neighbours are unchoked" *
          doctest::description("task 2: a neighbour that is not interested gets nothing from an unchoke: "
                               "leave it out, whatever its rate")) {
    std::vector<bt::neighbour> all{n(1, false, 900), n(2, true, 300), n(3, false, 800), n(4, true, 100),
                                   n(5, true, 50),   n(6, false, 700), n(7, true, 20),  n(8, true, 10),
                                   n(9, true, 5)};
    for (unsigned seed = 1; seed <= 20; ++seed) {
        bt::choker_memory memory;
        std::mt19937 random(seed);
        const std::vector<int> got = bt::choose_unchoked(all, false, 0, memory, random);
        INFO("choose_unchoked(" << describe(all, false, 0) << ") gave " << text_of(got)
             << "; expected 2, 4, 5, 7 and one of 8, 9 (1, 3 and 6 are not interested)");
        const std::set<int> ids = as_set(got);
        CHECK(ids.count(1) + ids.count(3) + ids.count(6) == 0);
        CHECK(ids.size() == 5);
        for (int top : {2, 4, 5, 7}) CHECK(ids.count(top) == 1);
    }
    // Fewer than five interested: all of them.
    std::vector<bt::neighbour> few{n(1, true, 0), n(2, false, 500), n(3, true, 30)};
    bt::choker_memory memory;
    std::mt19937 random(1);
    const std::vector<int> got = bt::choose_unchoked(few, false, 0, memory, random);
    INFO("choose_unchoked(" << describe(few, false, 0) << ") gave " << text_of(got) << "; expected {1, 3}");
    CHECK(as_set(got) == std::set<int>{1, 3});
}

TEST_CASE("choker: the optimistic unchoke is chosen at random" *
          doctest::description("task 2: pick the optimistic unchoke with `random`, the generator given, among "
                               "the interested neighbours outside the top 4 (the same seed gives the same choice)")) {
    std::map<int, int> times;
    std::string not_one;  // a call that unchoked none, or several, of 5-8
    for (unsigned seed = 1; seed <= 200; ++seed) {
        bt::choker_memory memory;
        std::mt19937 random(seed);
        const std::vector<int> got = bt::choose_unchoked(eight(), false, 0, memory, random);
        int optimistic = 0;
        for (int id : got)
            if (id > 4) times[id] += 1, ++optimistic;
        if (optimistic != 1 && not_one.empty())
            not_one = "; with seed " + std::to_string(seed) + " it gave " + text_of(got) + ", not exactly one of 5-8";
    }
    std::ostringstream seen;
    for (auto [id, count] : times) seen << " " << id << ": " << count << " times;";
    INFO("200 first calls with seeds 1 to 200, " << describe(eight(), false, 0) << " unchoked, of 5-8:" << seen.str()
         << " expected exactly one of them each time, and each of 5, 6, 7 and 8 at least 20 times" << not_one);
    CHECK(not_one.empty());
    for (int id : {5, 6, 7, 8}) CHECK(times[id] >= 20);
    // Every random choice comes from `random`: the same seed gives the same
    // unchoked neighbours, also when all rates are equal (everyone at 0 at
    // the start, when the order among equals is a random choice too).
    std::vector<bt::neighbour> equal;
    for (int id = 1; id <= 9; ++id) equal.push_back(n(id, true, 0));
    for (unsigned seed = 1; seed <= 50; ++seed) {
        for (const std::vector<bt::neighbour>& all : {eight(), equal}) {
            bt::choker_memory first_memory, again_memory;
            std::mt19937 first_random(seed), again_random(seed);
            const std::vector<int> first = bt::choose_unchoked(all, false, 0, first_memory, first_random);
            const std::vector<int> again = bt::choose_unchoked(all, false, 0, again_memory, again_random);
            INFO("two first calls with generators made from the same seed (" << seed << "), "
                 << describe(all, false, 0) << " gave " << text_of(first) << " and " << text_of(again)
                 << ": every random choice must come from `random`, the generator given, not one of your own");
            REQUIRE(as_set(first) == as_set(again));
        }
    }
}

TEST_CASE("choker: the optimistic unchoke changes every 30 s, not sooner" *
          doctest::description("task 2: keep the optimistic unchoke in `memory` (which neighbour, since "
                               "when); choose another one when 30 s have passed since it was chosen (at t = 30 for one "
                               "chosen at t = 0), and not the same one again, unless there is no other: then the "
                               "same one stays for 30 s more, it is not choked")) {
    for (unsigned seed = 1; seed <= 20; ++seed) {
        bt::choker_memory memory;
        std::mt19937 random(seed);
        std::vector<int> optimistic;  // the one outside 1-4 at each call
        std::string story;
        for (int now = 0; now <= 90; now += 10) {
            const std::vector<int> got = bt::choose_unchoked(eight(), false, now, memory, random);
            int chosen = 0;
            for (int id : got)
                if (id > 4) chosen = id;
            optimistic.push_back(chosen);
            story += " t=" + std::to_string(now) + ": " + text_of(got);
        }
        INFO("every 10 s with " << describe(eight(), false, -1) << " gave" << story
             << "; expected the optimistic one (of 5-8) to stay for 30 s, then change to another one");
        for (std::size_t call = 0; call < optimistic.size(); ++call) {
            CHECK(optimistic[call] != 0);
            if (call % 3 != 0) CHECK(optimistic[call] == optimistic[call - 1]);  // t = 10, 20, 40, ...
            if (call % 3 == 0 && call > 0) CHECK(optimistic[call] != optimistic[call - 1]);  // t = 30, 60, 90
        }
    }
    // Only one interested neighbour outside the top 4 (6 is not interested):
    // after 30 s there is no other to turn to, and it stays unchoked. Called
    // every 10 s, as the peer calls it: it is not choked for a round either.
    const std::vector<bt::neighbour> five{n(1, true, 400), n(2, true, 300), n(3, true, 200), n(4, true, 100),
                                          n(5, true, 4),   n(6, false, 0)};
    for (unsigned seed = 1; seed <= 5; ++seed) {
        bt::choker_memory memory;
        std::mt19937 random(seed);
        std::string story;
        bool always_five = true;
        for (int now = 0; now <= 120; now += 10) {
            const std::vector<int> got = bt::choose_unchoked(five, false, now, memory, random);
            story += " t=" + std::to_string(now) + ": " + text_of(got);
            always_five = always_five && as_set(got) == std::set<int>{1, 2, 3, 4, 5};
        }
        INFO("every 10 s with " << describe(five, false, -1) << " gave" << story
             << "; expected {1, 2, 3, 4, 5} each time: 5 is the only interested neighbour outside the top 4, so when "
                "its 30 s are up there is no other to choose, and it stays the optimistic unchoke for 30 s more "
                "(choking it for a round leaves the slot unused)");
        REQUIRE(always_five);
    }
}

TEST_CASE("choker: a new optimistic unchoke when the last one leaves" *
          doctest::description("task 2: when the optimistic neighbour is gone or no longer interested, "
                               "choose another one at once, without waiting for the 30 s")) {
    for (unsigned seed = 1; seed <= 20; ++seed) {
        bt::choker_memory memory;
        std::mt19937 random(seed);
        std::vector<bt::neighbour> all = eight();
        int first = 0;
        for (int id : bt::choose_unchoked(all, false, 0, memory, random))
            if (id > 4) first = id;
        // Odd seeds: it leaves. Even seeds: it stays, no longer interested.
        const bool leaves = seed % 2 == 1;
        if (leaves)
            all.erase(std::remove_if(all.begin(), all.end(), [first](const bt::neighbour& x) { return x.id == first; }),
                      all.end());
        else
            for (bt::neighbour& x : all)
                if (x.id == first) x.interested = false;
        const std::vector<int> got = bt::choose_unchoked(all, false, 10, memory, random);
        INFO("at t=0 the optimistic unchoke was " << first << "; at t=10 it "
             << std::string(leaves ? "has left" : "is no longer interested") << ", and " << describe(all, false, 10) << " gave "
             << text_of(got) << "; expected 1-4 and another of 5-8, not " << first);
        const std::set<int> ids = as_set(got);
        CHECK(got.size() == 5);
        for (int top : {1, 2, 3, 4}) CHECK(ids.count(top) == 1);
        CHECK(ids.count(first) == 0);
        int others = 0;
        for (int id : ids) others += id > 4 && id != first;
        CHECK(others == 1);
    }
    // Nobody left to turn to: the one that left is not unchoked all the same.
    for (const bool leaves : {true, false}) {
        std::vector<bt::neighbour> five{n(1, true, 400), n(2, true, 300), n(3, true, 200), n(4, true, 100),
                                        n(5, true, 4)};
        bt::choker_memory memory;
        std::mt19937 random(1);
        const std::vector<int> before = bt::choose_unchoked(five, false, 0, memory, random);
        if (leaves)
            five.pop_back();
        else
            five.back().interested = false;
        const std::vector<int> got = bt::choose_unchoked(five, false, 10, memory, random);
        INFO("at t=0 " << text_of(before) << " were unchoked; at t=10 neighbour 5 "
             << std::string(leaves ? "has left" : "is no longer interested") << ", and " << describe(five, false, 10)
             << " gave " << text_of(got) << "; expected {1, 2, 3, 4}: there is no other to unchoke optimistically");
        CHECK(as_set(got) == std::set<int>{1, 2, 3, 4});
    }
}

TEST_CASE("choker: a seed ranks by how fast it uploads" *
          doctest::description("task 2: when seeding, nobody sends us anything: rank by upload_rate "
                               "(highest first) instead of download_rate")) {
    // Seeding: download rates are all 0; 5-8 take the most from us.
    std::vector<bt::neighbour> all{n(1, true, 0, 10),  n(2, true, 0, 20),  n(3, true, 0, 30),  n(4, true, 0, 40),
                                   n(5, true, 0, 400), n(6, true, 0, 300), n(7, true, 0, 200), n(8, true, 0, 100),
                                   n(9, false, 0, 900)};
    for (unsigned seed = 1; seed <= 20; ++seed) {
        bt::choker_memory memory;
        std::mt19937 random(seed);
        const std::vector<int> got = bt::choose_unchoked(all, true, 0, memory, random);
        INFO("choose_unchoked(" << describe(all, true, 0) << ") gave " << text_of(got)
             << "; expected 5, 6, 7, 8 and one of 1-4");
        const std::set<int> ids = as_set(got);
        CHECK(ids.size() == 5);
        CHECK(ids.count(9) == 0);
        for (int top : {5, 6, 7, 8}) CHECK(ids.count(top) == 1);
    }
}
