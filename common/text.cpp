#include "text.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <iterator>

namespace text {
namespace {

// ---------------------------------------------------------------------------------------
// The uppercase table, generated from Python by tools/gen_upper_table.py.
// ---------------------------------------------------------------------------------------

// One code point whose uppercase differs from itself.
struct UpperEntry {
    char32_t cp;
    char32_t upper;  // the uppercase code point, or kMulti | index into kUpperMulti
};

// An uppercase made of several code points ("ß" -> "SS"); unused slots are 0.
struct UpperMulti {
    char32_t cps[3];
};

// Marks UpperEntry::upper as an index into kUpperMulti. Code points stop at 0x10FFFF,
// so this bit is never set in a real one.
constexpr char32_t kMulti = 0x80000000;

#include "upper_table.inc"

// The lookup is a binary search, which is only correct on a sorted table: check it while
// compiling, so a hand edit of the .inc cannot silently break it.
constexpr bool table_is_sorted() {
    for (std::size_t i = 1; i < std::size(kUpperTable); ++i) {
        if (kUpperTable[i - 1].cp >= kUpperTable[i].cp) {
            return false;
        }
    }
    return true;
}
static_assert(table_is_sorted(), "upper_table.inc must be sorted by code point");

// Returns the table entry for cp, or nullptr when cp is its own uppercase.
//
// A binary search over the ~1500 entries: 11 halvings. It is written so that each step
// only picks one of two pointers, with no if/else to jump around. Compilers turn that
// into a "conditional move", which avoids the CPU's costly wrong guesses about which way
// a search goes (std::lower_bound does the same work, but with a branch per step).
const UpperEntry* find_upper(char32_t cp) {
    const UpperEntry* base = std::begin(kUpperTable);
    std::size_t len = std::size(kUpperTable);
    if (cp > base[len - 1].cp) {
        return nullptr;  // quick exit for emoji and most of the upper planes
    }
    // Invariant: if cp is in the table, it is in [base, base + len).
    while (len > 1) {
        std::size_t half = len / 2;
        base = (base[half - 1].cp < cp) ? base + half : base;
        len -= half;
    }
    return (base->cp == cp) ? base : nullptr;
}

// ---------------------------------------------------------------------------------------
// UTF-8 decoding and encoding.
// ---------------------------------------------------------------------------------------

enum class Status { ok, incomplete, invalid };

struct Decoded {
    Status status;
    std::size_t len;  // bytes of the sequence when status == ok
    char32_t cp;
};

// What a lead byte announces: the sequence length, the payload bits it carries, and the
// allowed range of the *second* byte. Narrowing that range is how strict UTF-8 rejects
// overlong forms (E0 80..9F, F0 80..8F), UTF-16 surrogates (ED A0..BF) and code points
// above U+10FFFF (F4 90..BF). Later continuation bytes are always 80..BF.
struct Lead {
    std::size_t len;  // 0: this byte can never start a character
    char32_t bits;
    unsigned char lo;
    unsigned char hi;
};

Lead classify_lead(unsigned char b) {
    if (b >= 0xC2 && b <= 0xDF) {
        return {2, char32_t(b & 0x1F), 0x80, 0xBF};  // C0 and C1 would only be overlong
    }
    if (b >= 0xE0 && b <= 0xEF) {
        unsigned char lo = (b == 0xE0) ? 0xA0 : 0x80;
        unsigned char hi = (b == 0xED) ? 0x9F : 0xBF;
        return {3, char32_t(b & 0x0F), lo, hi};
    }
    if (b >= 0xF0 && b <= 0xF4) {
        unsigned char lo = (b == 0xF0) ? 0x90 : 0x80;
        unsigned char hi = (b == 0xF4) ? 0x8F : 0xBF;
        return {4, char32_t(b & 0x07), lo, hi};
    }
    return {0, 0, 0, 0};  // ASCII is handled elsewhere; 80..BF, C0, C1, F5..FF are invalid
}

// Decodes the sequence starting at p[0] (a non-ASCII byte), looking at most n bytes.
// "incomplete" means the bytes so far are a valid start but the buffer ends too early.
Decoded decode_utf8(const unsigned char* p, std::size_t n) {
    Lead lead = classify_lead(p[0]);
    if (lead.len == 0) {
        return {Status::invalid, 0, 0};
    }
    char32_t cp = lead.bits;
    unsigned char lo = lead.lo;
    unsigned char hi = lead.hi;
    for (std::size_t i = 1; i < lead.len; ++i) {
        if (i == n) {
            return {Status::incomplete, 0, 0};
        }
        if (p[i] < lo || p[i] > hi) {
            return {Status::invalid, 0, 0};
        }
        cp = (cp << 6) | (p[i] & 0x3F);
        lo = 0x80;
        hi = 0xBF;
    }
    return {Status::ok, lead.len, cp};
}

// Writes cp as UTF-8 to dst (room for 4 bytes) and returns the number of bytes.
std::size_t encode_utf8(char32_t cp, char* dst) {
    if (cp < 0x80) {
        dst[0] = char(cp);
        return 1;
    }
    if (cp < 0x800) {
        dst[0] = char(0xC0 | (cp >> 6));
        dst[1] = char(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        dst[0] = char(0xE0 | (cp >> 12));
        dst[1] = char(0x80 | ((cp >> 6) & 0x3F));
        dst[2] = char(0x80 | (cp & 0x3F));
        return 3;
    }
    dst[0] = char(0xF0 | (cp >> 18));
    dst[1] = char(0x80 | ((cp >> 12) & 0x3F));
    dst[2] = char(0x80 | ((cp >> 6) & 0x3F));
    dst[3] = char(0x80 | (cp & 0x3F));
    return 4;
}

// The most bytes one character's uppercase can take: 3 code points of 4 bytes each.
constexpr std::size_t kMaxUpperBytes = 12;

// Writes the UTF-8 uppercase of cp to dst (room for kMaxUpperBytes) and returns its length,
// or returns 0 when cp is its own uppercase (the caller then copies the original bytes).
std::size_t upper_char(char32_t cp, char* dst) {
    const UpperEntry* e = find_upper(cp);
    if (e == nullptr) {
        return 0;
    }
    if ((e->upper & kMulti) == 0) {
        return encode_utf8(e->upper, dst);
    }
    std::size_t len = 0;
    for (char32_t c : kUpperMulti[e->upper & ~kMulti].cps) {
        if (c != 0) {
            len += encode_utf8(c, dst + len);
        }
    }
    return len;
}

// ---------------------------------------------------------------------------------------
// The ASCII fast path: almost all traffic in the course's exercises is ASCII.
// ---------------------------------------------------------------------------------------

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;  // the top bit of each byte

// Uppercases 8 ASCII bytes at once ("SWAR": SIMD within a register). For a byte b < 0x80,
// b + (0x80 - 'a') reaches 0x80 exactly when b >= 'a', and b + (0x80 - 'z' - 1) exactly
// when b > 'z'; the sums stay below 0x100, so no carry spills into the next byte.
// Flipping bit 0x20 (0x80 >> 2) of the bytes in 'a'..'z' makes them uppercase.
std::uint64_t upper_ascii_word(std::uint64_t w) {
    std::uint64_t at_least_a = w + kOnes * (0x80 - 'a');
    std::uint64_t above_z = w + kOnes * (0x80 - 'z' - 1);
    std::uint64_t is_lower = at_least_a & ~above_z & kHighBits;
    return w ^ (is_lower >> 2);
}

char upper_ascii_byte(unsigned char b) {
    return char((b >= 'a' && b <= 'z') ? b - ('a' - 'A') : b);
}

// Copies the leading run of ASCII bytes of src[0, n) to dst, uppercased, and returns its
// length (it stops at the first byte >= 0x80). memcpy is how C++ reads 8 bytes from any
// address without alignment trouble; compilers turn it into a single load.
std::size_t upper_ascii_run(const unsigned char* src, std::size_t n, char* dst) {
    std::size_t i = 0;
    // Four words (32 bytes) per step first: one "all ASCII?" test for the four,
    // and four independent conversions the processor can overlap.
    for (; i + 32 <= n; i += 32) {
        std::uint64_t w[4];
        std::memcpy(w, src + i, 32);
        if (((w[0] | w[1] | w[2] | w[3]) & kHighBits) != 0) {
            break;  // not all ASCII: go on a word at a time
        }
        for (std::uint64_t& word : w) word = upper_ascii_word(word);
        std::memcpy(dst + i, w, 32);
    }
    for (; i + 8 <= n; i += 8) {
        std::uint64_t w;
        std::memcpy(&w, src + i, 8);
        if ((w & kHighBits) != 0) {
            break;  // some byte here is not ASCII: finish this word byte by byte
        }
        w = upper_ascii_word(w);
        std::memcpy(dst + i, &w, 8);
    }
    for (; i < n && src[i] < 0x80; ++i) {
        dst[i] = upper_ascii_byte(src[i]);
    }
    return i;
}

// In place, for a buffer that is about to be sent anyway: no second buffer to
// fill. The block loop has a fixed length and no branch (subtract 32 exactly
// when b - 'a' < 26), which compilers turn into vector instructions.
unsigned char upper_ascii_branchless(unsigned char b) {
    return static_cast<unsigned char>(b - ((static_cast<unsigned char>(b - 'a') < 26u) << 5));
}

// ---------------------------------------------------------------------------------------
// Writing the result.
// ---------------------------------------------------------------------------------------

// Writes output straight into a std::string sized in advance, so the ASCII path needs no
// per-byte append. Invariant: the room left is at least the number of input bytes still
// to come. ASCII and unchanged characters take exactly their input size, so the string only
// grows when a character's uppercase is longer than the character itself ("ŉ" -> "ʼN").
class Writer {
public:
    Writer(std::string& s, std::size_t input_len) : s_(s), pos_(s.size()) {
        s_.resize(pos_ + input_len);
    }
    // Trims the unused room; runs even if an exception leaves early.
    ~Writer() { s_.resize(pos_); }
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    char* cursor() { return s_.data() + pos_; }
    void advance(std::size_t k) { pos_ += k; }

    // Writes k bytes (one character: at most kMaxUpperBytes), then keeps room for
    // `still_to_come` more input bytes. A plain loop beats a memcpy call for so few bytes.
    void write(const char* src, std::size_t k, std::size_t still_to_come) {
        if (s_.size() - pos_ < k + still_to_come) {
            s_.resize(pos_ + k + still_to_come);
        }
        char* dst = s_.data() + pos_;
        for (std::size_t i = 0; i < k; ++i) {
            dst[i] = src[i];
        }
        pos_ += k;
    }

private:
    std::string& s_;
    std::size_t pos_;
};

// Uppercases p[0, n) into w and returns how many bytes it consumed: n, except when
// hold_tail is set and the input ends inside a character that is valid so far — those
// last 1..3 bytes are left for the caller, as the next TCP read may complete them.
//
// An invalid byte is copied as is and decoding restarts at the very next byte. That is
// what Python's 'surrogateescape' does: it turns each bad byte into its own placeholder,
// and the placeholder is encoded back to the same byte.
std::size_t upper_into(const unsigned char* p, std::size_t n, Writer& w, bool hold_tail) {
    std::size_t i = 0;
    while (i < n) {
        std::size_t run = upper_ascii_run(p + i, n - i, w.cursor());
        w.advance(run);
        i += run;
        if (i == n) {
            break;
        }
        Decoded d = decode_utf8(p + i, n - i);
        if (d.status == Status::incomplete && hold_tail) {
            break;
        }
        if (d.status != Status::ok) {
            w.write(reinterpret_cast<const char*>(p + i), 1, n - i - 1);
            i += 1;
            continue;
        }
        char up[kMaxUpperBytes];
        std::size_t up_len = upper_char(d.cp, up);
        const char* src = (up_len > 0) ? up : reinterpret_cast<const char*>(p + i);
        i += d.len;
        w.write(src, (up_len > 0) ? up_len : d.len, n - i);
    }
    return i;
}

const unsigned char* bytes_of(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

// Copies up to 4 bytes. Unlike memcpy it is fine with the null pointer of an empty
// std::string_view.
void copy_bytes(void* dst, const void* src, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        static_cast<unsigned char*>(dst)[i] = static_cast<const unsigned char*>(src)[i];
    }
}

}  // namespace

std::string upper(std::string_view bytes) {
    std::string out;
    upper_append(bytes, out);
    return out;
}

void upper_append(std::string_view bytes, std::string& out) {
    Writer w(out, bytes.size());
    upper_into(bytes_of(bytes), bytes.size(), w, false);
}

std::string upper_stream::feed(std::string_view piece) {
    std::string out;
    feed(piece, out);
    return out;
}

void upper_stream::feed(std::string_view piece, std::string& out) {
    if (pending_len_ > 0) {
        piece = complete_pending(piece, out);
        if (pending_len_ > 0) {
            return;  // the piece was too short to finish the character
        }
    }
    std::size_t used;
    {
        Writer w(out, piece.size());
        used = upper_into(bytes_of(piece), piece.size(), w, true);
    }
    // What is left is the start of a character (at most 3 bytes): keep it for next time.
    pending_len_ = piece.size() - used;
    copy_bytes(pending_, piece.data() + used, pending_len_);
}

std::string_view upper_stream::complete_pending(std::string_view piece, std::string& out) {
    // Glue the held-back bytes to the first bytes of the new piece; 4 is enough for any
    // character.
    unsigned char buf[4];
    std::size_t held = pending_len_;
    std::size_t taken = std::min(piece.size(), sizeof buf - held);
    copy_bytes(buf, pending_, held);
    copy_bytes(buf + held, piece.data(), taken);

    Decoded d = decode_utf8(buf, held + taken);
    if (d.status == Status::incomplete) {
        copy_bytes(pending_, buf, held + taken);  // still unfinished; fewer than 4 bytes
        pending_len_ = held + taken;
        return piece.substr(taken);
    }
    pending_len_ = 0;
    if (d.status == Status::invalid) {
        // The held bytes are a lead byte and continuation bytes; none of them can start a
        // character, so all are invalid and copied as is. The new piece starts fresh.
        out.append(pending_, held);
        return piece;
    }
    char up[kMaxUpperBytes];
    std::size_t up_len = upper_char(d.cp, up);
    if (up_len > 0) {
        out.append(up, up_len);
    } else {
        out.append(reinterpret_cast<const char*>(buf), d.len);
    }
    return piece.substr(d.len - held);
}

std::string upper_stream::finish() {
    // The stream ended inside a character: those bytes are invalid UTF-8 and, like every
    // invalid byte, are passed through unchanged.
    std::string rest(pending_, pending_len_);
    pending_len_ = 0;
    return rest;
}

std::size_t upper_ascii_in_place(char* data, std::size_t size) {
    auto* p = reinterpret_cast<unsigned char*>(data);
    std::size_t i = 0;
    for (; i + 32 <= size; i += 32) {
        std::uint64_t w[4];
        std::memcpy(w, p + i, 32);
        if (((w[0] | w[1] | w[2] | w[3]) & kHighBits) != 0) break;
        for (std::size_t k = 0; k < 32; ++k) p[i + k] = upper_ascii_branchless(p[i + k]);
    }
    for (; i < size && p[i] < 0x80; ++i) p[i] = upper_ascii_branchless(p[i]);
    return i;
}

const char* unicode_version() {
    return kUnicodeVersion;
}

}  // namespace text
