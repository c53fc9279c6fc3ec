// platform.hpp - the one place that knows which operating system we are on.
//
// POSIX sockets and Winsock differ in small, annoying ways: the type of a
// socket, how to close it, where the error code lives, how a timeout is
// passed, how SIGPIPE and Ctrl-C are handled. Every one of those differences
// is hidden behind the free functions below, so nothing else in the project
// needs an #ifdef.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
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
#include <sys/socket.h>
#endif

namespace platform {

#ifdef _WIN32
using socket_handle = SOCKET;  // unsigned: never compare it with < 0
using address_length = int;
#else
using socket_handle = int;
using address_length = socklen_t;
#endif

extern const socket_handle invalid_socket;

// Starts the network library once per process (WSAStartup on Windows, a no-op
// elsewhere) and reports whether that worked. Safe to call many times.
std::error_code start_network();

// The error of the socket call that just failed, as a portable std::errc
// value (errno on POSIX, WSAGetLastError() mapped to its POSIX twin on Windows).
std::error_code last_socket_error();
// The error of a failed getaddrinfo() call.
std::error_code resolver_error(int code);
// The category of resolver errors, so callers can recognise "host not found".
const std::error_category& resolver_category();
enum class resolver_errc { host_not_found = 1, try_again, no_address, other };

socket_handle open_socket(int family, int type);
socket_handle accept_socket(socket_handle handle, sockaddr* peer, address_length* length);
int bind_socket(socket_handle handle, const sockaddr* address, address_length length);
int close_socket(socket_handle handle);
int shutdown_socket(socket_handle handle, bool read, bool write);

// Byte-count wrappers: Winsock takes int lengths, POSIX takes size_t. The
// result is the byte count, or -1 with last_socket_error() set.
long long send_bytes(socket_handle handle, const char* data, std::size_t size);
long long recv_bytes(socket_handle handle, char* data, std::size_t size);
long long send_to(socket_handle handle, const char* data, std::size_t size,
                  const sockaddr* to, address_length to_length);
long long recv_from(socket_handle handle, char* data, std::size_t size,
                    sockaddr* from, address_length* from_length);

// Socket options whose spelling differs between systems.
int set_receive_timeout(socket_handle handle, std::chrono::milliseconds timeout);
int set_dual_stack(socket_handle handle);       // IPV6_V6ONLY off
int set_reuse_address(socket_handle handle);    // restart a server at once
int prepare_stream(socket_handle handle);       // no SIGPIPE
int prepare_datagram(socket_handle handle);     // no SIGPIPE; ICMP errors ignored

// Stopping. A server asks to be told about Ctrl-C / SIGINT / SIGTERM. From then
// on a blocking accept/recv/recvfrom/send in the thread that asked returns
// (failing, with stop_requested() true) when a stop is requested:
//  - POSIX: the signal handler shuts down the socket that thread is blocked
//    on (threads started later keep the signals away: see below);
//  - Windows: the wait_readable() below watches a stop socket as well.
void install_stop_handler();
bool stop_requested();
void request_stop();  // as if Ctrl-C had been pressed
// True where the stop handler itself wakes a blocked call (POSIX); false
// where the caller must wait_readable() first (Windows).
bool stop_wakes_blocked_calls();
// Called first thing in a worker thread of a server: the stop signals go to
// the main thread, which then shuts the workers down in order.
void keep_stop_signals_away();
enum class wait_result { ready, timed_out, stopped, failed };
// Waits until the socket has something to read (or a connection to accept).
// A negative timeout waits for ever.
wait_result wait_readable(socket_handle handle, std::chrono::milliseconds timeout);

// Console and standard streams.
bool stdin_is_terminal();
// Bytes in and out exactly as they are (no newline translation on Windows)
// and, on a Windows console, UTF-8 text.
void prepare_stdio();
// The command-line arguments in UTF-8 (Windows hands argv over in the ANSI
// code page, where "grüße" would not be UTF-8).
std::vector<std::string> arguments_utf8(int argc, char* argv[]);

}  // namespace platform
