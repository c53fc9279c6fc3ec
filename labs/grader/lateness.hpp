// lateness.hpp - how late this machine runs the grader's timers: a busy
// machine, not a slow program, when a 20 ms sleep takes 300.
//
//   grading::lateness_watch watch;      // starts watching
//   ... run the student's program, time it ...
//   if (watch.worst() > 150ms) { the times measured meanwhile are not to be trusted: run again }
//
// A thread of its own sleeps 20 ms again and again and keeps the largest
// overrun. On an idle machine it stays under a few milliseconds; with every
// core taken by other work it grows to hundreds.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

namespace grading {

class lateness_watch {
public:
    lateness_watch()
        : thread_([this] {
              using clock = std::chrono::steady_clock;
              constexpr auto nap = std::chrono::milliseconds(20);
              while (!stop_) {
                  const auto before = clock::now();
                  std::this_thread::sleep_for(nap);
                  const auto late = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - before - nap);
                  worst_ = std::max<long long>(worst_, late.count());
              }
          }) {}
    ~lateness_watch() { finish(); }
    lateness_watch(const lateness_watch&) = delete;
    lateness_watch& operator=(const lateness_watch&) = delete;

    // Stops watching (the worst so far stays).
    void finish() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
    }
    std::chrono::milliseconds worst() const { return std::chrono::milliseconds(worst_.load()); }

private:
    std::atomic<bool> stop_{false};
    std::atomic<long long> worst_{0};
    std::thread thread_;
};

}  // namespace grading
