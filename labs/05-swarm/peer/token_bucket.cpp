// token_bucket.cpp - a rate limit shared by the connections of one peer.
#include "token_bucket.hpp"

#include <algorithm>
#include <cmath>

namespace bt {

namespace {
// Enough for one 16 KiB block at any rate, and 50 ms of traffic at a high
// rate: a small burst keeps the measured rate close to the limit.
double burst_for(double rate) { return std::max(16384.0 + 13, rate * 0.05); }
}  // namespace

token_bucket::token_bucket(double rate)
    : rate_(rate), burst_(std::isinf(rate) ? 0 : burst_for(rate)), tokens_(0), last_fill_(clock::now()) {}

token_bucket::clock::time_point token_bucket::reserve(std::size_t n) {
    const clock::time_point now = clock::now();
    if (std::isinf(rate_)) return now;
    if (rate_ <= 0) return clock::time_point::max();
    std::lock_guard<std::mutex> lock(mutex_);
    tokens_ = std::min(burst_, tokens_ + rate_ * std::chrono::duration<double>(now - last_fill_).count());
    last_fill_ = now;
    tokens_ -= static_cast<double>(n);  // taken now: later callers wait behind us
    if (tokens_ >= 0) return now;
    return now + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(-tokens_ / rate_));
}

bool token_bucket::take(std::size_t n) {
    const clock::time_point earned = reserve(n);
    std::unique_lock<std::mutex> lock(mutex_);
    return !stopped_changed_.wait_until(lock, earned, [this] { return stopped_; });
}

void token_bucket::stop() {
    std::lock_guard<std::mutex> lock(mutex_);
    stopped_ = true;
    stopped_changed_.notify_all();
}

}  // namespace bt
