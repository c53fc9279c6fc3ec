// units.hpp - sizes and rates as people write them: "900MiB", "256KiB/s",
// "8Mbit/s". (Given code: you use it, you do not need to change it.)
//
// A size is a number (digits, a decimal point, an exponent: 1.5, 2e3)
// followed, without a space, by one unit, or by none (bytes):
//
//   B                       bytes
//   KiB MiB GiB TiB         1024, 1024^2, ... bytes (what files are measured in)
//   kB MB GB TB             1000, 1000^2, ... bytes
//   bit kbit Mbit Gbit      1/8, 1000/8, ... bytes (what links are sold in)
//
// A rate is a size per second: the same, optionally followed by "/s".
// A sign is accepted ("-5MiB" is -5 MiB), so that the caller can say that a
// rate must be more than 0 instead of saying it is not a number.
#pragma once

#include <optional>
#include <string>
#include <string_view>

// Bytes, or nothing when the text is not a number with a known unit.
std::optional<double> parse_size(std::string_view text);

// Bytes per second, or nothing when the text is not a size with an optional "/s".
std::optional<double> parse_rate(std::string_view text);

// For people: "900 MiB", "1.5 GiB", "512 B"; "2.5 MiB/s". Four significant digits at most.
std::string format_size(double bytes);
std::string format_rate(double bytes_per_second);

// What the units are, for messages: "B, KiB, MiB, GiB, TiB, kB, ...".
extern const char* const known_units;
