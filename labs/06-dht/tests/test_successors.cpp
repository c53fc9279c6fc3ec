// test_successors.cpp - lab 06: Chord's successor list (settings::successors,
// dht --successors R): the peers after the second, learned from the
// successor's SUCCESSOR, and what a peer does when its two successors are gone.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "../peer/host.hpp"

using namespace dht;

namespace {

settings with_successors(int r) {
    settings s;
    s.m = 8;
    s.period = ms(50);
    s.timeout = ms(50);
    s.lookup_wait = ms(300);
    s.rescue = false;  // the lecture's rules, and the list: no stand-in
    s.successors = r;
    return s;
}

struct quiet_ring {
    host peers;
    quiet_ring(const settings& s, const std::vector<id>& ids) : peers(s, [](const std::string&) {}) {
        for (id i : ids) REQUIRE(peers.start(i).ok());
        peers.settle_ring();
    }
};

const std::vector<id> ring_of_ten{10, 30, 50, 70, 90, 110, 130, 150, 170, 190};

}  // namespace

TEST_CASE("a settled ring: each peer knows the R - 2 successors after its second; none with the lecture's two") {
    quiet_ring four(with_successors(4), ring_of_ten);
    CHECK(four.peers.find(70)->later_successors() == std::vector<id>{130, 150});
    CHECK(four.peers.find(170)->later_successors() == std::vector<id>{30, 50});  // round the circle
    quiet_ring two(with_successors(2), ring_of_ten);
    CHECK(two.peers.find(70)->later_successors().empty());
    quiet_ring small(with_successors(8), {10, 30, 50});  // fewer peers than successors: the list stops short of itself
    CHECK(small.peers.find(10)->later_successors().empty());
}

TEST_CASE("the list is learned from the successor: after a departure, the peer before it knows the new list") {
    quiet_ring ring(with_successors(5), ring_of_ten);
    ring.peers.kill(130);
    const peer* ninety = ring.peers.find(90);
    const bool learned = ring.peers.run_until(
        [ninety] {
            return ninety->links().successor == std::optional<id>(110) &&
                   ninety->links().second == std::optional<id>(150) &&
                   ninety->later_successors() == std::vector<id>{170, 190, 10};
        },
        ms(5000));
    INFO("peer 90: successor " << ninety->links().successor.value_or(0) << ", second "
                               << ninety->links().second.value_or(0) << ", then "
                               << ninety->later_successors().size() << " more");
    CHECK(learned);
}

TEST_CASE("three adjacent peers leave together: with 5 successors the ring mends itself, with the lecture's 2 not") {
    for (int r : {5, 2}) {
        quiet_ring ring(with_successors(r), ring_of_ten);
        for (id gone : {90u, 110u, 130u}) ring.peers.kill(gone);
        const peer* seventy = ring.peers.find(70);
        const bool mended =
            ring.peers.run_until([seventy] { return seventy->links().successor == std::optional<id>(150); }, ms(2000));
        INFO(r << " successors: peer 70's successor is " << seventy->links().successor.value_or(0));
        CHECK(mended == (r == 5));
        if (r == 5) {
            // ... and every key of the departed peers is answered by 150.
            for (id key : {80u, 100u, 120u, 140u}) {
                const lookup_result found = ring.peers.lookup(10, key, ms(5000));
                CHECK(found.ok);
                CHECK(found.holder.ident == 150);
            }
        }
    }
}

TEST_CASE("before any repair, a query passes a silent successor and its silent second by the list") {
    settings s = with_successors(5);
    s.upkeep = false;  // nobody pings: nobody knows who left
    s.shortcuts = false;
    s.lookup_wait = ms(2000);  // two silent hops take 2 x 3 tries of 50 ms: no second try of the lookup meanwhile
    quiet_ring ring(s, ring_of_ten);
    for (id gone : {90u, 110u}) ring.peers.kill(gone);
    // Key 140 from 70: the query walks to 90 (no ACK), 110 (no ACK), then 130,
    // the first of 70's list, which finds 150 after it.
    const lookup_result found = ring.peers.lookup(70, 140, ms(5000));
    REQUIRE(found.ok);
    CHECK(found.holder.ident == 150);
    CHECK(found.path == std::vector<id>{70, 130});
}

TEST_CASE("a stand-in is never a peer found silent before, however long ago: the nearest failed ones are not tried in turn for ever") {
    // 64 peers, 4 apart, 8 successors each. Peer 100 knows 104 to 132 (its
    // successors), and through its shortcuts 164 and 228. The fifteen peers
    // from 104 to 160 fail at once: of what 100 knows, 164 is the nearest
    // alive.
    settings s = with_successors(8);
    s.rescue = true;
    // Each failed stand-in costs a reply timeout (100 ms) and the wait for
    // the next period; a suspicion lasts 2 x (tries + 1) periods (200 ms):
    // it runs out long before the eight failed peers 100 knows have all been tried.
    s.tries = 1;
    s.timeout = ms(100);
    std::vector<id> ids;
    for (id i = 0; i < 256; i += 4) ids.push_back(i);
    quiet_ring ring(s, ids);
    for (id gone = 104; gone <= 160; gone += 4) ring.peers.kill(gone);
    const peer* hundred = ring.peers.find(100);
    const bool mended =
        ring.peers.run_until([hundred] { return hundred->links().successor == std::optional<id>(164); }, ms(5000));
    INFO("peer 100's successor is " << hundred->links().successor.value_or(0));
    CHECK(mended);
}
