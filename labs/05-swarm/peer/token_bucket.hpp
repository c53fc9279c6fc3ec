// token_bucket.hpp - a rate limit: at most `rate` bytes per second.
//
// The lecture's ui, di and us are real here because the program enforces
// them itself (lab machines have no traffic shaping). A bucket fills with
// tokens at `rate` per second, up to a small burst; sending (or receiving)
// n bytes takes n tokens, and waits while there are not enough. It starts
// empty: a peer that has just come has saved nothing, so from its start on
// it never sends more than its rate allows (the lecture's bounds count on
// that). One bucket
// is shared by every connection of a peer: the limit is the peer's, not
// each connection's.
//
// take() reserves its tokens first and then waits for them to be earned
// (the bucket may go below zero), so callers are served in the order they
// came and a block larger than the burst still passes.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <limits>
#include <mutex>

namespace bt {

inline constexpr double unlimited = std::numeric_limits<double>::infinity();

class token_bucket {
public:
    using clock = std::chrono::steady_clock;

    // Bytes per second; `unlimited` lets everything through at once, 0 nothing.
    explicit token_bucket(double rate);

    // Waits until n bytes may pass. False when stop() came first.
    bool take(std::size_t n);
    // The same without waiting: the tokens are taken now, and the bytes may
    // pass at the moment returned (now, or when the bucket has earned them;
    // never, with a rate of 0). A caller that has other things to do
    // meanwhile, such as sending small messages, does them until then.
    clock::time_point reserve(std::size_t n);
    // Wakes every waiting take(), now and later, with false.
    void stop();

    double rate() const { return rate_; }

private:
    const double rate_;
    const double burst_;  // the most tokens that idle time can save up
    std::mutex mutex_;
    std::condition_variable stopped_changed_;
    double tokens_;
    clock::time_point last_fill_;
    bool stopped_ = false;
};

}  // namespace bt
