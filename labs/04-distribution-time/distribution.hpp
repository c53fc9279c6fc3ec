// distribution.hpp - lab 04: how long, at least, does it take to get a file
// of F bytes from one server to N peers? The lecture's two lower bounds:
//
//   client-server   D_cs  >= max{ N F / us,  F / dmin }
//   peer-to-peer    D_p2p >= max{ F / us,  F / dmin,  N F / (us + u1 + ... + uN) }
//
// You write the functions declared here in distribution.cpp (README.md, next
// to this file, walks you through them). The program `distribution` (main.cpp)
// and the grader call them. Do not change this file: the grader is compiled
// against it.
//
// Units: sizes in bytes, rates in bytes per second, times in seconds.
#pragma once

#include <string>
#include <string_view>
#include <vector>

// One peer's access link.
struct peer {
    double upload = 0;    // ui, bytes per second (0: the peer uploads nothing)
    double download = 0;  // di, bytes per second (always more than 0)
};

// What is distributed, from where, to whom.
struct swarm {
    double file_size = 0;      // F, bytes (more than 0)
    double server_upload = 0;  // us, bytes per second (more than 0)
    std::vector<peer> peers;   // N = peers.size(); may be empty
};

// Which term of the max{...} is the largest: what limits the distribution.
enum class limit {
    no_peers,          // N = 0: nobody to send to; the time is 0
    server_upload,     // client-server: N F / us;  P2P: F / us
    slowest_download,  // F / dmin, dmin the smallest di
    total_upload,      // P2P only: N F / (us + sum of ui)
};

// A lower bound: the time, and the term that gives it. When two terms are
// equal, the one that comes first in the lecture's formula is named.
struct bound {
    double seconds = 0;
    limit binds = limit::no_peers;
};

// Task 1: the client-server bound, max{N F / us, F / dmin}.
bound client_server_time(const swarm& s);

// Task 2: the peer-to-peer bound, max{F / us, F / dmin, N F / (us + sum of ui)}.
bound p2p_time(const swarm& s);

// Task 3: the peers of a peers file, one peer a line: "UPLOAD DOWNLOAD", two
// rates (see parse_rate in units.hpp: "256KiB/s", "2Mbit/s", "1000"). A '#'
// starts a comment that runs to the end of the line; lines with nothing
// else are skipped. UPLOAD may be 0, DOWNLOAD must be more than 0.
struct peer_list {
    std::vector<peer> peers;
    std::string error;  // empty when every line was good, else "line N: what is wrong"
};
peer_list read_peers(std::string_view text);

// The short name of a limit, as the program prints it.
inline const char* limit_name(limit l) {
    switch (l) {
        case limit::no_peers: return "no-peers";
        case limit::server_upload: return "server-upload";
        case limit::slowest_download: return "slowest-download";
        case limit::total_upload: return "total-upload";
    }
    return "?";
}
