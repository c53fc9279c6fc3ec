// test_tracker_peers.cpp - the tracker's list of peers: who is on it, who
// gets whom, when a peer leaves, the rates, and the lecture's bounds.
#include <doctest/doctest.h>

#include <map>
#include <random>
#include <set>
#include <string>

#include "tracker/tracker_peers.hpp"

using namespace bt::tracker;

namespace {

constexpr std::int64_t MiB = 1 << 20;

// An announce of peer `name` (its id is the name padded to 20 bytes) from 127.0.0.1.
arrival announce_of(const std::string& name, std::uint16_t port, std::int64_t left,
                    announce_event event = announce_event::none, std::string torrent = "abc") {
    arrival a;
    a.request.info_hash = bt::sha1::of(torrent);
    a.request.peer_id = (name + std::string(20, '-')).substr(0, 20);
    a.request.port = port;
    a.request.left = left;
    a.request.event = event;
    a.address = "127.0.0.1";
    return a;
}

arrival with_limits(arrival a, std::int64_t upload, std::int64_t download) {
    a.limits = {upload, download};
    return a;
}

std::set<std::uint16_t> ports_of(const announce_reply& reply) {
    std::set<std::uint16_t> ports;
    for (const peer& p : reply.peers) ports.insert(p.port);
    return ports;
}

const swarm& only_swarm(const registry& r) {
    REQUIRE(r.swarms().size() == 1);
    return r.swarms().begin()->second;
}

std::mt19937 random_numbers(7);

}  // namespace

TEST_CASE("tracker: our peers' rate limits come with the announce") {
    auto both = parse_rate_limits("info_hash=x&upload_rate=1048576&port=1&download_rate=%32%30");
    REQUIRE(both.ok());
    CHECK(both->upload == 1048576);
    CHECK(both->download == 20);
    auto none = parse_rate_limits("info_hash=x&port=6881&uploaded=0");  // aria2c sends neither
    REQUIRE(none.ok());
    CHECK_FALSE(none->upload.has_value());
    CHECK_FALSE(none->download.has_value());
    CHECK(parse_rate_limits("upload_rate=0")->upload == 0);  // a free rider
    for (const char* bad : {"upload_rate=1.5", "upload_rate=-1", "upload_rate=", "download_rate=12x",
                            "download_rate=99999999999999999999", "upload_rate"}) {
        auto refused = parse_rate_limits(bad);
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().message().find("is not a whole number of bytes per second") != std::string::npos);
    }
}

TEST_CASE("tracker: each peer gets the others, never itself") {
    registry r(10);
    auto first = r.announce(announce_of("a", 1001, 0, announce_event::started), 0, random_numbers);
    REQUIRE(first.ok());
    CHECK(first->interval == 10);
    CHECK(first->peers.empty());  // alone so far

    auto second = r.announce(announce_of("b", 1002, 5, announce_event::started), 1, random_numbers);
    REQUIRE(second.ok());
    REQUIRE(second->peers.size() == 1);
    CHECK(second->peers[0] == peer{"127.0.0.1", 1001, "a-------------------"});

    auto again = r.announce(announce_of("a", 1001, 0), 2, random_numbers);
    CHECK(ports_of(*again) == std::set<std::uint16_t>{1002});
    CHECK(only_swarm(r).live() == 2);

    // Another torrent is another swarm: its peers never meet these.
    auto elsewhere = r.announce(announce_of("c", 1003, 5, announce_event::started, "other"), 3, random_numbers);
    CHECK(elsewhere->peers.empty());
    CHECK(r.swarms().size() == 2);
}

TEST_CASE("tracker: the list of peers is a random subset of at most 50") {
    registry r(10);
    for (std::uint16_t i = 0; i < 120; ++i)
        REQUIRE(r.announce(announce_of("p" + std::to_string(i), 2000 + i, 7), 0, random_numbers).ok());
    std::map<std::uint16_t, int> times_named;
    for (int round = 0; round < 40; ++round) {
        auto reply = r.announce(announce_of("p0", 2000, 7), 1, random_numbers);
        REQUIRE(reply->peers.size() == list_size);
        auto ports = ports_of(*reply);
        CHECK(ports.size() == list_size);  // no peer twice
        CHECK(ports.count(2000) == 0);     // never the asker
        for (std::uint16_t port : ports) ++times_named[port];
    }
    // 40 draws of 50 out of 119: each peer is expected about 17 times; one
    // that never came up would mean the subset is not random.
    CHECK(times_named.size() == 119);

    arrival fewer = announce_of("p1", 2001, 7);
    fewer.request.numwant = 10;
    CHECK(r.announce(fewer, 2, random_numbers)->peers.size() == 10);
    fewer.request.numwant = 0;
    CHECK(r.announce(fewer, 2, random_numbers)->peers.empty());
    fewer.request.numwant = 500;  // asking for more does not get more than the lecture's 50
    CHECK(r.announce(fewer, 2, random_numbers)->peers.size() == list_size);
}

TEST_CASE("tracker: a peer's address is where its announce came from, whatever ip= it gives") {
    registry r(10);
    arrival from_afar = announce_of("a", 6881, 0);
    from_afar.address = "192.0.2.7";
    REQUIRE(r.announce(from_afar, 0, random_numbers).ok());
    // Another machine, a host name, a line for the status page, 7,000 bytes: none is stored, none handed on.
    const std::string claims[] = {"198.51.100.9", "evil.example.org", "1.2.3.4\npeer info_hash=00",
                                  std::string(7000, '1')};
    std::uint16_t port = 6882;
    for (const std::string& claim : claims) {
        arrival told = announce_of("b" + std::to_string(port), port, 5);
        told.request.ip = claim;
        auto reply = r.announce(told, 1, random_numbers);
        REQUIRE(reply.ok());
        for (const peer& p : reply->peers) CHECK((p.ip == "192.0.2.7" || p.ip == "127.0.0.1"));
        ++port;
    }
    auto reply = r.announce(announce_of("c", 7000, 5), 2, random_numbers);
    CHECK(reply->peers.size() == 5);
    for (const swarm_peer& p : only_swarm(r).peers) CHECK((p.ip == "192.0.2.7" || p.ip == "127.0.0.1"));
}

TEST_CASE("tracker: ip= cannot take another peer off the list") {
    registry r(10);
    arrival victim = announce_of("victim", 6881, 5);
    victim.address = "192.0.2.7";
    REQUIRE(r.announce(victim, 0, random_numbers).ok());
    // Its address and port under a new peer_id would mean that the victim restarted: its entry would go.
    arrival sly = announce_of("sly", 6881, 5);
    sly.address = "198.51.100.9";
    sly.request.ip = "192.0.2.7";
    auto reply = r.announce(sly, 1, random_numbers);
    REQUIRE(reply->peers.size() == 1);
    CHECK(reply->peers[0].ip == "192.0.2.7");
    CHECK(only_swarm(r).live() == 2);
}

TEST_CASE("tracker: event=stopped, or silence for two intervals, takes a peer off the list") {
    registry r(10);
    REQUIRE(r.announce(announce_of("seed", 1000, 0, announce_event::started), 0, random_numbers).ok());
    REQUIRE(r.announce(announce_of("quiet", 1001, 5, announce_event::started), 0, random_numbers).ok());
    REQUIRE(r.announce(announce_of("leaver", 1002, 5, announce_event::started), 0, random_numbers).ok());

    auto stopped = r.announce(announce_of("leaver", 1002, 5, announce_event::stopped), 5, random_numbers);
    REQUIRE(stopped.ok());
    CHECK(stopped->peers.empty());  // it is leaving: nobody to meet
    CHECK(ports_of(*r.announce(announce_of("seed", 1000, 0), 5, random_numbers)) == std::set<std::uint16_t>{1001});

    // "quiet" last announced at 0: still listed at 20 s (two intervals), gone after.
    CHECK(ports_of(*r.announce(announce_of("seed", 1000, 0), 20, random_numbers)) == std::set<std::uint16_t>{1001});
    CHECK(r.announce(announce_of("seed", 1000, 0), 20.5, random_numbers)->peers.empty());
    const swarm& s = only_swarm(r);
    CHECK(s.live() == 1);
    CHECK(s.peers.size() == 3);  // the status page still shows the two that left
    CHECK(s.peers[1].gone == 20.5);
    CHECK(s.peers[2].gone == 5);

    // A peer that comes back is on the list again.
    REQUIRE(r.announce(announce_of("quiet", 1001, 5), 21, random_numbers).ok());
    CHECK(ports_of(*r.announce(announce_of("seed", 1000, 0), 21, random_numbers)) == std::set<std::uint16_t>{1001});

    // registry::expire does the same for the status page, without an announce.
    r.expire(42);
    CHECK(only_swarm(r).live() == 0);
    // A stopped announce of a peer or torrent never seen is answered all the same.
    CHECK(r.announce(announce_of("x", 9, 5, announce_event::stopped, "unknown"), 43, random_numbers).ok());
    CHECK(r.swarms().size() == 1);
}

TEST_CASE("tracker: a new peer id on the address and port of a listed peer replaces it") {
    registry r(10);
    REQUIRE(r.announce(announce_of("seed", 1000, 0), 0, random_numbers).ok());
    REQUIRE(r.announce(announce_of("first-run", 1001, 5), 0, random_numbers).ok());
    REQUIRE(r.announce(announce_of("second-run", 1001, 5), 1, random_numbers).ok());  // restarted
    auto reply = r.announce(announce_of("seed", 1000, 0), 2, random_numbers);
    REQUIRE(reply->peers.size() == 1);
    CHECK(reply->peers[0].id == "second-run----------");
}

TEST_CASE("tracker: current rates come from two announces at least a second apart") {
    registry r(10);
    arrival a = announce_of("a", 1000, 8 * MiB, announce_event::started);
    REQUIRE(r.announce(a, 100, random_numbers).ok());
    CHECK_FALSE(only_swarm(r).peers[0].up_rate.has_value());  // one announce: no rate yet

    a.request.event = announce_event::none;
    a.request.uploaded = 1 * MiB;
    a.request.downloaded = 4 * MiB;
    a.request.left = 4 * MiB;
    REQUIRE(r.announce(a, 102, random_numbers).ok());
    CHECK(only_swarm(r).peers[0].up_rate == doctest::Approx(0.5 * MiB));
    CHECK(only_swarm(r).peers[0].down_rate == doctest::Approx(2.0 * MiB));

    a.request.downloaded = 5 * MiB;  // 0.2 s later: too short to say anything new
    REQUIRE(r.announce(a, 102.2, random_numbers).ok());
    CHECK(only_swarm(r).peers[0].down_rate == doctest::Approx(2.0 * MiB));
    a.request.downloaded = 6 * MiB;
    REQUIRE(r.announce(a, 103, random_numbers).ok());
    CHECK(only_swarm(r).peers[0].down_rate == doctest::Approx(2.0 * MiB));  // 2 MiB in 1 s since 102

    a.request.uploaded = a.request.downloaded = 0;  // the program restarted: its counts too
    REQUIRE(r.announce(a, 104, random_numbers).ok());
    CHECK_FALSE(only_swarm(r).peers[0].down_rate.has_value());
    CHECK(only_swarm(r).peers[0].downloaded == 0);
}

TEST_CASE("tracker: the swarm's clock starts with its first downloader and stops at its last completion") {
    registry r(10);
    REQUIRE(r.announce(announce_of("seed", 1000, 0, announce_event::started), 5, random_numbers).ok());
    CHECK_FALSE(only_swarm(r).elapsed(6).has_value());  // a seed waiting alone: nothing is distributed yet
    CHECK(only_swarm(r).size == 0);

    REQUIRE(r.announce(announce_of("a", 1001, 8 * MiB, announce_event::started), 10, random_numbers).ok());
    REQUIRE(r.announce(announce_of("b", 1002, 8 * MiB, announce_event::started), 10.5, random_numbers).ok());
    CHECK(only_swarm(r).size == 8 * MiB);
    CHECK(only_swarm(r).elapsed(12) == doctest::Approx(2));

    REQUIRE(r.announce(announce_of("a", 1001, 0, announce_event::completed), 13, random_numbers).ok());
    CHECK_FALSE(only_swarm(r).complete());
    CHECK(only_swarm(r).elapsed(14) == doctest::Approx(4));
    REQUIRE(r.announce(announce_of("b", 1002, 0), 14.25, random_numbers).ok());  // a regular announce says it too
    const swarm& s = only_swarm(r);
    CHECK(s.complete());
    CHECK(s.peers[1].completed == doctest::Approx(3));
    CHECK(s.peers[2].completed == doctest::Approx(4.25));
    CHECK(s.elapsed(100) == doctest::Approx(4.25));  // stopped at the last completion
    CHECK_FALSE(s.peers[0].completed.has_value());   // the seed never "completes"

    // A latecomer starts the clock again: the swarm is not complete any more.
    REQUIRE(r.announce(announce_of("late", 1003, 8 * MiB, announce_event::started), 20, random_numbers).ok());
    CHECK(only_swarm(r).elapsed(21) == doctest::Approx(11));
}

TEST_CASE("tracker: a peer that stops says its last figures: it may have completed") {
    // aria2c --seed-time=0 sends no event=completed: only event=stopped, with left=0.
    registry r(10);
    REQUIRE(r.announce(announce_of("seed", 1000, 0, announce_event::started), 0, random_numbers).ok());
    REQUIRE(r.announce(announce_of("a", 1001, MiB, announce_event::started), 1, random_numbers).ok());
    arrival done = announce_of("a", 1001, 0, announce_event::stopped);
    done.request.downloaded = MiB;
    REQUIRE(r.announce(done, 3, random_numbers).ok());
    const swarm& s = only_swarm(r);
    CHECK(s.peers[1].gone == 3);
    CHECK(s.peers[1].downloaded == MiB);
    CHECK(s.peers[1].completed == doctest::Approx(2));
    CHECK(s.complete());
}

TEST_CASE("tracker: once every peer has gone, the next one starts a new swarm") {
    registry r(10);
    REQUIRE(r.announce(announce_of("seed", 1000, 0, announce_event::started), 0, random_numbers).ok());
    REQUIRE(r.announce(announce_of("a", 1001, MiB, announce_event::started), 1, random_numbers).ok());
    REQUIRE(r.announce(announce_of("a", 1001, 0, announce_event::stopped), 2, random_numbers).ok());
    REQUIRE(r.announce(announce_of("seed", 1000, 0, announce_event::stopped), 3, random_numbers).ok());
    REQUIRE(r.announce(announce_of("seed", 1000, 0, announce_event::started), 50, random_numbers).ok());
    const swarm& s = only_swarm(r);
    CHECK(s.peers.size() == 1);
    CHECK_FALSE(s.started.has_value());
}

TEST_CASE("tracker: a client inventing torrents or peer ids cannot fill the memory") {
    registry r(10, 3, 4);
    for (int i = 0; i < 3; ++i)
        REQUIRE(r.announce(announce_of("a", 1000, 5, announce_event::started, "t" + std::to_string(i)), 0,
                           random_numbers).ok());
    auto refused = r.announce(announce_of("a", 1000, 5, announce_event::started, "t3"), 0, random_numbers);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message() == "this tracker follows 3 torrents already");
    // A torrent whose peers have all gone makes room.
    REQUIRE(r.announce(announce_of("a", 1000, 5, announce_event::stopped, "t0"), 1, random_numbers).ok());
    CHECK(r.announce(announce_of("a", 1000, 5, announce_event::started, "t3"), 1, random_numbers).ok());

    auto in_t3 = [](const std::string& name, int port, announce_event event = announce_event::none) {
        return announce_of(name, static_cast<std::uint16_t>(port), 5, event, "t3");
    };
    for (int i = 1; i < 4; ++i) REQUIRE(r.announce(in_t3("p" + std::to_string(i), 1000 + i), 2, random_numbers).ok());
    auto full = r.announce(in_t3("p9", 1009), 2, random_numbers);
    REQUIRE_FALSE(full.ok());
    CHECK(full.error().message() == "this torrent has 4 peers already");
    REQUIRE(r.announce(in_t3("p1", 1001, announce_event::stopped), 3, random_numbers).ok());
    CHECK(r.announce(in_t3("p9", 1009), 3, random_numbers).ok());  // in the place of the one gone
}

// ---------------------------------------------------------------- the lecture's bounds

namespace {

// The lecture's example, as lab 04 writes it: F/u = 1 hour, us = 10u, d = 2us.
constexpr std::int64_t F = 943718400, u = 262144, us = 10 * u, d = 2 * us;

registry lecture_swarm(int n, std::int64_t peer_upload = u) {
    registry r(10);
    REQUIRE(r.announce(with_limits(announce_of("seed", 1000, 0), us, 0), 0, random_numbers).ok());
    for (int i = 0; i < n; ++i) {
        auto peer = with_limits(announce_of("p" + std::to_string(i), static_cast<std::uint16_t>(1001 + i), F),
                                peer_upload, d);
        REQUIRE(r.announce(peer, 0, random_numbers).ok());
    }
    return r;
}

}  // namespace

TEST_CASE("tracker: D_cs and D_p2p from the announced rates, as lab 04 computes them") {
    // lab 04: distribution --bounds  ->  N=35 ... client_server=12600 ... p2p=2800 p2p_limit=total-upload
    bounds b = bounds_of(only_swarm(lecture_swarm(35)));
    REQUIRE(b.unknown == "");
    CHECK(b.n == 35);
    CHECK(b.server_upload == us);
    CHECK(b.file_size == F);
    CHECK(b.client_server == doctest::Approx(12600));
    CHECK(std::string(b.client_server_limit) == "server-upload");
    CHECK(b.p2p == doctest::Approx(2800));
    CHECK(std::string(b.p2p_limit) == "total-upload");

    b = bounds_of(only_swarm(lecture_swarm(1)));  // one peer: both are F/us, 0.1 hour
    CHECK(b.client_server == doctest::Approx(360));
    CHECK(b.p2p == doctest::Approx(360));
    CHECK(std::string(b.p2p_limit) == "server-upload");

    b = bounds_of(only_swarm(lecture_swarm(8, 0)));  // free riders only: P2P is client-server
    CHECK(b.p2p == doctest::Approx(b.client_server));
    CHECK(b.p2p == doctest::Approx(8.0 * F / us));
}

TEST_CASE("tracker: which peers the bounds count, and when they cannot be known") {
    registry r = lecture_swarm(2);
    // A slow downloader: F/dmin limits both.
    REQUIRE(r.announce(with_limits(announce_of("slow", 1100, F), u, u), 0, random_numbers).ok());
    bounds b = bounds_of(only_swarm(r));
    CHECK(b.n == 3);
    CHECK(b.p2p == doctest::Approx(3600));
    CHECK(std::string(b.p2p_limit) == "slowest-download");
    // One who has left still counts: it was part of the distribution.
    REQUIRE(r.announce(announce_of("slow", 1100, F, announce_event::stopped), 1, random_numbers).ok());
    CHECK(bounds_of(only_swarm(r)).n == 3);
    // A download rate of 0 means no limit.
    registry unlimited(10);
    REQUIRE(unlimited.announce(with_limits(announce_of("seed", 1000, 0), us, 0), 0, random_numbers).ok());
    REQUIRE(unlimited.announce(with_limits(announce_of("a", 1001, F), u, 0), 0, random_numbers).ok());
    CHECK(std::string(bounds_of(only_swarm(unlimited)).p2p_limit) == "server-upload");

    // A peer that announces one rate and not the other has no limit there.
    registry open_ended(10);
    REQUIRE(open_ended.announce(with_limits(announce_of("seed", 1000, 0), us, 0), 0, random_numbers).ok());
    arrival upload_only = announce_of("a", 1001, F);
    upload_only.limits.upload = u;
    REQUIRE(open_ended.announce(upload_only, 0, random_numbers).ok());
    b = bounds_of(only_swarm(open_ended));
    CHECK(b.unknown == "");
    CHECK(b.p2p == doctest::Approx(360));
    arrival unlimited_seed = announce_of("seed2", 1002, 0);
    unlimited_seed.limits.download = 0;  // no upload limit: us is infinite, F/us is 0
    REQUIRE(open_ended.announce(unlimited_seed, 0, random_numbers).ok());
    b = bounds_of(only_swarm(open_ended));
    CHECK(b.p2p == 0);
    CHECK(std::string(b.p2p_limit) == "server-upload");  // every term is 0: the first one is named

    registry quiet = lecture_swarm(2);  // aria2c joins: it announces no rates
    REQUIRE(quiet.announce(announce_of("aria2c", 1200, F), 0, random_numbers).ok());
    CHECK(bounds_of(only_swarm(quiet)).unknown == "1 peer(s) did not announce upload_rate or download_rate");

    registry no_seed(10);
    REQUIRE(no_seed.announce(with_limits(announce_of("a", 1001, F), u, d), 0, random_numbers).ok());
    CHECK(bounds_of(only_swarm(no_seed)).unknown == "no seed yet (a peer that starts with the whole file)");

    registry seed_alone(10);
    REQUIRE(seed_alone.announce(with_limits(announce_of("seed", 1000, 0), us, 0), 0, random_numbers).ok());
    CHECK(bounds_of(only_swarm(seed_alone)).unknown == "no peer has come to download yet");

    registry mute_seed(10);
    REQUIRE(mute_seed.announce(with_limits(announce_of("seed", 1000, 0), 0, 0), 0, random_numbers).ok());
    REQUIRE(mute_seed.announce(with_limits(announce_of("a", 1001, F), u, d), 0, random_numbers).ok());
    CHECK(bounds_of(only_swarm(mute_seed)).unknown == "the seed uploads nothing: the file can never be distributed");
}
