// stream.cpp - whole pieces over a TCP byte stream (lab 02).
//
// Write the functions declared in stream.hpp: replace each TODO block.
// Use only socket.send() and socket.recv() of net::socket (not its
// send_all: task 1 is to write that yourself). `make lab02` grades this file.
#include "stream.hpp"

#include <cstdint>

namespace stream {

namespace {
// What each function returns until you have written it. (Delete it once
// nothing uses it any more, or leave it: it does no harm.)
[[maybe_unused]] net::error not_written_yet(const char* function) {
    return net::error{std::make_error_code(std::errc::function_not_supported), net::call::recv, "",
                      std::string("(") + function + " is not written yet)"};
}
}  // namespace

// ---------------------------------------------------------------- task 1
net::result<void> send_all(net::socket& socket, std::string_view data) {
    // TODO (task 1): send every byte of `data`.
    //   - net::result<std::size_t> sent = socket.send(data);  sends *some* of
    //     `data`, from its start, and says how many bytes in sent.value();
    //   - if (!sent): the connection is broken: return sent.error();
    //   - otherwise drop the bytes that went (data.remove_prefix(...)) and
    //     send what is left, until `data` is empty; then return {} (success).
    (void)socket;
    (void)data;
    return not_written_yet("send_all");
}

// ---------------------------------------------------------------- task 2
net::result<std::string> line_reader::recv_line() {
    // TODO (task 2): return the next line, without its '\n'.
    //   1. If pending_ holds a '\n' already (pending_.find('\n')), the line
    //      is everything before it: take it out of pending_ (with the '\n')
    //      and return it. Whatever follows stays in pending_ for next time.
    //   2. Otherwise receive more: char buffer[4096];
    //      socket_.recv(buffer, sizeof buffer) returns how many bytes came
    //      (any number from 1 to 4096), 0 if the peer closed, or an error.
    //      Append what came to pending_ and go back to 1.
    //   3. recv() returned 0: return failure(errc::closed) if pending_ is
    //      empty, else failure(errc::cut_short).
    //      (Never call recv() again after a 0: it would return 0 for ever.)
    (void)socket_;  // (only keeps the compiler quiet until you use socket_)
    return not_written_yet("recv_line");
}

// ---------------------------------------------------------------- task 3
net::result<std::string> recv_exactly(net::socket& socket, std::size_t n) {
    // TODO (task 3a): receive exactly n bytes.
    //   std::string data(n, '\0') has room for them; receive into
    //   data.data() + have, asking recv() for at most n - have bytes, until
    //   have == n. On a 0 from recv(): errc::closed if have == 0, else
    //   errc::cut_short. For n == 0, do not call recv() at all: recv() of 0
    //   bytes returns 0, which looks just like "the peer closed".
    (void)socket;
    (void)n;
    return not_written_yet("recv_exactly");
}

net::result<void> send_message(net::socket& socket, std::string_view message) {
    // TODO (task 3b): refuse a message over max_message (errc::too_long);
    //   build the 4-byte header, the length most significant byte first:
    //     const auto n = static_cast<std::uint32_t>(message.size());
    //     static_cast<char>(n >> 24), (n >> 16), (n >> 8), n
    //   then send header and message with your send_all (best in one call:
    //   put them in one std::string).
    (void)socket;
    (void)message;
    return not_written_yet("send_message");
}

net::result<std::string> recv_message(net::socket& socket) {
    // TODO (task 3c): read the header with recv_exactly (its errors are
    //   recv_message's errors as they are); turn its 4 bytes back into the
    //   length (careful: a char may be negative, go through unsigned char);
    //   refuse more than max_message (errc::too_long); read the message with
    //   recv_exactly. A close before the first byte of the message is
    //   errc::cut_short here, not errc::closed: the header promised more.
    (void)socket;
    return not_written_yet("recv_message");
}

// ---------------------------------------------------------------- task 4
net::result<void> send_list(net::socket& socket, const std::vector<std::string>& items) {
    // TODO (task 4): your design (README.md, task 4).
    (void)socket;
    (void)items;
    return not_written_yet("send_list");
}

net::result<std::vector<std::string>> recv_list(net::socket& socket) {
    // TODO (task 4): read back exactly one list that send_list() sent.
    (void)socket;
    return not_written_yet("recv_list");
}

}  // namespace stream
