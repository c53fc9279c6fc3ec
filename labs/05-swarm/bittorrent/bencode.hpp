// bencode.hpp - BitTorrent's encoding of data (BEP 3, "bencoding").
//
// Four kinds of value, each written so that a decoder knows where it ends:
//
//   integer      i42e  i-3e  i0e               (no leading zeros, no -0)
//   byte string  4:spam   0:                   (length, colon, the bytes: any bytes)
//   list         l4:spami42ee                  (values between l and e)
//   dictionary   d3:cow3:moo4:spam4:eggse      (key, value, key, value... between d and e;
//                                              keys are byte strings, sorted as raw bytes)
//
// There is exactly one way to write each value, so decode followed by encode
// gives back the very same bytes. That matters: a torrent is named by the
// SHA-1 of its info dictionary's bytes, and two peers agree on that name only
// if they agree on those bytes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace bt::bencode {

struct value;
using integer = std::int64_t;  // BEP 3 sets no limit; 64 bits hold any file size
using list = std::vector<value>;
// A std::map keeps its keys sorted, and std::string compares bytes as
// unsigned char: exactly the raw-byte order that BEP 3 asks for. (A map of a
// type still being defined: the standard promises this for vector only, but
// libstdc++, libc++ and Microsoft's library all allow it.)
using dict = std::map<std::string, value>;

// A value is of one of the four kinds; the member of its kind holds it, and
// the other three stay empty.
struct value {
    enum class kind { integer, string, list, dict };
    kind type = kind::integer;
    bencode::integer number = 0;
    std::string bytes;
    bencode::list items;
    bencode::dict entries;

    value() = default;
    value(bencode::integer n) : number(n) {}
    value(int n) : number(n) {}
    value(std::string b) : type(kind::string), bytes(std::move(b)) {}
    value(std::string_view b) : type(kind::string), bytes(b) {}
    value(const char* text) : type(kind::string), bytes(text) {}
    value(bencode::list l) : type(kind::list), items(std::move(l)) {}
    value(bencode::dict d) : type(kind::dict), entries(std::move(d)) {}

    // Each returns nullptr when the value is of another kind.
    const bencode::integer* as_integer() const { return type == kind::integer ? &number : nullptr; }
    const std::string* as_string() const { return type == kind::string ? &bytes : nullptr; }
    const bencode::list* as_list() const { return type == kind::list ? &items : nullptr; }
    const bencode::dict* as_dict() const { return type == kind::dict ? &entries : nullptr; }

    bool operator==(const value& other) const = default;
};

// The entry `key` of a dictionary, or nullptr.
const value* find(const dict& entries, std::string_view key);

std::string encode(const value& v);

// Lists and dictionaries nested deeper than this are refused: each level is
// one call deeper in the decoder, and hostile input must not exhaust the stack.
inline constexpr int max_depth = 64;

// The one value that `input` holds, all of it. Strict: whatever is not the
// one way of writing a value (see the header comment) is an error naming
// the byte where it starts, e.g. "bencode: byte 1: leading zero in an integer".
net::result<value> decode(std::string_view input);

// The bytes of `key`'s value in the dictionary that `input` holds, exactly as
// they appear in `input` (a view into it). For the info hash: the SHA-1 of
// the info dictionary as it was written, not as we would write it again.
net::result<std::string_view> raw_entry(std::string_view input, std::string_view key);

}  // namespace bt::bencode
