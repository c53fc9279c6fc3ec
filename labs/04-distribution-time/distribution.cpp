// distribution.cpp - lab 04: the lecture's lower bounds on the time to
// distribute a file, client-server and peer-to-peer. Your work goes in the
// TODO blocks; README.md (next to this file) explains each task.
//
// The types (swarm, peer, bound, limit, peer_list) are in distribution.hpp.
// Sizes are bytes, rates bytes per second, times seconds.
#include "distribution.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "units.hpp"

// ---------------------------------------------------------------- task 1

// D_cs = max{ N F / us, F / dmin }
bound client_server_time(const swarm& s) {
    // TODO (task 1): the client-server bound.
    //   - no peers (s.peers.empty()): return {0, limit::no_peers}
    //   - N = s.peers.size() (as a double), F = s.file_size, us = s.server_upload
    //   - dmin: the smallest peers[i].download
    //   - return the larger of the two terms, with the limit it comes from:
    //       {N * F / us, limit::server_upload} or {F / dmin, limit::slowest_download}
    //     on a tie, the first (server_upload)
    (void)s;  // "not used yet, on purpose": delete this line when you use s
    return {};
}

// ---------------------------------------------------------------- task 2

// D_p2p = max{ F / us, F / dmin, N F / (us + u1 + ... + uN) }
bound p2p_time(const swarm& s) {
    // TODO (task 2): the peer-to-peer bound: three terms, the largest wins,
    // the first of the lecture's order on a tie (see the handout).
    (void)s;
    return {};
}

// ---------------------------------------------------------------- task 3

// The peers of a peers file: one "UPLOAD DOWNLOAD" a line, '#' comments.
peer_list read_peers(std::string_view text) {
    // TODO (task 3): go through `text` line by line (lines end with '\n';
    // line 1 is the first). For each line:
    //   - drop what follows a '#', then skip the line if only spaces are left
    //   - it must be two words, each a rate: parse_rate(word) (units.hpp)
    //     gives the bytes per second, or std::nullopt
    //   - UPLOAD must be 0 or more, DOWNLOAD more than 0
    //   - a good line adds peer{upload, download} to the list; at the first
    //     bad one, return a list whose error is "line N: " and what is wrong
    (void)text;
    return {};
}
