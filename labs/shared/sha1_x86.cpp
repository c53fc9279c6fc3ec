// sha1_x86.cpp - SHA-1's blocks with the x86 SHA extensions (see
// sha1_blocks.hpp for why). Each sha1rnds4 does four of the 80 rounds;
// sha1msg1 and sha1msg2 make the next four words of the message schedule;
// sha1nexte adds E (which the rounds keep in A's place, rotated) to the next
// four words. Only this file is compiled for those instructions (the target
// attribute), and they run only after the CPU has said it has them.
#include "sha1_blocks.hpp"

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#define BT_SHA1_X86 1
#endif

namespace bt::sha1_blocks {

#ifdef BT_SHA1_X86
namespace {

// sha1rnds4 takes the round function (0 to 3) as an immediate: one call each.
__attribute__((target("sha,sse4.1,ssse3"))) __m128i four_rounds(__m128i abcd, __m128i e, int function) {
    switch (function) {
        case 0: return _mm_sha1rnds4_epu32(abcd, e, 0);
        case 1: return _mm_sha1rnds4_epu32(abcd, e, 1);
        case 2: return _mm_sha1rnds4_epu32(abcd, e, 2);
        default: return _mm_sha1rnds4_epu32(abcd, e, 3);
    }
}

__attribute__((target("sha,sse4.1,ssse3"))) void with_sha_extensions(state& h, const std::uint8_t* blocks,
                                                                     std::size_t count) {
    // SHA-1's words are big-endian: this shuffle reverses the 16 bytes of a
    // load, which puts the first word in the highest lane, where the
    // instructions want it (A of the state too, hence the 0x1B shuffle).
    const __m128i reverse = _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
    __m128i abcd = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(h.data())), 0x1B);
    __m128i e = _mm_set_epi32(static_cast<int>(h[4]), 0, 0, 0);
    for (; count > 0; --count, blocks += 64) {
        const __m128i abcd_before = abcd, e_before = e;
        __m128i w[4];  // the last four groups of four words of the schedule
        __m128i abcd_last = abcd;
        for (int group = 0; group < 20; ++group) {  // 20 groups of four rounds
            __m128i words;
            if (group < 4) {
                words =
                    _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blocks + 16 * group)), reverse);
            } else {  // W(t) from W(t-16), W(t-14), W(t-8), W(t-3), four at a time
                words = _mm_sha1msg2_epu32(
                    _mm_xor_si128(_mm_sha1msg1_epu32(w[group % 4], w[(group + 1) % 4]), w[(group + 2) % 4]),
                    w[(group + 3) % 4]);
            }
            w[group % 4] = words;
            const __m128i e_plus_words = group == 0 ? _mm_add_epi32(e, words) : _mm_sha1nexte_epu32(abcd_last, words);
            abcd_last = abcd;
            abcd = four_rounds(abcd, e_plus_words, group / 5);
        }
        e = _mm_sha1nexte_epu32(abcd_last, e_before);  // E after the 80 rounds, plus E before them
        abcd = _mm_add_epi32(abcd, abcd_before);
    }
    _mm_storeu_si128(reinterpret_cast<__m128i*>(h.data()), _mm_shuffle_epi32(abcd, 0x1B));
    h[4] = static_cast<std::uint32_t>(_mm_extract_epi32(e, 3));
}

bool cpu_has_sha_extensions() {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
    const bool ssse3 = c & (1u << 9), sse41 = c & (1u << 19);
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
    const bool sha = b & (1u << 29);
    return ssse3 && sse41 && sha;
}

}  // namespace

function x86_sha() {
    static const bool available = cpu_has_sha_extensions();
    return available ? with_sha_extensions : nullptr;
}
#else
function x86_sha() { return nullptr; }
#endif

function fastest() {
    static const function chosen = x86_sha() ? x86_sha() : portable;
    return chosen;
}

}  // namespace bt::sha1_blocks
