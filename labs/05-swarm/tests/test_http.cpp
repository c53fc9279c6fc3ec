// test_http.cpp - reading a request head, writing a response.
#include <doctest/doctest.h>

#include <string>

#include "bittorrent/http.hpp"

using namespace bt::http;
using namespace std::string_view_literals;

namespace {

// What aria2c 1.36.0 sent to a tracker on 127.0.0.1 (its query shortened).
constexpr std::string_view aria2c_head =
    "GET /announce?info_hash=%B5%81&port=6962&event=started HTTP/1.1\r\n"
    "User-Agent: aria2/1.36.0\r\n"
    "Accept: */*\r\n"
    "Host: 127.0.0.1:41447\r\n"
    "Want-Digest: SHA-512;q=1, SHA-256;q=1, SHA;q=0.1\r\n"
    "\r\n";

std::string refusal(std::string_view head) {
    auto parsed = parse_request(head);
    REQUIRE_FALSE(parsed.ok());
    return parsed.error().message();
}

}  // namespace

TEST_CASE("http: where the head ends") {
    CHECK(head_end(aria2c_head) == aria2c_head.size());
    CHECK(head_end(std::string(aria2c_head) + "body bytes") == aria2c_head.size());
    CHECK(head_end(aria2c_head.substr(0, aria2c_head.size() - 1)) == std::string_view::npos);
    CHECK(head_end(aria2c_head.substr(0, aria2c_head.size() - 2)) == std::string_view::npos);
    CHECK(head_end("GET / HTTP/1.0\n\n") == 16);
    CHECK(head_end("") == std::string_view::npos);
}

TEST_CASE("http: a real request from aria2c") {
    auto parsed = parse_request(aria2c_head);
    REQUIRE(parsed.ok());
    CHECK(parsed->method == "GET");
    CHECK(parsed->target == "/announce?info_hash=%B5%81&port=6962&event=started");
    CHECK(parsed->path() == "/announce");
    CHECK(parsed->query() == "info_hash=%B5%81&port=6962&event=started");
    CHECK(parsed->version == "HTTP/1.1");
    CHECK(parsed->headers.size() == 4);
    REQUIRE(parsed->header("host"));
    CHECK(*parsed->header("host") == "127.0.0.1:41447");
    CHECK(*parsed->header("USER-AGENT") == "aria2/1.36.0");
    CHECK(*parsed->header("Want-Digest") == "SHA-512;q=1, SHA-256;q=1, SHA;q=0.1");
    CHECK(parsed->header("Content-Length") == nullptr);
}

TEST_CASE("http: bare newlines, no query, HTTP/1.0, no headers, spaces around a value") {
    auto parsed = parse_request("GET /status HTTP/1.0\nX-Thing:   padded value \t\n\n");
    REQUIRE(parsed.ok());
    CHECK(parsed->path() == "/status");
    CHECK(parsed->query() == "");
    CHECK(parsed->version == "HTTP/1.0");
    CHECK(*parsed->header("x-thing") == "padded value");
    auto bare = parse_request("GET / HTTP/1.1\r\n\r\n");
    REQUIRE(bare.ok());
    CHECK(bare->headers.empty());
    CHECK(bare->path() == "/");
}

TEST_CASE("http: heads that are not HTTP/1.x requests are refused") {
    CHECK(refusal("GET /x HTTP/2.0\r\n\r\n") == "http: version 'HTTP/2.0' is not HTTP/1.0 or HTTP/1.1");
    CHECK(refusal("GET x HTTP/1.1\r\n\r\n") == "http: the target must be a path starting with '/'");
    CHECK(refusal("GET http://tracker/announce HTTP/1.1\r\n\r\n").find("starting with '/'") != std::string::npos);
    CHECK(refusal("GET /a b HTTP/1.1\r\n\r\n").find("not 'METHOD TARGET HTTP/1.x'") != std::string::npos);
    CHECK(refusal("GET  /x HTTP/1.1\r\n\r\n") == "http: the request line is not 'METHOD TARGET HTTP/1.x'");
    CHECK(refusal("GET /x\r\n\r\n").find("not 'METHOD TARGET HTTP/1.x'") != std::string::npos);
    CHECK(refusal("G(T /x HTTP/1.1\r\n\r\n") == "http: 'G(T' is not a method");
    CHECK(refusal("GET /x HTTP/1.1\r\nNo colon here\r\n\r\n") == "http: header line is not 'Name: value'");
    CHECK(refusal("GET /x HTTP/1.1\r\nHost : x\r\n\r\n") == "http: header line is not 'Name: value'");
    CHECK(refusal("GET /x HTTP/1.1\r\nA: 1\r\n  folded\r\n\r\n") == "http: header line is not 'Name: value'");
    CHECK(refusal("GET /x HTTP/1.1\r\nA: 1\0002\r\n\r\n"sv) == "http: header A has a control character");
    CHECK(refusal("GET /x HTTP/1.1\r\nHost: x\r\n") == "http: the head must end with its blank line, and only there");
    CHECK(refusal(std::string(aria2c_head) + "more") == "http: the head must end with its blank line, and only there");
    CHECK(refusal("GET /" + std::string(max_head, 'a') + " HTTP/1.1\r\n\r\n").find("longer than 8192") !=
          std::string::npos);
}

TEST_CASE("http: a response with Content-Type and Content-Length") {
    CHECK(response(200, "d8:intervali1800e5:peers0:e") ==
          "HTTP/1.1 200 OK\r\n"
          "Content-Type: text/plain\r\n"
          "Content-Length: 27\r\n"
          "Connection: close\r\n"
          "\r\n"
          "d8:intervali1800e5:peers0:e");
    CHECK(response(404, "", "text/html")
              .starts_with("HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n"
                           "Content-Length: 0\r\n"));
    CHECK(reason_phrase(400) == "Bad Request");
    CHECK(reason_phrase(405) == "Method Not Allowed");
    CHECK(reason_phrase(299) == "Unknown");
    std::string binary("\x00\xff", 2);
    CHECK(response(200, binary).ends_with("Content-Length: 2\r\nConnection: close\r\n\r\n" + binary));
}
