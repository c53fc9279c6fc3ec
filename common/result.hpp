// result.hpp - errors as values.
//
// Every wrapper call returns a result<T>: either the value the call produced,
// or an `error` that says which call failed, on what address, and why. No
// exception ever leaves the wrapper and nothing in it calls exit(): the
// program decides, in one place, how to report a failure. Code that refuses
// bytes it read (a parser, a decoder) returns the same result, its error made
// by fail(): the message, and where in the input the problem is.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <variant>

namespace net {

// The socket calls, in the lecture's words.
enum class call {
    startup,      // WSAStartup (Windows only)
    getaddrinfo,  // the name lookup
    socket,
    bind,
    listen,
    accept,
    connect,
    send,
    recv,
    sendto,
    recvfrom,
    shutdown,
    poll,
    setsockopt,
    getsockname,
    none,         // no socket call: bytes refused by a parser (see fail())
};
const char* call_name(call which);  // "recvfrom"

struct error {
    std::error_code code{};            // portable: compare with std::errc values
    net::call call = net::call::none;  // which call failed
    std::string where{};               // the address involved, e.g. "127.0.0.1:12000"
    std::string detail{};              // more about what happened, e.g. "after 4 tries of 1000 ms"
    std::optional<std::size_t> offset{};  // for a decoder: where in its input the problem is

    // One line for a human: the call, the address, what went wrong and the
    // likely cause, e.g. "connect to 127.0.0.1:12000: connection refused
    // (is the server running on that host and port?)"; for a parser's
    // refusal, just what was wrong, e.g. "bencode: byte 1: leading zero in an integer".
    std::string message() const;
};

// A failure that is no socket call's: what was wrong, in one line for a
// human, and for a decoder where in its input.
inline error fail(std::string message, std::optional<std::size_t> offset = std::nullopt) {
    return error{{}, call::none, {}, std::move(message), offset};
}

// A value() or error() that is not there is a mistake in the program: it
// stops with the error's message (check ok(), or `if (r)`, first).
[[noreturn]] void missing(const char* what, const error* failure);

template <class T>
class [[nodiscard]] result {
public:
    result(T value) : state_(std::move(value)) {}
    result(net::error failure) : state_(std::move(failure)) {}

    bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { check(); return std::get<0>(state_); }
    const T& value() const& { check(); return std::get<0>(state_); }
    T&& value() && { check(); return std::get<0>(std::move(state_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    const net::error& error() const {
        if (ok()) missing("error()", nullptr);
        return std::get<1>(state_);
    }

private:
    void check() const {
        if (!ok()) missing("value()", &std::get<1>(state_));
    }

    std::variant<T, net::error> state_;
};

template <>
class [[nodiscard]] result<void> {
public:
    result() = default;
    result(net::error failure) : failure_(std::move(failure)) {}

    bool ok() const { return !failure_; }
    explicit operator bool() const { return ok(); }
    const net::error& error() const {
        if (!failure_) missing("error()", nullptr);
        return *failure_;
    }

private:
    std::optional<net::error> failure_;
};

}  // namespace net
