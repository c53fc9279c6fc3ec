// ip_address.hpp - IP addresses as text and as the bytes on the wire.
//
// A tracker's compact reply (BEP 23) carries each peer as its address in
// network byte order followed by its port: 4 + 2 bytes for IPv4, 16 + 2 for
// IPv6 (BEP 7, "peers6"). These two functions turn "192.0.2.7" or
// "2001:db8::7" into those 4 or 16 bytes and back, in plain C++: no socket
// library needed, the same on every system.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace bt {

// "192.0.2.7" -> 4 bytes, "2001:db8::7" or "::ffff:192.0.2.7" -> 16 bytes.
// Anything else (a host name, "1.2.3", "01.2.3.4", "1::2::3") is an error.
net::result<std::string> ip_to_bytes(std::string_view text);

// 4 or 16 bytes -> text, IPv6 in the short form of RFC 5952 ("2001:db8::7",
// "::ffff:192.0.2.7" for an IPv4 address seen through an IPv6 socket).
std::string ip_to_text(std::string_view bytes);

// An IPv4 address seen through an IPv6 socket, ::ffff:a.b.c.d: a server
// listening on IPv6 and IPv4 at once sees IPv4 clients this way.
bool is_v4_mapped(std::string_view bytes16);

}  // namespace bt
