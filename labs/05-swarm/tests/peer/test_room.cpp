// test_room.cpp - a full peer makes room for a newcomer: it closes a
// neighbour that has had a choking round and traded nothing, never one it
// serves; with none idle, the newcomer is turned away.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "neighbours.hpp"

using namespace peer_test;

namespace {

constexpr std::size_t full = 55;  // the peer's limit (swarm.hpp: max_connections)

// The peer hung up on `n` already: a look, no wait.
bool gone(raw_neighbour& n) {
    char byte;
    net::result<std::size_t> got = n.connection.recv(&byte, 1, net::clock::now());
    return got ? got.value() == 0 : got.error().code != std::errc::timed_out;
}

// A neighbour that completes the handshake; true if the peer took it on
// (its bitfield comes), false if the peer closed the connection.
bool welcomed(raw_neighbour& n, const bt::metainfo& torrent) {
    n.handshake(torrent.info_hash);
    n.read_handshake();
    std::optional<std::string> first = n.next_message();
    return first && (*first)[0] == static_cast<char>(bt::wire::message_id::bitfield);
}

}  // namespace

TEST_CASE("peer: a full peer closes a neighbour that traded nothing for a newcomer, never one it serves") {
    workspace w;
    proc::server seed = start_seed(w);  // --time-scale 0.1: a choking round is 1 s
    std::vector<std::unique_ptr<raw_neighbour>> old;
    for (std::size_t i = 0; i < full; ++i) {
        old.push_back(std::make_unique<raw_neighbour>(seed.port));
        REQUIRE_MESSAGE(welcomed(*old.back(), w.torrent), "neighbour " << i + 1 << "\n" << seed.process.error_text());
    }
    // The first one is served: interested, the seed unchokes it.
    old[0]->send(bt::wire::simple(bt::wire::message_id::interested));
    std::optional<std::string> reply = old[0]->next_message();
    REQUIRE(reply);
    CHECK((*reply)[0] == static_cast<char>(bt::wire::message_id::unchoke));

    // Newcomers until one is taken on: none is while every neighbour is
    // younger than a choking round.
    bool taken = false;
    int turned_away = 0;
    const auto until = net::clock::now() + proc::patience;
    std::vector<std::unique_ptr<raw_neighbour>> newcomers;
    while (!taken && net::clock::now() < until) {
        newcomers.push_back(std::make_unique<raw_neighbour>(seed.port));
        taken = welcomed(*newcomers.back(), w.torrent);
        if (!taken) {
            ++turned_away;
            ::usleep(100000);
        }
    }
    INFO(seed.process.error_text());
    REQUIRE(taken);
    CHECK(logged(seed.process, "making room for a newcomer"));
    // The one closed is the oldest that was not served: the second.
    std::size_t closed = 0;
    for (std::size_t i = 0; i < old.size(); ++i) closed += gone(*old[i]) ? 1 : 0;
    CHECK(!gone(*old[0]));
    CHECK(old[1]->dropped());
    CHECK(closed == 1);
    CHECK(lines_with(seed.process, "too many connections") == static_cast<std::size_t>(turned_away));
}
