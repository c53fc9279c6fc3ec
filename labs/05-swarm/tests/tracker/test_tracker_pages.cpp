// test_tracker_pages.cpp - what the tracker answers: announces, the status
// page in text and HTML, and every request it refuses.
#include <doctest/doctest.h>

#include <random>
#include <string>

#include "tracker/tracker_http.hpp"
#include "tracker/tracker_status.hpp"

using namespace bt::tracker;

namespace {

constexpr std::int64_t MiB = 1 << 20;
std::mt19937 random_numbers(11);

announce_request request_of(const std::string& name, std::uint16_t port, std::int64_t left) {
    announce_request r;
    r.info_hash = bt::sha1::of("abc");
    r.peer_id = (name + std::string(20, '-')).substr(0, 20);
    r.port = port;
    r.left = left;
    return r;
}

// A seed (10 MiB/s up) since 0 s, and a peer (1 MiB/s up, 20 MiB/s down)
// since 1 s that has half of the 8 MiB file at 3 s.
registry small_swarm() {
    registry r(10);
    REQUIRE(r.announce({request_of("seed", 1000, 0), "127.0.0.1", {10 * MiB, 0}}, 0, random_numbers).ok());
    announce_request a = request_of("a", 1001, 8 * MiB);
    a.event = announce_event::started;
    REQUIRE(r.announce({a, "127.0.0.1", {1 * MiB, 20 * MiB}}, 1, random_numbers).ok());
    a.event = announce_event::none;
    a.uploaded = 1 * MiB;
    a.downloaded = a.left = 4 * MiB;
    REQUIRE(r.announce({a, "127.0.0.1", {}}, 3, random_numbers).ok());  // limits said once are kept
    return r;
}

struct http_reply {
    std::string status_line, head, body;
};
http_reply split(const std::string& response) {
    std::size_t blank = response.find("\r\n\r\n");
    REQUIRE(blank != std::string::npos);
    return {response.substr(0, response.find("\r\n")), response.substr(0, blank), response.substr(blank + 4)};
}

http_reply get(registry& r, const std::string& head, double now = 5) {
    return split(respond(head, "127.0.0.1", now, r, random_numbers).response);
}

std::string announce_head(const announce_request& request, const std::string& extra = "") {
    return "GET /announce?" + announce_query(request) + extra + " HTTP/1.1\r\nHost: 127.0.0.1:6969\r\n\r\n";
}

}  // namespace

TEST_CASE("status.txt: one line for the tracker, one per torrent, one per peer") {
    registry r = small_swarm();
    const std::string hash = "a9993e364706816aba3e25717850c26c9cd0d89d";
    CHECK(status_text(r, 3.5) ==
          "tracker interval=10 torrents=1 peers=2\n"
          "torrent info_hash=" + hash + " size=8388608 peers=2 live=2 seeds=1 downloaders=1 completed=0"
          " elapsed=2.500 complete=no n=1 us=10485760 d_p2p=0.8 p2p_limit=server-upload d_cs=0.8 cs_limit=server-upload\n"
          "peer info_hash=" + hash + " address=127.0.0.1:1000 id=seed---------------- progress=100.0 left=0"
          " uploaded=0 downloaded=0 up_rate=- down_rate=- upload_limit=10485760 download_limit=0 seed=yes"
          " completed=- state=live last_seen=3.5\n"
          "peer info_hash=" + hash + " address=127.0.0.1:1001 id=a------------------- progress=50.0 left=4194304"
          " uploaded=1048576 downloaded=4194304 up_rate=524288 down_rate=2097152 upload_limit=1048576"
          " download_limit=20971520 seed=no completed=- state=live last_seen=0.5\n");
}

TEST_CASE("status.txt: unknown values are '-', and the bounds say why they are not known") {
    registry r(30);
    CHECK(status_text(r, 0) == "tracker interval=30 torrents=0 peers=0\n");
    announce_request aria2c = request_of("A2-1-36-0-", 6881, 1000);
    aria2c.peer_id = std::string("A2-1-36-0-\\W\x16xBf\x86" "DT\xf9", 20);
    REQUIRE(r.announce({aria2c, "2001:db8::7", {}}, 0, random_numbers).ok());
    CHECK(status_text(r, 1).find(" d_p2p=- p2p_limit=- d_cs=- cs_limit=-\n# bounds unknown: 1 peer(s) did not "
                                 "announce upload_rate or download_rate\n") != std::string::npos);
    CHECK(status_text(r, 1).find(" address=[2001:db8::7]:6881 id=A2-1-36-0-\\W%16xBf%86DT%F9 progress=0.0") !=
          std::string::npos);
}

TEST_CASE("status.txt: what a peer sends never starts a line of its own") {
    registry r = small_swarm();
    announce_request sly = request_of("sly\npeer info_hash=00", 1002, 8 * MiB);
    sly.ip = "1.2.3.4\npeer info_hash=00 address=6.6.6.6:1 id=EVIL";
    REQUIRE(r.announce({sly, "127.0.0.1", {}}, 3, random_numbers).ok());
    const std::string text = status_text(r, 3.5);
    CHECK(text.find("6.6.6.6") == std::string::npos);
    CHECK(text.find("info_hash=00") == std::string::npos);
    CHECK(text.find("address=127.0.0.1:1002 id=sly%0Apeer%20info_hash=0 progress=") != std::string::npos);
    std::size_t lines = 0;
    for (std::size_t at = 0; at < text.size(); at = text.find('\n', at) + 1) {
        ++lines;
        const std::string line = text.substr(at, text.find('\n', at) - at);
        const bool ours = line.rfind("tracker ", 0) == 0 || line.rfind("torrent ", 0) == 0 ||
                          line.rfind("peer info_hash=a9993e36", 0) == 0 || line.rfind("# ", 0) == 0;
        CHECK_MESSAGE(ours, line);
    }
    CHECK(lines == 1 + 2 + 3);  // the tracker, the torrent and its "# bounds unknown", three peers
}

TEST_CASE("printable ids: printable ASCII as it is, the rest as %XX") {
    CHECK(printable_id("-BT0001-k7Gq2x0aPz9e") == "-BT0001-k7Gq2x0aPz9e");
    CHECK(printable_id(std::string("a b%\x00\xff", 6)) == "a%20b%25%00%FF");
}

TEST_CASE("the status page: HTML that reloads itself, with the swarm beside its bounds") {
    registry r = small_swarm();
    const std::string html = status_html(r, 3.5, "192.0.2.1:6969");
    CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
    CHECK(html.find("<meta http-equiv=\"refresh\" content=\"2\">") != std::string::npos);
    CHECK(html.find("Announce URL: <b>http://192.0.2.1:6969/announce</b>") != std::string::npos);
    CHECK(html.find("Elapsed <b>2.5 s</b>") != std::string::npos);
    CHECK(html.find("D<sub>p2p</sub> = 0.8 s <small>(server-upload)</small>") != std::string::npos);
    CHECK(html.find("D<sub>cs</sub> = 0.8 s") != std::string::npos);
    CHECK(html.find("F = 8 MiB, u<sub>s</sub> = 10 MiB/s and the N = 1 peers") != std::string::npos);
    CHECK(html.find("0 of 1 downloaders complete") != std::string::npos);
    CHECK(html.find("<progress value=\"50\" max=\"100\"></progress> 50%") != std::string::npos);
    CHECK(html.find("<td>512 KiB/s</td><td>2 MiB/s</td><td>1 MiB/s</td><td>20 MiB/s</td>") != std::string::npos);
    CHECK(html.find("</table>\n</body></html>\n") != std::string::npos);

    // What peers and clients send is shown, never obeyed.
    announce_request sly = request_of("<b>sly", 1002, 8 * MiB);
    REQUIRE(r.announce({sly, "127.0.0.1", {}}, 4, random_numbers).ok());
    const std::string escaped = status_html(r, 4, "\"><script>");
    CHECK(escaped.find("<b>sly") == std::string::npos);
    CHECK(escaped.find("&lt;b&gt;sly") != std::string::npos);
    CHECK(escaped.find("<script>") == std::string::npos);
    CHECK(escaped.find("not known (1 peer(s) did not announce") != std::string::npos);

    CHECK(status_html(registry(10), 0, "").find("No peer has announced yet.") != std::string::npos);
}

TEST_CASE("respond: an announce gets the peers, compact unless it asks for the dictionary form") {
    registry r = small_swarm();
    announce_request b = request_of("b", 1002, 8 * MiB);
    http_reply compact = get(r, announce_head(b, "&upload_rate=1048576&download_rate=20971520"));
    CHECK(compact.status_line == "HTTP/1.1 200 OK");
    CHECK(compact.body.find("5:peers12:") != std::string::npos);  // two peers of 6 bytes
    auto peers = parse_reply(compact.body);
    REQUIRE(peers.ok());
    CHECK(peers->interval == 10);
    CHECK(peers->peers.size() == 2);
    for (const peer& p : peers->peers) CHECK(p.port != 1002);  // never the asker

    b.compact = false;
    auto dictionary = parse_reply(get(r, announce_head(b)).body);
    REQUIRE(dictionary.ok());
    REQUIRE(dictionary->peers.size() == 2);
    for (const peer& p : dictionary->peers) CHECK((p.id == "seed----------------" || p.id == "a-------------------"));

    CHECK(status_text(r, 5).find("id=b------------------- progress=0.0 left=8388608 uploaded=0 downloaded=0 "
                                 "up_rate=- down_rate=- upload_limit=1048576 download_limit=20971520") !=
          std::string::npos);
}

TEST_CASE("respond: a bad announce gets a bencoded failure reason, with status 200") {
    registry r(10);
    auto refused = [&](const std::string& target) {
        http_reply reply = get(r, "GET " + target + " HTTP/1.1\r\n\r\n");
        CHECK(reply.status_line == "HTTP/1.1 200 OK");
        CHECK(reply.body.rfind("d14:failure reason", 0) == 0);
        auto parsed = parse_reply(reply.body);
        REQUIRE_FALSE(parsed.ok());
        return parsed.error().message();
    };
    CHECK(refused("/announce") == "the tracker refused: announce: info_hash is missing");
    CHECK(refused("/announce?info_hash=abc") ==
          "the tracker refused: announce: info_hash must be 20 bytes, not 3 (each byte URL-encoded)");
    std::string query = announce_query(request_of("a", 1000, 5));
    CHECK(refused("/announce?" + query + "&upload_rate=fast") ==
          "the tracker refused: announce: upload_rate 'fast' is not a whole number of bytes per second");
    CHECK(refused("/announce?" + query.replace(query.find("port=1000"), 9, "port=70000")) ==
          "the tracker refused: announce: port '70000' is not a number from 1 to 65535");
    CHECK(r.swarms().empty());
}

TEST_CASE("respond: the status pages, and everything else") {
    registry r = small_swarm();
    http_reply text = get(r, "GET /status.txt HTTP/1.0\n\n");
    CHECK(text.status_line == "HTTP/1.1 200 OK");
    CHECK(text.head.find("Content-Type: text/plain; charset=utf-8") != std::string::npos);
    CHECK(text.body.rfind("tracker interval=10 torrents=1 peers=2\n", 0) == 0);
    http_reply page = get(r, "GET / HTTP/1.1\r\nHost: 10.0.0.5:6969\r\n\r\n");
    CHECK(page.head.find("Content-Type: text/html; charset=utf-8") != std::string::npos);
    CHECK(page.body.find("http://10.0.0.5:6969/announce") != std::string::npos);

    CHECK(get(r, "GET /scrape?info_hash=x HTTP/1.1\r\n\r\n").status_line == "HTTP/1.1 404 Not Found");
    CHECK(get(r, "GET /favicon.ico HTTP/1.1\r\n\r\n").status_line == "HTTP/1.1 404 Not Found");
    CHECK(get(r, "POST /announce HTTP/1.1\r\n\r\n").status_line == "HTTP/1.1 405 Method Not Allowed");
    http_reply garbage = get(r, "\x16\x03\x01 hello\r\n\r\n");  // say, a TLS client
    CHECK(garbage.status_line == "HTTP/1.1 400 Bad Request");
    CHECK(garbage.body == "bad request: http: the request line is not 'METHOD TARGET HTTP/1.x'\n");
    CHECK(get(r, std::string(9000, 'x')).status_line == "HTTP/1.1 431 Request Header Fields Too Large");
    std::string long_head = "GET / HTTP/1.1\r\nX: " + std::string(8200, 'y') + "\r\n\r\n";
    CHECK(get(r, long_head).status_line == "HTTP/1.1 431 Request Header Fields Too Large");

    // The log line says what was asked and answered.
    CHECK(respond("GET /nothing HTTP/1.1\r\n\r\n", "127.0.0.1", 5, r, random_numbers).log == "GET /nothing 404");
    announce_request b = request_of("b", 1002, 8 * MiB);
    b.event = announce_event::started;
    CHECK(respond(announce_head(b), "127.0.0.1", 5, r, random_numbers).log ==
          "GET /announce 200 started a9993e36 left=8388608, 2 peers");
}
