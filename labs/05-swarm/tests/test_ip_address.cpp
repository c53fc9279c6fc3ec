// test_ip_address.cpp - IP addresses as text and as network-order bytes.
#include <doctest/doctest.h>

#include <string>

#include "bittorrent/ip_address.hpp"

namespace {

std::string bytes_of(std::string_view text) {
    auto bytes = bt::ip_to_bytes(text);
    REQUIRE(bytes.ok());
    return *bytes;
}

// The short form of `text`, after a trip through the bytes.
std::string canonical(std::string_view text) { return bt::ip_to_text(bytes_of(text)); }

}  // namespace

TEST_CASE("ip: IPv4 in network byte order") {
    CHECK(bytes_of("192.0.2.7") == std::string("\xc0\x00\x02\x07", 4));
    CHECK(bytes_of("0.0.0.0") == std::string(4, '\0'));
    CHECK(bytes_of("255.255.255.255") == std::string(4, '\xff'));
    CHECK(bt::ip_to_text(std::string("\x7f\x00\x00\x01", 4)) == "127.0.0.1");
}

TEST_CASE("ip: IPv6, with and without '::'") {
    CHECK(bytes_of("::1") == std::string(15, '\0') + "\x01");
    CHECK(bytes_of("::") == std::string(16, '\0'));
    CHECK(bytes_of("2001:db8::7") == std::string("\x20\x01\x0d\xb8", 4) + std::string(11, '\0') + "\x07");
    CHECK(bytes_of("1:2:3:4:5:6:7:8") == std::string("\0\1\0\2\0\3\0\4\0\5\0\6\0\7\0\x08", 16));
    CHECK(bytes_of("::ffff:192.0.2.7") == std::string(10, '\0') + std::string("\xff\xff\xc0\x00\x02\x07", 6));
    CHECK(bytes_of("2001:DB8::A") == bytes_of("2001:db8::a"));
}

TEST_CASE("ip: IPv6 printed in the short form of RFC 5952") {
    CHECK(canonical("2001:0db8:0000:0000:0000:0000:0000:0001") == "2001:db8::1");
    CHECK(canonical("2001:db8:0:0:1:0:0:1") == "2001:db8::1:0:0:1");     // the first of two equal runs
    CHECK(canonical("2001:db8:0:1:1:1:1:1") == "2001:db8:0:1:1:1:1:1");  // one zero group stays
    CHECK(canonical("1:0:0:2:0:0:0:3") == "1:0:0:2::3");                 // the longest run
    CHECK(canonical("0:0:0:0:0:0:0:0") == "::");
    CHECK(canonical("0:0:0:0:0:0:0:1") == "::1");
    CHECK(canonical("1:0:0:0:0:0:0:0") == "1::");
    CHECK(canonical("FE80::ABCD") == "fe80::abcd");
    CHECK(canonical("::ffff:10.1.2.3") == "::ffff:10.1.2.3");
    CHECK(bt::is_v4_mapped(bytes_of("::ffff:10.1.2.3")));
    CHECK_FALSE(bt::is_v4_mapped(bytes_of("::1")));
}

TEST_CASE("ip: anything that is not an address is refused") {
    for (std::string_view text :
         {"",         "localhost", "1.2.3",   "1.2.3.4.5",     "256.1.1.1",         "01.2.3.4",
          "1.2.3.4 ", " 1.2.3.4",  "1..2.3",  "1.2.3.",        "-1.2.3.4",          ":",
          ":::",      "1::2::3",   "12345::", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1:2:3:4::5:6:7:8",
          "::g",      "1:",        ":1",      "[::1]",         "fe80::1%eth0",      "1.2.3.4::",
          "::1.2.3"}) {
        CAPTURE(text);
        CHECK_FALSE(bt::ip_to_bytes(text).ok());
    }
    CHECK(bt::ip_to_bytes("example.org").error().message() == "'example.org' is not an IPv4 or IPv6 address");
}
