// bitfield.hpp - which pieces a peer has: one bit per piece.
//
// On the wire (BEP 3, the "bitfield" message) piece 0 is the high bit of the
// first byte; in the program it is simply element 0 of a vector<bool>.
#pragma once

#include <cstddef>
#include <vector>

namespace bt {

using bitfield = std::vector<bool>;

// How many pieces the bitfield holds.
inline std::size_t count_pieces(const bitfield& pieces) {
    std::size_t n = 0;
    for (bool has : pieces) n += has ? 1 : 0;
    return n;
}

}  // namespace bt
