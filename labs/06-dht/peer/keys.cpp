// keys.cpp - lab 06: a name's key, the first m bits of its SHA-1.
#include "keys.hpp"

#include "../../shared/sha1.hpp"

namespace dht {

id key_of(std::string_view name, int m) {
    const bt::sha1::digest d = bt::sha1::of(name);
    const std::uint32_t first = std::uint32_t{d[0]} << 24 | std::uint32_t{d[1]} << 16 | std::uint32_t{d[2]} << 8 | d[3];
    return m >= 32 ? first : first >> (32 - m);
}

bool within(id from, id key, id to) { return from < to ? from < key && key <= to : key > from || key <= to; }

}  // namespace dht
