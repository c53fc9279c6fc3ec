// test_have.cpp - whom a downloader tells of a piece it completed: every
// neighbour that lacks it, and a seed all the same (a seed that leaves
// after one copy counts the copies by these HAVEs).
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "neighbours.hpp"

using namespace peer_test;

TEST_CASE("peer: a seed it downloads from hears a HAVE for every piece it completes") {
    workspace w;  // five pieces
    proc::server downloader = start_peer(w, "down.bin", {"--peers", ""});
    raw_neighbour seed(downloader.port);
    seed.handshake(w.torrent.info_hash);
    seed.read_handshake();
    seed.send(bt::wire::bitfield(bt::bitfield(w.torrent.piece_count(), true)));
    seed.send(bt::wire::simple(bt::wire::message_id::unchoke));
    std::set<std::uint32_t> told;
    for (int messages = 0; messages < 1000 && told.size() < w.torrent.piece_count(); ++messages) {
        const std::optional<std::string> body = seed.next_message();
        REQUIRE(body);
        const net::result<bt::wire::message> m = bt::wire::parse(*body);
        REQUIRE(m.ok());
        if (m->id == bt::wire::message_id::request) {
            const bt::wire::block& b = m->part;
            seed.send(bt::wire::piece(b.piece, b.begin,
                                      w.data.substr(static_cast<std::size_t>(b.piece * w.torrent.piece_length + b.begin),
                                                    b.length)));
        } else if (m->id == bt::wire::message_id::have) {
            told.insert(m->index);
        }
    }
    CHECK(told.size() == w.torrent.piece_count());
    downloader.process.read_until("complete t=");
    CHECK(w.read("down.bin") == w.data);
}
