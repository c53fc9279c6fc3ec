// ip_address.cpp - parsing and printing IPv4 and IPv6 addresses (RFC 4291, RFC 5952).
#include "ip_address.hpp"

#include <cstdint>
#include <vector>

namespace bt {

namespace {

constexpr char hex_digits[] = "0123456789abcdef";

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Four decimal numbers 0-255 separated by dots, without leading zeros
// (some systems read "010" as octal 8: better refuse it than guess).
bool parse_ipv4(std::string_view text, std::string& bytes) {
    int parts = 0;
    std::size_t pos = 0;
    while (parts < 4) {
        std::size_t start = pos;
        int number = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && pos - start < 3) {
            number = number * 10 + (text[pos++] - '0');
        }
        std::size_t digits = pos - start;
        if (digits == 0 || number > 255 || (digits > 1 && text[start] == '0')) return false;
        bytes += static_cast<char>(number);
        if (++parts < 4 && (pos == text.size() || text[pos++] != '.')) return false;
    }
    return pos == text.size();
}

// Groups of 1-4 hex digits separated by ':', the last one maybe an IPv4
// address (worth two groups). Appends 2 bytes per group.
bool parse_groups(std::string_view text, bool ipv4_may_end_it, std::string& bytes) {
    while (!text.empty()) {
        std::size_t colon = text.find(':');
        std::string_view group = text.substr(0, colon);
        if (colon == text.npos && ipv4_may_end_it && group.find('.') != group.npos) return parse_ipv4(group, bytes);
        if (group.empty() || group.size() > 4) return false;
        int value = 0;
        for (char c : group) {
            if (hex_value(c) < 0) return false;
            value = value * 16 + hex_value(c);
        }
        bytes += static_cast<char>(value >> 8);
        bytes += static_cast<char>(value & 0xFF);
        if (colon == text.npos) break;
        text.remove_prefix(colon + 1);
        if (text.empty()) return false;  // a ':' at the very end
    }
    return true;
}

// Eight groups, or fewer with one "::" standing for the zero groups left out.
bool parse_ipv6(std::string_view text, std::string& bytes) {
    std::size_t gap = text.find("::");
    if (gap == text.npos) return parse_groups(text, true, bytes) && bytes.size() == 16;

    std::string before, after;
    if (!parse_groups(text.substr(0, gap), false, before)) return false;
    if (!parse_groups(text.substr(gap + 2), true, after)) return false;
    if (before.size() + after.size() > 14) return false;  // "::" stands for at least one group
    bytes = before + std::string(16 - before.size() - after.size(), '\0') + after;
    return true;
}

std::string ipv4_text(std::string_view bytes4) {
    std::string text;
    for (unsigned char byte : bytes4) {
        if (!text.empty()) text += '.';
        text += std::to_string(byte);
    }
    return text;
}

std::string group_text(unsigned value) {
    std::string text;
    for (int shift = 12; shift >= 0; shift -= 4) {
        if (!text.empty() || (value >> shift) != 0 || shift == 0) text += hex_digits[(value >> shift) & 0xF];
    }
    return text;
}

}  // namespace

net::result<std::string> ip_to_bytes(std::string_view text) {
    std::string bytes;
    bool ok = text.find(':') == text.npos ? parse_ipv4(text, bytes) : parse_ipv6(text, bytes);
    if (!ok) {
        std::string shown(text);
        return net::fail("'" + shown + "' is not an IPv4 or IPv6 address");
    }
    return bytes;
}

bool is_v4_mapped(std::string_view bytes16) {
    return bytes16.size() == 16 && bytes16.substr(0, 12) == std::string_view("\0\0\0\0\0\0\0\0\0\0\xff\xff", 12);
}

std::string ip_to_text(std::string_view bytes) {
    if (bytes.size() == 4) return ipv4_text(bytes);
    if (bytes.size() != 16) return "";
    if (is_v4_mapped(bytes)) return "::ffff:" + ipv4_text(bytes.substr(12));

    std::vector<unsigned> groups;
    for (std::size_t i = 0; i < 16; i += 2) {
        groups.push_back(static_cast<unsigned char>(bytes[i]) << 8 | static_cast<unsigned char>(bytes[i + 1]));
    }
    // RFC 5952: "::" replaces the longest run of two or more zero groups (the first, if two runs tie).
    int best_start = -1, best_length = 1;
    for (int i = 0; i < 8;) {
        int run = 0;
        while (i + run < 8 && groups[i + run] == 0) ++run;
        if (run > best_length) best_start = i, best_length = run;
        i += run > 0 ? run : 1;
    }
    std::string text;
    for (int i = 0; i < 8; ++i) {
        if (i == best_start) {
            text += "::";
            i += best_length - 1;
            continue;
        }
        if (!text.empty() && text.back() != ':') text += ':';
        text += group_text(groups[i]);
    }
    return text;
}

}  // namespace bt
