// text.hpp - uppercasing received bytes exactly like the lecture's Python server.
//
// The Python server does `message.decode().upper()`. For any bytes b, ours
// gives the same bytes as Python's
//     b.decode('utf-8', 'surrogateescape').upper().encode('utf-8', 'surrogateescape')
// which means:
//   * valid UTF-8 is uppercased with full Unicode rules, and one character may
//     become several ("ß" -> "SS", "ﬁ" -> "FI");
//   * bytes that are not valid UTF-8 (a network peer can send anything) pass
//     through unchanged instead of making the server fail, and so do NUL bytes.
//
// A datagram (UDP) is a whole message: text::upper(message). A TCP connection
// is a byte stream: one recv() may end in the middle of a multi-byte
// character, and an upper_stream keeps those few bytes until the rest comes.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace text {

// The uppercase of a whole message (one UDP datagram, one -m argument).
std::string upper(std::string_view message);

// The uppercase of a byte stream that arrives in pieces (TCP).
class upper_stream {
public:
    // The uppercase of everything in `piece` that can be decided now; a
    // character cut at its end (at most 3 bytes) waits for the next piece.
    // feed() may change the bytes of `piece` (its ASCII letters are
    // uppercased where they lie). A piece of ASCII alone is then the answer
    // and the view points into it; else it points into the stream's own
    // buffer, reused by the next call.
    std::string_view feed(std::span<char> piece);
    // End of stream: a character still held back was cut short for good, so
    // it is invalid UTF-8 and comes out unchanged.
    std::string_view finish();

private:
    std::string out_;      // what feed() and finish() return when not the piece itself
    std::string pending_;  // the start of a character cut by the end of a piece
};

// Which Unicode version the uppercase table came from (e.g. "14.0.0").
const char* unicode_version();

}  // namespace text
