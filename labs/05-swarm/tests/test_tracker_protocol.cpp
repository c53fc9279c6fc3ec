// test_tracker_protocol.cpp - URL encoding, announce queries and tracker replies.
#include <doctest/doctest.h>

#include <string>

#include "bittorrent/tracker_protocol.hpp"

using namespace bt::tracker;

namespace {

// What aria2c 1.36.0 sent to a tracker on 127.0.0.1 (the query of its GET).
constexpr std::string_view aria2c_query =
    "info_hash=%B5%81%89%A5%EB%92%0A%D9%5D%AD_%24%21%E9%EEwa%269%11&peer_id=A2-1-36-0-%5CW%16xBf%86DT%F9"
    "&uploaded=0&downloaded=0&left=40000&compact=1&key=%16xBf%86DT%F9&numwant=50&no_peer_id=1&port=6962"
    "&event=started&supportcrypto=1";

announce_request sample_request() {
    announce_request request;
    request.info_hash = bt::sha1::of("abc");
    request.peer_id = "-BT0001-" + std::string("\x00\x01 +%&=\xff\xfe\x7f/?", 12);
    request.port = 6881;
    request.uploaded = 1;
    request.downloaded = 22;
    request.left = 333;
    request.event = announce_event::started;
    return request;
}

std::string refusal(std::string_view query) {
    auto parsed = parse_announce_query(query);
    REQUIRE_FALSE(parsed.ok());
    return parsed.error().message();
}

// The aria2c query with `key`'s value replaced (or removed, when value is null).
std::string aria2c_with(const std::string& key, const char* value) {
    std::string query(aria2c_query);
    std::size_t start = query.find(key + "=");
    REQUIRE(start != std::string::npos);
    std::size_t end = query.find('&', start);
    end = end == std::string::npos ? query.size() : end + 1;
    return query.replace(start, end - start, value ? key + "=" + value + "&" : "");
}

}  // namespace

TEST_CASE("url: plain characters stay, every other byte becomes %XX") {
    CHECK(url_encode("AZaz09-._~") == "AZaz09-._~");
    CHECK(url_encode(std::string("\x00 +%/\xff", 6)) == "%00%20%2B%25%2F%FF");
    std::string every_byte;
    for (int b = 0; b < 256; ++b) every_byte += static_cast<char>(b);
    auto back = url_decode(url_encode(every_byte));
    REQUIRE(back.ok());
    CHECK(*back == every_byte);
}

TEST_CASE("url: decoding") {
    CHECK(*url_decode("a%20b%2fc%2F") == "a b/c/");
    CHECK(*url_decode("a+b") == "a+b");  // '+' is itself, not a space
    CHECK(*url_decode("") == "");
    CHECK(url_decode("%").error().message() == "'%' at character 0 is not followed by two hex digits");
    CHECK_FALSE(url_decode("ab%4").ok());
    CHECK_FALSE(url_decode("%zz").ok());
    CHECK_FALSE(url_decode("%-1").ok());
}

TEST_CASE("announce: the query string a peer sends") {
    CHECK(announce_query(sample_request()) ==
          "info_hash=%A9%99%3E6G%06%81j%BA%3E%25qxP%C2l%9C%D0%D8%9D"
          "&peer_id=-BT0001-%00%01%20%2B%25%26%3D%FF%FE%7F%2F%3F"
          "&port=6881&uploaded=1&downloaded=22&left=333&event=started&compact=1&numwant=50");
    announce_request regular = sample_request();
    regular.event = announce_event::none;
    regular.compact = false;
    regular.ip = "192.0.2.7";
    CHECK(announce_query(regular).find("&left=333&compact=0&numwant=50&ip=192.0.2.7") != std::string::npos);
    CHECK(announce_query(regular).find("event") == std::string::npos);
}

TEST_CASE("announce: what a peer sends, the tracker reads back") {
    for (auto event :
         {announce_event::none, announce_event::started, announce_event::completed, announce_event::stopped}) {
        announce_request sent = sample_request();
        sent.event = event;
        sent.compact = event != announce_event::stopped;
        auto got = parse_announce_query(announce_query(sent));
        REQUIRE(got.ok());
        CHECK(got->info_hash == sent.info_hash);
        CHECK(got->peer_id == sent.peer_id);
        CHECK(got->port == 6881);
        CHECK(got->uploaded == 1);
        CHECK(got->downloaded == 22);
        CHECK(got->left == 333);
        CHECK(got->event == event);
        CHECK(got->compact == sent.compact);
        CHECK(got->numwant == 50);
    }
}

TEST_CASE("announce: a real aria2c announce") {
    auto got = parse_announce_query(aria2c_query);
    REQUIRE(got.ok());
    CHECK(bt::to_hex(got->info_hash) == "b58189a5eb920ad95dad5f2421e9ee7761263911");
    CHECK(got->peer_id == std::string("A2-1-36-0-\\W\x16xBf\x86") + "DT\xf9");
    CHECK(got->port == 6962);
    CHECK(got->left == 40000);
    CHECK(got->event == announce_event::started);
    CHECK(got->compact);
    CHECK(got->numwant == 50);
}

TEST_CASE("announce: defaults for what may be left out") {
    auto got = parse_announce_query(aria2c_with("compact", nullptr));
    REQUIRE(got.ok());
    CHECK(got->compact);  // BEP 23: trackers should answer compact unless asked not to
    got = parse_announce_query(aria2c_with("numwant", nullptr));
    REQUIRE(got.ok());
    CHECK(got->numwant == 50);
    got = parse_announce_query(aria2c_with("event", ""));
    REQUIRE(got.ok());
    CHECK(got->event == announce_event::none);  // "event=" is the same as no event
}

TEST_CASE("announce: the tracker refuses what it cannot use, and says why") {
    CHECK(refusal("") == "announce: info_hash is missing");
    CHECK(refusal(aria2c_with("info_hash", nullptr)) == "announce: info_hash is missing");
    CHECK(refusal(aria2c_with("info_hash", "%B5%81")) ==
          "announce: info_hash must be 20 bytes, not 2 (each byte URL-encoded)");
    CHECK(refusal(aria2c_with("peer_id", "short")) ==
          "announce: peer_id must be 20 bytes, not 5 (each byte URL-encoded)");
    CHECK(refusal(aria2c_with("info_hash", "%G5%81")).find("not followed by two hex digits") != std::string::npos);
    CHECK(refusal(aria2c_with("port", nullptr)) == "announce: port is missing");
    CHECK(refusal(aria2c_with("port", "abc")) == "announce: port 'abc' is not a number from 1 to 65535");
    CHECK(refusal(aria2c_with("port", "0")).find("not a number from 1 to 65535") != std::string::npos);
    CHECK(refusal(aria2c_with("port", "65536")).find("not a number from 1 to 65535") != std::string::npos);
    CHECK(refusal(aria2c_with("port", "+80")).find("not a number") != std::string::npos);
    CHECK(refusal(aria2c_with("port", "80 ")).find("not a number") != std::string::npos);
    CHECK(refusal(aria2c_with("left", "-1")).find("left '-1' is not a number from 0 to") != std::string::npos);
    CHECK(refusal(aria2c_with("uploaded", "99999999999999999999")).find("uploaded") != std::string::npos);
    CHECK(refusal(aria2c_with("downloaded", nullptr)) == "announce: downloaded is missing");
    CHECK(refusal(aria2c_with("event", "paused")) == "announce: event 'paused' is not started, completed or stopped");
    CHECK(refusal(aria2c_with("compact", "yes")).find("compact") != std::string::npos);
}

TEST_CASE("announce: a key given twice keeps its last value; a malformed one is still refused") {
    // libtorrent appends compact=1 to an announce URL that ends in ?compact=0.
    auto got = parse_announce_query("compact=0&" + aria2c_with("compact", nullptr) + "&compact=1");
    REQUIRE(got.ok());
    CHECK(got->compact);
    got = parse_announce_query(std::string(aria2c_query) + "&compact=0&port=7000&event=");
    REQUIRE(got.ok());
    CHECK_FALSE(got->compact);
    CHECK(got->port == 7000);
    CHECK(got->event == announce_event::none);
    CHECK(refusal(std::string(aria2c_query) + "&port=abc") == "announce: port 'abc' is not a number from 1 to 65535");
    CHECK(refusal(std::string(aria2c_query) + "&port=%G1").find("not followed by two hex digits") != std::string::npos);
    CHECK(refusal(std::string(aria2c_query) + "&info_hash=%B5") ==
          "announce: info_hash must be 20 bytes, not 1 (each byte URL-encoded)");
}

TEST_CASE("announce: the tracker does not read ip=, whatever it holds") {
    const std::string claims[] = {"192.0.2.7", "evil.example.org", "1.2.3.4%0Apeer%20info_hash=00",
                                  std::string(7000, '1')};
    for (const std::string& ip : claims) {
        auto got = parse_announce_query(std::string(aria2c_query) + "&ip=" + ip);
        REQUIRE(got.ok());
        CHECK(got->ip.empty());
    }
}

TEST_CASE("reply: compact, 6 bytes per IPv4 peer and 18 per IPv6 peer") {
    announce_reply reply;
    reply.interval = 900;
    reply.peers = {{"127.0.0.1", 6881, "ignored in compact"},
                   {"::ffff:10.0.0.2", 0x1234, ""},  // IPv4 seen through an IPv6 socket
                   {"2001:db8::1", 443, ""},
                   {"peer.example", 1, ""}};  // a host name has no compact form
    std::string ipv6 = std::string("\x20\x01\x0d\xb8", 4) + std::string(11, '\0') + "\x01\x01\xbb";
    std::string ipv4(
        "\x7f\x00\x00\x01\x1a\xe1"
        "\x0a\x00\x00\x02\x12\x34",
        12);
    CHECK(encode_reply(reply, true) == "d8:intervali900e5:peers12:" + ipv4 + "6:peers618:" + ipv6 + "e");
    auto got = parse_reply(encode_reply(reply, true));
    REQUIRE(got.ok());
    CHECK(got->interval == 900);
    REQUIRE(got->peers.size() == 3);
    CHECK(got->peers[0] == peer{"127.0.0.1", 6881, ""});
    CHECK(got->peers[1] == peer{"10.0.0.2", 0x1234, ""});
    CHECK(got->peers[2] == peer{"2001:db8::1", 443, ""});
}

TEST_CASE("reply: compact with no peers, and no IPv6 peers") {
    CHECK(encode_reply(announce_reply{1800, {}}, true) == "d8:intervali1800e5:peers0:e");
    auto got = parse_reply("d8:intervali1800e5:peers0:e");
    REQUIRE(got.ok());
    CHECK(got->peers.empty());
}

TEST_CASE("reply: the dictionary form of BEP 3") {
    std::string id(20, 'i');
    announce_reply reply{60, {{"192.0.2.7", 6881, id}, {"peer.example", 51413, ""}}};
    CHECK(encode_reply(reply, false) == "d8:intervali60e5:peersld2:ip9:192.0.2.77:peer id20:" + id +
                                            "4:porti6881eed2:ip12:peer.example4:porti51413eeee");
    auto got = parse_reply(encode_reply(reply, false));
    REQUIRE(got.ok());
    CHECK(got->interval == 60);
    CHECK(got->peers == reply.peers);
}

TEST_CASE("reply: a failure") {
    CHECK(failure_reply("unknown torrent") == "d14:failure reason15:unknown torrente");
    auto got = parse_reply(failure_reply("unknown torrent"));
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().message() == "the tracker refused: unknown torrent");
}

TEST_CASE("reply: what a peer cannot use is an error") {
    auto message = [](std::string_view body) {
        auto got = parse_reply(body);
        REQUIRE_FALSE(got.ok());
        return got.error().message();
    };
    CHECK(message("not bencode").find("tracker reply: bencode: byte 0") == 0);
    CHECK(message("le") == "tracker reply: not a bencoded dictionary");
    CHECK(message("d5:peers0:e") == "tracker reply: 'interval' is missing or not a number of seconds");
    CHECK(message("d8:intervali-1e5:peers0:e").find("'interval'") != std::string::npos);
    CHECK(message("d8:intervali1ee") == "tracker reply: 'peers' is missing");
    CHECK(message("d8:intervali1e5:peersi1ee") == "tracker reply: 'peers' is neither a byte string nor a list");
    CHECK(message("d8:intervali1e5:peers7:1234567e") == "tracker reply: 'peers' holds 7 bytes, not a multiple of 6");
    CHECK(message("d8:intervali1e5:peers0:6:peers65:12345e") ==
          "tracker reply: 'peers6' holds 5 bytes, not a multiple of 18");
    CHECK(message("d8:intervali1e5:peersld4:porti1eeee").find("a peer is not") != std::string::npos);
    CHECK(message("d8:intervali1e5:peersld2:ip1:x4:porti65536eeee").find("a peer is not") != std::string::npos);
    CHECK(message("d8:intervali1e5:peersli1eee").find("a peer is not") != std::string::npos);
}
