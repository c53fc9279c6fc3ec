// keys.hpp - lab 06: from a name to its key on the circle, and the keys
// between two peers.
//
// The lecture: "key = hash(original key)". A name ("Xiaoming Liu", a movie
// title) is hashed with SHA-1 (lab 05's) and the hash cut down to m bits, so
// that names spread evenly over the identifiers 0 .. 2^m - 1.
#pragma once

#include <string_view>

#include "../routing.hpp"

namespace dht {

// The first m bits of SHA-1(name), as a number (m from 1 to 32).
id key_of(std::string_view name, int m);

// Whether `key` lies on the circle in (from, to], going clockwise: the given
// code's own, for the pairs a peer keeps and copies, so that they do not
// depend on the student's in_range (routing.cpp).
bool within(id from, id key, id to);

}  // namespace dht
