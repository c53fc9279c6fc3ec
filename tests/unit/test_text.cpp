// Unit tests for common/text.hpp: uppercasing exactly like Python 3's
//     b.decode('utf-8', 'surrogateescape').upper().encode('utf-8', 'surrogateescape')

#include "../../common/text.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "utf8_helpers.hpp"

namespace {

// Byte-by-byte reference for ASCII input.
std::string ascii_upper_reference(const std::string& s) {
    std::string out = s;
    for (char& c : out) {
        if (c >= 'a' && c <= 'z') {
            c = char(c - 'a' + 'A');
        }
    }
    return out;
}


// Sends s through an upper_stream cut at the given offsets (ascending, each <= size).
std::string stream_in_pieces(const std::string& s, const std::vector<std::size_t>& cuts) {
    text::upper_stream stream;
    std::string out;
    std::size_t from = 0;
    for (std::size_t cut : cuts) {
        std::string piece = s.substr(from, cut - from);  // feed() may uppercase it where it lies
        out += stream.feed(piece);
        from = cut;
    }
    std::string last = s.substr(from);
    out += stream.feed(last);
    out += stream.finish();
    return out;
}

// Short texts, valid and invalid, that the streaming tests cut in every possible way.
std::vector<std::string> stream_samples() {
    return {
        "",
        "hello world",
        "stra\xC3\x9F" "e \xEF\xAC\x81ne",                   // straße ﬁne
        "\xC5\x89" "a\xCE\x90",                               // ŉaΐ
        "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82",   // привет
        "x\xF0\x90\x90\xA8y\xF0\x9F\x98\x80z",                // x𐐨y😀z
        "\xE6\xBC\xA2\xE5\xAD\x97 ok",                        // 漢字 ok
        "a\xC0\xAF" "b\xE0\x80\xAF" "c",                      // overlong forms
        "a\xED\xA0\x80" "b\xF4\x90\x80\x80" "c",              // surrogate, above U+10FFFF
        "\x80" "a\xFF" "b\xE2\x82" "c\xE2\x82",               // stray, bad, truncated
        "\xF0\x90\x90" "\xF0\x90" "\xF0" "a",                 // 4-byte starts cut short
        std::string("n\0u\0l", 5),
    };
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Whole messages
// ---------------------------------------------------------------------------------------

TEST_CASE("text::upper uppercases ASCII letters and keeps every other ASCII byte") {
    CHECK(text::upper("hello, World! 123") == "HELLO, WORLD! 123");
    // The neighbours of 'a'..'z' must stay: '`' is 'a' - 1 and '{' is 'z' + 1.
    CHECK(text::upper("`az{@AZ[") == "`AZ{@AZ[");

    // All 128 ASCII bytes at every alignment, so both the 8-bytes-at-a-time path and the
    // byte-by-byte tail see each of them.
    std::string all;
    for (int c = 0; c < 128; ++c) {
        all += char(c);
    }
    for (std::size_t shift = 0; shift < 8; ++shift) {
        std::string s = std::string(shift, 'q') + all + all;
        CHECK(text::upper(s) == ascii_upper_reference(s));
    }
}

TEST_CASE("text::upper of an empty message is empty") {
    CHECK(text::upper("").empty());
    CHECK(text::upper(std::string_view()).empty());
}

TEST_CASE("text::upper passes NUL bytes through") {
    std::string in("a\0b\0\0c", 6);
    std::string out = text::upper(in);
    CHECK(out.size() == 6);
    CHECK(out == std::string("A\0B\0\0C", 6));
}

TEST_CASE("text::upper of each of the 256 single bytes") {
    for (int b = 0; b < 256; ++b) {
        CAPTURE(b);
        std::string in(1, char(b));
        // A lone byte >= 0x80 is never valid UTF-8, so it is kept as is.
        std::string expected = (b >= 'a' && b <= 'z') ? std::string(1, char(b - 32)) : in;
        CHECK(text::upper(in) == expected);
    }
}

TEST_CASE("text::upper expands characters whose uppercase is several characters") {
    CHECK(text::upper("stra\xC3\x9F" "e") == "STRASSE");      // ß -> SS
    CHECK(text::upper("\xEF\xAC\x81ne") == "FINE");           // ﬁ ligature -> FI
    CHECK(text::upper("\xC5\x89") == "\xCA\xBC" "N");         // ŉ -> ʼN
    // ΐ (U+0390) -> Ι (U+0399), combining diaeresis (U+0308), combining acute (U+0301):
    // 2 bytes become 6, the largest growth of any character.
    CHECK(text::upper("\xCE\x90") == "\xCE\x99\xCC\x88\xCC\x81");
}

TEST_CASE("text::upper handles Greek, Cyrillic, accented Latin and 4-byte letters") {
    // αβγ ωσς -> ΑΒΓ ΩΣΣ (both sigmas become Σ, as in Python)
    CHECK(text::upper("\xCE\xB1\xCE\xB2\xCE\xB3 \xCF\x89\xCF\x83\xCF\x82") ==
          "\xCE\x91\xCE\x92\xCE\x93 \xCE\xA9\xCE\xA3\xCE\xA3");
    // привет мир -> ПРИВЕТ МИР
    CHECK(text::upper("\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 "
                      "\xD0\xBC\xD0\xB8\xD1\x80") ==
          "\xD0\x9F\xD0\xA0\xD0\x98\xD0\x92\xD0\x95\xD0\xA2 \xD0\x9C\xD0\x98\xD0\xA0");
    // àéîõü ÿ -> ÀÉÎÕÜ Ÿ (Ÿ is U+0178, far from ÿ U+00FF)
    CHECK(text::upper("\xC3\xA0\xC3\xA9\xC3\xAE\xC3\xB5\xC3\xBC \xC3\xBF") ==
          "\xC3\x80\xC3\x89\xC3\x8E\xC3\x95\xC3\x9C \xC5\xB8");
    CHECK(text::upper("\xC2\xB5") == "\xCE\x9C");  // micro sign µ -> Greek Μ
    CHECK(text::upper(utf8(0x10428)) == utf8(0x10400));  // Deseret 𐐨 -> 𐐀
    CHECK(text::upper(utf8(0x1E943)) == utf8(0x1E921));  // last entry of the table
    CHECK(text::upper("\xC4\xB1") == "I");  // dotless ı shrinks to one byte
}

TEST_CASE("text::upper keeps characters that have no uppercase") {
    CHECK(text::upper("\xE6\xBC\xA2\xE5\xAD\x97") == "\xE6\xBC\xA2\xE5\xAD\x97");  // 漢字
    CHECK(text::upper("\xF0\x9F\x98\x80") == "\xF0\x9F\x98\x80");                  // 😀
    CHECK(text::upper("ABC \xC3\x80 \xCE\xA3") == "ABC \xC3\x80 \xCE\xA3");        // already upper
    CHECK(text::upper(utf8(0x10FFFF)) == utf8(0x10FFFF));                          // highest one
}

TEST_CASE("text::upper copies each kind of invalid UTF-8 unchanged") {
    struct Case {
        const char* what;
        std::string bad;
    };
    std::vector<Case> cases = {
        {"overlong 2-byte '/'", "\xC0\xAF"},
        {"overlong 3-byte '/'", "\xE0\x80\xAF"},
        // A lax decoder would read these as 'a' and uppercase them.
        {"overlong 2-byte 'a'", "\xC1\xA1"},
        {"overlong 3-byte 'a'", "\xE0\x81\xA1"},
        {"overlong 4-byte 'a'", "\xF0\x80\x81\xA1"},
        {"UTF-16 surrogate D800", "\xED\xA0\x80"},
        {"above U+10FFFF", "\xF4\x90\x80\x80"},
        {"lone continuation byte", "\x80"},
        {"truncated 3-byte sequence", "\xE2\x82"},
        {"byte FF", "\xFF"},
        {"F5, never a lead byte", "\xF5\x80\x80\x80"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.what);
        CHECK(text::upper(c.bad) == c.bad);
        // Valid lowercase text around the bad bytes is still uppercased ...
        CHECK(text::upper("ab" + c.bad + "cd\xC3\xA9") == "AB" + c.bad + "CD\xC3\x89");
        // ... including a character that starts right after them.
        CHECK(text::upper(c.bad + "\xC3\x9F") == c.bad + "SS");
    }
    // Truncated at the very end of the message, and in the middle followed by ASCII.
    CHECK(text::upper("euro \xE2\x82") == "EURO \xE2\x82");
    CHECK(text::upper("\xE2\x82" "abc") == "\xE2\x82" "ABC");
    // A valid euro sign € next to its truncated copy.
    CHECK(text::upper("\xE2\x82\xAC\xE2\x82" "x") == "\xE2\x82\xAC\xE2\x82" "X");
}

TEST_CASE("upper_stream: ASCII is uppercased where it lies; the rest in a buffer reused for every piece") {
    text::upper_stream stream;
    std::string ascii(1000, 'x');
    std::string_view first = stream.feed(ascii);
    CHECK(first == std::string(1000, 'X'));
    CHECK(first.data() == ascii.data());
    CHECK(ascii == std::string(1000, 'X'));
    std::string mixed = "\xC3\xA9" + std::string(998, 'x');  // é
    std::string_view second = stream.feed(mixed);
    CHECK(second == "\xC3\x89" + std::string(998, 'X'));
    const char* buffer = second.data();
    CHECK(buffer != mixed.data());
    std::string shorter = mixed.substr(0, 500);
    CHECK(stream.feed(shorter).data() == buffer);
    // Characters that grow ("ΐ": 2 bytes -> 6) make room as needed.
    std::string grows;
    for (int i = 0; i < 100; ++i) grows += "\xCE\x90";
    const std::string expected = text::upper(grows);
    CHECK(stream.feed(grows) == expected);
    CHECK(expected.size() == 3 * grows.size());
}

TEST_CASE("text::unicode_version names the table's Unicode version") {
    std::string v = text::unicode_version();
    CHECK(v.size() >= 5);
    CHECK(v.find('.') != std::string::npos);
}

// ---------------------------------------------------------------------------------------
// Streams (TCP): a character cut between two reads is uppercased as one.
// ---------------------------------------------------------------------------------------

// One piece through the stream, as a copy (feed() may uppercase the piece where it lies).
std::string fed(text::upper_stream& stream, std::string piece) { return std::string(stream.feed(piece)); }

TEST_CASE("upper_stream: a 4-byte character cut in every place") {
    const std::string deseret = utf8(0x10428);  // 𐐨 -> 𐐀
    const std::string expected = utf8(0x10400);
    for (std::size_t cut = 1; cut < 4; ++cut) {
        CAPTURE(cut);
        text::upper_stream stream;
        // Nothing can be decided before the character is complete.
        CHECK(fed(stream, deseret.substr(0, cut)) == "");
        CHECK(fed(stream, deseret.substr(cut)) == expected);
        CHECK(stream.finish() == "");
    }
    SUBCASE("one byte at a time") {
        text::upper_stream stream;
        std::string out;
        for (char c : deseret) {
            out += fed(stream, std::string(1, c));
        }
        CHECK(out == expected);
        CHECK(stream.finish() == "");
    }
}

TEST_CASE("upper_stream: held-back bytes") {
    text::upper_stream stream;
    SUBCASE("text before the cut is returned at once") {
        CHECK(fed(stream, "ab\xC3") == "AB");
        CHECK(fed(stream, "\x9F" "c") == "SSC");
    }
    SUBCASE("an empty piece changes nothing") {
        CHECK(fed(stream, "") == "");
        CHECK(fed(stream, std::string()) == "");
        CHECK(fed(stream, "\xE2") == "");
        CHECK(fed(stream, "") == "");
        CHECK(fed(stream, std::string()) == "");
        CHECK(fed(stream, "\x82\xAC") == "\xE2\x82\xAC");
    }
    SUBCASE("held bytes that turn out invalid are passed through") {
        CHECK(fed(stream, "\xE2\x82") == "");
        CHECK(fed(stream, "ab") == "\xE2\x82" "AB");
    }
    SUBCASE("bytes that can already be seen to be invalid are not held") {
        // Each of these starts like a character, but strict UTF-8 rules it out already.
        CHECK(fed(stream, "a\xE0\x80") == "A\xE0\x80");   // overlong
        CHECK(fed(stream, "b\xF0\x80") == "B\xF0\x80");   // overlong
        CHECK(fed(stream, "c\xED\xA0") == "C\xED\xA0");   // surrogate
        CHECK(fed(stream, "d\xF4\x90") == "D\xF4\x90");   // above U+10FFFF
        CHECK(fed(stream, "e\xC0") == "E\xC0");             // never a lead byte
        CHECK(fed(stream, "f\xF5") == "F\xF5");             // never a lead byte
        CHECK(stream.finish() == "");
    }
    SUBCASE("finish emits an unfinished character unchanged") {
        CHECK(fed(stream, "x\xF0\x9F\x98") == "X");
        CHECK(stream.finish() == "\xF0\x9F\x98");
        // The stream can then be used again from a clean state.
        CHECK(fed(stream, "\xC3\xA9") == "\xC3\x89");
    }
}

TEST_CASE("upper_stream: every 2-way and 3-way cut gives the same as upper()") {
    for (const std::string& s : stream_samples()) {
        CAPTURE(hex_bytes(s));
        const std::string expected = text::upper(s);
        for (std::size_t i = 0; i <= s.size(); ++i) {
            CHECK(stream_in_pieces(s, {i}) == expected);
            for (std::size_t j = i; j <= s.size(); ++j) {
                CHECK(stream_in_pieces(s, {i, j}) == expected);
            }
        }
        std::vector<std::size_t> every_byte;
        for (std::size_t i = 1; i < s.size(); ++i) {
            every_byte.push_back(i);
        }
        CHECK(stream_in_pieces(s, every_byte) == expected);
    }
}

TEST_CASE("upper_stream: random cuts of random text give the same as upper()") {
    std::mt19937 rng(20240229);
    // Mostly valid text with some damage, built from the samples.
    std::string s;
    std::vector<std::string> samples = stream_samples();
    for (int i = 0; i < 2000; ++i) {
        s += samples[rng() % samples.size()];
    }
    const std::string expected = text::upper(s);
    for (int round = 0; round < 20; ++round) {
        std::vector<std::size_t> cuts;
        std::size_t at = 0;
        while (true) {
            at += rng() % 9;  // pieces of 0 to 8 bytes, empty ones included
            if (at > s.size()) {
                break;
            }
            cuts.push_back(at);
        }
        CAPTURE(round);
        CHECK(stream_in_pieces(s, cuts) == expected);
    }
}

TEST_CASE("the ASCII fast path: every length around its 16-byte blocks, a non-ASCII byte anywhere") {
    text::upper_stream stream;
    for (std::size_t n = 0; n < 100; ++n) {
        CAPTURE(n);
        CHECK(fed(stream, std::string(n, 'q')) == std::string(n, 'Q'));
        for (std::size_t at = 0; at <= n; at += 7) {
            std::string piece = std::string(n, 'z') + "abc";
            piece.insert(at, "\xC3\xA9");  // é, at every 7th place
            CHECK(fed(stream, piece) == text::upper(piece));
            CHECK(fed(stream, std::string(n, 'b') + "\x80") == std::string(n, 'B') + "\x80");
        }
    }
    std::string all;  // every byte value, in pieces of every length from 1 to 256
    for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
    for (std::size_t n = 1; n <= all.size(); ++n) {
        text::upper_stream fresh;  // a piece may end inside a character: finish() gives those bytes
        const std::string out = fed(fresh, all.substr(0, n));
        CHECK(out + std::string(fresh.finish()) == text::upper(all.substr(0, n)));
    }
    std::string ascii = all.substr(0, 128);
    CHECK(fed(stream, ascii) == ascii_upper_reference(ascii));
}
