// test_bencode.cpp - the encoder, and a decoder that refuses everything but the one way to write a value.
#include <doctest/doctest.h>

#include <string>

#include "bittorrent/bencode.hpp"

using namespace bt::bencode;

namespace {

// The error for `input`, which must not decode.
net::error refusal(std::string_view input) {
    auto decoded = decode(input);
    REQUIRE_FALSE(decoded.ok());
    return decoded.error();
}

}  // namespace

TEST_CASE("bencode: the examples of BEP 3") {
    CHECK(encode("spam") == "4:spam");
    CHECK(encode(3) == "i3e");
    CHECK(encode(-3) == "i-3e");
    CHECK(encode(0) == "i0e");
    CHECK(encode(list{"spam", "eggs"}) == "l4:spam4:eggse");
    CHECK(encode(dict{{"cow", "moo"}, {"spam", "eggs"}}) == "d3:cow3:moo4:spam4:eggse");
    CHECK(encode(dict{{"spam", list{"a", "b"}}}) == "d4:spaml1:a1:bee");
    CHECK(encode("") == "0:");
    CHECK(encode(list{}) == "le");
    CHECK(encode(dict{}) == "de");
}

TEST_CASE("bencode: dictionary keys are sorted as raw bytes, not as text") {
    // 'Z' (0x5A) < 'a' (0x61) < 'b' < 0xFF: byte order, with bytes above 0x7F last.
    dict entries{{"b", 1}, {"\xff", 2}, {"a", 3}, {"Z", 4}};
    CHECK(encode(entries) == "d1:Zi4e1:ai3e1:bi1e1:\xffi2ee");
}

TEST_CASE("bencode: decoding gives back the value, and encoding the same bytes") {
    for (std::string_view input :
         {"i42e", "i-7e", "i0e", "4:spam", "0:", "le", "de", "l4:spami42ee", "d3:cow3:moo4:spam4:eggse",
          "d1:ad1:bl1:ci1eeee", "i9223372036854775807e", "i-9223372036854775808e"}) {
        CAPTURE(input);
        auto decoded = decode(input);
        REQUIRE(decoded.ok());
        CHECK(encode(*decoded) == input);
    }
    auto decoded = decode("d4:spaml1:a1:bee");
    REQUIRE(decoded.ok());
    CHECK(*decoded == value(dict{{"spam", list{"a", "b"}}}));
}

TEST_CASE("bencode: byte strings hold any bytes") {
    std::string binary("\x00\xff:e\r\n", 6);
    auto decoded = decode(encode(binary));
    REQUIRE(decoded.ok());
    REQUIRE(decoded->as_string());
    CHECK(*decoded->as_string() == binary);
}

TEST_CASE("bencode: integers in the wrong form are refused, with where") {
    auto leading_zero = refusal("i03e");
    CHECK(leading_zero.offset == 1u);
    CHECK(leading_zero.message() == "bencode: byte 1: leading zero in an integer");
    CHECK(refusal("i-0e").message().find("-0") != std::string::npos);
    CHECK(refusal("i-03e").message().find("leading zero") != std::string::npos);
    CHECK(refusal("ie").message().find("expected a digit") != std::string::npos);
    CHECK(refusal("i-e").message().find("expected a digit") != std::string::npos);
    CHECK(refusal("i+3e").message().find("expected a digit") != std::string::npos);
    CHECK(refusal("i12").message().find("the input ends") != std::string::npos);
    auto stray = refusal("i12x");
    CHECK(stray.offset == 3u);
    CHECK(stray.message().find("expected 'e'") != std::string::npos);
    CHECK(refusal("i9223372036854775808e").message().find("too large") != std::string::npos);
}

TEST_CASE("bencode: strings that are not whole are refused") {
    auto past_the_end = refusal("5:abc");
    CHECK(past_the_end.offset == 0u);
    CHECK(past_the_end.message().find("runs past the end") != std::string::npos);
    CHECK(refusal("l5:abce").message().find("runs past the end") != std::string::npos);
    CHECK(refusal("03:abc").message().find("leading zero") != std::string::npos);
    CHECK(refusal("3abc").message().find("expected ':'") != std::string::npos);
    CHECK(refusal("99999999999999999999:x").message().find("too large") != std::string::npos);
    CHECK(refusal("18446744073709551615:x").message().find("too large") != std::string::npos);
    CHECK(refusal("-1:x").message().find("unexpected byte '-'") != std::string::npos);
}

TEST_CASE("bencode: lists and dictionaries must end") {
    auto open_list = refusal("l4:spam");
    CHECK(open_list.offset == 0u);
    CHECK(open_list.message().find("has no 'e'") != std::string::npos);
    CHECK(refusal("d3:cow3:moo").message().find("has no 'e'") != std::string::npos);
    CHECK(refusal("d3:cowe").message().find("unexpected byte 'e'") != std::string::npos);  // a key without a value
    CHECK(refusal("l").message().find("has no 'e'") != std::string::npos);
    CHECK(refusal("").message().find("the input ends") != std::string::npos);
    CHECK(refusal("x").message().find("unexpected byte 'x'") != std::string::npos);
}

TEST_CASE("bencode: dictionary keys must be strings, sorted, and each once") {
    auto unsorted = refusal("d1:b0:1:a0:e");
    CHECK(unsorted.offset == 6u);
    CHECK(unsorted.message() == "bencode: byte 6: dictionary key 'a' comes after 'b': keys must be sorted");
    auto duplicate = refusal("d1:a0:1:a0:e");
    CHECK(duplicate.offset == 6u);
    CHECK(duplicate.message().find("duplicate dictionary key 'a'") != std::string::npos);
    CHECK(refusal("di1e0:e").message().find("key must be a byte string") != std::string::npos);
    // Raw byte order: "\xff" after "a" is right, "a" after "\xff" is not.
    std::string high_key = "1:\xff";
    CHECK(decode("d1:a0:" + high_key + "0:e").ok());
    CHECK(refusal("d" + high_key + "0:1:a0:e").message().find("'\\xff'") != std::string::npos);
}

TEST_CASE("bencode: nothing may follow the value") {
    auto trailing = refusal("i1ei2e");
    CHECK(trailing.offset == 3u);
    CHECK(trailing.message().find("3 bytes after the end") != std::string::npos);
    CHECK_FALSE(decode("4:spam\n").ok());
}

TEST_CASE("bencode: nesting is limited") {
    std::string deepest = std::string(max_depth, 'l') + std::string(max_depth, 'e');
    CHECK(decode(deepest).ok());
    std::string too_deep = std::string(max_depth + 1, 'l') + std::string(max_depth + 1, 'e');
    auto refused = refusal(too_deep);
    CHECK(refused.offset == static_cast<std::size_t>(max_depth));
    CHECK(refused.message().find("nested more than") != std::string::npos);
    // Hostile input a million levels deep is refused, not a stack overflow.
    CHECK_FALSE(decode(std::string(1000000, 'l')).ok());
    std::string dictionaries;
    for (int i = 0; i < 100000; ++i) dictionaries += "d1:a";
    CHECK(refusal(dictionaries).message().find("nested more than") != std::string::npos);
}

TEST_CASE("bencode: the raw bytes of an entry, exactly as they appear") {
    std::string_view torrent = "d8:announce3:url4:infod6:lengthi5e4:name1:xe4:zzzzi1ee";
    auto info = raw_entry(torrent, "info");
    REQUIRE(info.ok());
    CHECK(*info == "d6:lengthi5e4:name1:xe");
    CHECK(info->data() == torrent.data() + torrent.find("d6:"));  // a view into the input, not a copy
    auto last = raw_entry(torrent, "zzzz");
    REQUIRE(last.ok());
    CHECK(*last == "i1e");

    CHECK(raw_entry(torrent, "missing").error().message().find("no key 'missing'") != std::string::npos);
    CHECK(raw_entry("l4:infoe", "info").error().message().find("not a dictionary") != std::string::npos);
    CHECK(raw_entry("d4:infoi1e", "info").error().message().find("has no 'e'") != std::string::npos);
}

TEST_CASE("bencode: find() and the accessors") {
    value v = dict{{"n", 7}, {"s", "text"}};
    const dict& entries = *v.as_dict();
    REQUIRE(find(entries, "n"));
    CHECK(*find(entries, "n")->as_integer() == 7);
    CHECK(find(entries, "n")->as_string() == nullptr);
    CHECK(*find(entries, "s")->as_string() == "text");
    CHECK(find(entries, "absent") == nullptr);
}

TEST_CASE("bencode: damaged input never crashes, and what decodes is canonical") {
    const std::string good =
        "d8:announce9:http://x/4:infod6:lengthi12345e4:name3:a.b12:piece lengthi16384e"
        "6:pieces20:01234567890123456789e4:listli-1ei0e0:leee";
    REQUIRE(decode(good).ok());
    // Every proper prefix is cut short somewhere, so every one is refused.
    for (std::size_t size = 0; size < good.size(); ++size) {
        CAPTURE(size);
        CHECK_FALSE(decode(std::string_view(good).substr(0, size)).ok());
    }
    // Each byte replaced by each of a few troublemakers: either refused, or a
    // value whose encoding is exactly the input (the one way to write it).
    for (std::size_t at = 0; at < good.size(); ++at) {
        for (char replacement : {'0', '9', '-', ':', 'i', 'l', 'd', 'e', 'x', '\0'}) {
            std::string damaged = good;
            damaged[at] = replacement;
            auto decoded = decode(damaged);
            if (decoded.ok()) CHECK(encode(*decoded) == damaged);
        }
    }
}
