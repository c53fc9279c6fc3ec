// test_host.cpp - lab 06: rings of real UDP peers in one thread, with the
// reference rules: lookups, pairs, departures under loss, joins, pictures.
#include <doctest/doctest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "../peer/host.hpp"
#include "../tool/ring_svg.hpp"

using namespace dht;

namespace {

settings fast(int m) {
    settings s;
    s.m = m;
    s.period = ms(50);
    s.timeout = ms(50);
    s.lookup_wait = ms(300);
    return s;
}

struct quiet_ring {
    std::shared_ptr<std::vector<std::string>> log = std::make_shared<std::vector<std::string>>();
    host peers;
    quiet_ring(const settings& s, const std::vector<id>& ids)
        : peers(s, [box = log](const std::string& line) { box->push_back(line); }) {
        for (id i : ids) REQUIRE(peers.start(i).ok());
        peers.settle_ring();
    }
};

id truth(const std::vector<id>& sorted, id key) {
    auto at = std::lower_bound(sorted.begin(), sorted.end(), key);
    return at == sorted.end() ? sorted.front() : *at;
}

}  // namespace

TEST_CASE("a ring of 64 random peers answers every lookup, in O(log N) messages") {
    std::mt19937_64 random(1);
    std::vector<id> ids;
    while (ids.size() < 64) {
        const id i = static_cast<id>(random() % 65536);
        if (std::find(ids.begin(), ids.end(), i) == ids.end()) ids.push_back(i);
    }
    std::sort(ids.begin(), ids.end());
    settings s = fast(16);
    s.upkeep = false;
    quiet_ring ring(s, ids);
    int messages = 0;
    for (int i = 0; i < 200; ++i) {
        const id key = static_cast<id>(random() % 65536);
        const lookup_result r = ring.peers.lookup(ids[random() % ids.size()], key, ms(5000));
        REQUIRE(r.ok);
        CHECK(r.holder.ident == truth(ids, key));
        messages += r.messages();
    }
    CHECK(messages / 200.0 <= 0.5 * 6 + 1);
}

TEST_CASE("pairs survive a departure, with 10% of the datagrams lost") {
    settings s = fast(8);
    s.loss = 0.1;
    s.tries = 7;  // with 5, a live peer is now and then taken as gone, and its keys briefly answered by the next (RESULTS.md)
    quiet_ring ring(s, {10, 40, 70, 100, 130, 160, 190, 220});
    for (id key = 0; key < 256; key += 16)
        REQUIRE(ring.peers.put(10, "pair " + std::to_string(key), key, std::to_string(key), ms(10000)).ok);
    ring.peers.kill(100);
    const peer* seventy = ring.peers.find(70);
    REQUIRE(ring.peers.run_until([seventy] { return seventy->links().successor == std::optional<id>(130); }, ms(5000)));
    // ... and 130 knows 70 as its predecessor: the departed peer's keys are its own now.
    const peer* one_thirty = ring.peers.find(130);
    REQUIRE(ring.peers.run_until([one_thirty] { return one_thirty->links().predecessor == std::optional<id>(70); },
                                 ms(5000)));
    for (id key = 0; key < 256; key += 16) {
        const store_result got = ring.peers.get(220, "pair " + std::to_string(key), key, ms(10000));
        INFO("key " << key << ": holder " << got.lookup.holder.ident << ", path of " << got.lookup.path.size()
                    << " peers; log: " << (ring.log->empty() ? std::string("(empty)") : ring.log->back()));
        CHECK(got.found);
        CHECK(got.value == std::to_string(key));
    }
}

TEST_CASE("two adjacent peers leave together: the nearest shortcut stands in, or (lecture's rules alone) nothing") {
    for (bool rescue : {true, false}) {
        settings s = fast(8);
        s.rescue = rescue;
        quiet_ring ring(s, {10, 40, 70, 100, 130, 160, 190, 220});
        ring.peers.kill(100);
        ring.peers.kill(130);
        const peer* seventy = ring.peers.find(70);
        const bool mended =
            ring.peers.run_until([seventy] { return seventy->links().successor == std::optional<id>(160); }, ms(1500));
        CHECK(mended == rescue);
    }
}

TEST_CASE("a peer joins a ring of one, then a third joins") {
    quiet_ring ring(fast(6), {20});
    REQUIRE(ring.peers.start(50).ok());
    REQUIRE(ring.peers.join(50, 20, ms(5000)));
    REQUIRE(ring.peers.start(5).ok());
    REQUIRE(ring.peers.join(5, 50, ms(5000)));
    const bool settled = ring.peers.run_until(
        [&ring] {
            const peer *a = ring.peers.find(5), *b = ring.peers.find(20), *c = ring.peers.find(50);
            return a->links().successor == std::optional<id>(20) && b->links().successor == std::optional<id>(50) &&
                   c->links().successor == std::optional<id>(5) && a->links().predecessor == std::optional<id>(50);
        },
        ms(5000));
    CHECK(settled);
    CHECK(ring.peers.lookup(20, 10, ms(5000)).holder.ident == 20);
    CHECK(ring.peers.lookup(5, 60, ms(5000)).holder.ident == 5);
}

TEST_CASE("the picture of the ring names the peers, the shortcuts and the path") {
    ring_picture p;
    p.m = 6;
    p.peers = {1, 12, 13, 25, 32, 40, 48, 60};
    p.owner = 1;
    p.shortcuts = {12, 25, 40};
    lookup_result r;
    r.ok = true;
    r.key = 53;
    r.path = {1, 40, 48};
    r.holder.ident = 60;
    p.lookup = r;
    const std::string svg = draw_ring(p);
    CHECK(svg.find("<svg") == 0);
    CHECK(svg.find(">48</text>") != std::string::npos);
    CHECK(svg.find("the shortcuts of peer 1 (3)") != std::string::npos);
    CHECK(svg.find("the query for key 53 from peer 1: 2 messages") != std::string::npos);
}
