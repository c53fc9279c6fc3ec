// swarm_model.hpp - a BitTorrent swarm in simulated time, run with the
// student's pick_piece and choose_unchoked.
//
// No sockets, threads or clocks: time advances in steps of half a simulated
// second, so a run gives the same result on a fast machine, a slow one, or
// one busy building something else, and the grader judges the policies
// alone. What it keeps of the real peer:
//
//   - each peer uploads at its rate ui, shared equally among the neighbours
//     it unchokes that want a piece from it (a seed: us);
//   - every 10 simulated seconds each uploading peer calls choose_unchoked,
//     with the bytes each neighbour sent it, and it sent each neighbour,
//     over the last 10 s (as rates); also sooner, like the peer, when a
//     choked neighbour becomes interested while fewer than 4 are unchoked;
//   - a peer downloads one piece at a time from each neighbour that unchokes
//     it, the piece chosen by pick_piece, with the bitfields of all its
//     neighbours; a piece counts once all its bytes have arrived, and can be
//     uploaded from the next step on;
//   - a peer that completes stays and uploads (it is then seeding);
//   - a free rider (upload 0) unchokes nobody.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace model {

struct peer_spec {
    double upload = 0;                                          // bytes per simulated second
    double download = std::numeric_limits<double>::infinity();  // bytes per second it can take in
    bool seed = false;                                          // starts with the whole file
};

struct swarm_spec {
    std::size_t pieces = 64;
    double piece_bytes = 256 * 1024;
    std::vector<peer_spec> peers;                            // every peer knows every other,
    std::vector<std::pair<std::size_t, std::size_t>> apart;  // except these pairs (indexes in peers)
    std::uint32_t random_seed = 1;                           // each peer's std::mt19937 starts from it
    double give_up = 1000;                                   // simulated seconds
};

struct outcome {
    std::vector<double> completed;    // when each peer had every piece (simulated s), -1: never
    std::vector<std::size_t> pieces;  // how many pieces each peer had at the end
    double ended = 0;                 // simulated seconds run
    std::string problem;              // the first thing a policy returned that a peer could not use
};

outcome run(const swarm_spec& spec);

// The lecture's lower bound on the time to give every downloading peer the
// file: D_p2p = max(F/us, F/dmin, N F/(us + sum of ui)).
double p2p_bound(const swarm_spec& spec);

}  // namespace model
