// policy.cpp - the lecture's policies: rarest first, and tit-for-tat.
// Your part of lab 05: read policy.hpp, then replace each TODO block.
//
// As handed out, the peer already works: it picks pieces in order and
// unchokes every interested neighbour. A swarm completes with that; it is
// just not BitTorrent (run `make lab05` and read what fails).
#include "policy.hpp"

#include <algorithm>

namespace bt {

// ------------------------------------------------------------------ task 1: rarest first

std::optional<std::size_t> pick_piece(const bitfield& ours, const bitfield& theirs,
                                      const std::vector<bitfield>& neighbours, std::mt19937& random) {
    // TODO (task 1): count, for each piece we could ask this neighbour for,
    // how many neighbours have it; return the rarest one, a random one among
    // equally rare pieces. What follows takes the first piece in order.
    static_cast<void>(neighbours);
    static_cast<void>(random);
    for (std::size_t piece = 0; piece < theirs.size(); ++piece)
        if (theirs[piece] && !ours[piece]) return piece;
    return std::nullopt;
}

// ------------------------------------------------------------------ task 2: tit-for-tat

std::vector<int> choose_unchoked(const std::vector<neighbour>& neighbours, bool seeding, double now,
                                 choker_memory& memory, std::mt19937& random) {
    // TODO (task 2): unchoke the 4 interested neighbours with the highest
    // rate (download_rate; upload_rate when seeding), plus one optimistic
    // unchoke, chosen at random among the other interested neighbours and
    // changed every 30 s. What follows unchokes every interested neighbour.
    static_cast<void>(seeding);
    static_cast<void>(now);
    static_cast<void>(memory);
    static_cast<void>(random);
    std::vector<int> unchoked;
    for (const neighbour& n : neighbours)
        if (n.interested) unchoked.push_back(n.id);
    return unchoked;
}

}  // namespace bt
