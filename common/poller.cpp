// poller.cpp - epoll on Linux, poll() elsewhere, behind one interface.
#include "poller.hpp"

#include <algorithm>
#include <cerrno>

#if defined(__linux__)
#include <sys/epoll.h>
#include <unistd.h>
#define NET_POLLER_EPOLL 1
#endif

namespace net {

namespace {

// What is left until `until`, in whole milliseconds rounded up (so that a
// wait never ends just before its deadline); -1 for no deadline.
int milliseconds_until(deadline until) {
    if (until == no_deadline) return -1;
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - clock::now()).count();
    return static_cast<int>(std::clamp<long long>(left, 0, 24 * 3600 * 1000));
}

error failed(const char* detail) { return error{platform::last_socket_error(), call::poll, {}, detail}; }

#ifdef NET_POLLER_EPOLL
std::uint32_t epoll_events(unsigned what) {
    return (what & poller::readable ? EPOLLIN : 0u) | (what & poller::writable ? EPOLLOUT : 0u);
}
#else
short poll_events(unsigned what) {
    return static_cast<short>((what & poller::readable ? POLLIN : 0) | (what & poller::writable ? POLLOUT : 0));
}
#endif

}  // namespace

#ifdef NET_POLLER_EPOLL
poller::poller() : epoll_(::epoll_create1(EPOLL_CLOEXEC)) {}
poller::~poller() {
    if (epoll_ != -1) ::close(epoll_);
}
#else
poller::poller() = default;
poller::~poller() = default;
#endif

result<void> poller::add(const socket& s, std::uint64_t key, unsigned what) {
    const platform::socket_handle handle = s.handle();
    if (keys_.count(handle)) return error{std::make_error_code(std::errc::file_exists), call::poll, {}, "added twice"};
    const std::size_t index = entries_.size();
#ifdef NET_POLLER_EPOLL
    if (epoll_ == -1) return failed("epoll_create1");
    epoll_event wanted{};
    wanted.events = epoll_events(what);
    wanted.data.u64 = key;
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, handle, &wanted) != 0) return failed("epoll_ctl ADD");
#else
    entries_.push_back(pollfd{handle, poll_events(what), 0});
#endif
    keys_[handle] = watched{key, what, index};
    return {};
}

result<void> poller::change(const socket& s, unsigned what) {
    auto found = keys_.find(s.handle());
    if (found == keys_.end()) return error{std::make_error_code(std::errc::invalid_argument), call::poll, {}, "not added"};
    if (found->second.what == what) return {};
    found->second.what = what;
#ifdef NET_POLLER_EPOLL
    epoll_event wanted{};
    wanted.events = epoll_events(what);
    wanted.data.u64 = found->second.key;
    if (::epoll_ctl(epoll_, EPOLL_CTL_MOD, s.handle(), &wanted) != 0) return failed("epoll_ctl MOD");
#else
    entries_[found->second.index].events = poll_events(what);
#endif
    return {};
}

void poller::remove(const socket& s) {
    auto found = keys_.find(s.handle());
    if (found == keys_.end()) return;
#ifdef NET_POLLER_EPOLL
    epoll_event ignored{};  // Linux before 2.6.9 wanted one, even for DEL
    (void)::epoll_ctl(epoll_, EPOLL_CTL_DEL, s.handle(), &ignored);
#else
    // The last entry takes the removed one's place: removal costs the same
    // whatever the number watched.
    const std::size_t index = found->second.index;
    if (index + 1 != entries_.size()) {
        entries_[index] = entries_.back();
        keys_[entries_[index].fd].index = index;
    }
    entries_.pop_back();
#endif
    keys_.erase(found);
}

result<std::span<const poller::event>> poller::wait(deadline until) {
    ready_.clear();
    while (true) {
        const int wait_ms = milliseconds_until(until);
#ifdef NET_POLLER_EPOLL
        if (epoll_ == -1) return failed("epoll_create1");
        epoll_event got[256];  // more ready than this: the rest come at the next wait
        const int n = ::epoll_wait(epoll_, got, 256, wait_ms);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return failed("epoll_wait");
        for (int i = 0; i < n; ++i) {
            const bool broken = got[i].events & (EPOLLERR | EPOLLHUP);
            ready_.push_back(event{got[i].data.u64, broken || (got[i].events & EPOLLIN) != 0,
                                   (got[i].events & EPOLLOUT) != 0});
        }
#else
        const int n = platform::poll_sockets(entries_.data(), entries_.size(), wait_ms);
        if (n < 0 && platform::last_socket_error() == std::errc::interrupted) continue;
        if (n < 0) return failed("poll");
        for (const pollfd& entry : entries_) {
            if (entry.revents == 0) continue;
            const bool broken = entry.revents & (POLLERR | POLLHUP | POLLNVAL);
            ready_.push_back(event{keys_[entry.fd].key, broken || (entry.revents & POLLIN) != 0,
                                   (entry.revents & POLLOUT) != 0});
        }
#endif
        return std::span<const event>(ready_);
    }
}

}  // namespace net
