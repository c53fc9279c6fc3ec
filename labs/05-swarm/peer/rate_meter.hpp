// rate_meter.hpp - bytes per second over a sliding window.
//
// Tit-for-tat ranks neighbours by "the rate at which they sent us data":
// the bytes counted here over the last window (the swarm's is six choking
// rounds, 60 s at the lecture's 10 s: swarm::rate_window), in ten slices so
// that old bytes leave the window a slice at a time. Not
// thread-safe: the swarm's mutex guards each meter.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>

namespace bt {

class rate_meter {
public:
    using clock = std::chrono::steady_clock;

    explicit rate_meter(clock::duration window, clock::time_point start = clock::now())
        : slice_(window / slices), start_(start) {}

    void add(std::uint64_t bytes, clock::time_point now = clock::now()) {
        advance(now);
        counts_[current_ % slices] += bytes;
        total_ += bytes;
    }

    // Bytes per second over the window (over the time since start, while
    // that is shorter).
    double rate(clock::time_point now = clock::now()) {
        advance(now);
        std::uint64_t sum = 0;
        for (std::uint64_t c : counts_) sum += c;
        const auto span = std::min(slice_ * slices, std::max(now - start_, slice_));
        return static_cast<double>(sum) / std::chrono::duration<double>(span).count();
    }

    std::uint64_t total() const { return total_; }

private:
    static constexpr int slices = 10;

    // Empties the slices that time has passed since the last call.
    void advance(clock::time_point now) {
        const std::int64_t slice_now = (now - start_) / slice_;
        for (std::int64_t s = current_ + 1; s <= slice_now && s <= current_ + slices; ++s) counts_[s % slices] = 0;
        if (slice_now > current_) current_ = slice_now;
    }

    clock::duration slice_;
    clock::time_point start_;
    std::int64_t current_ = 0;  // the slice that counts now
    std::array<std::uint64_t, slices> counts_{};
    std::uint64_t total_ = 0;
};

}  // namespace bt
