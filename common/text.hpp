#pragma once

// Uppercasing of received bytes, exactly like the lecture's Python server.
//
// The Python server does `message.decode().upper()`. For any byte string b our result is
// the same bytes as Python's
//     b.decode('utf-8', 'surrogateescape').upper().encode('utf-8', 'surrogateescape')
// which means:
//   * valid UTF-8 is uppercased with full Unicode rules, and one character may become
//     several ("ß" -> "SS", "ﬁ" -> "FI");
//   * bytes that are not valid UTF-8 (a network peer can send anything) are copied through
//     unchanged instead of making the server fail, and so are NUL bytes.
//
// A datagram (UDP) is a whole message, so `upper` is all it needs. A TCP connection is a
// byte stream: one recv() may end in the middle of a multi-byte character, and
// `upper_stream` keeps those few bytes until the rest arrives.

#include <cstddef>
#include <string>
#include <string_view>

namespace text {

// Uppercase a whole message (one UDP datagram, one -m argument).
std::string upper(std::string_view bytes);

// Append the uppercase of `bytes` to `out` — the hot path of the servers.
// Reuse one `out` across requests (clear() keeps its capacity) to avoid allocations:
// nothing is allocated when out.capacity() >= out.size() + bytes.size() and no character
// in `bytes` grows when uppercased (always the case for ASCII). No character grows more
// than 3 times, so out.size() + 3 * bytes.size() is always enough.
// `bytes` must not point into `out` (growing `out` may move its characters).
void upper_append(std::string_view bytes, std::string& out);

// Uppercase a byte stream that arrives in pieces (TCP). A UTF-8 sequence cut at the end of
// one piece is held back (at most 3 bytes) and completed by the next piece.
class upper_stream {
public:
    // Returns the uppercase of everything that can be decided so far.
    std::string feed(std::string_view piece);
    // Same, but appends to out.
    void feed(std::string_view piece, std::string& out);
    // End of stream: whatever is held back is an incomplete sequence and is emitted unchanged.
    std::string finish();
    // Whether the start of a character is being held back for the next piece.
    bool holding() const { return pending_len_ > 0; }

private:
    // Uses the start of `piece` to finish the held-back sequence; returns the rest of piece.
    std::string_view complete_pending(std::string_view piece, std::string& out);

    // The longest UTF-8 sequence is 4 bytes, so an unfinished one is at most 3.
    char pending_[3] = {};
    std::size_t pending_len_ = 0;
};

// Uppercases, in place, the leading run of ASCII bytes of data[0, size) and
// returns its length: everything before the first byte >= 0x80. The fast
// path for a server that sends back what it just received.
std::size_t upper_ascii_in_place(char* data, std::size_t size);

// Which Unicode version the uppercase table came from (e.g. "14.0.0").
const char* unicode_version();

}  // namespace text
