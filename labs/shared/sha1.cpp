// sha1.cpp - SHA-1 as FIPS 180-4, section 6.1.2, describes it.
#include "sha1.hpp"

#include <algorithm>
#include <cstring>

namespace bt {

namespace {

std::uint32_t rotate_left(std::uint32_t x, int bits) { return (x << bits) | (x >> (32 - bits)); }

// SHA-1 reads and writes its words big-endian, whatever the machine's order.
std::uint32_t load_big_endian(const std::uint8_t* p) {
    return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | std::uint32_t{p[3]};
}

void store_big_endian(std::uint64_t value, std::uint8_t* p, int bytes) {
    for (int i = bytes - 1; i >= 0; --i, value >>= 8) p[i] = static_cast<std::uint8_t>(value);
}

}  // namespace

void sha1::reset() {
    state_ = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};  // FIPS 180-4, 5.3.1
    buffered_ = 0;
    length_ = 0;
}

namespace sha1_blocks {

// One 64-byte block into the state: the computation of FIPS 180-4, 6.1.2.
static void compress(state& h, const std::uint8_t* block) {
    // The message schedule: 16 words from the block, 64 more mixed from them.
    std::uint32_t w[80];
    for (int t = 0; t < 16; ++t) w[t] = load_big_endian(block + 4 * t);
    for (int t = 16; t < 80; ++t) w[t] = rotate_left(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);

    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int t = 0; t < 80; ++t) {
        // Four rounds of 20 steps, each with its own function and constant.
        std::uint32_t f, k;
        if (t < 20) {
            f = (b & c) | (~b & d);  // Ch: bits of c where b is 1, of d where b is 0
            k = 0x5A827999;
        } else if (t < 40) {
            f = b ^ c ^ d;  // Parity
            k = 0x6ED9EBA1;
        } else if (t < 60) {
            f = (b & c) | (b & d) | (c & d);  // Maj: the majority of the three bits
            k = 0x8F1BBCDC;
        } else {
            f = b ^ c ^ d;  // Parity
            k = 0xCA62C1D6;
        }
        std::uint32_t next = rotate_left(a, 5) + f + e + k + w[t];
        e = d;
        d = c;
        c = rotate_left(b, 30);
        b = a;
        a = next;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
}

void portable(state& h, const std::uint8_t* blocks, std::size_t count) {
    for (; count > 0; --count, blocks += 64) compress(h, blocks);
}

}  // namespace sha1_blocks

void sha1::update(std::string_view bytes) {
    auto data = reinterpret_cast<const std::uint8_t*>(bytes.data());
    std::size_t left = bytes.size();
    length_ += left;
    while (left > 0) {
        if (buffered_ == 0 && left >= block_.size()) {  // whole blocks: hashed where they are
            const std::size_t whole = left / block_.size();
            blocks_(state_, data, whole);
            data += whole * block_.size();
            left -= whole * block_.size();
            continue;
        }
        // Top up the waiting block; hash it whenever it is full.
        std::size_t take = std::min(left, block_.size() - buffered_);
        std::memcpy(block_.data() + buffered_, data, take);
        buffered_ += take;
        data += take;
        left -= take;
        if (buffered_ == block_.size()) {
            blocks_(state_, block_.data(), 1);
            buffered_ = 0;
        }
    }
}

sha1::digest sha1::finish() {
    // Padding (5.1.1): a 1 bit, zeros up to 56 bytes into a block, then the
    // message length in bits as a 64-bit big-endian number.
    std::uint64_t bit_length = length_ * 8;
    static constexpr std::uint8_t one_bit[1] = {0x80};
    static constexpr std::uint8_t zeros[64] = {};
    update(std::string_view(reinterpret_cast<const char*>(one_bit), 1));
    std::size_t pad = (buffered_ <= 56 ? 56 : 120) - buffered_;
    update(std::string_view(reinterpret_cast<const char*>(zeros), pad));
    std::uint8_t length_bytes[8];
    store_big_endian(bit_length, length_bytes, 8);
    update(std::string_view(reinterpret_cast<const char*>(length_bytes), 8));

    digest result;
    for (int i = 0; i < 5; ++i) store_big_endian(state_[i], result.data() + 4 * i, 4);
    reset();
    return result;
}

sha1::digest sha1::of(std::string_view bytes) {
    sha1 hasher;
    hasher.update(bytes);
    return hasher.finish();
}

std::string_view as_bytes(const sha1::digest& digest) {
    return std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size());
}

std::string to_hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string hex;
    for (unsigned char byte : bytes) {
        hex += digits[byte >> 4];
        hex += digits[byte & 0x0F];
    }
    return hex;
}

}  // namespace bt
