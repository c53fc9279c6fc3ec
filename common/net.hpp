// net.hpp - a thin socket wrapper whose methods carry the lecture's names.
//
//   Python (lecture)                      C++ (this wrapper)
//   socket(AF_INET, SOCK_DGRAM)           net::socket::create(family, net::udp)
//   serverSocket.bind(('', port))         serverSocket.bind(address)
//   serverSocket.listen(1)                serverSocket.listen(1)
//   serverSocket.accept()                 serverSocket.accept()
//   clientSocket.connect((name, port))    clientSocket.connect(address)
//   sendto / recvfrom / send / recv       sendto / recvfrom / send / recv
//   clientSocket.settimeout(1)            clientSocket.set_receive_timeout(1s)
//   clientSocket.close()                  clientSocket.close() (or let it go out of scope)
//
// Every call returns a net::result (see result.hpp) and, with --trace, prints
// itself to stderr: `recvfrom(3, 65536) -> 5 bytes from 127.0.0.1:50512`.
// Beyond the system's calls: send_all, recv_exactly and line_reader (whole
// pieces of a TCP stream, before a deadline), server_socket and connect_to
// (how programs begin, IPv4 and IPv6), and stop_on_ctrl_c (how servers end).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "platform.hpp"
#include "result.hpp"

namespace net {

enum class transport { udp, tcp };
inline constexpr transport udp = transport::udp;
inline constexpr transport tcp = transport::tcp;

// A receive buffer that holds any UDP datagram: its 16-bit length field
// allows at most 65,535 - 8 bytes of payload (over IPv4, which also counts
// its own 20-byte header, 65,507).
inline constexpr std::size_t datagram_room = 65536;

// Waiting "until" a moment: recv_exactly and line_reader take a deadline
// for the whole piece, however many recv() calls it takes.
using clock = std::chrono::steady_clock;
using deadline = clock::time_point;
inline constexpr deadline no_deadline = deadline::max();

// --trace: print every socket call, its arguments and its result to stderr.
void set_trace(bool on);

// The errors of the wrapper's own (a std::error_code of category "net").
enum class errc {
    closed = 1,  // the peer closed the stream before the whole piece came
    too_long,    // a line longer than the reader's limit
};
std::error_code make_error_code(errc e);

// An IPv4 or IPv6 address with a port, as getaddrinfo() and recvfrom() give it.
class address {
public:
    address() = default;
    address(const sockaddr* raw, platform::address_length length);

    int family() const { return static_cast<int>(storage_.ss_family); }
    std::uint16_t port() const;
    bool is_any() const;                 // 0.0.0.0 or ::
    std::string host() const;            // "127.0.0.1", "::1"
    std::string to_string() const;       // "127.0.0.1:12000", "[::1]:12000"
    const sockaddr* raw() const { return reinterpret_cast<const sockaddr*>(&storage_); }
    sockaddr* raw() { return reinterpret_cast<sockaddr*>(&storage_); }
    platform::address_length length() const { return length_; }
    platform::address_length& length() { return length_; }
    bool operator==(const address& other) const;

private:
    sockaddr_storage storage_{};
    platform::address_length length_ = sizeof(sockaddr_storage);
};

// getaddrinfo(): every address of `host` for this transport, in the order the
// system prefers. An empty host means "all interfaces" (for a server).
result<std::vector<address>> resolve(const std::string& host, std::uint16_t port, transport kind);

// "AF_INET6", "SOCK_DGRAM": the lecture's names, for tracing and messages.
const char* family_name(int family);

class socket {
public:
    socket() = default;
    ~socket();
    socket(socket&& other) noexcept;
    socket& operator=(socket&& other) noexcept;
    socket(const socket&) = delete;
    socket& operator=(const socket&) = delete;

    // socket(family, type): a new, unbound socket.
    static result<socket> create(int family, transport kind);

    result<void> bind(const address& local);
    result<void> listen(int backlog);
    result<std::pair<socket, address>> accept();
    // With a deadline, connect fails with timed_out if the connection is not
    // made before it (a host that does not answer costs that long, not the
    // system's minutes); the socket waits as a new socket does afterwards.
    result<void> connect(const address& remote, deadline until = no_deadline);
    // For a program that waits on many sockets with a poller: connect()
    // without waiting. The socket is non-blocking from then on, and the
    // connection on its way (or made already; refused at once: an error).
    // Once the poller reports the socket (writable, or readable: an error
    // came), connect_outcome() says how it ended: made, or the error
    // (refused, host unreachable). connect() with a deadline is these two
    // with a poll() between them.
    result<void> start_connect(const address& remote);
    result<void> connect_outcome(const address& remote);

    result<std::size_t> send(std::string_view data);
    result<void> send_all(std::string_view data);  // send() until every byte is gone
    // recv(): up to `size` bytes; 0 means the peer closed its side.
    result<std::size_t> recv(char* buffer, std::size_t size, deadline until = no_deadline);
    result<std::size_t> sendto(std::string_view data, const address& to);
    result<std::pair<std::size_t, address>> recvfrom(char* buffer, std::size_t size, deadline until = no_deadline);
    // With a deadline, recv and recvfrom fail with timed_out when nothing
    // came before it (a deadline already past: when nothing is there now).

    // recv() until exactly n bytes have come (never more: what follows stays
    // in the stream). Fails with errc::closed if the peer closes first, or
    // timed_out if the deadline passes first.
    result<std::string> recv_exactly(std::size_t n, deadline until = no_deadline);

    enum class direction { read, write, both };
    result<void> shutdown(direction which);
    void close();
    // From now on close() resets the connection (SO_LINGER {1, 0}): the peer
    // gets RST, not an orderly end, and whatever is unsent is dropped.
    result<void> reset_on_close();

    // Calls that wait fail with std::errc::timed_out after this long
    // (0: wait for ever, the default): recv/recvfrom/accept, and send/connect.
    result<void> set_receive_timeout(std::chrono::milliseconds timeout);
    result<void> set_send_timeout(std::chrono::milliseconds timeout);
    result<void> set_no_delay();  // TCP_NODELAY: each send() leaves at once
    // A program that waits on many sockets with a poller: send() takes what
    // fits in the system's buffer and says how much, recv() takes what is
    // there; a call that would wait fails at once with timed_out instead.
    result<void> set_non_blocking(bool on = true);
    // The system's buffer for this direction (SO_RCVBUF for read, SO_SNDBUF for write).
    result<void> set_buffer_size(direction which, int bytes);
    result<address> local_address() const;

    bool is_open() const { return handle_ != platform::invalid_socket; }
    // The system's own handle, for a lab that calls poll() itself.
    platform::socket_handle handle() const { return handle_; }

private:
    friend void stop_on_ctrl_c(socket& s);
    socket(platform::socket_handle handle, transport kind) : handle_(handle), kind_(kind) {}
    // poll() until a recv (read) or a connect on its way (write) can go on, or the deadline.
    result<void> wait_until(net::call which, deadline until, direction ready_for = direction::read);

    platform::socket_handle handle_ = platform::invalid_socket;
    transport kind_ = transport::tcp;
    bool wakes_on_stop_ = false;  // named with stop_on_ctrl_c
};

// Reads a TCP stream line by line: one recv() may bring half a line or
// several, so the bytes after a '\n' wait here for the next call.
class line_reader {
public:
    explicit line_reader(socket& s, std::size_t max_line = 1 << 20) : socket_(s), max_line_(max_line) {}

    // The next line, without its '\n'. Nothing when the peer closed between
    // two lines; errc::closed when it closed in the middle of one; too_long
    // past max_line bytes; timed_out after the deadline.
    result<std::optional<std::string>> next(deadline until = no_deadline);
    // Exactly n bytes, starting with those already read past the last line.
    result<std::string> exactly(std::size_t n, deadline until = no_deadline);

private:
    socket& socket_;
    std::size_t max_line_;
    std::string pending_;  // received, not yet handed out
};

// The two ways the lecture's programs begin, with the plumbing every real
// program needs (IPv4 and IPv6, every address of a name, restartable servers):
//
// server_socket: socket() + bind() on host:port. An empty host binds all
// interfaces, IPv6 and IPv4 at once where the system allows it.
result<socket> server_socket(transport kind, const std::string& host, std::uint16_t port);
// connect_to: socket() + connect() to the first address of host that answers,
// before the deadline if there is one (for all the addresses together).
result<socket> connect_to(const std::string& host, std::uint16_t port, deadline until = no_deadline);

// How a server ends: after stop_on_ctrl_c(s), Ctrl-C (SIGINT, SIGTERM) sets
// one flag and wakes every call blocked on s (and every later one), so that
// the program sees stop_requested() and ends. Name every socket a thread
// waits on; closing one takes it off the list.
void stop_on_ctrl_c(socket& s);
bool stop_requested();

}  // namespace net

template <>
struct std::is_error_code_enum<net::errc> : std::true_type {};
