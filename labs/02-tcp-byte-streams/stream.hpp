// stream.hpp - whole pieces (all of a buffer, a line, a message) over a TCP
// byte stream. Lab 02: you write these functions in stream.cpp.
//
// This header is given. Do not change what it declares: the grader is
// compiled against it. (You may add private members to line_reader.)
//
// The lecture says: "TCP provides reliable, in-order byte-stream transfer
// ("pipe") between client and server". Reliable and in order, yes: but a pipe
// of bytes, with no edges between the pieces that went in. One send() of
// "hello\n" may come out of the other end as "hel" and "lo\n", or glued to
// the next sentence. These functions put the edges back.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

#include "common/net.hpp"

namespace stream {

// ---------------------------------------------------------------- how a stream ends
// recv() returning 0 means "the peer closed its side: nothing more will
// come". Whether that is fine depends on where in the stream it happens, so
// the functions below report it as one of these error codes:
enum class errc {
    closed = 1,  // closed between two lines or two messages: a clean end, nothing lost
    cut_short,   // closed in the middle of a line or a message: what came is not a whole one
    too_long,    // a message longer than max_message (see below)
};

// Make the error value to return, e.g.
//     return stream::failure(stream::errc::closed);
// (it names the socket call that found out: recv, or send for send_message)
// and test for one, e.g.
//     if (!got && got.error().code == stream::errc::closed) { ... the peer is done ... }
inline net::error failure(errc why, net::call call = net::call::recv);

// ---------------------------------------------------------------- task 1
// send() hands the data to the operating system and says how much it took:
// maybe less than all of it. send_all() calls socket.send() until every byte
// of `data` is gone. Returns the error of the first send() that fails.
// (net::socket has a send_all of its own: here you write it yourself, on
// socket.send(), so do not call socket.send_all.)
net::result<void> send_all(net::socket& socket, std::string_view data);

// ---------------------------------------------------------------- task 2
// Reads a stream of lines, each ended by '\n', one line per recv_line() call.
// One recv() may return part of a line, or the end of one line and the start
// of the next: the reader keeps what it received after a '\n' (in pending_)
// for the next call.
class line_reader {
public:
    explicit line_reader(net::socket& socket) : socket_(socket) {}

    // The next line, without its '\n' (every other byte, '\r' included, is
    // kept as it came). An empty line "" is a line like any other.
    // Errors: errc::closed if the peer closed when no byte of a new line had
    // come; errc::cut_short if it closed in the middle of a line; the error of
    // recv() if recv() fails.
    net::result<std::string> recv_line();

private:
    net::socket& socket_;
    std::string pending_;  // received, but not yet handed out as a line
};

// ---------------------------------------------------------------- task 3
// Messages of any bytes (a '\n' or a 0 byte in them is fine), "length-
// prefixed". On the wire, each message is
//
//     4 bytes   its length N, an unsigned 32-bit number, big-endian
//               (most significant byte first: "network byte order")
//     N bytes   the message itself
//
// e.g. "hi" is the 6 bytes 00 00 00 02 68 69, a message of 300 bytes starts
// 00 00 01 2C, and the empty message is the 4 bytes 00 00 00 00.
inline constexpr std::size_t header_size = 4;

// The longest message either side accepts (64 MiB). The length comes from
// the network: without a limit, 4 bytes from anybody could make the receiver
// reserve 4 GiB of memory.
inline constexpr std::size_t max_message = 64 * 1024 * 1024;

// Exactly n bytes (n may be 0: then no recv() at all). Asks recv() for no
// more than what is still missing, so it never takes bytes that belong to
// whatever comes next in the stream.
// Errors: errc::closed if the peer closed before the first of the n bytes;
// errc::cut_short if it closed after some of them; the error of recv().
net::result<std::string> recv_exactly(net::socket& socket, std::size_t n);

// Sends `message` in the format above. A message longer than max_message is
// refused with errc::too_long, and then nothing is sent.
net::result<void> send_message(net::socket& socket, std::string_view message);

// The next message. Errors: errc::closed if the peer closed between two
// messages (a clean end); errc::cut_short if it closed anywhere inside one,
// header or body; errc::too_long if the header announces more than
// max_message bytes (then the body is not read); the error of recv().
net::result<std::string> recv_message(net::socket& socket);

// ---------------------------------------------------------------- task 4
// A list of strings, sent and received as one piece. Each item may hold any
// bytes at all ('\n', a 0 byte, digits, commas), an item may be empty, and
// the list may be empty. How a list looks on the wire is yours to design,
// out of what you wrote above; README.md (task 4) says what it must achieve.
// recv_list() reads exactly what one send_list() sent: no byte more.
// Errors: errc::closed if the peer closed before the first byte of a list;
// errc::cut_short if it closed anywhere inside one; the error of send() or
// recv(); and errc::too_long where your design has a limit.
net::result<void> send_list(net::socket& socket, const std::vector<std::string>& items);
net::result<std::vector<std::string>> recv_list(net::socket& socket);

// ---------------------------------------------------------------- (plumbing)
// What makes `error.code == stream::errc::closed` work: the codes belong to
// a category of their own, named "stream", with a message for each.
const std::error_category& category();
inline std::error_code make_error_code(errc e) { return {static_cast<int>(e), category()}; }

namespace detail {
class category_impl : public std::error_category {
public:
    const char* name() const noexcept override { return "stream"; }
    std::string message(int code) const override {
        switch (static_cast<errc>(code)) {
            case errc::closed: return "the peer closed the connection";
            case errc::cut_short: return "the peer closed the connection in the middle of a line or message";
            case errc::too_long: return "message longer than the limit of 64 MiB";
        }
        return "unknown stream error";
    }
};
}  // namespace detail

inline const std::error_category& category() {
    static const detail::category_impl instance;
    return instance;
}

inline net::error failure(errc why, net::call call) { return net::error{make_error_code(why), call}; }

}  // namespace stream

template <>
struct std::is_error_code_enum<stream::errc> : std::true_type {};
