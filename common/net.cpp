// net.cpp - the socket wrapper: one method per socket call, errors as values.
#include "net.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>

namespace net {

// ------------------------------------------------------------------ errors
namespace {
class net_category : public std::error_category {
public:
    const char* name() const noexcept override { return "net"; }
    std::string message(int code) const override {
        switch (static_cast<errc>(code)) {
            case errc::closed: return "connection closed by peer";
            case errc::too_long: return "line too long";
        }
        return "unknown error";
    }
};

// The message for an error code, short and in lower case. (The common ones
// spelled out: the C library of MinGW knows no words for them.)
std::string describe(std::error_code code) {
    if (code == std::errc::connection_refused) return "connection refused";
    if (code == std::errc::address_in_use) return "address already in use";
    if (code == std::errc::connection_reset) return "connection reset by peer";
    if (code == std::errc::timed_out) return "timed out";
    if (code == std::errc::broken_pipe) return "connection closed by peer";
    if (code == std::errc::interrupted) return "interrupted";
    std::string text = code.message();
    if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') text[0] = static_cast<char>(text[0] - 'A' + 'a');
    return text;
}

// The likely cause, in words a student can act on.
const char* likely_cause(const error& failure) {
    const std::error_code& code = failure.code;
    if (code == std::error_code(static_cast<int>(platform::resolver_errc::host_not_found),
                                platform::resolver_category()))
        return "check the spelling of the host name, or use an IP address";
    if (code == std::errc::connection_refused) return "is the server running on that host and port?";
    if (code == std::errc::address_in_use)
        return "another server is using that port: stop it, or pick another with --port";
    if (code == std::errc::timed_out) return "no answer in time: is the server running? is a firewall in the way?";
    if (code == std::errc::permission_denied && failure.call == call::bind)
        return "ports below 1024 need administrator rights";
    if (code == std::errc::permission_denied && failure.call == call::sendto)
        return "a broadcast address? sending there must be allowed on the socket (SO_BROADCAST)";
    if (code == std::errc::message_size) return "more than one UDP datagram can carry";
    if (code == std::errc::address_not_available) return "that address does not belong to this machine";
    if (code == std::errc::network_unreachable || code == std::errc::host_unreachable)
        return "check the address and the network connection";
    if (code == std::errc::address_family_not_supported) return "this system has no IPv6 (or IPv4) here";
    return nullptr;
}
}  // namespace

std::error_code make_error_code(errc e) {
    static const net_category category;
    return {static_cast<int>(e), category};
}

void missing(const char* what, const error* failure) {
    std::fprintf(stderr, "net::result: %s of a result that has none%s%s\n", what, failure ? ": " : "",
                 failure ? failure->message().c_str() : "");
    std::abort();
}

const char* call_name(call which) {
    static const char* const names[] = {"WSAStartup", "getaddrinfo", "socket",   "bind",     "listen",
                                        "accept",     "connect",     "send",     "recv",     "sendto",
                                        "recvfrom",   "shutdown",    "poll",     "setsockopt", "getsockname", ""};
    return names[static_cast<int>(which)];
}

std::string error::message() const {
    if (call == call::none) return detail;  // a parser's refusal says it all
    std::string text = call_name(call);
    if (!where.empty()) {
        switch (call) {
            case call::connect: case call::send: case call::sendto: text += " to "; break;
            case call::recv: case call::recvfrom: text += " from "; break;
            case call::bind: case call::listen: case call::accept: text += " on "; break;
            default: text += " "; break;
        }
        text += where;
    }
    text += ": " + describe(code);
    if (!detail.empty()) text += " " + detail;
    if (const char* cause = likely_cause(*this)) text += std::string(" (") + cause + ")";
    return text;
}

// ------------------------------------------------------------------ stopping on Ctrl-C
namespace {
std::atomic<bool> stop_flag{false};

// The sockets Ctrl-C wakes, each with whether it has been woken already.
struct stop_list {
    std::mutex mutex;
    std::unordered_map<platform::socket_handle, bool> woken;
    bool installed = false;
};
stop_list& to_wake() {
    // Never destroyed: the thread that wakes them may still run at exit.
    static stop_list* list = new stop_list;
    return *list;
}

// Runs after Ctrl-C, in a thread of its own (see platform::on_ctrl_c).
void wake_all() {
    std::lock_guard<std::mutex> lock(to_wake().mutex);
    for (auto& [handle, woken] : to_wake().woken)
        if (!std::exchange(woken, true)) platform::wake_blocked_calls(handle);
}
}  // namespace

void stop_on_ctrl_c(socket& s) {
    std::lock_guard<std::mutex> lock(to_wake().mutex);
    if (!std::exchange(to_wake().installed, true)) platform::on_ctrl_c(stop_flag, wake_all);
    bool& woken = to_wake().woken[s.handle_];
    s.wakes_on_stop_ = true;
    // Ctrl-C came already (just before a new connection was accepted, say).
    if (stop_flag && !std::exchange(woken, true)) platform::wake_blocked_calls(s.handle_);
}

bool stop_requested() { return stop_flag; }

// ------------------------------------------------------------------ tracing and calling
namespace {
std::atomic<bool> trace_on{false};

// One fputs per line, so lines from several threads never interleave.
void trace_line(const std::string& line) { std::fputs((line + "\n").c_str(), stderr); }

std::string text_of(platform::socket_handle handle) { return std::to_string(static_cast<long long>(handle)); }

// Every socket call is made here: retried when a signal other than Ctrl-C
// interrupts it, turned into an error naming the call when it fails, and
// printed with --trace as "call(args) -> what came of it". The address the
// error names (`where`), `args` and `outcome` are put into words only when
// needed: getnameinfo() for every datagram was most of udp_server's own CPU.
template <class Call, class Args, class Outcome>
result<long long> checked(net::call which, const address* where, Call make_call, Args args, Outcome outcome) {
    long long rc;
    do {
        rc = make_call();
    } while (rc < 0 && platform::last_socket_error() == std::errc::interrupted && !stop_requested());
    if (rc < 0) {
        error failure{platform::last_socket_error(), which, where ? where->to_string() : ""};
        if (trace_on) trace_line(std::string(call_name(which)) + "(" + args() + ") -> " + describe(failure.code));
        return failure;
    }
    if (trace_on) trace_line(std::string(call_name(which)) + "(" + args() + ") -> " + outcome(rc));
    return rc;
}

std::string ok(long long) { return "ok"; }
std::string bytes(long long n) { return std::to_string(n); }

result<void> done(const result<long long>& r) {
    if (!r) return r.error();
    return {};
}
}  // namespace

void set_trace(bool on) { trace_on = on; }

// ------------------------------------------------------------------ addresses
address::address(const sockaddr* raw, platform::address_length length) : length_(length) {
    std::memcpy(&storage_, raw, std::min(static_cast<std::size_t>(length), sizeof storage_));
}

std::uint16_t address::port() const {
    if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
    if (family() == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
    return 0;
}

bool address::is_any() const { return host() == "::" || host() == "0.0.0.0"; }

std::string address::host() const {
    char text[NI_MAXHOST] = "?";
    ::getnameinfo(raw(), length_, text, sizeof text, nullptr, 0, NI_NUMERICHOST);
    std::string result = text;
    // An IPv4 client seen through a dual-stack IPv6 socket: show plain IPv4.
    if (result.rfind("::ffff:", 0) == 0 && result.find('.') != std::string::npos) result.erase(0, 7);
    return result;
}

std::string address::to_string() const {
    std::string name = host();
    if (name.find(':') != std::string::npos) name = "[" + name + "]";
    return name + ":" + std::to_string(port());
}

bool address::operator==(const address& other) const {
    return family() == other.family() && port() == other.port() && host() == other.host();
}

const char* family_name(int family) {
    if (family == AF_INET) return "AF_INET";
    if (family == AF_INET6) return "AF_INET6";
    return "AF_UNSPEC";
}

result<std::vector<address>> resolve(const std::string& host, std::uint16_t port, transport kind) {
    const std::string where = (host.empty() ? "*" : host) + ":" + std::to_string(port);
    if (std::error_code started = platform::start_network()) return error{started, call::startup};
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = kind == udp ? SOCK_DGRAM : SOCK_STREAM;
    hints.ai_flags = host.empty() ? AI_PASSIVE : 0;
    addrinfo* found = nullptr;
    const int rc = ::getaddrinfo(host.empty() ? nullptr : host.c_str(), std::to_string(port).c_str(), &hints, &found);
    if (rc != 0) {
        error failure{platform::resolver_error(rc), call::getaddrinfo, where};
        if (trace_on) trace_line("getaddrinfo(" + where + ") -> " + failure.code.message());
        return failure;
    }
    std::vector<address> addresses;
    std::string text;
    for (addrinfo* each = found; each != nullptr; each = each->ai_next) {
        addresses.emplace_back(each->ai_addr, static_cast<platform::address_length>(each->ai_addrlen));
        text += (text.empty() ? "" : ", ") + addresses.back().to_string();
    }
    ::freeaddrinfo(found);
    if (trace_on) trace_line("getaddrinfo(" + where + ") -> " + text);
    return addresses;
}

// ------------------------------------------------------------------ socket
socket::~socket() { close(); }

socket::socket(socket&& other) noexcept { *this = std::move(other); }

socket& socket::operator=(socket&& other) noexcept {
    if (this != &other) {
        close();
        handle_ = std::exchange(other.handle_, platform::invalid_socket);
        kind_ = other.kind_;
        wakes_on_stop_ = std::exchange(other.wakes_on_stop_, false);
    }
    return *this;
}

result<socket> socket::create(int family, transport kind) {
    if (std::error_code started = platform::start_network()) return error{started, call::startup};
    platform::socket_handle handle = platform::invalid_socket;
    result<long long> r = checked(
        call::socket, nullptr,
        [&] {
            handle = platform::open_socket(family, kind == udp ? SOCK_DGRAM : SOCK_STREAM);
            return handle == platform::invalid_socket ? -1LL : 0LL;
        },
        [&] { return std::string(family_name(family)) + (kind == udp ? ", SOCK_DGRAM" : ", SOCK_STREAM"); },
        [&](long long) { return text_of(handle); });
    if (!r) return r.error();
    return socket(handle, kind);
}

result<void> socket::bind(const address& local) {
    // A server on "any" IPv6 address also takes IPv4 clients when the system allows it.
    if (local.family() == AF_INET6 && local.is_any()) platform::set_option(handle_, IPPROTO_IPV6, IPV6_V6ONLY, 0);
    // A TCP server can restart at once while old connections linger in TIME_WAIT.
    if (kind_ == tcp) platform::set_reuse_address(handle_);
    return done(checked(
        call::bind, &local, [&] { return platform::bind_socket(handle_, local.raw(), local.length()); },
        [&] { return text_of(handle_) + ", " + local.to_string(); }, ok));
}

result<void> socket::listen(int backlog) {
    return done(checked(
        call::listen, nullptr, [&] { return ::listen(handle_, backlog); },
        [&] { return text_of(handle_) + ", " + std::to_string(backlog); }, ok));
}

result<std::pair<socket, address>> socket::accept() {
    address peer;
    platform::socket_handle accepted = platform::invalid_socket;
    result<long long> r = checked(
        call::accept, nullptr,
        [&] {
            peer.length() = sizeof(sockaddr_storage);
            accepted = platform::accept_socket(handle_, peer.raw(), &peer.length());
            return accepted == platform::invalid_socket ? -1LL : 0LL;
        },
        [&] { return text_of(handle_); }, [&](long long) { return text_of(accepted) + " from " + peer.to_string(); });
    if (!r) return r.error();
    return std::make_pair(socket(accepted, tcp), peer);
}

result<void> socket::connect(const address& remote, deadline until) {
    if (until == no_deadline)
        return done(checked(
            call::connect, &remote, [&] { return ::connect(handle_, remote.raw(), remote.length()); },
            [&] { return text_of(handle_) + ", " + remote.to_string(); }, ok));
    // Before a deadline: connect() without waiting, then poll() until the
    // connection is made or refused, or the time is up.
    result<void> outcome = start_connect(remote);
    if (outcome) {
        result<void> ready = wait_until(call::connect, until, direction::write);
        outcome = ready ? connect_outcome(remote) : error{ready.error().code, call::connect, remote.to_string()};
        if (!ready && trace_on)
            trace_line("connect(" + text_of(handle_) + ", " + remote.to_string() + ") -> " + describe(ready.error().code));
    }
    if (result<void> set = set_non_blocking(false); !set && outcome) return set;
    return outcome;
}

result<void> socket::start_connect(const address& remote) {
    if (result<void> set = set_non_blocking(true); !set) return set;
    return done(checked(
        call::connect, &remote,
        [&] {
            const int rc = ::connect(handle_, remote.raw(), remote.length());
            return rc < 0 && platform::connect_in_progress() ? 1LL : rc;
        },
        [&] { return text_of(handle_) + ", " + remote.to_string(); },
        [](long long rc) { return rc == 0 ? std::string("ok") : std::string("in progress"); }));
}

result<void> socket::connect_outcome(const address& remote) {
    const std::error_code failed = platform::connect_outcome(handle_);
    if (trace_on)
        trace_line("connect(" + text_of(handle_) + ", " + remote.to_string() + ") -> " +
                   (failed ? describe(failed) : std::string("connected")));
    if (failed) return error{failed, call::connect, remote.to_string()};
    return {};
}

result<std::size_t> socket::send(std::string_view data) {
    result<long long> r = checked(
        call::send, nullptr,
        [&] { return ::send(handle_, data.data(), platform::io_size(data.size()), platform::send_flags); },
        [&] { return text_of(handle_) + ", " + std::to_string(data.size()) + " bytes"; }, bytes);
    if (!r) return r.error();
    return static_cast<std::size_t>(r.value());
}

result<void> socket::send_all(std::string_view data) {
    // send() may take only part of the data; keep going until all of it is gone.
    while (!data.empty()) {
        result<std::size_t> sent = send(data);
        if (!sent) return sent.error();
        data.remove_prefix(sent.value());
    }
    return {};
}

result<void> socket::wait_until(net::call which, deadline until, direction ready_for) {
    // poll() for what is left of the time (none left: a look without waiting).
    const auto left = std::max(std::chrono::ceil<std::chrono::milliseconds>(until - clock::now()),
                               std::chrono::milliseconds(0));
    const bool write = ready_for == direction::write;
    result<long long> ready = checked(
        call::poll, nullptr,
        [&] {
            return static_cast<long long>(write ? platform::wait_writable(handle_, left)
                                                : platform::wait_readable(handle_, left));
        },
        [&] { return text_of(handle_) + (write ? ", POLLOUT, " : ", POLLIN, ") + std::to_string(left.count()) + " ms"; },
        [&](long long n) { return std::string(n == 0 ? "nothing" : write ? "writable" : "readable"); });
    if (!ready) return error{ready.error().code, which};
    if (ready.value() == 0) return error{std::make_error_code(std::errc::timed_out), which};
    return {};
}

result<std::size_t> socket::recv(char* buffer, std::size_t size, deadline until) {
    if (until != no_deadline)
        if (result<void> ready = wait_until(call::recv, until); !ready) return ready.error();
    result<long long> r = checked(
        call::recv, nullptr, [&] { return ::recv(handle_, buffer, platform::io_size(size), 0); },
        [&] { return text_of(handle_) + ", " + std::to_string(size); },
        [](long long n) { return n == 0 ? std::string("0 bytes (peer closed)") : std::to_string(n) + " bytes"; });
    if (!r) return r.error();
    return static_cast<std::size_t>(r.value());
}

result<std::size_t> socket::sendto(std::string_view data, const address& to) {
    result<long long> r = checked(
        call::sendto, &to,
        [&] {
            return ::sendto(handle_, data.data(), platform::io_size(data.size()), platform::send_flags, to.raw(),
                            to.length());
        },
        [&] { return text_of(handle_) + ", " + std::to_string(data.size()) + " bytes, " + to.to_string(); }, bytes);
    if (!r) return r.error();
    return static_cast<std::size_t>(r.value());
}

result<std::pair<std::size_t, address>> socket::recvfrom(char* buffer, std::size_t size, deadline until) {
    if (until != no_deadline)
        if (result<void> ready = wait_until(call::recvfrom, until); !ready) return ready.error();
    address from;
    result<long long> r = checked(
        call::recvfrom, nullptr,
        [&] {
            from.length() = sizeof(sockaddr_storage);
            return ::recvfrom(handle_, buffer, platform::io_size(size), 0, from.raw(), &from.length());
        },
        [&] { return text_of(handle_) + ", " + std::to_string(size); },
        [&](long long n) { return std::to_string(n) + " bytes from " + from.to_string(); });
    if (!r) return r.error();
    return std::make_pair(static_cast<std::size_t>(r.value()), from);
}

result<std::string> socket::recv_exactly(std::size_t n, deadline until) {
    std::string piece(n, '\0');
    std::size_t have = 0;
    while (have < n) {
        result<std::size_t> got = recv(piece.data() + have, n - have, until);
        if (!got) return got.error();
        if (got.value() == 0)
            return error{errc::closed, call::recv, "",
                         "after " + std::to_string(have) + " of " + std::to_string(n) + " bytes"};
        have += got.value();
    }
    return piece;
}

result<void> socket::shutdown(direction which) {
    const char* how = which == direction::read ? "SHUT_RD" : which == direction::write ? "SHUT_WR" : "SHUT_RDWR";
    return done(checked(
        call::shutdown, nullptr,
        [&] { return ::shutdown(handle_, platform::shut_how[static_cast<int>(which)]); },
        [&] { return text_of(handle_) + ", " + how; }, ok));
}

void socket::close() {
    if (handle_ == platform::invalid_socket) return;
    if (trace_on) trace_line("close(" + text_of(handle_) + ")");
    bool woken = false;
    if (std::exchange(wakes_on_stop_, false)) {  // take it off Ctrl-C's list
        std::lock_guard<std::mutex> lock(to_wake().mutex);
        woken = to_wake().woken.extract(handle_).mapped();
    }
    platform::close_socket(handle_, woken);
    handle_ = platform::invalid_socket;
}

namespace {
// setsockopt() and the like, made and traced like every other call.
template <class Set, class Args>
result<void> option(Set set, Args args) {
    return done(checked(call::setsockopt, nullptr, set, args, ok));
}
}  // namespace

result<void> socket::set_receive_timeout(std::chrono::milliseconds timeout) {
    return option([&] { return platform::set_timeout(handle_, SO_RCVTIMEO, timeout); },
                  [&] { return text_of(handle_) + ", SO_RCVTIMEO, " + std::to_string(timeout.count()) + " ms"; });
}

result<void> socket::set_send_timeout(std::chrono::milliseconds timeout) {
    return option([&] { return platform::set_timeout(handle_, SO_SNDTIMEO, timeout); },
                  [&] { return text_of(handle_) + ", SO_SNDTIMEO, " + std::to_string(timeout.count()) + " ms"; });
}

result<void> socket::reset_on_close() {
    linger abort_on_close{};
    abort_on_close.l_onoff = 1;  // linger, for 0 seconds: drop what is unsent and send RST
    abort_on_close.l_linger = 0;
    return option([&] { return platform::set_option(handle_, SOL_SOCKET, SO_LINGER, abort_on_close); },
                  [&] { return text_of(handle_) + ", SO_LINGER, {1, 0}"; });
}

result<void> socket::set_no_delay() {
    return option([&] { return platform::set_option(handle_, IPPROTO_TCP, TCP_NODELAY, 1); },
                  [&] { return text_of(handle_) + ", TCP_NODELAY"; });
}

result<void> socket::set_non_blocking(bool on) {
    return option([&] { return platform::set_non_blocking(handle_, on); },
                  [&] { return text_of(handle_) + (on ? ", O_NONBLOCK" : ", blocking"); });
}

result<void> socket::set_buffer_size(direction which, int bytes) {
    const int name = which == direction::read ? SO_RCVBUF : SO_SNDBUF;
    return option([&] { return platform::set_option(handle_, SOL_SOCKET, name, bytes); },
                  [&] {
                      return text_of(handle_) + (name == SO_RCVBUF ? ", SO_RCVBUF, " : ", SO_SNDBUF, ") +
                             std::to_string(bytes);
                  });
}

result<address> socket::local_address() const {
    address local;
    if (::getsockname(handle_, local.raw(), &local.length()) != 0)
        return error{platform::last_socket_error(), call::getsockname};
    return local;
}

// ------------------------------------------------------------------ line_reader
result<std::optional<std::string>> line_reader::next(deadline until) {
    char buffer[4096];
    std::size_t searched = 0;  // pending_ has no '\n' before this
    while (true) {
        const std::size_t end = pending_.find('\n', searched);
        if (end != std::string::npos) {
            std::string line = pending_.substr(0, end);
            pending_.erase(0, end + 1);
            return std::optional<std::string>(std::move(line));
        }
        if (pending_.size() > max_line_)
            return error{errc::too_long, call::recv, "", "(over " + std::to_string(max_line_) + " bytes)"};
        searched = pending_.size();
        result<std::size_t> got = socket_.recv(buffer, sizeof buffer, until);
        if (!got) return got.error();
        if (got.value() == 0) {
            if (pending_.empty()) return std::optional<std::string>();  // closed between two lines
            return error{errc::closed, call::recv, "", "in the middle of a line"};
        }
        pending_.append(buffer, got.value());
    }
}

result<std::string> line_reader::exactly(std::size_t n, deadline until) {
    const std::size_t from_pending = std::min(n, pending_.size());
    std::string piece = pending_.substr(0, from_pending);
    pending_.erase(0, from_pending);
    if (piece.size() == n) return piece;
    result<std::string> rest = socket_.recv_exactly(n - piece.size(), until);
    if (!rest) return rest.error();
    return piece + rest.value();
}

// ------------------------------------------------------------------ how programs begin
result<socket> server_socket(transport kind, const std::string& host, std::uint16_t port) {
    // All interfaces ("" or "*"): getaddrinfo gives "::" and "0.0.0.0". "::"
    // goes first: one IPv6 socket also takes IPv4 clients where the system
    // allows it; without IPv6, socket() fails and 0.0.0.0 is next.
    const bool any = host.empty() || host == "*";
    result<std::vector<address>> addresses = resolve(any ? "" : host, port, kind);
    if (!addresses) return addresses.error();
    std::vector<address> candidates = addresses.value();
    if (any)
        std::stable_partition(candidates.begin(), candidates.end(),
                              [](const address& a) { return a.family() == AF_INET6; });
    result<socket> last = error{std::make_error_code(std::errc::address_not_available), call::bind, host};
    for (const address& local : candidates) {
        last = socket::create(local.family(), kind);
        if (!last) continue;
        result<void> bound = last.value().bind(local);
        if (bound) return last;
        last = bound.error();
        if (any) return last;  // the port is taken (or not ours): another family would not change that
    }
    return last;
}

result<socket> connect_to(const std::string& host, std::uint16_t port, deadline until) {
    // Like Python's socket.create_connection(): try every address of the name
    // (say ::1, then 127.0.0.1) until one accepts the connection.
    result<std::vector<address>> addresses = resolve(host, port, tcp);
    if (!addresses) return addresses.error();
    result<socket> last = error{std::make_error_code(std::errc::address_not_available), call::connect, host};
    for (const address& remote : addresses.value()) {
        last = socket::create(remote.family(), tcp);
        if (!last) continue;
        result<void> connected = last.value().connect(remote, until);
        if (connected) return last;
        last = connected.error();
    }
    return last;
}

}  // namespace net
