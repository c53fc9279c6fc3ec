// baseline.hpp - the policies the lecture's are measured against, and the
// types that let the peer take either (peer --picker, --choker).
//
//   --picker rarest        the student's pick_piece (policy.cpp)
//   --picker random        any piece the neighbour has and we lack, at random
//   --picker sequential    the first such piece, in order
//   --choker tit-for-tat   the student's choose_unchoked (policy.cpp)
//   --choker all           every interested neighbour (no tit-for-tat at all)
#pragma once

#include <functional>
#include <optional>
#include <random>
#include <vector>

#include "bittorrent/bitfield.hpp"
#include "policy.hpp"

namespace bt {

using piece_picker = std::function<std::optional<std::size_t>(const bitfield& ours, const bitfield& theirs,
                                                              const std::vector<bitfield>& neighbours,
                                                              std::mt19937& random)>;
using choker = std::function<std::vector<int>(const std::vector<neighbour>& neighbours, bool seeding, double now,
                                              choker_memory& memory, std::mt19937& random)>;

std::optional<std::size_t> pick_random_piece(const bitfield& ours, const bitfield& theirs,
                                             const std::vector<bitfield>& neighbours, std::mt19937& random);
std::optional<std::size_t> pick_first_piece(const bitfield& ours, const bitfield& theirs,
                                            const std::vector<bitfield>& neighbours, std::mt19937& random);
std::vector<int> unchoke_all_interested(const std::vector<neighbour>& neighbours, bool seeding, double now,
                                        choker_memory& memory, std::mt19937& random);

}  // namespace bt
