// result.hpp - errors as values.
//
// Every wrapper call returns a result<T>: either the value the call produced,
// or an `error` that says which call failed, on what address, and why. No
// exception ever leaves the wrapper and nothing in it calls exit(): the
// program decides, in one place, how to report a failure.
#pragma once

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
};
const char* call_name(call which);  // "recvfrom"

struct error {
    std::error_code code;  // portable: compare with std::errc values
    net::call call;        // which call failed
    std::string where{};   // the address involved, e.g. "127.0.0.1:12000"
    std::string detail{};  // more about what happened, e.g. "after 4 tries of 1000 ms"

    // One line for a human: the call, the address, what went wrong and the
    // likely cause, e.g. "connect to 127.0.0.1:12000: connection refused
    // (is the server running on that host and port?)".
    std::string message() const;
};

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
