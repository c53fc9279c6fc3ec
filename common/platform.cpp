// platform.cpp - POSIX and Winsock implementations of platform.hpp.
#include "platform.hpp"

#include <algorithm>
#include <cerrno>
#include <thread>

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
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

#include <csignal>
#endif

namespace platform {

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

std::error_code resolver(resolver_errc e) { return {static_cast<int>(e), resolver_category()}; }

std::atomic<bool>* stop_flag = nullptr;
void (*wake_handler)() = nullptr;
}  // namespace

const std::error_category& resolver_category() {
    static resolver_category_impl category;
    return category;
}

// ---------------------------------------------------------------- the same everywhere
socket_handle accept_socket(socket_handle handle, sockaddr* peer, address_length* length) {
#ifdef __linux__
    return ::accept4(handle, peer, length, SOCK_CLOEXEC);  // do not leak into programs we start
#else
    return ::accept(handle, peer, length);
#endif
}

// getaddrinfo() fails with an EAI_ code on every system (Winsock: WSA codes by those names).
std::error_code resolver_error(int code) {
    switch (code) {
        case EAI_NONAME:
#ifdef EAI_NODATA
        case EAI_NODATA:
#endif
        case EAI_FAIL: return resolver(resolver_errc::host_not_found);
        case EAI_AGAIN: return resolver(resolver_errc::try_again);
        case EAI_FAMILY:
#ifdef EAI_ADDRFAMILY
        case EAI_ADDRFAMILY:
#endif
            return resolver(resolver_errc::no_address);
        default: return resolver(resolver_errc::other);
    }
}

int wait_readable(socket_handle handle, std::chrono::milliseconds wait) {
    pollfd watched{handle, POLLIN, 0};
    return poll_sockets(&watched, 1, static_cast<int>(wait.count()));
}

int wait_writable(socket_handle handle, std::chrono::milliseconds wait) {
    pollfd watched{handle, POLLOUT, 0};
    return poll_sockets(&watched, 1, static_cast<int>(wait.count()));
}

int poll_sockets(pollfd* entries, std::size_t count, int wait_ms) {
#ifdef _WIN32
    return ::WSAPoll(entries, static_cast<ULONG>(count), wait_ms);
#else
    return ::poll(entries, static_cast<nfds_t>(count), wait_ms);
#endif
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
        case WSA_OPERATION_ABORTED: return std::errc::interrupted;  // a woken call
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

// Windows calls this in a thread of its own.
BOOL WINAPI on_console_event(DWORD event) {
    if (event != CTRL_C_EVENT && event != CTRL_BREAK_EVENT && event != CTRL_CLOSE_EVENT) return FALSE;
    *stop_flag = true;
    wake_handler();
    return TRUE;
}
}  // namespace

std::error_code start_network() {
    static winsock_guard guard;  // started once, the first time anyone asks
    if (guard.result != 0) return std::make_error_code(from_wsa(guard.result));
    return {};
}

std::error_code last_socket_error() { return std::make_error_code(from_wsa(WSAGetLastError())); }

bool connect_in_progress() { return WSAGetLastError() == WSAEWOULDBLOCK; }

std::error_code connect_outcome(socket_handle handle) {
    int code = 0;
    int length = sizeof code;
    if (::getsockopt(handle, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&code), &length) != 0)
        return last_socket_error();
    return code == 0 ? std::error_code{} : std::make_error_code(from_wsa(code));
}

// On Windows SO_REUSEADDR would let a second server steal the port;
// SO_EXCLUSIVEADDRUSE gives the POSIX behaviour: "address in use".
int set_reuse_address(socket_handle handle) { return set_option(handle, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, TRUE); }

socket_handle open_socket(int family, int type) {
    socket_handle handle = ::socket(family, type, 0);
    if (handle == INVALID_SOCKET || type != SOCK_DGRAM) return handle;
    // Without this, an ICMP "port unreachable" caused by one client makes the
    // server's next recvfrom() fail with WSAECONNRESET.
    BOOL off = FALSE;
    DWORD returned = 0;
    ::WSAIoctl(handle, SIO_UDP_CONNRESET, &off, sizeof off, nullptr, 0, &returned, nullptr, nullptr);
    set_reuse_address(handle);  // a second UDP server on the port: "address in use", as on POSIX
    return handle;
}
int bind_socket(socket_handle handle, const sockaddr* address, address_length length) {
    int rc = ::bind(handle, address, length);
    // With SO_EXCLUSIVEADDRUSE, a port someone else holds gives WSAEACCES:
    // for the user that is "address already in use", as on POSIX.
    if (rc != 0 && WSAGetLastError() == WSAEACCES) WSASetLastError(WSAEADDRINUSE);
    return rc;
}

int set_timeout(socket_handle handle, int name, std::chrono::milliseconds timeout) {
    return set_option(handle, SOL_SOCKET, name, static_cast<DWORD>(timeout.count()));  // a DWORD of ms
}

int set_non_blocking(socket_handle handle, bool on) {
    u_long mode = on ? 1 : 0;
    return ::ioctlsocket(handle, FIONBIO, &mode);
}

void on_ctrl_c(std::atomic<bool>& stop, void (*wake)()) {
    stop_flag = &stop;
    wake_handler = wake;
    SetConsoleCtrlHandler(on_console_event, TRUE);
}
// Winsock's shutdown() does not wake a blocked accept() or recvfrom();
// closing the socket does, and makes every later call on it fail at once.
void wake_blocked_calls(socket_handle handle) { ::closesocket(handle); }
void close_socket(socket_handle handle, bool woken) {
    if (!woken) ::closesocket(handle);
}

bool stdin_is_terminal() { return _isatty(_fileno(stdin)) != 0; }
bool stderr_ready() { return true; }  // no cheap way to ask a Windows pipe: a full one still blocks
std::size_t raise_open_file_limit() { return 0; }  // sockets are not files on Windows
int hold_spare_descriptor() { return -1; }
void release_spare_descriptor(int) {}
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
// A signal handler may do very little: set the flag, and wake the thread
// below by writing to a pipe (the "self-pipe").
int wake_pipe[2] = {-1, -1};

void on_stop_signal(int) {
    const int saved = errno;  // the interrupted code may be about to read errno
    *stop_flag = true;
    const char any = 1;
    (void)!::write(wake_pipe[1], &any, 1);
    errno = saved;
}

void wake_when_signalled() {
    char any;
    while (true)
        if (::read(wake_pipe[0], &any, 1) == 1) wake_handler();
}
}  // namespace

std::error_code start_network() { return {}; }

std::error_code last_socket_error() {
    int code = errno;
    // A receive or send timeout (SO_RCVTIMEO, SO_SNDTIMEO) shows up as "would block".
    if (code == EAGAIN || code == EWOULDBLOCK) code = ETIMEDOUT;
    return {code, std::generic_category()};
}

bool connect_in_progress() { return errno == EINPROGRESS; }

std::error_code connect_outcome(socket_handle handle) {
    int code = 0;
    socklen_t length = sizeof code;
    if (::getsockopt(handle, SOL_SOCKET, SO_ERROR, &code, &length) != 0) return last_socket_error();
    return code == 0 ? std::error_code{} : std::error_code{code, std::generic_category()};
}

// Lets a restarted server bind at once although old connections linger in
// TIME_WAIT. (On POSIX it does not let two servers share a TCP port.)
int set_reuse_address(socket_handle handle) { return set_option(handle, SOL_SOCKET, SO_REUSEADDR, 1); }

socket_handle open_socket(int family, int type) {
#ifdef SOCK_CLOEXEC
    type |= SOCK_CLOEXEC;  // do not leak sockets into programs we start
#endif
    socket_handle handle = ::socket(family, type, 0);
#ifdef SO_NOSIGPIPE
    if (handle >= 0) set_option(handle, SOL_SOCKET, SO_NOSIGPIPE, 1);
#endif
    return handle;
}
int bind_socket(socket_handle handle, const sockaddr* address, address_length length) {
    return ::bind(handle, address, length);
}

int set_timeout(socket_handle handle, int name, std::chrono::milliseconds timeout) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    return set_option(handle, SOL_SOCKET, name, tv);
}

int set_non_blocking(socket_handle handle, bool on) {
    const int flags = ::fcntl(handle, F_GETFL, 0);
    if (flags < 0) return -1;
    return ::fcntl(handle, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK);
}

void on_ctrl_c(std::atomic<bool>& stop, void (*wake)()) {
    stop_flag = &stop;
    wake_handler = wake;
    if (::pipe(wake_pipe) != 0) return;  // no pipe: Ctrl-C ends the program the default way
    ::fcntl(wake_pipe[0], F_SETFD, FD_CLOEXEC);
    ::fcntl(wake_pipe[1], F_SETFD, FD_CLOEXEC);
    // The waking thread blocks the signals, so that they go to a thread the
    // program runs: a blocked send() of a one-thread server then returns EINTR.
    sigset_t signals, before;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, &before);
    std::thread(wake_when_signalled).detach();
    pthread_sigmask(SIG_SETMASK, &before, nullptr);
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: a call the signal interrupts returns EINTR
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
}
// shutdown() for reading sends nothing: a blocked accept(), recv() or
// recvfrom() returns at once, and so does every later one.
void wake_blocked_calls(socket_handle handle) { ::shutdown(handle, SHUT_RD); }
void close_socket(socket_handle handle, bool) { ::close(handle); }

bool stdin_is_terminal() { return ::isatty(STDIN_FILENO) != 0; }

void prepare_stdio() {
    // open() returns the lowest free descriptor: a closed 0, 1 or 2 first.
    for (int fd = 0; fd <= 2; ++fd)
        if (::fcntl(fd, F_GETFD) == -1 && errno == EBADF) ::open("/dev/null", O_RDWR);
}

bool stderr_ready() {
    pollfd watched{STDERR_FILENO, POLLOUT, 0};
    return ::poll(&watched, 1, 0) == 1 && (watched.revents & POLLOUT) != 0;
}

std::size_t raise_open_file_limit() {
    rlimit files{};
    if (::getrlimit(RLIMIT_NOFILE, &files) != 0) return 0;
    if (files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &files) != 0) ::getrlimit(RLIMIT_NOFILE, &files);
    }
    return files.rlim_cur == RLIM_INFINITY ? 0 : static_cast<std::size_t>(files.rlim_cur);
}

int hold_spare_descriptor() { return ::open("/dev/null", O_RDONLY | O_CLOEXEC); }
void release_spare_descriptor(int descriptor) {
    if (descriptor >= 0) ::close(descriptor);
}

std::vector<std::string> arguments_utf8(int argc, char* argv[]) {
    return std::vector<std::string>(argv + 1, argv + argc);  // already bytes as typed
}

#endif

}  // namespace platform
