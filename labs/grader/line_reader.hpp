// line_reader.hpp - reading a line of a known form, left to right, in graders.
//
//   reader(line).text("Request timed out: seq=").number(seq).at_end()
//   reader(line).text("listen(").number(handle).text(", ").ok()
//
// Each step checks what comes next; after one mismatch every step fails, so
// a chain reads like the form it checks and ends in one yes or no.
#pragma once

#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>

namespace grading {

class reader {
public:
    explicit reader(std::string_view line) : rest_(line) {}

    reader& text(std::string_view expected) {
        if (ok_ && rest_.substr(0, expected.size()) == expected)
            rest_.remove_prefix(expected.size());
        else
            ok_ = false;
        return *this;
    }
    // One digit or more.
    reader& number(std::string& out) {
        const std::size_t n = digits_from(0);
        return take(n, n > 0, out);
    }
    // Digits, a dot, and exactly `decimals` digits: "0.123".
    reader& decimal(std::string& out, std::size_t decimals) {
        const std::size_t whole = digits_from(0);
        const bool dot = whole > 0 && whole < rest_.size() && rest_[whole] == '.';
        const std::size_t fraction = dot ? digits_from(whole + 1) : 0;
        return take(whole + 1 + fraction, dot && fraction == decimals, out);
    }
    // Letters, digits and '_': a name such as AF_INET or accept.
    reader& word(std::string& out) {
        std::size_t n = 0;
        while (n < rest_.size() && (std::isalnum(static_cast<unsigned char>(rest_[n])) != 0 || rest_[n] == '_')) ++n;
        return take(n, n > 0, out);
    }
    // Everything up to `stop` (not included): one character or more, no spaces.
    reader& until(std::string_view stop, std::string& out) {
        const std::size_t at = rest_.find(stop);
        const bool good =
            at != std::string_view::npos && at > 0 && rest_.substr(0, at).find(' ') == std::string_view::npos;
        return take(good ? at : 0, good, out);
    }
    bool ok() const { return ok_; }
    bool at_end() const { return ok_ && rest_.empty(); }
    bool next_is(char c) const { return ok_ && !rest_.empty() && rest_.front() == c; }

private:
    std::size_t digits_from(std::size_t at) const {
        std::size_t n = 0;
        while (at + n < rest_.size() && rest_[at + n] >= '0' && rest_[at + n] <= '9') ++n;
        return n;
    }
    reader& take(std::size_t n, bool good, std::string& out) {
        if (!ok_ || !good) {
            ok_ = false;
            return *this;
        }
        out = std::string(rest_.substr(0, n));
        rest_.remove_prefix(n);
        return *this;
    }

    std::string_view rest_;
    bool ok_ = true;
};

}  // namespace grading
