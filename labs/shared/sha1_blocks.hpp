// sha1_blocks.hpp - the one step of SHA-1 that costs: hashing whole 64-byte
// blocks into the state. Two ways to do it, the same result:
//
//   portable   the rounds of FIPS 180-4 written out in C++ (sha1.cpp): the
//              one to read;
//   x86_sha    the CPU's SHA extensions (Intel SHA-NI, AMD since Zen), four
//              rounds per instruction (sha1_x86.cpp): about 8x faster on a
//              CPU that has them (810 against 102 MB/s here, medians of 3
//              side by side), and checking every piece it receives is where
//              a downloading peer spends most of its time.
//
// bt::sha1 takes the fastest this machine has, chosen once at run time.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace bt::sha1_blocks {

using state = std::array<std::uint32_t, 5>;
// Hashes `count` blocks of 64 bytes, one after another, into `h`.
using function = void (*)(state& h, const std::uint8_t* blocks, std::size_t count);

void portable(state& h, const std::uint8_t* blocks, std::size_t count);
// Nullptr when this CPU (or the compiler) has no SHA extensions.
function x86_sha();
// x86_sha() where there is one, else portable.
function fastest();

}  // namespace bt::sha1_blocks
