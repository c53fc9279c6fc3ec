// units.cpp - reading and writing sizes and rates (see units.hpp).
#include "units.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iterator>

namespace {

struct unit {
    const char* name;
    double bytes;
};

const unit units[] = {
    {"", 1},
    {"B", 1},
    {"KiB", 1024.0},
    {"MiB", 1024.0 * 1024},
    {"GiB", 1024.0 * 1024 * 1024},
    {"TiB", 1024.0 * 1024 * 1024 * 1024},
    {"kB", 1e3},
    {"MB", 1e6},
    {"GB", 1e9},
    {"TB", 1e12},
    {"bit", 1.0 / 8},
    {"kbit", 1e3 / 8},
    {"Mbit", 1e6 / 8},
    {"Gbit", 1e9 / 8},
};

// How many characters at the start of `text` make a plain decimal number:
// an optional sign, digits with at most one point, an optional exponent.
// (strtod alone would also take "inf", "nan" and hexadecimal.)
std::size_t number_length(std::string_view text) {
    std::size_t at = 0;
    auto digits = [&] {
        const std::size_t from = at;
        while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]))) ++at;
        return at - from;
    };
    if (at < text.size() && (text[at] == '-' || text[at] == '+')) ++at;
    std::size_t mantissa = digits();
    if (at < text.size() && text[at] == '.') {
        ++at;
        mantissa += digits();
    }
    if (mantissa == 0) return 0;
    if (at < text.size() && (text[at] == 'e' || text[at] == 'E')) {
        const std::size_t before = at;
        ++at;
        if (at < text.size() && (text[at] == '-' || text[at] == '+')) ++at;
        if (digits() == 0) at = before;  // "5e" is 5 followed by something else
    }
    return at;
}

// The value in the largest unit of one family it reaches: 943718400 is
// 900 MiB, 1e8 is 100 MB. Whether it comes out round: 900, not 95.37.
struct in_family {
    double value;
    const char* name;
    bool round;
};
in_family largest_unit(double bytes, double base, const char* const (&names)[5]) {
    std::size_t i = 0;
    while (i + 1 < std::size(names) && std::abs(bytes) >= base) bytes /= base, ++i;
    return {bytes, names[i], bytes * 1000 == std::round(bytes * 1000)};
}

std::string with_unit(double bytes, const char* suffix) {
    const char* const binary[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    const char* const decimal[] = {"B", "kB", "MB", "GB", "TB"};
    in_family shown = largest_unit(bytes, 1024, binary);
    const in_family other = largest_unit(bytes, 1000, decimal);
    if (!shown.round && other.round) shown = other;
    char text[64];
    std::snprintf(text, sizeof text, "%.4g %s%s", shown.value, shown.name, suffix);
    return text;
}

}  // namespace

const char* const known_units = "B, KiB, MiB, GiB, TiB, kB, MB, GB, TB, bit, kbit, Mbit, Gbit";

std::optional<double> parse_size(std::string_view text) {
    const std::size_t length = number_length(text);
    if (length == 0) return std::nullopt;
    const std::string number(text.substr(0, length));
    const std::string_view name = text.substr(length);
    for (const unit& u : units) {
        if (name != u.name) continue;
        const double value = std::strtod(number.c_str(), nullptr) * u.bytes;
        if (!std::isfinite(value)) return std::nullopt;  // 1e999
        return value;
    }
    return std::nullopt;
}

std::optional<double> parse_rate(std::string_view text) {
    const std::string_view per_second = "/s";
    if (text.size() > per_second.size() && text.substr(text.size() - per_second.size()) == per_second)
        text.remove_suffix(per_second.size());
    return parse_size(text);
}

std::string format_size(double bytes) { return with_unit(bytes, ""); }

std::string format_rate(double bytes_per_second) { return with_unit(bytes_per_second, "/s"); }
