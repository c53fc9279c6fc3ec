// tracker_http.hpp - one HTTP request in, one response out: what the tracker
// answers, with no socket in sight (tracker.cpp does the receiving and sending).
//
//   GET /announce?...   a peer joins, reports or leaves: the bencoded reply
//                       (interval and peers), or a bencoded "failure reason"
//                       with status 200, which is what BEP 3 clients expect
//   GET /               the status page (HTML, reloads itself)
//   GET /status.txt     the same in plain text
//   anything else       404; not GET: 405; not HTTP: 400; a head over 8 KiB: 431
#pragma once

#include <random>
#include <string>
#include <string_view>

#include "tracker_peers.hpp"

namespace bt::tracker {

struct answer {
    std::string response;  // the whole HTTP response, ready to send
    std::string log;       // one line for the log: "GET /announce 200 started, 3 peers"
};

// `received`: the request head, blank line included (http::head_end), or,
// when none came within http::max_head bytes, those bytes. client_ip: the
// address the connection came from. now: the tracker's clock, in seconds.
answer respond(std::string_view received, const std::string& client_ip, double now, registry& peers,
               std::mt19937& random);

}  // namespace bt::tracker
