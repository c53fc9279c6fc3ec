// policy.cpp - the lecture's policies: rarest first, and tit-for-tat.
// (The reference solution of lab 05's tasks 1 and 2.)
#include "policy.hpp"

#include <algorithm>
#include <limits>

namespace bt {

// ------------------------------------------------------------------ task 1: rarest first

std::optional<std::size_t> pick_piece(const bitfield& ours, const bitfield& theirs,
                                      const std::vector<bitfield>& neighbours, std::mt19937& random) {
    std::vector<std::size_t> rarest;  // the pieces we could ask for that are held by the fewest
    std::size_t fewest = std::numeric_limits<std::size_t>::max();
    for (std::size_t piece = 0; piece < theirs.size(); ++piece) {
        if (!theirs[piece] || ours[piece]) continue;
        std::size_t holders = 0;
        for (const bitfield& other : neighbours) holders += other[piece] ? 1 : 0;
        if (holders < fewest) {
            fewest = holders;
            rarest.clear();
        }
        if (holders == fewest) rarest.push_back(piece);
    }
    if (rarest.empty()) return std::nullopt;
    // Ties at random: peers that see the same swarm then fetch different pieces.
    std::uniform_int_distribution<std::size_t> any(0, rarest.size() - 1);
    return rarest[any(random)];
}

// ------------------------------------------------------------------ task 2: tit-for-tat

std::vector<int> choose_unchoked(const std::vector<neighbour>& neighbours, bool seeding, double now,
                                 choker_memory& memory, std::mt19937& random) {
    std::vector<neighbour> interested;
    for (const neighbour& n : neighbours)
        if (n.interested) interested.push_back(n);

    // The top 4: those that send to us at the highest rate. A seed receives
    // nothing, so it ranks by the rate at which it sends to them: it keeps
    // serving the peers that take the most. Equal rates (everyone at 0 at
    // the start) in random order, not always the same 4.
    std::shuffle(interested.begin(), interested.end(), random);
    auto before = [seeding](const neighbour& a, const neighbour& b) {
        return seeding ? a.upload_rate > b.upload_rate : a.download_rate > b.download_rate;
    };
    std::stable_sort(interested.begin(), interested.end(), before);
    std::vector<int> unchoked;
    for (std::size_t i = 0; i < interested.size() && i < regular_unchokes; ++i) unchoked.push_back(interested[i].id);

    // The optimistic unchoke: kept for 30 s while it stays interested, then
    // another one, chosen at random among the interested peers outside the
    // top 4 (never the same one twice in a row when there is another).
    auto is_in = [](const std::vector<int>& ids, int id) { return std::find(ids.begin(), ids.end(), id) != ids.end(); };
    std::vector<int> others;
    for (std::size_t i = regular_unchokes; i < interested.size(); ++i) others.push_back(interested[i].id);
    bool still_there = false;
    for (const neighbour& n : interested) still_there = still_there || (memory.optimistic && n.id == *memory.optimistic);
    if (!still_there || now - memory.optimistic_since >= optimistic_period) {
        std::vector<int> candidates;
        for (int id : others)
            if (!(memory.optimistic && id == *memory.optimistic)) candidates.push_back(id);
        if (candidates.empty() && still_there) candidates = others;  // only the same one is left
        if (candidates.empty()) {
            memory.optimistic.reset();
        } else {
            std::uniform_int_distribution<std::size_t> any(0, candidates.size() - 1);
            memory.optimistic = candidates[any(random)];
        }
        memory.optimistic_since = now;
    }
    if (memory.optimistic && !is_in(unchoked, *memory.optimistic)) unchoked.push_back(*memory.optimistic);
    return unchoked;
}

}  // namespace bt
