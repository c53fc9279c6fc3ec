// test_bad_peers.cpp - the real peer ($BIN/peer) against neighbours that
// break the protocol: each costs its own connection, with one log line
// saying why, and the peer goes on serving the others. Also the command
// line's conventions.
#include <doctest/doctest.h>

#include <csignal>
#include <string>

#include "neighbours.hpp"

using namespace std::string_literals;
using namespace peer_test;

namespace {

// After a bad neighbour: a good one still gets the handshake and the bitfield.
void still_serves(std::uint16_t port, const bt::metainfo& torrent) {
    raw_neighbour good(port);
    good.handshake(torrent.info_hash);
    CHECK(bt::wire::parse_handshake(good.read_handshake()).ok());
    std::optional<std::string> first = good.next_message();
    REQUIRE(first);
    CHECK((*first)[0] == static_cast<char>(bt::wire::message_id::bitfield));
}

}  // namespace

TEST_CASE("peer: a neighbour with another info hash is dropped") {
    workspace w;
    proc::server seed = start_seed(w);
    raw_neighbour stranger(seed.port);
    stranger.handshake(bt::sha1::of("another torrent"));
    CHECK(stranger.dropped());
    CHECK(logged(seed.process, "it wants another torrent"));
    still_serves(seed.port, w.torrent);
}

TEST_CASE("peer: a length prefix over the limit, an unknown id, a bad request: each is dropped") {
    workspace w;
    proc::server seed = start_seed(w);
    struct bad_case {
        std::string bytes, log;
    };
    const std::vector<bad_case> cases{
        {"\x01\x00\x00\x00"s, "over the limit"},                                   // 16 MiB
        {"\0\0\0\x03\x09\x1a\xe1"s, "unknown message id 9"},                         // PORT (DHT)
        {bt::wire::request({0, 16384, 32768}), "past its end, or over 16 KiB"},      // over 16 KiB
        {bt::wire::request({4, 0, 16384}), "past its end, or over 16 KiB"},          // the last piece is 1000 bytes
        {bt::wire::request({9, 0, 16384}), "request for piece 9, which we do not have"},
        {bt::wire::have(77), "have for piece 77"},
        {"\0\0\0\x02\x05\xff"s, "a spare bit set"},                                  // bitfield
    };
    for (const bad_case& c : cases) {
        INFO("sent " << proc::printable(c.bytes) << ", expected a log line with '" << c.log << "'");
        raw_neighbour bad(seed.port);
        bad.handshake(w.torrent.info_hash);
        bad.read_handshake();
        bad.send(c.bytes);
        CHECK(bad.dropped());
        CHECK(logged(seed.process, c.log));
    }
    still_serves(seed.port, w.torrent);
}

TEST_CASE("peer: a piece with a wrong SHA-1 and a sender that vanishes mid-block cost only that sender") {
    workspace w;
    // The downloader dials a fake seed first: it sends piece 0 filled with
    // zeros (its hash fails), and then the test plays a second neighbour
    // that vanishes halfway through a block. Then a real seed dials the
    // downloader, which completes with the right file.
    net::socket fake_listener = net::server_socket(net::tcp, "127.0.0.1", 0).value();
    REQUIRE(fake_listener.listen(4).ok());
    const std::uint16_t fake_port = fake_listener.local_address().value().port();
    proc::server downloader =
        start_peer(w, "down.bin", {"--peers", "127.0.0.1:" + std::to_string(fake_port), "--leave-when-done"});

    auto serve_lies = [&](raw_neighbour& fake, bool vanish) {
        fake.send(bt::wire::bitfield(bt::bitfield(w.torrent.piece_count(), true)));
        fake.send(bt::wire::simple(bt::wire::message_id::unchoke));
        while (true) {
            const std::optional<std::string> body = fake.next_message();
            if (!body) return;  // the whole piece went, its hash failed: dropped
            if ((*body)[0] != static_cast<char>(bt::wire::message_id::request)) continue;
            bt::wire::message request = bt::wire::parse(*body).value();
            const std::string zeros(request.part.length, '\0');
            if (vanish) {  // the prefix and half the block, then gone
                const std::string message = bt::wire::piece(request.part.piece, request.part.begin, zeros);
                fake.send(message.substr(0, message.size() / 2));
                fake.connection.close();
                return;
            }
            static_cast<void>(fake.connection.send_all(bt::wire::piece(request.part.piece, request.part.begin, zeros)));
        }
    };
    {
        auto [accepted, from] = fake_listener.accept().value();
        raw_neighbour liar(std::move(accepted));
        liar.read_handshake();
        liar.handshake(w.torrent.info_hash);
        serve_lies(liar, false);
    }
    CHECK(logged(downloader.process, "with a wrong SHA-1"));
    std::string vanished;  // how the downloader names it: "127.0.0.1:PORT"
    {
        raw_neighbour vanishing(downloader.port);
        vanished = vanishing.where();
        vanishing.handshake(w.torrent.info_hash);
        vanishing.read_handshake();
        serve_lies(vanishing, true);
    }
    // "it closed the connection in the middle of a message", or a reset when
    // our close found requests unread: either way, dropped.
    CHECK(logged(downloader.process, vanished + ": dropped: "));

    std::error_code ignored;
    std::filesystem::copy_file(w.path("file.bin"), w.path("seed.bin"), ignored);
    proc::server seed = start_peer(w, "seed.bin", {"--seed", "--peers", "127.0.0.1:" + std::to_string(downloader.port)});
    downloader.process.read_until("complete t=");
    CHECK(downloader.process.wait().code == 0);
    CHECK(w.read("down.bin") == w.data);
}

TEST_CASE("peer: Ctrl-C and SIGTERM end it with status 0; bad arguments exit 2, a bad file 1") {
    workspace w;
    for (int signal_number : {SIGINT, SIGTERM}) {
        proc::server seed = start_seed(w);
        seed.process.send_signal(signal_number);
        CHECK(seed.process.wait().code == 0);
    }
    const std::string torrent = w.path("file.torrent");
    struct bad_line {
        std::vector<std::string> args;
        int code;
        std::string says;
    };
    const std::vector<bad_line> lines{
        {{torrent}, 2, "missing --data FILE"},
        {{torrent, "--data", w.path("x"), "--upload-rate", "fast"}, 2, "invalid rate 'fast'"},
        {{torrent, "--data", w.path("x"), "--download-rate", "0"}, 2, "--download-rate must be more than 0"},
        {{torrent, "--data", w.path("x"), "--picker", "best"}, 2, "one of rarest|random|sequential"},
        {{torrent, "--data", w.path("x"), "--time-scale", "-1"}, 2, "--time-scale"},
        {{w.path("nothing.torrent"), "--data", w.path("x")}, 1, "cannot read"},
        {{w.path("file.bin"), "--data", w.path("x")}, 1, "file.bin"},
        {{torrent, "--data", w.path("file.torrent"), "--seed"}, 1, "bytes, the torrent's file"},
    };
    for (const bad_line& line : lines) {
        std::vector<std::string> argv{proc::program("peer")};
        argv.insert(argv.end(), line.args.begin(), line.args.end());
        proc::outcome run = proc::run(argv);
        INFO(run.describe());
        CHECK(run.end.code == line.code);
        CHECK(run.err.find(line.says) != std::string::npos);
        CHECK(proc::split_lines(run.err).size() <= 2);
    }
    CHECK(proc::run({proc::program("peer"), "--help"}).end.code == 0);
}
