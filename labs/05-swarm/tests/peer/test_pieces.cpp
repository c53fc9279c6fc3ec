// test_pieces.cpp - the piece table (blocks asked of whom), the token
// bucket and the rate meter, with no sockets.
#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "peer/baseline.hpp"
#include "peer/pieces.hpp"
#include "peer/rate_meter.hpp"
#include "peer/token_bucket.hpp"
#include "peer/tracker_client.hpp"

namespace {
// A torrent of `size` bytes in pieces of 32 KiB (two blocks each), made from
// bytes that differ from piece to piece.
bt::metainfo torrent_of(std::size_t size) {
    std::string content(size, '\0');
    for (std::size_t i = 0; i < size; ++i) content[i] = static_cast<char>(i * 7 + i / 32768);
    std::istringstream in(content);
    return *bt::make_metainfo(in, "f", "http://127.0.0.1:1/announce", 32768);
}
}  // namespace

TEST_CASE("pieces: blocks of 16 KiB, the last one short, a piece at a time") {
    const bt::metainfo t = torrent_of(32768 * 2 + 20000);  // pieces of 32768, 32768, 20000 bytes
    bt::piece_table table(t, bt::bitfield(3, false), bt::pick_first_piece);
    std::mt19937 random(1);
    const bt::bitfield all(3, true);
    std::vector<bt::wire::block> asked = table.next_requests(1, all, {all}, {}, 10, random);
    REQUIRE(asked.size() == 6);
    CHECK(asked[0] == bt::wire::block{0, 0, 16384});
    CHECK(asked[1] == bt::wire::block{0, 16384, 16384});
    CHECK(asked[4] == bt::wire::block{2, 0, 16384});
    CHECK(asked[5] == bt::wire::block{2, 16384, 3616});
    CHECK(table.have_or_busy() == all);
}

TEST_CASE("pieces: a piece whose blocks all came is handed out whole, then is ours once checked") {
    const bt::metainfo t = torrent_of(65536);
    bt::piece_table table(t, bt::bitfield(2, false), bt::pick_first_piece);
    std::mt19937 random(1);
    const bt::bitfield all(2, true);
    std::vector<bt::wire::block> asked = table.next_requests(1, all, {all}, {}, 1, random);
    REQUIRE(asked.size() == 1);
    const std::vector<bt::wire::block> of_two = table.next_requests(2, all, {all}, {}, 1, random);
    REQUIRE(of_two.size() == 1);
    asked.push_back(of_two[0]);
    CHECK(asked[1] == bt::wire::block{0, 16384, 16384});  // the rest of the piece started
    CHECK_FALSE(table.received(1, asked[0], std::string(16384, 'a')));
    CHECK_FALSE(table.received(2, asked[0], std::string(16384, 'b')));  // the same block again: ignored
    std::optional<bt::piece_table::whole_piece> whole = table.received(2, asked[1], std::string(16384, 'c'));
    REQUIRE(whole);
    CHECK(whole->index == 0);
    CHECK(whole->data == std::string(16384, 'a') + std::string(16384, 'c'));
    CHECK(whole->senders == std::set<int>{1, 2});
    CHECK(table.verified(*whole).empty());
    CHECK(table.have_count() == 1);
    CHECK(table.have()[0]);
}

TEST_CASE("pieces: a failed piece and a neighbour that leaves give their blocks back") {
    const bt::metainfo t = torrent_of(65536);
    bt::piece_table table(t, bt::bitfield(2, false), bt::pick_first_piece);
    std::mt19937 random(1);
    const bt::bitfield all(2, true);
    std::vector<bt::wire::block> first = table.next_requests(1, all, {all}, {}, 2, random);
    table.release(1);  // it choked us: nothing came, piece 0 is free again
    std::vector<bt::wire::block> again = table.next_requests(2, all, {all}, {}, 2, random);
    CHECK(again == first);
    table.received(2, again[0], std::string(16384, 'x'));
    std::optional<bt::piece_table::whole_piece> whole = table.received(2, again[1], std::string(16384, 'x'));
    REQUIRE(whole);
    table.failed(*whole);  // wrong SHA-1: asked again from the start
    CHECK(table.next_requests(3, all, {all}, {}, 2, random) == first);
}

TEST_CASE("pieces: a block is taken only from the neighbour it was asked of") {
    const bt::metainfo t = torrent_of(32768);  // one piece, two blocks
    bt::piece_table table(t, bt::bitfield(1, false), bt::pick_first_piece);
    std::mt19937 random(1);
    const bt::bitfield all(1, true);
    const std::vector<bt::wire::block> of_one = table.next_requests(1, all, {all}, {}, 1, random);
    REQUIRE(of_one.size() == 1);
    const bt::wire::block second{0, 16384, 16384};
    // A stranger's blocks, asked of someone else or of nobody, change nothing...
    CHECK_FALSE(table.received(2, of_one[0], std::string(16384, '\0')));
    CHECK_FALSE(table.received(2, second, std::string(16384, '\0')));
    CHECK_FALSE(table.received(1, second, std::string(16384, '\0')));
    // ... so the blocks asked for still come, and make the piece.
    CHECK_FALSE(table.received(1, of_one[0], std::string(16384, 'a')));
    const std::vector<bt::wire::block> of_three = table.next_requests(3, all, {all}, {}, 2, random);
    REQUIRE(of_three == std::vector<bt::wire::block>{second});
    std::optional<bt::piece_table::whole_piece> whole = table.received(3, second, std::string(16384, 'b'));
    REQUIRE(whole);
    CHECK(whole->data == std::string(16384, 'a') + std::string(16384, 'b'));
    CHECK(whole->sent_by == std::vector<int>{1, 3});
}

TEST_CASE("pieces: a piece that failed with two senders comes from one neighbour next, which names the liar") {
    const bt::metainfo t = torrent_of(32768);  // one piece, two blocks
    bt::piece_table table(t, bt::bitfield(1, false), bt::pick_first_piece);
    std::mt19937 random(1);
    const bt::bitfield all(1, true);
    const bt::wire::block first{0, 0, 16384}, second{0, 16384, 16384};
    REQUIRE(table.next_requests(1, all, {all}, {}, 1, random) == std::vector<bt::wire::block>{first});
    REQUIRE(table.next_requests(2, all, {all}, {}, 1, random) == std::vector<bt::wire::block>{second});
    table.received(1, first, std::string(16384, 'a'));
    std::optional<bt::piece_table::whole_piece> spoiled = table.received(2, second, std::string(16384, 'x'));
    REQUIRE(spoiled);
    table.failed(*spoiled);  // 'x' was the lie, but the hash cannot say whose block it was

    // The next try is neighbour 3's alone: 2 gets nothing of it, even in the endgame.
    REQUIRE(table.next_requests(3, all, {all}, {}, 1, random) == std::vector<bt::wire::block>{first});
    CHECK(table.next_requests(2, all, {all}, {}, 2, random).empty());
    // If 3 leaves halfway, the piece starts over, again for one neighbour.
    table.received(3, first, std::string(16384, 'a'));
    table.release(3);
    REQUIRE(table.next_requests(4, all, {all}, {}, 2, random) == std::vector<bt::wire::block>{first, second});
    CHECK(table.next_requests(1, all, {all}, {}, 2, random).empty());
    table.received(4, first, std::string(16384, 'a'));
    std::optional<bt::piece_table::whole_piece> good = table.received(4, second, std::string(16384, 'b'));
    REQUIRE(good);
    // It passed: 1's block was the same as this one, 2's was not.
    CHECK(table.verified(*good) == std::set<int>{2});
    CHECK(table.complete());
}

TEST_CASE("pieces: the endgame asks for the last blocks a second time, elsewhere") {
    const bt::metainfo t = torrent_of(32768);  // one piece, two blocks
    bt::piece_table table(t, bt::bitfield(1, false), bt::pick_first_piece);
    std::mt19937 random(1);
    const bt::bitfield all(1, true);
    std::vector<bt::wire::block> slow = table.next_requests(1, all, {all}, {}, 2, random);
    REQUIRE(slow.size() == 2);
    // Every missing piece is in progress: another neighbour gets the same blocks...
    CHECK(table.next_requests(2, all, {all}, {}, 2, random) == slow);
    // ... but not twice the same.
    CHECK(table.next_requests(2, all, {all}, slow, 2, random).empty());
    // Either may send it; a third, asked nothing, may not.
    CHECK_FALSE(table.received(3, slow[0], std::string(16384, 'x')));
    CHECK_FALSE(table.received(2, slow[0], std::string(16384, 'a')));
    std::optional<bt::piece_table::whole_piece> whole = table.received(1, slow[1], std::string(16384, 'b'));
    REQUIRE(whole);
    CHECK(whole->sent_by == std::vector<int>{2, 1});
}

TEST_CASE("pieces: a picker that names a piece we cannot ask for is not obeyed") {
    const bt::metainfo t = torrent_of(65536);
    auto bad_picker = [](const bt::bitfield&, const bt::bitfield&, const std::vector<bt::bitfield>&, std::mt19937&) {
        return std::optional<std::size_t>(7);  // there is no piece 7
    };
    bt::piece_table table(t, bt::bitfield(2, false), bad_picker);
    std::mt19937 random(1);
    CHECK(table.next_requests(1, bt::bitfield(2, true), {}, {}, 4, random).empty());
}

TEST_CASE("token bucket: a block larger than the burst passes, at the rate") {
    bt::token_bucket unlimited(bt::unlimited);
    CHECK(unlimited.take(1 << 30));
    bt::token_bucket bucket(100 * 1024);  // 100 KiB/s, burst 16 KiB + 13
    const auto start = bt::token_bucket::clock::now();
    for (int i = 0; i < 4; ++i) CHECK(bucket.take(16384));  // 64 KiB at 100 KiB/s: a new bucket has saved nothing
    const double seconds = std::chrono::duration<double>(bt::token_bucket::clock::now() - start).count();
    CHECK(seconds >= 0.6);
    CHECK(seconds < 2.0);
    bt::token_bucket never(0);
    CHECK(never.reserve(1) == bt::token_bucket::clock::time_point::max());
    never.stop();
    CHECK_FALSE(never.take(1));  // stopped: returns at once
}

TEST_CASE("rate meter: bytes per second over the window, old slices forgotten") {
    using std::chrono::milliseconds;
    const auto t0 = bt::rate_meter::clock::now();
    bt::rate_meter meter(std::chrono::seconds(10), t0);
    meter.add(5000, t0 + milliseconds(500));
    CHECK(meter.rate(t0 + milliseconds(5000)) == doctest::Approx(1000));   // 5000 bytes in 5 s
    CHECK(meter.rate(t0 + milliseconds(9500)) == doctest::Approx(5000 / 9.5));  // still in the 10 s window
    CHECK(meter.rate(t0 + milliseconds(20000)) == doctest::Approx(0));     // long gone
    CHECK(meter.total() == 5000);
}

TEST_CASE("tracker URL: host, port and path, IPv6 in brackets") {
    net::result<bt::tracker_url> url = bt::parse_tracker_url("http://127.0.0.1:6969/announce");
    REQUIRE(url.ok());
    CHECK(url->host == "127.0.0.1");
    CHECK(url->port == 6969);
    CHECK(url->path == "/announce");
    url = bt::parse_tracker_url("http://[::1]:7000/a?key=1");
    REQUIRE(url.ok());
    CHECK(url->host == "::1");
    CHECK(url->port == 7000);
    CHECK(url->path == "/a?key=1");
    url = bt::parse_tracker_url("http://tracker.example/announce");
    REQUIRE(url.ok());
    CHECK(url->port == 80);
    CHECK_FALSE(bt::parse_tracker_url("udp://tracker:1337/announce").ok());
    CHECK_FALSE(bt::parse_tracker_url("http://host:99999/").ok());
}
