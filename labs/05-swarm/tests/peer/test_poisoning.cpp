// test_poisoning.cpp - neighbours that spoil pieces: one that sends blocks
// nobody asked for, and one whose wrong blocks hide among a good
// neighbour's in the same piece, where the SHA-1 of the piece cannot say
// whose block was wrong. Each is found and dropped, and the download
// completes with the right file.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "neighbours.hpp"

using namespace peer_test;

namespace {

// Requests that come on `n` until there are `count` (other messages skipped).
std::vector<bt::wire::block> read_requests(raw_neighbour& n, std::size_t count) {
    std::vector<bt::wire::block> asked;
    while (asked.size() < count) {
        const std::optional<std::string> body = n.next_message();
        REQUIRE(body);
        const net::result<bt::wire::message> m = bt::wire::parse(*body);
        REQUIRE(m.ok());
        if (m->id == bt::wire::message_id::request) asked.push_back(m->part);
    }
    return asked;
}

std::string block_of(const workspace& w, const bt::wire::block& b) {
    return w.data.substr(static_cast<std::size_t>(b.piece * w.torrent.piece_length + b.begin), b.length);
}

// An honest neighbour: every request on `s` gets its block of the file,
// until the connection ends.
void answer_requests(net::socket& s, const workspace& w) {
    while (true) {
        net::result<std::string> prefix = s.recv_exactly(4, soon());
        if (!prefix) return;
        const std::uint32_t length = bt::wire::read_length(prefix.value());
        if (length == 0) continue;
        net::result<std::string> body = s.recv_exactly(length, soon());
        if (!body) return;
        const net::result<bt::wire::message> m = bt::wire::parse(body.value());
        if (!m || m->id != bt::wire::message_id::request) continue;
        if (!s.send_all(bt::wire::piece(m->part.piece, m->part.begin, block_of(w, m->part))).ok()) return;
    }
}

}  // namespace

TEST_CASE("peer: a neighbour that sends blocks nobody asked for is dropped, and spoils no piece") {
    workspace w;
    proc::server downloader = start_peer(w, "down.bin", {"--peers", "", "--leave-when-done"});
    raw_neighbour poisoner(downloader.port);
    const std::string poisoner_at = poisoner.where();
    poisoner.handshake(w.torrent.info_hash);
    poisoner.read_handshake();
    // It has nothing, so it is asked for nothing; it sends the first block of
    // every piece, all zeros, again and again, while a seed (slowed down, so
    // that pieces stay in progress for a while) sends the file.
    in_background poisoning(poisoner.connection, [&] {
        for (int round = 0; round < 1000; ++round)
            for (std::uint32_t i = 0; i < w.torrent.piece_count(); ++i) {
                const auto length = std::min<std::int64_t>(bt::wire::block_size, w.torrent.piece_size(i));
                const std::string zeros(static_cast<std::size_t>(length), '\0');
                if (!poisoner.connection.send_all(bt::wire::piece(i, 0, zeros)).ok()) return;
            }
    });
    std::error_code ignored;
    std::filesystem::copy_file(w.path("file.bin"), w.path("seed.bin"), ignored);
    proc::server seed =
        start_peer(w, "seed.bin",
                   {"--seed", "--upload-rate", "64KiB/s", "--peers", "127.0.0.1:" + std::to_string(downloader.port)});
    downloader.process.read_until("complete t=");
    CHECK(downloader.process.wait().code == 0);
    INFO(downloader.process.error_text());
    CHECK(w.read("down.bin") == w.data);
    CHECK(lines_with(downloader.process, poisoner_at + ": dropped: a block we did not ask for") == 1);
    CHECK(lines_with(downloader.process, "failed its SHA-1") == 0);
}

TEST_CASE("peer: of two neighbours whose blocks made a piece fail, the one whose block was wrong is dropped") {
    // One piece of eight blocks: the downloader asks four of each neighbour.
    workspace w(8 * bt::wire::block_size, 8 * bt::wire::block_size);
    proc::server downloader = start_peer(w, "down.bin", {"--peers", "", "--leave-when-done"});
    raw_neighbour liar(downloader.port), honest(downloader.port);
    const std::string liar_at = liar.where(), honest_at = honest.where();
    for (raw_neighbour* n : {&liar, &honest}) {
        n->handshake(w.torrent.info_hash);
        n->read_handshake();
    }
    for (raw_neighbour* n : {&liar, &honest}) {
        n->send(bt::wire::bitfield(bt::bitfield(1, true)));
        n->send(bt::wire::simple(bt::wire::message_id::unchoke));
    }
    // Half of the piece is asked of each; the liar's half comes back wrong.
    const std::vector<bt::wire::block> of_liar = read_requests(liar, 4), of_honest = read_requests(honest, 4);
    for (const bt::wire::block& b : of_liar)
        liar.send(bt::wire::piece(b.piece, b.begin, std::string(b.length, '\xff')));
    for (const bt::wire::block& b : of_honest) honest.send(bt::wire::piece(b.piece, b.begin, block_of(w, b)));
    REQUIRE(logged(downloader.process, "piece 0 failed its SHA-1 check (blocks from"));

    // From now on both tell the truth: the liar is found out all the same
    // once the piece passes, by its earlier blocks.
    in_background liar_serving(liar.connection, [&] { answer_requests(liar.connection, w); });
    in_background honest_serving(honest.connection, [&] { answer_requests(honest.connection, w); });
    downloader.process.read_until("complete t=");
    CHECK(downloader.process.wait().code == 0);
    INFO(downloader.process.error_text());
    CHECK(w.read("down.bin") == w.data);
    CHECK(lines_with(downloader.process, liar_at + ": dropped: its block of piece 0 was wrong") == 1);
    CHECK(lines_with(downloader.process, honest_at + ": dropped: we are leaving") == 1);
}
