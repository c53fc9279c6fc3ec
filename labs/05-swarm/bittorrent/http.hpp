// http.hpp - just enough HTTP/1.x for a tracker and a status page.
//
// A peer's announce is an ordinary HTTP GET (BEP 3), so the tracker is a tiny
// web server: read the request's head, answer with a status line, two
// headers and a body, close. What comes in looks like
//
//   GET /announce?info_hash=...&port=6881 HTTP/1.1\r\n      the request line
//   Host: 127.0.0.1:6969\r\n                                headers, one a line
//   User-Agent: aria2/1.36.0\r\n
//   \r\n                                                    a blank line ends the head
//
// and what goes back is
//
//   HTTP/1.1 200 OK\r\n
//   Content-Type: text/plain\r\n
//   Content-Length: 42\r\n
//   Connection: close\r\n
//   \r\n
//   d8:intervali1800e5:peers6:...e                          exactly Content-Length bytes
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace bt::http {

// A request head longer than this is refused; a server stops reading there.
inline constexpr std::size_t max_head = 8192;

// Where the head ends in what has been received so far: the index just past
// the blank line, or npos while it has not all arrived (TCP is a byte
// stream: keep receiving and ask again).
std::size_t head_end(std::string_view received);

struct request {
    std::string method;                                        // "GET"
    std::string target;                                        // "/announce?info_hash=..."
    std::string version;                                       // "HTTP/1.1" or "HTTP/1.0"
    std::vector<std::pair<std::string, std::string>> headers;  // as they came, values trimmed

    std::string_view path() const;   // the target up to '?': "/announce"
    std::string_view query() const;  // after the '?', or "" when there is none
    // The value of a header, its name in any case ("host" finds "Host"), or nullptr.
    const std::string* header(std::string_view name) const;
};

// The head, blank line included (see head_end). Lines may end in "\r\n" or a
// bare "\n" (RFC 9112 allows a server to accept both).
net::result<request> parse_request(std::string_view head);

// A whole response: status line, Content-Type, Content-Length, Connection:
// close (we answer one request per connection), blank line, body.
std::string response(int status, std::string_view body, std::string_view content_type = "text/plain");

// "OK", "Bad Request", ... for the statuses a tracker uses.
std::string_view reason_phrase(int status);

}  // namespace bt::http
