// net.cpp - the socket wrapper: one method per socket call, errors as values.
#include "net.hpp"

#include <atomic>
#include <cstdio>
#include <cstring>

namespace net {

// ------------------------------------------------------------------ tracing
namespace {
std::atomic<bool> trace_on{false};
std::atomic<bool> stop_handler{false};

// One fputs per line, so lines from several threads never interleave.
void trace_line(const std::string& line) {
    std::string out = line + "\n";
    std::fputs(out.c_str(), stderr);
}

// The line is only put together when tracing is on: building it costs more
// than many a socket call, and a server makes millions of them.
template <class Line>
void trace(Line make_line) {
    if (trace_on) trace_line(make_line());
}

std::string describe(std::error_code code);

template <class T>
std::string outcome(const result<T>& r, const std::string& success) {
    return r ? success : describe(r.error().code);
}

std::string handle_text(platform::socket_handle handle) { return std::to_string(static_cast<long long>(handle)); }
}  // namespace

void set_trace(bool on) { trace_on = on; }
bool tracing() { return trace_on; }

// ------------------------------------------------------------------ errors
namespace {
// The message for an error code, short and in lower case.
std::string describe(std::error_code code) {
    if (code.category() == platform::resolver_category()) return code.message();
    if (code == std::errc::connection_refused) return "connection refused";
    if (code == std::errc::address_in_use) return "address already in use";
    if (code == std::errc::timed_out) return "timed out";
    if (code == std::errc::connection_reset) return "connection reset by peer";
    if (code == std::errc::broken_pipe) return "connection closed by peer";
    if (code == std::errc::interrupted) return "interrupted";
    std::string text = code.message();
    if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') text[0] = static_cast<char>(text[0] - 'A' + 'a');
    return text;
}

// The likely cause, in words a student can act on.
const char* likely_cause(const error& failure) {
    const std::error_code& code = failure.code;
    if (code.category() == platform::resolver_category()) {
        if (code.value() == static_cast<int>(platform::resolver_errc::host_not_found))
            return "check the spelling of the host name, or use an IP address";
        return nullptr;
    }
    if (code == std::errc::connection_refused) return "is the server running on that host and port?";
    if (code == std::errc::address_in_use)
        return "another server is using that port: stop it, or pick another with --port";
    if (code == std::errc::timed_out) return "no answer in time: is the server running? is a firewall in the way?";
    if (code == std::errc::permission_denied) return "ports below 1024 need administrator rights";
    if (code == std::errc::address_not_available) return "that address does not belong to this machine";
    if (code == std::errc::network_unreachable || code == std::errc::host_unreachable)
        return "check the address and the network connection";
    if (code == std::errc::address_family_not_supported) return "this system has no IPv6 (or IPv4) here";
    return nullptr;
}
}  // namespace

std::string error::message() const {
    std::string text = call;
    if (!where.empty()) {
        if (call == "connect" || call == "sendto" || call == "send")
            text += " to ";
        else if (call == "recv" || call == "recvfrom")
            text += " from ";
        else if (call == "bind" || call == "listen" || call == "accept")
            text += " on ";
        else
            text += " ";
        text += where;
    }
    text += ": " + describe(code);
    if (!detail.empty()) text += " " + detail;
    if (const char* cause = likely_cause(*this)) text += std::string(" (") + cause + ")";
    return text;
}

namespace {
// A call that failed because a stop was requested (its socket shut down under
// it, or interrupted) reports "interrupted", whatever the system said.
std::error_code stopped_or(std::error_code code) {
    if (stop_handler && platform::stop_requested()) return std::make_error_code(std::errc::interrupted);
    return code;
}
}  // namespace

bool is_stop(const error& failure) { return failure.code == std::errc::interrupted && platform::stop_requested(); }

void install_stop_handler() {
    platform::install_stop_handler();
    stop_handler = true;
}
bool stop_requested() { return platform::stop_requested(); }

// ------------------------------------------------------------------ addresses
address::address(const sockaddr* raw, platform::address_length length) : length_(length) {
    std::memcpy(&storage_, raw, static_cast<std::size_t>(length) < sizeof storage_ ? length : sizeof storage_);
}

std::uint16_t address::port() const {
    if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
    if (family() == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
    return 0;
}

bool address::is_any() const {
    if (family() == AF_INET)
        return reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr.s_addr == htonl(INADDR_ANY);
    if (family() == AF_INET6) {
        const in6_addr& a = reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr;
        return std::memcmp(&a, &in6addr_any, sizeof a) == 0;
    }
    return false;
}

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

namespace {
const char* type_name(transport kind) { return kind == udp ? "SOCK_DGRAM" : "SOCK_STREAM"; }

std::string join(const std::vector<address>& addresses) {
    std::string text;
    for (const address& a : addresses) text += (text.empty() ? "" : ", ") + a.to_string();
    return text;
}
}  // namespace

result<std::vector<address>> resolve(const std::string& host, std::uint16_t port, transport kind) {
    const std::string where = (host.empty() ? "*" : host) + ":" + std::to_string(port);
    if (std::error_code started = platform::start_network()) return error{started, "WSAStartup", ""};
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = kind == udp ? SOCK_DGRAM : SOCK_STREAM;
    hints.ai_flags = host.empty() ? AI_PASSIVE : 0;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    int rc = ::getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &found);
    if (rc != 0) {
        error failure{platform::resolver_error(rc), "getaddrinfo", where};
        trace([&] { return "getaddrinfo(" + where + ") -> " + describe(failure.code); });
        return failure;
    }
    std::vector<address> addresses;
    for (addrinfo* each = found; each != nullptr; each = each->ai_next)
        addresses.emplace_back(each->ai_addr, static_cast<platform::address_length>(each->ai_addrlen));
    ::freeaddrinfo(found);
    trace([&] { return "getaddrinfo(" + where + ") -> " + join(addresses); });
    return addresses;
}

// ------------------------------------------------------------------ socket
socket::~socket() { close(); }

socket::socket(socket&& other) noexcept
    : handle_(std::exchange(other.handle_, platform::invalid_socket)), kind_(other.kind_), timeout_(other.timeout_) {}

socket& socket::operator=(socket&& other) noexcept {
    if (this != &other) {
        close();
        handle_ = std::exchange(other.handle_, platform::invalid_socket);
        kind_ = other.kind_;
        timeout_ = other.timeout_;
    }
    return *this;
}

error socket::failure(const char* call, const std::string& where, std::error_code code) const {
    return error{code, call, where};
}

result<socket> socket::create(int family, transport kind) {
    if (std::error_code started = platform::start_network()) return error{started, "WSAStartup", ""};
    auto call = [&] { return std::string("socket(") + family_name(family) + ", " + type_name(kind) + ")"; };
    platform::socket_handle handle = platform::open_socket(family, kind == udp ? SOCK_DGRAM : SOCK_STREAM);
    if (handle == platform::invalid_socket) {
        error failure{platform::last_socket_error(), "socket", ""};
        trace([&] { return call() + " -> " + describe(failure.code); });
        return failure;
    }
    trace([&] { return call() + " -> " + handle_text(handle); });
    // Ask for errors instead of SIGPIPE (and, on Windows, ignore ICMP noise).
    if (kind == udp)
        platform::prepare_datagram(handle);
    else
        platform::prepare_stream(handle);
    return socket(handle, kind);
}

result<void> socket::bind(const address& local) {
    // A server on "any" IPv6 address also takes IPv4 clients when the system allows it.
    if (local.family() == AF_INET6 && local.is_any()) platform::set_dual_stack(handle_);
    // A TCP server can restart at once while old connections linger in TIME_WAIT.
    if (kind_ == tcp) platform::set_reuse_address(handle_);
    result<void> r;
    if (platform::bind_socket(handle_, local.raw(), local.length()) != 0)
        r = failure("bind", local.to_string(), platform::last_socket_error());
    trace([&] { return "bind(" + handle_text(handle_) + ", " + local.to_string() + ") -> " + outcome(r, "ok"); });
    return r;
}

result<void> socket::listen(int backlog) {
    result<void> r;
    if (::listen(handle_, backlog) != 0) r = failure("listen", "", platform::last_socket_error());
    trace(
        [&] { return "listen(" + handle_text(handle_) + ", " + std::to_string(backlog) + ") -> " + outcome(r, "ok"); });
    return r;
}

result<void> socket::wait_readable(const char* call) {
    // Only where the stop handler cannot wake a blocked call by itself.
    if (!stop_handler || platform::stop_wakes_blocked_calls()) return {};
    switch (platform::wait_readable(handle_, timeout_)) {
        case platform::wait_result::ready: return {};
        case platform::wait_result::stopped: return failure(call, "", std::make_error_code(std::errc::interrupted));
        case platform::wait_result::timed_out: return failure(call, "", std::make_error_code(std::errc::timed_out));
        default: return failure(call, "", platform::last_socket_error());
    }
}

result<std::pair<socket, address>> socket::accept() {
    auto call = [&] { return std::string("accept(" + handle_text(handle_) + ")"); };
    if (result<void> ready = wait_readable("accept"); !ready) {
        trace([&] { return call() + " -> " + describe(ready.error().code); });
        return ready.error();
    }
    address peer;
    platform::socket_handle accepted = platform::accept_socket(handle_, peer.raw(), &peer.length());
    if (accepted == platform::invalid_socket) {
        error e = failure("accept", "", stopped_or(platform::last_socket_error()));
        trace([&] { return call() + " -> " + describe(e.code); });
        return e;
    }
    trace([&] { return call() + " -> " + handle_text(accepted) + " from " + peer.to_string(); });
    platform::prepare_stream(accepted);
    return std::make_pair(socket(accepted, tcp), peer);
}

result<void> socket::connect(const address& remote) {
    result<void> r;
    if (::connect(handle_, remote.raw(), remote.length()) != 0)
        r = failure("connect", remote.to_string(), platform::last_socket_error());
    trace([&] { return "connect(" + handle_text(handle_) + ", " + remote.to_string() + ") -> " + outcome(r, "ok"); });
    return r;
}

result<std::size_t> socket::send(std::string_view data) {
    long long sent = platform::send_bytes(handle_, data.data(), data.size());
    result<std::size_t> r = sent >= 0
                                ? result<std::size_t>(static_cast<std::size_t>(sent))
                                : result<std::size_t>(failure("send", "", stopped_or(platform::last_socket_error())));
    trace([&] {
        return "send(" + handle_text(handle_) + ", " + std::to_string(data.size()) + " bytes) -> " +
               outcome(r, r ? std::to_string(r.value()) : "");
    });
    return r;
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

result<std::size_t> socket::recv(char* buffer, std::size_t size) {
    auto call = [&] { return std::string("recv(" + handle_text(handle_) + ", " + std::to_string(size) + ")"); };
    if (result<void> ready = wait_readable("recv"); !ready) {
        trace([&] { return call() + " -> " + describe(ready.error().code); });
        return ready.error();
    }
    long long got = platform::recv_bytes(handle_, buffer, size);
    if (got < 0) {
        error e = failure("recv", "", stopped_or(platform::last_socket_error()));
        trace([&] { return call() + " -> " + describe(e.code); });
        return e;
    }
    trace([&] {
        return call() + " -> " + (got == 0 ? std::string("0 bytes (peer closed)") : std::to_string(got) + " bytes");
    });
    return static_cast<std::size_t>(got);
}

result<std::size_t> socket::sendto(std::string_view data, const address& to) {
    long long sent = platform::send_to(handle_, data.data(), data.size(), to.raw(), to.length());
    result<std::size_t> r = sent >= 0
                                ? result<std::size_t>(static_cast<std::size_t>(sent))
                                : result<std::size_t>(failure("sendto", to.to_string(), platform::last_socket_error()));
    trace([&] {
        return "sendto(" + handle_text(handle_) + ", " + std::to_string(data.size()) + " bytes, " + to.to_string() +
               ") -> " + outcome(r, r ? std::to_string(r.value()) : "");
    });
    return r;
}

result<std::pair<std::size_t, address>> socket::recvfrom(char* buffer, std::size_t size) {
    auto call = [&] { return std::string("recvfrom(" + handle_text(handle_) + ", " + std::to_string(size) + ")"); };
    if (result<void> ready = wait_readable("recvfrom"); !ready) {
        trace([&] { return call() + " -> " + describe(ready.error().code); });
        return ready.error();
    }
    address from;
    long long got = platform::recv_from(handle_, buffer, size, from.raw(), &from.length());
    // A datagram socket shut down by a stop request returns "0 bytes" from nobody.
    if (got < 0 || (got == 0 && stop_handler && platform::stop_requested())) {
        error e = failure("recvfrom", "", stopped_or(platform::last_socket_error()));
        trace([&] { return call() + " -> " + describe(e.code); });
        return e;
    }
    trace([&] { return call() + " -> " + std::to_string(got) + " bytes from " + from.to_string(); });
    return std::make_pair(static_cast<std::size_t>(got), from);
}

result<void> socket::shutdown(direction which) {
    const char* how = which == direction::read ? "SHUT_RD" : which == direction::write ? "SHUT_WR" : "SHUT_RDWR";
    result<void> r;
    if (platform::shutdown_socket(handle_, which != direction::write, which != direction::read) != 0)
        r = failure("shutdown", "", platform::last_socket_error());
    trace([&] { return "shutdown(" + handle_text(handle_) + ", " + how + ") -> " + outcome(r, "ok"); });
    return r;
}

void socket::close() {
    if (handle_ == platform::invalid_socket) return;
    trace([&] { return "close(" + handle_text(handle_) + ")"; });
    platform::close_socket(handle_);
    handle_ = platform::invalid_socket;
}

result<void> socket::set_timeout(std::chrono::milliseconds timeout) {
    result<void> r;
    if (platform::set_receive_timeout(handle_, timeout) != 0)
        r = failure("setsockopt(SO_RCVTIMEO)", "", platform::last_socket_error());
    else
        timeout_ = timeout;
    trace([&] {
        return "setsockopt(" + handle_text(handle_) + ", SO_RCVTIMEO, " + std::to_string(timeout.count()) + " ms) -> " +
               outcome(r, "ok");
    });
    return r;
}

result<address> socket::local_address() const {
    address local;
    if (::getsockname(handle_, local.raw(), &local.length()) != 0)
        return error{platform::last_socket_error(), "getsockname", ""};
    return local;
}

// ------------------------------------------------------------------ how programs begin
namespace {
address any_address(int family, std::uint16_t port) {
    sockaddr_storage storage{};
    if (family == AF_INET6) {
        auto* six = reinterpret_cast<sockaddr_in6*>(&storage);
        six->sin6_family = AF_INET6;
        six->sin6_addr = in6addr_any;
        six->sin6_port = htons(port);
        return address(reinterpret_cast<sockaddr*>(six), sizeof *six);
    }
    auto* four = reinterpret_cast<sockaddr_in*>(&storage);
    four->sin_family = AF_INET;
    four->sin_addr.s_addr = htonl(INADDR_ANY);
    four->sin_port = htons(port);
    return address(reinterpret_cast<sockaddr*>(four), sizeof *four);
}

result<socket> bound_socket(transport kind, const address& local) {
    result<socket> created = socket::create(local.family(), kind);
    if (!created) return created.error();
    if (result<void> bound = created->bind(local); !bound) return bound.error();
    return created;
}
}  // namespace

result<socket> server_socket(transport kind, const std::string& host, std::uint16_t port) {
    if (host.empty() || host == "*") {
        // All interfaces: one IPv6 socket that also takes IPv4, or plain IPv4
        // where the system has no IPv6.
        result<socket> dual = bound_socket(kind, any_address(AF_INET6, port));
        if (dual || dual.error().call == "bind") return dual;
        return bound_socket(kind, any_address(AF_INET, port));
    }
    result<std::vector<address>> addresses = resolve(host, port, kind);
    if (!addresses) return addresses.error();
    result<socket> last = error{std::make_error_code(std::errc::address_not_available), "bind", host};
    for (const address& local : addresses.value()) {
        last = bound_socket(kind, local);
        if (last) break;
    }
    return last;
}

result<socket> connect_to(const std::string& host, std::uint16_t port) {
    // Like Python's socket.create_connection(): try every address of the name
    // (say ::1, then 127.0.0.1) until one accepts the connection.
    result<std::vector<address>> addresses = resolve(host, port, tcp);
    if (!addresses) return addresses.error();
    result<socket> last = error{std::make_error_code(std::errc::address_not_available), "connect", host};
    for (const address& remote : addresses.value()) {
        result<socket> created = socket::create(remote.family(), tcp);
        if (!created) {
            last = created.error();
            continue;
        }
        result<void> connected = created->connect(remote);
        if (connected) return created;
        last = connected.error();
    }
    return last;
}

}  // namespace net
