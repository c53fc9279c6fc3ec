// test_sha1.cpp - SHA-1 against FIPS 180's published vectors and against sha1sum.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "labs/shared/sha1.hpp"

namespace {

// Each way of hashing blocks this machine has: the portable rounds, and the
// SHA extensions where the CPU has them. Every vector below is checked with each.
struct path {
    const char* name;
    bt::sha1_blocks::function blocks;
};
std::vector<path> paths() {
    std::vector<path> all{{"portable", bt::sha1_blocks::portable}};
    if (bt::sha1_blocks::x86_sha()) all.push_back({"x86 SHA extensions", bt::sha1_blocks::x86_sha()});
    return all;
}

std::string hex_with(bt::sha1_blocks::function blocks, std::string_view message) {
    bt::sha1 hasher(blocks);
    hasher.update(message);
    return bt::to_hex(hasher.finish());
}

// The same bytes every time, on every machine: xorshift32 (Marsaglia, 2003).
std::string pseudo_random_bytes(std::size_t size, std::uint32_t seed) {
    std::string bytes;
    std::uint32_t x = seed;
    for (std::size_t i = 0; i < size; ++i) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        bytes += static_cast<char>(x & 0xFF);
    }
    return bytes;
}

}  // namespace

TEST_CASE("sha1: the FIPS 180 test vectors, with each way of hashing blocks") {
    for (const path& way : paths()) {
        CAPTURE(way.name);
        auto hex_of = [&](std::string_view message) { return hex_with(way.blocks, message); };
        CHECK(hex_of("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
        CHECK(hex_of("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        CHECK(hex_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
              "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
        CHECK(hex_of("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsm"
                     "nopqrst"
                     "nopqrstu") == "a49b2446a02c645bf419f995b67091253a04a259");
        CHECK(hex_of(std::string(1000000, 'a')) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    }
}

TEST_CASE("sha1: one million 'a', fed 1000 at a time") {
    bt::sha1 hasher;
    std::string thousand(1000, 'a');
    for (int i = 0; i < 1000; ++i) hasher.update(thousand);
    CHECK(bt::to_hex(hasher.finish()) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

// The expected digests are what `sha1sum` printed for files holding these
// same bytes (written by a few lines of Python running the same xorshift32).
// The sizes sit on either side of the places where padding changes: 55 bytes
// is the most that fits in one block with the length, 64 is one whole block.
TEST_CASE("sha1: pseudo-random files, as sha1sum hashes them") {
    struct sample {
        std::size_t size;
        std::uint32_t seed;
        const char* sha1sum;
    };
    const sample samples[] = {
        {1, 1, "0ab8318acaf6e678dd02e2b5c343ed41111b393d"},
        {55, 2, "919866a09ba8ffd46e4803def9bae8db1cf5ff71"},
        {56, 3, "3c17d557fb5e6a3f8fd7539164a56986b567369c"},
        {63, 4, "a60f519cc5e7ec9886378fdfd7518d2ca1d5a3a4"},
        {64, 5, "7841d2fb411808b00339d23f37d7cc97b3666233"},
        {65, 6, "4e77700dfb8858c1f94474eea375c8717de57894"},
        {119, 7, "54ed4cb123997fb545c164b133748169c696c040"},
        {120, 8, "89f28005d537138e6385bdd4ea0b20705f34a861"},
        {1000, 9, "42bf8bc8e22793b863b63e2bf33021a980d009d8"},
        {1048577, 10, "24854de566ce07caceaffce35e3220501b25bcf2"},
    };
    for (const path& way : paths())
        for (const sample& s : samples) {
            CAPTURE(way.name);
            CAPTURE(s.size);
            CHECK(hex_with(way.blocks, pseudo_random_bytes(s.size, s.seed)) == s.sha1sum);
        }
}

TEST_CASE("sha1: the SHA extensions, where this CPU has them, agree with the portable rounds and are the ones used") {
    if (!bt::sha1_blocks::x86_sha()) {
        MESSAGE("this CPU (or compiler) has no SHA extensions: the portable rounds are used");
        CHECK((bt::sha1_blocks::fastest() == bt::sha1_blocks::portable));
        return;
    }
    CHECK((bt::sha1_blocks::fastest() == bt::sha1_blocks::x86_sha()));
    // Every length from 0 to 300 bytes (each padding case, one to five
    // blocks), split anywhere, and a whole piece of 256 KiB.
    for (std::size_t size = 0; size <= 300; ++size) {
        const std::string message = pseudo_random_bytes(size, static_cast<std::uint32_t>(size + 1));
        CAPTURE(size);
        CHECK(hex_with(bt::sha1_blocks::x86_sha(), message) == hex_with(bt::sha1_blocks::portable, message));
    }
    const std::string piece = pseudo_random_bytes(262144, 77);
    CHECK(hex_with(bt::sha1_blocks::x86_sha(), piece) == hex_with(bt::sha1_blocks::portable, piece));
}

TEST_CASE("sha1: any split into update() calls gives the one-shot digest") {
    std::string message = pseudo_random_bytes(200, 42);
    auto whole = bt::sha1::of(message);
    for (std::size_t cut = 0; cut <= message.size(); ++cut) {
        bt::sha1 hasher;
        hasher.update(std::string_view(message).substr(0, cut));
        hasher.update(std::string_view(message).substr(cut));
        CHECK(hasher.finish() == whole);
    }
    bt::sha1 bytewise;
    for (char c : message) bytewise.update(std::string_view(&c, 1));
    CHECK(bytewise.finish() == whole);
}

TEST_CASE("sha1: finish() starts the hasher afresh") {
    bt::sha1 hasher;
    hasher.update("something else first");
    (void)hasher.finish();
    hasher.update("abc");
    CHECK(bt::to_hex(hasher.finish()) == "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST_CASE("sha1: the digest as 20 raw bytes and as hex") {
    auto digest = bt::sha1::of("abc");
    CHECK(bt::as_bytes(digest).size() == 20);
    CHECK(bt::as_bytes(digest)[0] == '\xa9');
    CHECK(bt::to_hex(std::string_view("\x00\x0f\xf0\xff", 4)) == "000ff0ff");
}
