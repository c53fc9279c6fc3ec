// result.hpp - errors as values, for the swarm's building blocks.
//
// The same idea as net::result in common/: a function that can fail returns
// either its value or an `error` saying what was wrong, and the program
// decides in one place how to report it. These files need no socket, so they
// carry their own small copy and build without common/.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace bt {

struct error {
    std::string message;                // one line for a human, e.g. "bencode: byte 1: leading zero in an integer"
    std::optional<std::size_t> offset;  // for the decoders: where in the input the problem is
};

template <class T>
class [[nodiscard]] result {
public:
    result(T value) : state_(std::move(value)) {}
    result(bt::error failure) : state_(std::move(failure)) {}

    bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(state_); }
    const T& value() const& { return std::get<0>(state_); }
    T&& value() && { return std::get<0>(std::move(state_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    const bt::error& error() const { return std::get<1>(state_); }

private:
    std::variant<T, bt::error> state_;
};

// A failure with just a message.
inline bt::error fail(std::string message) { return bt::error{std::move(message), std::nullopt}; }

}  // namespace bt
