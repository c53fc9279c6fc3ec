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

struct error {
    std::error_code code;  // portable: compare with std::errc values
    std::string call;      // the socket call in the lecture's words: "connect", "bind", ...
    std::string where;     // the address involved, e.g. "127.0.0.1:12000"
    std::string detail{};  // more about what happened, e.g. "after 4 tries of 1000 ms"

    // One line for a human: the call, the address, what went wrong and the
    // likely cause, e.g. "connect to 127.0.0.1:12000: connection refused
    // (is the server running on that port?)".
    std::string message() const;
};

template <class T>
class [[nodiscard]] result {
public:
    result(T value) : state_(std::move(value)) {}
    result(net::error failure) : state_(std::move(failure)) {}

    bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(state_); }
    T&& value() && { return std::get<0>(std::move(state_)); }
    T* operator->() { return &value(); }
    T& operator*() & { return value(); }
    const net::error& error() const { return std::get<1>(state_); }

private:
    std::variant<T, net::error> state_;
};

template <>
class [[nodiscard]] result<void> {
public:
    result() = default;
    result(net::error failure) : failure_(std::move(failure)) {}

    bool ok() const { return !failure_; }
    explicit operator bool() const { return ok(); }
    void value() const {}
    const net::error& error() const { return *failure_; }

private:
    std::optional<net::error> failure_;
};

}  // namespace net
