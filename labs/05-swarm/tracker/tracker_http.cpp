// tracker_http.cpp - the tracker's answers to its three kinds of request.
#include "tracker_http.hpp"

#include "bittorrent/http.hpp"
#include "labs/shared/sha1.hpp"
#include "tracker_status.hpp"

namespace bt::tracker {

namespace {

// A refused announce is still HTTP 200: BEP 3 clients read the reason from the body.
answer refuse(const std::string& reason) {
    return {http::response(200, failure_reply(reason)), "GET /announce 200 refused: " + reason};
}

answer announce(const http::request& request, const std::string& client_ip, double now, registry& peers,
                std::mt19937& random) {
    auto parsed = parse_announce_query(request.query());
    if (!parsed) return refuse(parsed.error().message());
    auto limits = parse_rate_limits(request.query());
    if (!limits) return refuse(limits.error().message());
    auto reply = peers.announce({*parsed, client_ip, *limits}, now, random);
    if (!reply) return refuse(reply.error().message());
    return {http::response(200, encode_reply(*reply, parsed->compact)),
            "GET /announce 200 " +
                std::string(parsed->event == announce_event::none ? "regular" : event_name(parsed->event)) + " " +
                to_hex(as_bytes(parsed->info_hash)).substr(0, 8) + " left=" + std::to_string(parsed->left) + ", " +
                std::to_string(reply->peers.size()) + " peers" + (parsed->compact ? "" : " (dictionary form)")};
}

answer plain(int status, const std::string& body, const std::string& log) {
    return {http::response(status, body + "\n"), log + " " + std::to_string(status)};
}

}  // namespace

answer respond(std::string_view received, const std::string& client_ip, double now, registry& peers,
               std::mt19937& random) {
    const std::size_t end = http::head_end(received);
    if (end == std::string_view::npos || end > http::max_head) {
        return plain(431, "request head over " + std::to_string(http::max_head) + " bytes", "(a head too long)");
    }
    auto request = http::parse_request(received.substr(0, end));  // what follows the head is not ours to read
    if (!request) return plain(400, "bad request: " + request.error().message(), "(" + request.error().message() + ")");
    const std::string what = request->method + " " + std::string(request->path());
    if (request->method != "GET") return plain(405, "only GET is served here", what);

    if (request->path() == "/announce") return announce(*request, client_ip, now, peers, random);
    if (request->path() == "/status.txt") {
        peers.expire(now);
        return {http::response(200, status_text(peers, now), "text/plain; charset=utf-8"), what + " 200"};
    }
    if (request->path() == "/") {
        peers.expire(now);
        const std::string* host = request->header("Host");
        return {http::response(200, status_html(peers, now, host ? *host : ""), "text/html; charset=utf-8"),
                what + " 200"};
    }
    return plain(404, "not found: this tracker serves /announce, / and /status.txt", what);
}

}  // namespace bt::tracker
