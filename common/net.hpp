// net.hpp - a thin socket wrapper whose methods carry the lecture's names.
//
//   Python (lecture)                      C++ (this wrapper)
//   socket(AF_INET, SOCK_DGRAM)           net::socket::create(family, net::udp)
//   serverSocket.bind(('', port))         serverSocket.bind(address)
//   serverSocket.listen(1)                serverSocket.listen(1)
//   serverSocket.accept()                 serverSocket.accept()
//   clientSocket.connect((name, port))    clientSocket.connect(address)
//   sendto / recvfrom / send / recv       sendto / recvfrom / send / recv
//   clientSocket.close()                  clientSocket.close() (or let it go out of scope)
//
// Every call returns a net::result (see result.hpp) and, with tracing on,
// prints itself to stderr, e.g. `recvfrom(3, 65536) -> 5 bytes from 127.0.0.1:50512`.
#pragma once

#include <chrono>
#include <cstdint>
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

// The largest payload one UDP datagram can carry over IPv4 (65535 - 8 - 20).
inline constexpr std::size_t max_datagram = 65507;

// --trace: print every socket call, its arguments and its result to stderr.
void set_trace(bool on);
bool tracing();

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
    bool operator!=(const address& other) const { return !(*this == other); }

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
    result<void> connect(const address& remote);

    result<std::size_t> send(std::string_view data);
    result<void> send_all(std::string_view data);   // send() until every byte is gone
    // recv(): up to buffer.size() bytes; 0 means the peer closed its side.
    result<std::size_t> recv(char* buffer, std::size_t size);
    result<std::size_t> sendto(std::string_view data, const address& to);
    result<std::pair<std::size_t, address>> recvfrom(char* buffer, std::size_t size);

    enum class direction { read, write, both };
    result<void> shutdown(direction which);
    void close();

    // recv/recvfrom/accept fail with std::errc::timed_out after this long.
    result<void> set_timeout(std::chrono::milliseconds timeout);
    result<address> local_address() const;

    bool is_open() const { return handle_ != platform::invalid_socket; }
    platform::socket_handle handle() const { return handle_; }
    transport kind() const { return kind_; }

private:
    socket(platform::socket_handle handle, transport kind) : handle_(handle), kind_(kind) {}
    net::error failure(const char* call, const std::string& where, std::error_code code) const;
    result<void> wait_readable(const char* call);

    platform::socket_handle handle_ = platform::invalid_socket;
    transport kind_ = transport::tcp;
    std::chrono::milliseconds timeout_{-1};
};

// The two ways the lecture's programs begin, with the plumbing every real
// program needs (IPv4 and IPv6, every address of a name, restartable servers):
//
// server_socket: socket() + bind() on host:port. An empty host binds all
// interfaces, IPv6 and IPv4 at once where the system allows it.
result<socket> server_socket(transport kind, const std::string& host, std::uint16_t port);
// connect_to: socket() + connect() to the first address of host that answers.
result<socket> connect_to(const std::string& host, std::uint16_t port);

// Stop signals: after install_stop_handler(), SIGINT/SIGTERM (Ctrl-C) make the
// blocked accept/recv/recvfrom/send of the thread that installed it (the
// main thread) return an error with std::errc::interrupted (is_stop() says
// so). Other threads are not interrupted: the main thread ends them, e.g. by
// shutting down their sockets (see tcp_server/registry.cpp); a thread that
// should leave the signals to the main thread calls
// platform::keep_stop_signals_away() first.
void install_stop_handler();
bool stop_requested();
bool is_stop(const net::error& failure);

}  // namespace net
