// text.cpp - UTF-8 uppercase with Python's rules, for messages and streams.
#include "text.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <utility>

namespace text {
namespace {

// ---------------------------------------------------------------- the table
// One code point whose uppercase differs from itself.
struct upper_entry {
    char32_t cp;
    std::string_view upper;  // its uppercase in UTF-8: "SS" for U+00DF
};

// Generated from Python by tools/gen_upper_table.py.
#include "upper_table.inc"

constexpr bool table_is_sorted() {
    for (std::size_t i = 1; i < std::size(upper_table); ++i)
        if (upper_table[i - 1].cp >= upper_table[i].cp) return false;
    return true;
}
static_assert(table_is_sorted(), "upper_table.inc must be sorted by code point: the lookup is a binary search");

// The uppercase of cp in UTF-8; empty when cp is its own uppercase.
std::string_view upper_char(char32_t cp) {
    const upper_entry* found = std::lower_bound(std::begin(upper_table), std::end(upper_table), cp,
                                                [](const upper_entry& e, char32_t c) { return e.cp < c; });
    return found != std::end(upper_table) && found->cp == cp ? found->upper : std::string_view();
}

// ---------------------------------------------------------------- UTF-8
enum class status { ok, incomplete, invalid };

struct decoded {
    status state;
    std::size_t length;  // bytes of the character, when ok
    char32_t cp;
};

// Decodes the character starting at p[0] (not ASCII), looking at no more
// than n bytes. Strict UTF-8: what a lead byte allows as its second byte
// rules out overlong forms (E0 80..9F, F0 80..8F), UTF-16 surrogates
// (ED A0..BF) and code points past U+10FFFF (F4 90..BF). "incomplete": a
// valid start, but the bytes end too early.
decoded decode_utf8(const unsigned char* p, std::size_t n) {
    const unsigned char b = p[0];
    std::size_t length;
    char32_t cp;
    unsigned char lo = 0x80, hi = 0xBF;  // the allowed second byte
    if (b >= 0xC2 && b <= 0xDF) {
        length = 2, cp = b & 0x1F;  // C0 and C1 could only start an overlong form
    } else if (b >= 0xE0 && b <= 0xEF) {
        length = 3, cp = b & 0x0F;
        if (b == 0xE0) lo = 0xA0;
        if (b == 0xED) hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
        length = 4, cp = b & 0x07;
        if (b == 0xF0) lo = 0x90;
        if (b == 0xF4) hi = 0x8F;
    } else {
        return {status::invalid, 0, 0};  // 80..BF, C0, C1, F5..FF never start a character
    }
    for (std::size_t i = 1; i < length; ++i) {
        if (i == n) return {status::incomplete, 0, 0};
        if (p[i] < lo || p[i] > hi) return {status::invalid, 0, 0};
        cp = (cp << 6) | (p[i] & 0x3F);
        lo = 0x80, hi = 0xBF;
    }
    return {status::ok, length, cp};
}

// ---------------------------------------------------------------- ASCII
unsigned char ascii_upper(unsigned char b) {
    // Subtract 32 exactly when b is in 'a'..'z', without a branch.
    return static_cast<unsigned char>(b - ((static_cast<unsigned char>(b - 'a') < 26u) << 5));
}

// Speed work, for make bench's bulk stream, where the C floor uppercases in
// place, 16 bytes per instruction. Uppercases the ASCII letters of p[0, n)
// where they lie (every other byte stays as it is) and says whether all n
// bytes were ASCII, 16 at a time in the compiler's vector type (GCC, Clang).
// Byte by byte, the server used 2.8x the floor's CPU.
bool upper_ascii_in_place(char* p, std::size_t n) {
    using bytes16 = unsigned char __attribute__((vector_size(16)));
    bytes16 seen{};
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        bytes16 b;
        std::memcpy(&b, p + i, 16);
        seen |= b;
        b -= static_cast<bytes16>(static_cast<bytes16>(b - 'a') < 26) & 32;  // 'a'..'z': 0xFF & 32
        std::memcpy(p + i, &b, 16);
    }
    unsigned char any = 0;
    for (int k = 0; k < 16; ++k) any |= seen[k];
    for (; i < n; ++i) {
        any |= static_cast<unsigned char>(p[i]);
        p[i] = static_cast<char>(ascii_upper(static_cast<unsigned char>(p[i])));
    }
    return (any & 0x80) == 0;
}

// ---------------------------------------------------------------- the loop
// Writes the uppercase of `in` into buffer from buffer[w] on, advancing w,
// and returns how many bytes of `in` it used: all, unless hold_tail is set
// and `in` ends inside a character that is valid so far (those 1..3 bytes
// are for the caller to keep). The buffer only grows, so that a stream's
// buffer is not filled with zeros again for every piece.
//
// An invalid byte is copied as it is and decoding restarts at the next byte:
// that is what Python's 'surrogateescape' does (each bad byte becomes a
// placeholder of its own, which is encoded back to the same byte).
std::size_t upper_into(std::string_view in, std::string& buffer, std::size_t& w, bool hold_tail) {
    const auto* p = reinterpret_cast<const unsigned char*>(in.data());
    const std::size_t n = in.size();
    // Room for every character keeping its size; more is made below.
    if (buffer.size() < w + n) buffer.resize(w + n);
    std::size_t i = 0;
    while (i < n) {
        if (p[i] < 0x80) {
            buffer[w++] = static_cast<char>(ascii_upper(p[i++]));
            continue;
        }
        const decoded d = decode_utf8(p + i, n - i);
        if (d.state == status::incomplete && hold_tail) break;
        const std::size_t used = d.state == status::ok ? d.length : 1;  // one invalid byte: as it is
        std::string_view up = d.state == status::ok ? upper_char(d.cp) : std::string_view();
        if (up.empty()) up = in.substr(i, used);  // its own uppercase
        i += used;
        if (w + up.size() + (n - i) > buffer.size()) buffer.resize(w + up.size() + (n - i));  // an uppercase that grew
        std::memcpy(buffer.data() + w, up.data(), up.size());
        w += up.size();
    }
    return i;
}

}  // namespace

std::string upper(std::string_view message) {
    std::string out;
    std::size_t length = 0;
    upper_into(message, out, length, false);
    out.resize(length);
    return out;
}

std::string_view upper_stream::feed(std::span<char> piece) {
    // Speed work, for make bench's tcp-bulk: a piece of ASCII alone is
    // uppercased where it lies and goes out from there, without a copy.
    // (Copied into out_, tcp_server_threaded used 1.21x the C floor's CPU;
    // in place, 1.02x.)
    if (pending_.empty() && upper_ascii_in_place(piece.data(), piece.size()))
        return {piece.data(), piece.size()};
    std::string_view in(piece.data(), piece.size());
    std::string joined;  // rare: the last piece ended inside a character
    if (!pending_.empty()) in = joined = std::exchange(pending_, {}).append(in);
    std::size_t length = 0;  // of what goes out, in out_ (kept, with its room, for the next piece)
    const std::size_t used = upper_into(in, out_, length, true);
    pending_ = in.substr(used);  // the start of a character: at most 3 bytes
    return {out_.data(), length};
}

std::string_view upper_stream::finish() {
    out_ = std::exchange(pending_, {});
    return out_;
}

const char* unicode_version() { return table_unicode_version; }

}  // namespace text
