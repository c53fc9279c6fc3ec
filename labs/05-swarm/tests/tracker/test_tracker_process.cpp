// test_tracker_process.cpp - bin/tracker as a process: started on port 0,
// asked over real TCP connections the way curl or a BitTorrent client asks,
// and pushed by clients that do not behave.
//
// Run from the repository root: BIN=bin build/labs/05/tracker_process_tests
#include <doctest/doctest.h>

#include <csignal>
#include <memory>
#include <string>
#include <vector>

#include "../../../../tests/process/child.hpp"
#include "../../../../tests/process/peer.hpp"
#include "bittorrent/tracker_protocol.hpp"

using namespace std::chrono_literals;
using namespace bt::tracker;  // which has a `peer` too: the test helpers' is ::peer

namespace {

struct http_reply {
    std::string status_line, head, body;
};

// What curl sends for `curl http://127.0.0.1:PORT/TARGET`, and all that comes back.
http_reply http_get(std::uint16_t port, const std::string& target, const std::string& host = "127.0.0.1") {
    ::peer::tcp client(port, host);
    client.send("GET " + target + " HTTP/1.1\r\nHost: " + host + ":" + std::to_string(port) +
                "\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n");
    const std::string response = client.read_to_end();
    const std::size_t blank = response.find("\r\n\r\n");
    REQUIRE_MESSAGE(blank != std::string::npos, "not an HTTP response: " << proc::printable(response));
    return {response.substr(0, response.find("\r\n")), response.substr(0, blank), response.substr(blank + 4)};
}

announce_request announce_of(const std::string& name, std::uint16_t port, std::int64_t left) {
    announce_request r;
    r.info_hash = bt::sha1::of("the file");
    r.peer_id = (name + std::string(20, '-')).substr(0, 20);
    r.port = port;
    r.left = left;
    r.event = announce_event::started;
    return r;
}

announce_reply announce(std::uint16_t tracker, const announce_request& r, const std::string& extra = "") {
    http_reply reply = http_get(tracker, "/announce?" + announce_query(r) + extra);
    REQUIRE(reply.status_line == "HTTP/1.1 200 OK");
    auto parsed = parse_reply(reply.body);
    REQUIRE_MESSAGE(parsed.ok(), (parsed ? "" : parsed.error().message()) << ": " << proc::printable(reply.body));
    return *parsed;
}

std::vector<std::uint16_t> ports_of(const announce_reply& reply) {
    std::vector<std::uint16_t> ports;
    for (const bt::tracker::peer& p : reply.peers) ports.push_back(p.port);
    return ports;
}

proc::ending stop(proc::server& s, int signal_number = SIGINT) {
    s.process.send_signal(signal_number);
    return s.process.wait();
}

}  // namespace

TEST_CASE("tracker process: an announce gets a bencoded list of the other peers, never the asker") {
    proc::server tracker = proc::start_server("tracker");
    CHECK(tracker.port != 0);

    announce_reply first = announce(tracker.port, announce_of("seed", 7001, 0), "&upload_rate=10485760&download_rate=0");
    CHECK(first.interval == 10);
    CHECK(first.peers.empty());
    announce_reply second = announce(tracker.port, announce_of("a", 7002, 1000));
    REQUIRE(second.peers.size() == 1);
    CHECK(second.peers[0].ip == "127.0.0.1");  // where the announce came from
    CHECK(second.peers[0].port == 7001);
    announce_request again = announce_of("seed", 7001, 0);
    again.event = announce_event::none;
    CHECK(ports_of(announce(tracker.port, again)) == std::vector<std::uint16_t>{7002});

    // Over IPv6 the peer is seen at ::1, and goes into peers6 (BEP 7).
    if (::peer::have_ipv6_loopback()) {
        announce_reply v6 = announce(tracker.port, announce_of("b", 7003, 1000));
        CHECK(v6.peers.size() == 2);
        http_reply raw = http_get(tracker.port, "/announce?" + announce_query(announce_of("c", 7004, 1000)), "::1");
        CHECK(raw.body.find("6:peers6") == std::string::npos);  // c itself is left out of every list it gets
        CHECK(announce(tracker.port, announce_of("d", 7005, 1000)).peers.size() == 4);
        http_reply seen = http_get(tracker.port, "/status.txt");
        CHECK(seen.body.find("address=[::1]:7004") != std::string::npos);
    }
    CHECK(stop(tracker).describe() == "exit status 0");
}

TEST_CASE("tracker process: compact replies (BEP 23) unless the peer asks for the dictionary form (BEP 3)") {
    proc::server tracker = proc::start_server("tracker", {"--interval", "30"});
    announce(tracker.port, announce_of("seed", 7001, 0));
    announce(tracker.port, announce_of("a", 7002, 1000));

    announce_request b = announce_of("b", 7003, 1000);
    http_reply compact = http_get(tracker.port, "/announce?" + announce_query(b));
    // Two peers, 6 bytes each: 127.0.0.1 and the port, in network byte order.
    CHECK(compact.body.rfind("d8:intervali30e5:peers12:", 0) == 0);
    CHECK(compact.body.find(std::string("\x7f\x00\x00\x01\x1b\x59", 6)) != std::string::npos);  // :7001
    CHECK(compact.body.find(std::string("\x7f\x00\x00\x01\x1b\x5a", 6)) != std::string::npos);  // :7002

    b.compact = false;
    http_reply dictionary = http_get(tracker.port, "/announce?" + announce_query(b));
    CHECK(dictionary.body.rfind("d8:intervali30e5:peersld", 0) == 0);
    CHECK(dictionary.body.find("2:ip9:127.0.0.17:peer id20:seed----------------4:porti7001e") != std::string::npos);
    CHECK(dictionary.body.find("7:peer id20:a-------------------4:porti7002e") != std::string::npos);
    CHECK(stop(tracker).describe() == "exit status 0");
}

TEST_CASE("tracker process: a bad announce gets a failure reason; other requests 404, 405 or 400") {
    proc::server tracker = proc::start_server("tracker");
    http_reply missing = http_get(tracker.port, "/announce?info_hash=%12%34&port=1");
    CHECK(missing.status_line == "HTTP/1.1 200 OK");  // BEP 3 clients read the reason from the body
    CHECK(missing.body == "d14:failure reason67:announce: info_hash must be 20 bytes, not 2 (each byte URL-encoded)e");
    http_reply bad_port =
        http_get(tracker.port, "/announce?" + announce_query(announce_of("a", 7001, 5)) + "&download_rate=lots");
    CHECK(bad_port.body.find("failure reason") != std::string::npos);

    CHECK(http_get(tracker.port, "/scrape").status_line == "HTTP/1.1 404 Not Found");
    CHECK(http_get(tracker.port, "/announce/../etc/passwd").status_line == "HTTP/1.1 404 Not Found");

    ::peer::tcp post(tracker.port);
    post.send("POST /announce HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
    CHECK(post.read_to_end().rfind("HTTP/1.1 405 Method Not Allowed\r\n", 0) == 0);
    ::peer::tcp garbage(tracker.port);
    garbage.send(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\n\n", 13));  // a TLS hello, say
    CHECK(garbage.read_to_end().rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);

    CHECK(stop(tracker).describe() == "exit status 0");
    CHECK(tracker.process.error_text().find("GET /announce 200 refused: announce: info_hash must be 20 bytes") !=
          std::string::npos);
}

TEST_CASE("tracker process: the status page lists every peer, in text and in HTML") {
    proc::server tracker = proc::start_server("tracker");
    announce(tracker.port, announce_of("seed", 7001, 0), "&upload_rate=10485760&download_rate=0");
    announce(tracker.port, announce_of("a", 7002, 8388608), "&upload_rate=1048576&download_rate=20971520");

    http_reply text = http_get(tracker.port, "/status.txt");
    CHECK(text.status_line == "HTTP/1.1 200 OK");
    CHECK(text.body.rfind("tracker interval=10 torrents=1 peers=2\n", 0) == 0);
    CHECK(text.body.find(" size=8388608 peers=2 live=2 seeds=1 downloaders=1 completed=0 elapsed=") !=
          std::string::npos);
    CHECK(text.body.find(" n=1 us=10485760 d_p2p=0.8 p2p_limit=server-upload d_cs=0.8 cs_limit=server-upload\n") !=
          std::string::npos);
    CHECK(text.body.find("address=127.0.0.1:7001 id=seed---------------- progress=100.0") != std::string::npos);
    CHECK(text.body.find("address=127.0.0.1:7002 id=a------------------- progress=0.0") != std::string::npos);

    http_reply page = http_get(tracker.port, "/");
    CHECK(page.head.find("Content-Type: text/html; charset=utf-8") != std::string::npos);
    CHECK(page.body.find("<meta http-equiv=\"refresh\" content=\"2\">") != std::string::npos);
    CHECK(page.body.find("Announce URL: <b>http://127.0.0.1:" + std::to_string(tracker.port) + "/announce</b>") !=
          std::string::npos);
    CHECK(page.body.find("seed----------------") != std::string::npos);
    CHECK(page.body.find("127.0.0.1:7002") != std::string::npos);
    CHECK(stop(tracker).describe() == "exit status 0");
}

TEST_CASE("tracker process: garbage, silent and huge clients cost the others nothing") {
    proc::server tracker = proc::start_server("tracker");

    // Fifty clients connect and say nothing: each holds a thread, none holds up the rest.
    std::vector<std::unique_ptr<::peer::tcp>> silent;
    for (int i = 0; i < 50; ++i) silent.push_back(std::make_unique<::peer::tcp>(tracker.port));
    const auto asked = proc::clock::now();
    announce(tracker.port, announce_of("a", 7001, 5));
    CHECK(proc::clock::now() - asked < 1s);

    {  // Random bytes, then gone.
        ::peer::tcp noise(tracker.port);
        std::string bytes;
        for (int i = 0; i < 3000; ++i) bytes += static_cast<char>((i * 7919) % 251);
        noise.send(bytes);
        noise.reset();
    }
    {  // A head that never ends: refused at 8 KiB, and the answer arrives whole.
        ::peer::tcp endless(tracker.port);
        endless.send("GET /announce?" + std::string(20000, 'a'));
        CHECK(endless.read_to_end().rfind("HTTP/1.1 431 Request Header Fields Too Large\r\n", 0) == 0);
    }
    {  // Megabytes of it: the tracker stops reading; the client may see a reset.
        auto flood = net::connect_to("127.0.0.1", tracker.port);
        REQUIRE(flood.ok());
        (void)flood.value().set_send_timeout(5s);
        (void)flood.value().send_all(std::string(8 << 20, 'x'));
    }
    {  // A client that sends half a request and then stops: the others go on.
        ::peer::tcp half(tracker.port);
        half.send("GET /announce?info_hash=");
        CHECK(announce(tracker.port, announce_of("b", 7002, 5)).peers.size() == 1);
    }

    // Every connection has a deadline: a silent client is closed after 5 s.
    const auto waiting = proc::clock::now();
    CHECK(silent.front()->read_to_end().empty());
    CHECK(proc::clock::now() - waiting < 6s);
    CHECK(announce(tracker.port, announce_of("c", 7003, 5)).peers.size() == 2);
    CHECK(stop(tracker).describe() == "exit status 0");
    CHECK(tracker.process.error_text().find(": no whole request within 5 s: closed") != std::string::npos);
    CHECK(tracker.process.error_text().find("(a head too long) 431") != std::string::npos);
}

TEST_CASE("tracker process: 300 idle connections keep no real client out") {
    proc::server tracker = proc::start_server("tracker", {"--interval", "30"});
    // More than the tracker keeps open: each newcomer takes the place of the one idle longest.
    std::vector<std::unique_ptr<::peer::tcp>> idle;
    for (int i = 0; i < 300; ++i) idle.push_back(std::make_unique<::peer::tcp>(tracker.port));
    const auto asked = proc::clock::now();
    CHECK(announce(tracker.port, announce_of("a", 7001, 5)).interval == 30);
    CHECK(proc::clock::now() - asked < 1s);
    // The first idle ones were closed to make room: at once, not after their 5 s.
    const auto waiting = proc::clock::now();
    CHECK(idle.front()->read_to_end().empty());
    CHECK(proc::clock::now() - waiting < 1s);
    CHECK(stop(tracker).describe() == "exit status 0");
    CHECK(tracker.process.error_text().find(" connections open: closed to make room") != std::string::npos);
}

TEST_CASE("tracker process: ip= is ignored: no host name, no long value, no line of its own in /status.txt") {
    proc::server tracker = proc::start_server("tracker");
    announce(tracker.port, announce_of("sly", 7001, 0),
             "&ip=1.2.3.4%0Apeer%20info_hash=00%20address=6.6.6.6:1%20id=EVIL");
    announce(tracker.port, announce_of("named", 7002, 0), "&ip=evil.example.org");
    announce(tracker.port, announce_of("long", 7003, 0), "&ip=" + std::string(7000, '1'));

    announce_request b = announce_of("b", 7004, 5);
    b.compact = false;
    const std::string dictionary = http_get(tracker.port, "/announce?" + announce_query(b)).body;
    for (const char* name : {"sly", "named", "long"})
        CHECK(dictionary.find(std::string("2:ip9:127.0.0.17:peer id20:") + name) != std::string::npos);
    CHECK(dictionary.size() < 300);  // three peers of about 60 bytes each

    const std::string text = http_get(tracker.port, "/status.txt").body;
    CHECK(text.find("6.6.6.6") == std::string::npos);
    const std::string hash = bt::to_hex(bt::sha1::of("the file"));
    for (std::size_t at = 0; at < text.size(); at = text.find('\n', at) + 1) {
        const std::string line = text.substr(at, text.find('\n', at) - at);
        const bool ours = line.rfind("tracker ", 0) == 0 || line.rfind("torrent info_hash=" + hash, 0) == 0 ||
                          line.rfind("peer info_hash=" + hash + " address=127.0.0.1:", 0) == 0 ||
                          line.rfind("# ", 0) == 0;
        CHECK_MESSAGE(ours, line);
    }
    CHECK(stop(tracker).describe() == "exit status 0");
}

TEST_CASE("tracker process: a key given twice counts with its last value, as libtorrent sends compact") {
    proc::server tracker = proc::start_server("tracker");
    announce(tracker.port, announce_of("seed", 7001, 0));
    // The .torrent's URL ends in ?compact=0, and libtorrent adds its own compact=1.
    const std::string reply =
        http_get(tracker.port, "/announce?compact=0&" + announce_query(announce_of("b", 7002, 5))).body;
    CHECK(reply == "d8:intervali10e5:peers6:" + std::string("\x7f\x00\x00\x01\x1b\x59", 6) + "e");
    CHECK(announce(tracker.port, announce_of("c", 7003, 5), "&numwant=1&port=7004&compact=1").peers.size() == 1);
    CHECK(stop(tracker).describe() == "exit status 0");
}

TEST_CASE("tracker process: a client's bytes reach the log escaped, not as terminal commands") {
    proc::server tracker = proc::start_server("tracker");
    // ESC ] 0 ; pwned BEL retitles the terminal's window, ESC [ 2 J clears its screen.
    announce_request regular = announce_of("a", 7001, 5);
    regular.event = announce_event::none;
    const std::string query = announce_query(regular) + "&event=%1B]0;pwned%07%1B[2J";
    const std::string refused = http_get(tracker.port, "/announce?" + query).body;
    CHECK(refused.find("failure reason") != std::string::npos);
    CHECK(stop(tracker).describe() == "exit status 0");
    const std::string log = tracker.process.error_text();
    CHECK(log.find("refused: announce: event '\\x1B]0;pwned\\x07\\x1B[2J' is not started") != std::string::npos);
    CHECK(log.find('\x1b') == std::string::npos);
    CHECK(log.find('\x07') == std::string::npos);
}

TEST_CASE("tracker process: Ctrl-C and SIGTERM end it at once with status 0, silent clients and all") {
    for (int sig : proc::stop_signals()) {
        CAPTURE(sig);
        proc::server tracker = proc::start_server("tracker", {"-q"});
        ::peer::tcp silent(tracker.port);
        announce(tracker.port, announce_of("a", 7001, 5));  // served: so the silent one was accepted before it
        const auto signalled = proc::clock::now();
        tracker.process.send_signal(sig);
        std::optional<proc::ending> end = tracker.process.wait_for(3s);
        REQUIRE_MESSAGE(end.has_value(), "tracker still running 3 s after the signal");
        CHECK(end->describe() == "exit status 0");
        CHECK(proc::clock::now() - signalled < 2s);  // not the silent client's 5 s
        CHECK(tracker.process.error_text() == "");   // -q: no log line
    }
}

TEST_CASE("tracker process: the command line") {
    proc::outcome help = proc::run({proc::program("tracker"), "--help"});
    CHECK(help.end.code == 0);
    CHECK(help.out.rfind("usage: tracker [--host HOST] [--port PORT] [--interval S] [-q] [--trace]\n", 0) == 0);
    for (std::vector<std::string> bad : {std::vector<std::string>{"--interval", "0"}, {"--port", "99999"}, {"extra"}}) {
        bad.insert(bad.begin(), proc::program("tracker"));
        proc::outcome refused = proc::run(bad);
        CHECK(refused.end.code == 2);
        CHECK(refused.out.empty());
        REQUIRE(refused.error_lines().size() == 2);
        CHECK(refused.error_lines()[1].rfind("usage: tracker ", 0) == 0);
    }
    // The port taken already: one line, exit status 1.
    proc::server first = proc::start_server("tracker");
    proc::outcome taken = proc::run({proc::program("tracker"), "--port", std::to_string(first.port)});
    CHECK(taken.end.code == 1);
    CHECK(taken.err.find("address already in use") != std::string::npos);
}
