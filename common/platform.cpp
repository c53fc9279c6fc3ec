// platform.cpp - POSIX and Winsock implementations of platform.hpp.
#include "platform.hpp"

#include <atomic>
#include <cerrno>
#include <cstdio>

#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#include <mstcpip.h>
#include <shellapi.h>
#include <windows.h>
#ifndef SIO_UDP_CONNRESET  // older MinGW headers lack it
#define SIO_UDP_CONNRESET _WSAIOW(IOC_VENDOR, 12)
#endif
#else
#include <poll.h>
#include <pthread.h>
#include <sys/time.h>
#include <unistd.h>

#include <csignal>
#endif

namespace platform {

namespace {
std::atomic<bool> stop_flag{false};
std::atomic<bool> stop_handler_installed{false};
}  // namespace

bool stop_requested() { return stop_flag.load(); }

// ---------------------------------------------------------------- resolver errors
namespace {
class resolver_category_impl : public std::error_category {
public:
    const char* name() const noexcept override { return "resolver"; }
    std::string message(int code) const override {
        switch (static_cast<resolver_errc>(code)) {
            case resolver_errc::host_not_found: return "host not found";
            case resolver_errc::try_again: return "name server did not answer, try again";
            case resolver_errc::no_address: return "host has no address of that kind";
            default: return "name lookup failed";
        }
    }
};
}  // namespace

const std::error_category& resolver_category() {
    static resolver_category_impl category;
    return category;
}

#ifdef _WIN32
// =========================================================================
// Windows (Winsock 2)
// =========================================================================
const socket_handle invalid_socket = INVALID_SOCKET;

namespace {
// Winsock must be started before the first socket call and cleaned up at exit.
struct winsock_guard {
    int result;
    winsock_guard() {
        WSADATA data;
        result = WSAStartup(MAKEWORD(2, 2), &data);
    }
    ~winsock_guard() {
        if (result == 0) WSACleanup();
    }
};

// The stop "pipe": a loopback UDP socket that the Ctrl-C handler sends one
// datagram to. It is never read, so it stays readable and wakes every wait.
socket_handle stop_socket = INVALID_SOCKET;
sockaddr_in stop_address{};

std::errc from_wsa(int code) {
    switch (code) {
        case WSAECONNREFUSED: return std::errc::connection_refused;
        case WSAEADDRINUSE: return std::errc::address_in_use;
        case WSAEADDRNOTAVAIL: return std::errc::address_not_available;
        case WSAETIMEDOUT: return std::errc::timed_out;
        case WSAEWOULDBLOCK: return std::errc::timed_out;
        case WSAECONNRESET: return std::errc::connection_reset;
        case WSAECONNABORTED: return std::errc::connection_aborted;
        case WSAENETUNREACH: return std::errc::network_unreachable;
        case WSAEHOSTUNREACH: return std::errc::host_unreachable;
        case WSAEAFNOSUPPORT: return std::errc::address_family_not_supported;
        case WSAEACCES: return std::errc::permission_denied;
        case WSAEINTR: return std::errc::interrupted;
        case WSAEINVAL: return std::errc::invalid_argument;
        case WSAEMSGSIZE: return std::errc::message_size;
        case WSAENOTCONN: return std::errc::not_connected;
        case WSAESHUTDOWN: return std::errc::broken_pipe;
        case WSAENOTSOCK: return std::errc::not_a_socket;
        case WSAENOBUFS: return std::errc::no_buffer_space;
        case WSAEMFILE: return std::errc::too_many_files_open;
        case WSANOTINITIALISED: return std::errc::operation_not_permitted;
        default: return std::errc::io_error;
    }
}

BOOL WINAPI on_console_event(DWORD event) {
    if (event == CTRL_C_EVENT || event == CTRL_BREAK_EVENT || event == CTRL_CLOSE_EVENT) {
        request_stop();
        return TRUE;
    }
    return FALSE;
}
}  // namespace

std::error_code start_network() {
    static winsock_guard guard;  // started once, the first time anyone asks
    if (guard.result != 0) return std::make_error_code(from_wsa(guard.result));
    return {};
}

std::error_code last_socket_error() { return std::make_error_code(from_wsa(WSAGetLastError())); }

std::error_code resolver_error(int code) {
    switch (code) {
        case WSAHOST_NOT_FOUND: return {static_cast<int>(resolver_errc::host_not_found), resolver_category()};
        case WSATRY_AGAIN: return {static_cast<int>(resolver_errc::try_again), resolver_category()};
        case WSANO_DATA: return {static_cast<int>(resolver_errc::no_address), resolver_category()};
        default: return {static_cast<int>(resolver_errc::other), resolver_category()};
    }
}

socket_handle open_socket(int family, int type) { return ::socket(family, type, 0); }
socket_handle accept_socket(socket_handle handle, sockaddr* peer, address_length* length) {
    return ::accept(handle, peer, length);
}
int bind_socket(socket_handle handle, const sockaddr* address, address_length length) {
    int rc = ::bind(handle, address, length);
    // With SO_EXCLUSIVEADDRUSE, a port someone else holds gives WSAEACCES:
    // for the user that is "address already in use", as on POSIX.
    if (rc != 0 && WSAGetLastError() == WSAEACCES) WSASetLastError(WSAEADDRINUSE);
    return rc;
}
int close_socket(socket_handle handle) { return ::closesocket(handle); }
int shutdown_socket(socket_handle handle, bool read, bool write) {
    return ::shutdown(handle, read && write ? SD_BOTH : read ? SD_RECEIVE : SD_SEND);
}

namespace {
int clamp(std::size_t size) { return size > 0x7fffffff ? 0x7fffffff : static_cast<int>(size); }
}  // namespace

long long send_bytes(socket_handle handle, const char* data, std::size_t size) {
    return ::send(handle, data, clamp(size), 0);
}
long long recv_bytes(socket_handle handle, char* data, std::size_t size) {
    return ::recv(handle, data, clamp(size), 0);
}
long long send_to(socket_handle handle, const char* data, std::size_t size, const sockaddr* to,
                  address_length to_length) {
    return ::sendto(handle, data, clamp(size), 0, to, to_length);
}
long long recv_from(socket_handle handle, char* data, std::size_t size, sockaddr* from, address_length* from_length) {
    return ::recvfrom(handle, data, clamp(size), 0, from, from_length);
}

int set_receive_timeout(socket_handle handle, std::chrono::milliseconds timeout) {
    DWORD ms = static_cast<DWORD>(timeout.count());  // Winsock wants a DWORD of milliseconds
    return ::setsockopt(handle, SOL_SOCKET, SO_RCVTIMEO, reinterpret_cast<const char*>(&ms), sizeof ms);
}
int set_dual_stack(socket_handle handle) {
    DWORD off = 0;
    return ::setsockopt(handle, IPPROTO_IPV6, IPV6_V6ONLY, reinterpret_cast<const char*>(&off), sizeof off);
}
int set_reuse_address(socket_handle handle) {
    // On Windows SO_REUSEADDR would let a second server steal the port;
    // SO_EXCLUSIVEADDRUSE gives the POSIX behaviour: "address in use".
    BOOL on = TRUE;
    return ::setsockopt(handle, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, reinterpret_cast<const char*>(&on), sizeof on);
}
int prepare_stream(socket_handle) { return 0; }  // Winsock has no SIGPIPE
int prepare_datagram(socket_handle handle) {
    // Without this, an ICMP "port unreachable" caused by one client makes the
    // server's next recvfrom() fail with WSAECONNRESET.
    BOOL off = FALSE;
    DWORD returned = 0;
    if (::WSAIoctl(handle, SIO_UDP_CONNRESET, &off, sizeof off, nullptr, 0, &returned, nullptr, nullptr) != 0)
        return -1;
    return set_reuse_address(handle);
}

void install_stop_handler() {
    if (stop_handler_installed.exchange(true)) return;
    start_network();
    stop_socket = ::socket(AF_INET, SOCK_DGRAM, 0);
    stop_address.sin_family = AF_INET;
    stop_address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(stop_socket, reinterpret_cast<sockaddr*>(&stop_address), sizeof stop_address);
    int length = sizeof stop_address;
    ::getsockname(stop_socket, reinterpret_cast<sockaddr*>(&stop_address), &length);
    SetConsoleCtrlHandler(on_console_event, TRUE);
}

bool stop_wakes_blocked_calls() { return false; }
void keep_stop_signals_away() {}  // the console handler has a thread of its own

void request_stop() {
    stop_flag = true;
    if (stop_socket != INVALID_SOCKET) {
        char wake = 1;
        ::sendto(stop_socket, &wake, 1, 0, reinterpret_cast<sockaddr*>(&stop_address), sizeof stop_address);
    }
}

wait_result wait_readable(socket_handle handle, std::chrono::milliseconds timeout) {
    WSAPOLLFD fds[2] = {{handle, POLLRDNORM, 0}, {stop_socket, POLLRDNORM, 0}};
    ULONG count = stop_socket != INVALID_SOCKET ? 2 : 1;
    int rc = ::WSAPoll(fds, count, timeout.count() < 0 ? -1 : static_cast<INT>(timeout.count()));
    if (stop_requested()) return wait_result::stopped;
    if (rc < 0) return wait_result::failed;
    if (rc == 0) return wait_result::timed_out;
    return wait_result::ready;
}

bool stdin_is_terminal() { return _isatty(_fileno(stdin)) != 0; }
void prepare_stdio() {
    _setmode(_fileno(stdin), _O_BINARY);
    _setmode(_fileno(stdout), _O_BINARY);
    _setmode(_fileno(stderr), _O_BINARY);
    SetConsoleOutputCP(CP_UTF8);  // what we print is UTF-8
    SetConsoleCP(CP_UTF8);        // and so is what is typed
}

std::vector<std::string> arguments_utf8(int argc, char* argv[]) {
    std::vector<std::string> args;
    int count = 0;
    LPWSTR* wide = CommandLineToArgvW(GetCommandLineW(), &count);
    if (wide == nullptr) {
        for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
        return args;
    }
    for (int i = 1; i < count; ++i) {
        int size = WideCharToMultiByte(CP_UTF8, 0, wide[i], -1, nullptr, 0, nullptr, nullptr);
        std::string arg(size > 0 ? size - 1 : 0, '\0');
        if (size > 1) WideCharToMultiByte(CP_UTF8, 0, wide[i], -1, arg.data(), size, nullptr, nullptr);
        args.push_back(std::move(arg));
    }
    LocalFree(wide);
    return args;
}

#else
// =========================================================================
// POSIX (Linux, macOS, BSD)
// =========================================================================
const socket_handle invalid_socket = -1;

namespace {
// The socket the stopping thread (the one that installed the handler) is
// blocked on right now, or -1. Only that thread receives the stop signals.
std::atomic<int> blocked_handle{-1};
pthread_t stopping_thread;

void on_stop_signal(int) {
    const int saved = errno;
    request_stop();
    // shutdown() is safe in a signal handler: it makes the blocked accept,
    // recv or recvfrom return at once, whatever instant the signal came.
    const int handle = blocked_handle.load();
    if (handle >= 0) ::shutdown(handle, SHUT_RDWR);
    errno = saved;
}
}  // namespace

std::error_code start_network() { return {}; }

std::error_code last_socket_error() {
    int code = errno;
    // A receive timeout (SO_RCVTIMEO) shows up as "would block".
    if (code == EAGAIN || code == EWOULDBLOCK) code = ETIMEDOUT;
    return {code, std::generic_category()};
}

std::error_code resolver_error(int code) {
    switch (code) {
        case EAI_NONAME:
#ifdef EAI_NODATA
        case EAI_NODATA:
#endif
        case EAI_FAIL: return {static_cast<int>(resolver_errc::host_not_found), resolver_category()};
        case EAI_AGAIN: return {static_cast<int>(resolver_errc::try_again), resolver_category()};
        case EAI_FAMILY:
#ifdef EAI_ADDRFAMILY
        case EAI_ADDRFAMILY:
#endif
            return {static_cast<int>(resolver_errc::no_address), resolver_category()};
        default: return {static_cast<int>(resolver_errc::other), resolver_category()};
    }
}

socket_handle open_socket(int family, int type) {
#ifdef SOCK_CLOEXEC
    type |= SOCK_CLOEXEC;  // do not leak sockets into programs we start
#endif
    return ::socket(family, type, 0);
}
int bind_socket(socket_handle handle, const sockaddr* address, address_length length) {
    return ::bind(handle, address, length);
}
int close_socket(socket_handle handle) { return ::close(handle); }
int shutdown_socket(socket_handle handle, bool read, bool write) {
    return ::shutdown(handle, read && write ? SHUT_RDWR : read ? SHUT_RD : SHUT_WR);
}

namespace {
#ifdef MSG_NOSIGNAL
constexpr int send_flags = MSG_NOSIGNAL;  // a closed peer gives EPIPE, not a fatal SIGPIPE
#else
constexpr int send_flags = 0;  // macOS: SO_NOSIGPIPE is set on the socket instead
#endif

// A signal arriving during a call makes it fail with EINTR: just try again.
template <class Call>
long long retry_on_interrupt(Call call) {
    long long result;
    do {
        result = call();
    } while (result < 0 && errno == EINTR && !stop_requested());
    return result;
}

// A call that may block, made so that a stop request ends it: the handle is
// announced before the stop flag is checked, so a signal arriving at any
// moment either is seen here or shuts the socket down under the call.
template <class Call>
long long stoppable(socket_handle handle, Call call) {
    if (!stop_handler_installed || !pthread_equal(pthread_self(), stopping_thread)) return retry_on_interrupt(call);
    blocked_handle.store(handle);
    long long result;
    if (stop_requested()) {
        errno = EINTR;
        result = -1;
    } else {
        result = retry_on_interrupt(call);
    }
    blocked_handle.store(-1);
    return result;
}

int no_sigpipe(socket_handle handle) {
#ifdef SO_NOSIGPIPE
    int on = 1;
    return ::setsockopt(handle, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof on);
#else
    (void)handle;
    return 0;
#endif
}
}  // namespace

socket_handle accept_socket(socket_handle handle, sockaddr* peer, address_length* length) {
    return static_cast<socket_handle>(stoppable(handle, [&] { return ::accept(handle, peer, length); }));
}
long long send_bytes(socket_handle handle, const char* data, std::size_t size) {
    return stoppable(handle, [&] { return ::send(handle, data, size, send_flags); });
}
long long recv_bytes(socket_handle handle, char* data, std::size_t size) {
    return stoppable(handle, [&] { return ::recv(handle, data, size, 0); });
}
long long send_to(socket_handle handle, const char* data, std::size_t size, const sockaddr* to,
                  address_length to_length) {
    return retry_on_interrupt([&] { return ::sendto(handle, data, size, send_flags, to, to_length); });
}
long long recv_from(socket_handle handle, char* data, std::size_t size, sockaddr* from, address_length* from_length) {
    return stoppable(handle, [&] { return ::recvfrom(handle, data, size, 0, from, from_length); });
}

int set_receive_timeout(socket_handle handle, std::chrono::milliseconds timeout) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    return ::setsockopt(handle, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}
int set_dual_stack(socket_handle handle) {
    int off = 0;
    return ::setsockopt(handle, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
}
int set_reuse_address(socket_handle handle) {
    // Lets a restarted server bind at once although old connections linger in
    // TIME_WAIT. (On POSIX it does not let two servers share a TCP port.)
    int on = 1;
    return ::setsockopt(handle, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
}
int prepare_stream(socket_handle handle) { return no_sigpipe(handle); }
int prepare_datagram(socket_handle handle) { return no_sigpipe(handle); }

void install_stop_handler() {
    if (stop_handler_installed.exchange(true)) return;
    stopping_thread = pthread_self();
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: a blocked call returns and sees the stop
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
}

bool stop_wakes_blocked_calls() { return true; }

void keep_stop_signals_away() {
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
}

void request_stop() { stop_flag = true; }  // the handler then wakes the blocked call itself

// Not needed for stopping here (see stop_wakes_blocked_calls): a plain wait
// for data, which a stop signal interrupts.
wait_result wait_readable(socket_handle handle, std::chrono::milliseconds timeout) {
    pollfd fds[1] = {{handle, POLLIN, 0}};
    const nfds_t count = 1;
    int ms = timeout.count() < 0 ? -1 : static_cast<int>(timeout.count());
    int rc;
    do {
        rc = ::poll(fds, count, ms);
    } while (rc < 0 && errno == EINTR && !stop_requested());
    if (stop_requested()) return wait_result::stopped;
    if (rc < 0) return wait_result::failed;
    if (rc == 0) return wait_result::timed_out;
    return wait_result::ready;
}

bool stdin_is_terminal() { return ::isatty(STDIN_FILENO) != 0; }
void prepare_stdio() {}

std::vector<std::string> arguments_utf8(int argc, char* argv[]) {
    return std::vector<std::string>(argv + 1, argv + argc);  // already bytes as typed
}

#endif

}  // namespace platform
