// baseline.cpp - random order, in order, and unchoke everyone.
#include "baseline.hpp"

namespace bt {

namespace {
std::vector<std::size_t> wanted_pieces(const bitfield& ours, const bitfield& theirs) {
    std::vector<std::size_t> wanted;
    for (std::size_t i = 0; i < theirs.size(); ++i)
        if (theirs[i] && !ours[i]) wanted.push_back(i);
    return wanted;
}
}  // namespace

std::optional<std::size_t> pick_random_piece(const bitfield& ours, const bitfield& theirs,
                                             const std::vector<bitfield>&, std::mt19937& random) {
    const std::vector<std::size_t> wanted = wanted_pieces(ours, theirs);
    if (wanted.empty()) return std::nullopt;
    return wanted[std::uniform_int_distribution<std::size_t>(0, wanted.size() - 1)(random)];
}

std::optional<std::size_t> pick_first_piece(const bitfield& ours, const bitfield& theirs,
                                            const std::vector<bitfield>&, std::mt19937&) {
    const std::vector<std::size_t> wanted = wanted_pieces(ours, theirs);
    if (wanted.empty()) return std::nullopt;
    return wanted.front();
}

std::vector<int> unchoke_all_interested(const std::vector<neighbour>& neighbours, bool, double, choker_memory&,
                                        std::mt19937&) {
    std::vector<int> unchoked;
    for (const neighbour& n : neighbours)
        if (n.interested) unchoked.push_back(n.id);
    return unchoked;
}

}  // namespace bt
