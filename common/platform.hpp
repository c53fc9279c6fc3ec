// platform.hpp - the one place that knows which operating system we are on.
//
// POSIX sockets and Winsock differ in small, annoying ways: the type of a
// socket, how to close it, where the error code lives, how a timeout is
// passed, SIGPIPE, Ctrl-C. Each difference is one small free function or
// constant here (the way cpp-httplib's `detail` helpers do it), so nothing
// else in the project needs an #ifdef.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>
#include <system_error>
#include <vector>

#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#endif

namespace platform {

#ifdef _WIN32
using socket_handle = SOCKET;  // unsigned: never compare it with < 0
using address_length = int;
using io_length = int;                // Winsock counts bytes in int
inline constexpr int send_flags = 0;  // Winsock has no SIGPIPE
inline constexpr int shut_how[] = {SD_RECEIVE, SD_SEND, SD_BOTH};
#else
using socket_handle = int;
using address_length = socklen_t;
using io_length = std::size_t;
#ifdef MSG_NOSIGNAL
inline constexpr int send_flags = MSG_NOSIGNAL;  // a closed peer gives EPIPE, not a fatal SIGPIPE
#else
inline constexpr int send_flags = 0;  // macOS: SO_NOSIGPIPE is set on the socket instead
#endif
inline constexpr int shut_how[] = {SHUT_RD, SHUT_WR, SHUT_RDWR};  // read, write, both
#endif

// A byte count as send(), recv(), sendto() and recvfrom() take it.
inline io_length io_size(std::size_t size) { return static_cast<io_length>(std::min<std::size_t>(size, 0x7fffffff)); }

// setsockopt() with a value of any type (Winsock wants it as a const char*).
template <class Value>
int set_option(socket_handle handle, int level, int name, const Value& value) {
    return ::setsockopt(handle, level, name, reinterpret_cast<const char*>(&value), sizeof value);
}

extern const socket_handle invalid_socket;

// Starts the network library once per process (WSAStartup on Windows, a no-op
// elsewhere) and reports whether that worked. Safe to call many times.
std::error_code start_network();

// The error of the socket call that just failed, as a portable std::errc
// value (errno on POSIX, WSAGetLastError() mapped to its POSIX twin on
// Windows). A receive or send timeout is std::errc::timed_out.
std::error_code last_socket_error();
// The error of a failed getaddrinfo() call, in a category of its own.
std::error_code resolver_error(int code);
const std::error_category& resolver_category();
enum class resolver_errc { host_not_found = 1, try_again, no_address, other };

// The calls whose spelling differs. Each returns what the system call
// returns (a handle, 0), or -1 / invalid_socket with last_socket_error() set.
// open_socket also prepares the socket for a program: close-on-exec, no
// SIGPIPE, and on Windows a UDP socket that an ICMP "port unreachable" does
// not break and whose port nobody else can take.
socket_handle open_socket(int family, int type);
socket_handle accept_socket(socket_handle handle, sockaddr* peer, address_length* length);
int bind_socket(socket_handle handle, const sockaddr* address, address_length length);
// poll(): waits at most `wait` (0: not at all) until a recv(), recvfrom()
// or accept() would not block. 1 if so, 0 if the wait ended first, -1 on error.
int wait_readable(socket_handle handle, std::chrono::milliseconds wait);
// A connect() on a non-blocking socket that failed with "in progress"
// (EINPROGRESS; WSAEWOULDBLOCK on Windows): the connection is on its way.
// Asked right after the call, before anything else can change the error.
bool connect_in_progress();
// poll() for POLLOUT: waits at most `wait` until a connection on its way is
// made or refused. 1 if so, 0 if the wait ended first, -1 on error.
int wait_writable(socket_handle handle, std::chrono::milliseconds wait);
// How that connection ended (SO_ERROR): no error when it is made.
std::error_code connect_outcome(socket_handle handle);
// poll() (WSAPoll() on Windows) over `count` entries, waiting at most
// `wait_ms` (-1: for ever). What poll() returns.
int poll_sockets(pollfd* entries, std::size_t count, int wait_ms);

// Socket options whose spelling differs. 0 on success, like setsockopt().
// SO_RCVTIMEO or SO_SNDTIMEO (0: none).
int set_timeout(socket_handle handle, int name, std::chrono::milliseconds timeout);
int set_reuse_address(socket_handle handle);  // restart a server at once, never share its port
// O_NONBLOCK (ioctlsocket FIONBIO on Windows): a call that would wait fails
// at once with "would block" instead. 0 on success.
int set_non_blocking(socket_handle handle, bool on);

// Ctrl-C. From now on SIGINT and SIGTERM (POSIX), or Ctrl-C, Ctrl-Break and
// closing the console (Windows), set `stop` and then call wake() in a thread
// of its own (so it may lock a mutex, which a signal handler may not).
void on_ctrl_c(std::atomic<bool>& stop, void (*wake)());
// Makes every call blocked on this socket, and every later one, return at
// once (without sending anything to the peer): shutdown() for reading on
// POSIX; on Windows, where shutdown() wakes nothing, closesocket().
void wake_blocked_calls(socket_handle handle);
// close(), closesocket(); `woken`: wake_blocked_calls() came first (on
// Windows the socket is closed already).
void close_socket(socket_handle handle, bool woken);

// Console and standard streams.
bool stdin_is_terminal();
// Bytes in and out exactly as they are (no newline translation on Windows)
// and, on a Windows console, UTF-8 text. On POSIX, a standard stream that
// was closed (`>&-`) is opened on /dev/null first: else the next socket
// would take its descriptor, and a log line would go to a client.
void prepare_stdio();
// Whether a line written to stderr now would go at once (a pipe nobody
// reads may be full: a server must not stop for its log).
bool stderr_ready();

// Open files (POSIX: RLIMIT_NOFILE). Raises the soft limit to the hard one
// and returns it (0: no limit worth saying).
std::size_t raise_open_file_limit();
// One descriptor held back, to be let go when accept() fails for lack of
// descriptors: then one more accept() works, and that client can be told
// "server busy" instead of waiting for ever. -1 where there is none to hold.
int hold_spare_descriptor();
void release_spare_descriptor(int descriptor);
// The command-line arguments in UTF-8 (Windows hands argv over in the ANSI
// code page, where "grüße" would not be UTF-8).
std::vector<std::string> arguments_utf8(int argc, char* argv[]);

}  // namespace platform
