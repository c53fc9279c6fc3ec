// host.cpp - lab 06: many peers, one thread: a wait on every socket at
// once, then the timers.
#include "host.hpp"

#include <poll.h>
#include <sys/resource.h>

#include <algorithm>
#include <memory>

#include "../../../common/cli.hpp"

namespace dht {

using steady = std::chrono::steady_clock;

std::string allow_many_sockets(std::size_t peers) {
    rlimit files{};
    if (getrlimit(RLIMIT_NOFILE, &files) != 0) return "";
    if (files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &files) != 0) (void)getrlimit(RLIMIT_NOFILE, &files);
    }
    const std::size_t needed = peers + 64;  // the terminal, the log, a measurement's own sockets
    if (peers == 0 || files.rlim_cur == RLIM_INFINITY || files.rlim_cur >= needed) return "";
    return std::to_string(peers) + " peers need about " + std::to_string(needed) +
           " open files, and this process may have " + std::to_string(files.rlim_cur) +
           " (the system's limit: raise it with ulimit -Hn, as root, or in /etc/security/limits.conf)";
}

host::host(settings s, log_sink log) : settings_(std::move(s)), log_(std::move(log)), buffer_(net::datagram_room) {}

host::~host() = default;

void host::log(const std::string& line) {
    if (log_)
        log_(line);
    else
        cli::log(line);
}

net::result<peer*> host::start(id ident) {
    // socket(AF_INET, SOCK_DGRAM) and bind((bind_host, 0)): a free port of its own.
    net::result<net::socket> created = net::server_socket(net::udp, settings_.bind_host, 0);
    if (!created) return created.error();
    net::result<net::address> local = created.value().local_address();
    if (!local) return local.error();
    peers_.push_back(std::make_unique<peer>(*this, ident, std::move(created.value()), local.value()));
    // Its key in the poller is its place in peers_, where it stays (a killed peer too).
    if (net::result<void> watched = waiting_.add(peers_.back()->socket(), peers_.size() - 1); !watched) {
        peers_.pop_back();
        return watched.error();
    }
    live_.emplace(ident, peers_.back().get());  // of two with one identifier, the first is the one found
    return peers_.back().get();
}

peer* host::find(id ident) const {
    auto at = live_.find(ident);
    return at == live_.end() ? nullptr : at->second;
}

std::vector<peer*> host::peers() const {
    std::vector<peer*> live;
    for (const auto& p : peers_)
        if (p->alive()) live.push_back(p.get());
    std::sort(live.begin(), live.end(), [](const peer* a, const peer* b) { return a->ident() < b->ident(); });
    return live;
}

std::vector<id> host::identifiers() const {
    std::vector<id> ids;
    for (const peer* p : peers()) ids.push_back(p->ident());
    return ids;
}

void host::settle_ring() {
    const std::vector<id> ids = identifiers();  // sorted
    const std::size_t n = ids.size();
    // Who holds an identifier, in a ring we know whole: the first at or after it.
    auto holder = [&ids](id target) {
        auto at = std::lower_bound(ids.begin(), ids.end(), target);
        return at == ids.end() ? ids.front() : *at;
    };
    for (std::size_t i = 0; i < n; ++i) {
        peer* p = find(ids[i]);
        const neighbours links{ids[i], ids[(i + 1) % n], ids[(i + 2) % n], ids[(i + n - 1) % n]};
        std::vector<id> fingers;
        for (id target : finger_targets(ids[i], settings_.m)) fingers.push_back(holder(target));
        std::vector<id> later;  // the successors after the second, up to the peer itself
        for (std::size_t k = 3; k <= static_cast<std::size_t>(settings_.successors) && k < n; ++k)
            later.push_back(ids[(i + k) % n]);
        std::vector<node> known;
        for (id other : {*links.successor, *links.second, *links.predecessor})
            known.push_back({other, find(other)->where()});
        for (id other : fingers) known.push_back({other, find(other)->where()});
        for (id other : later) known.push_back({other, find(other)->where()});
        p->settle(links, later, fingers, known);
    }
    if (settings_.upkeep) start_upkeep();
}

void host::start_upkeep() {
    for (peer* p : peers()) p->start_upkeep();
}

void host::kill(id ident) {
    if (peer* p = find(ident)) {
        waiting_.remove(p->socket());  // before its socket closes
        p->stop();
        live_.erase(ident);
        for (const auto& other : peers_)  // another peer of that identifier, started later, is found now
            if (other->alive() && other->ident() == ident) {
                live_.emplace(ident, other.get());
                break;
            }
    }
}

// ---------------------------------------------------------------- running

void host::after(steady::duration delay, std::function<void()> action) {
    timers_.push({now() + delay, timer_order_++, std::move(action)});
}

bool host::fire_due_timers() {
    const auto due = now();
    bool fired = false;
    while (!timers_.empty() && timers_.top().when <= due) {
        std::function<void()> action = timers_.top().action;
        timers_.pop();
        action();  // may add timers: they are later than now, or fire in this loop
        fired = true;
    }
    return fired;
}

// One turn: wait for a datagram, a timer or `until`, and hand out what came.
// Before any timer fires, the datagrams already waiting are read (a few rounds
// at most, so that a busy ring cannot hold the timers back for ever): a reply
// that has arrived must not time out because this thread was slow to look.
int host::turn(steady::time_point until, int extra_fd) {
    auto timers_due = [this] { return !timers_.empty() && timers_.top().when <= now(); };
    const auto start = steady::now();
    // Nobody ran the peers since the last turn (the program was busy
    // elsewhere, or not running): that time does not count either.
    if (last_turn_ != steady::time_point{} && start - last_turn_ > ms(25)) held_up_ += start - last_turn_;
    auto wake = until;
    if (!timers_.empty()) wake = std::min(wake, timers_.top().when + held_up_);  // timers are in host time
    // The terminal is not a socket (the poller takes only those): it is
    // looked at after each wait, and a wait lasts at most this long while
    // someone may be typing, too short for anyone to notice.
    if (extra_fd >= 0) wake = std::min(wake, start + ms(20));
    int wait = wake <= start ? 0 : static_cast<int>(std::chrono::ceil<ms>(wake - start).count());
    for (int round = 0; round < 8; ++round) {
        const auto before = steady::now();
        auto ready = waiting_.wait(before + ms(wait));
        // Back much later than asked: this process was not running (a busy
        // machine). That time does not count: else every peer here would
        // find every other silent, when it is they that were stopped.
        const auto late = steady::now() - before - ms(wait);
        if (late > ms(25)) held_up_ += late;
        if (!ready) log(ready.error().message());
        if (!ready || ready.value().empty()) break;
        // Only the sockets with a datagram are visited (epoll on Linux): a
        // datagram costs the same in a host of 64 peers as in one of 16,384.
        for (const net::poller::event& e : ready.value()) {
            peer& p = *peers_[e.key];
            if (e.readable && p.alive()) receive(p);
        }
        if (!timers_due()) break;
        wait = 0;  // timers are due: only what is already there
    }
    int input = 0;
    if (extra_fd >= 0) {
        pollfd terminal{extra_fd, POLLIN, 0};
        if (::poll(&terminal, 1, 0) > 0 && (terminal.revents & (POLLIN | POLLHUP | POLLERR)) != 0) input = 1;
    }
    fire_due_timers();
    last_turn_ = steady::now();
    return input;
}

// One datagram from a peer's socket, to that peer.
void host::receive(peer& p) {
    auto received = p.socket().recvfrom(buffer_.data(), buffer_.size());
    if (!received) {
        log("peer " + std::to_string(p.ident()) + ": " + received.error().message());
        return;
    }
    auto [size, from] = received.value();
    p.receive({buffer_.data(), size}, from);
}

bool host::run_until(const std::function<bool()>& done, ms limit) {
    const auto until = steady::now() + limit;
    while (!done()) {
        if (steady::now() >= until) return false;
        turn(until, -1);
    }
    return true;
}

void host::run_for(ms how_long) {
    run_until([] { return false; }, how_long);
}

void host::run_until_readable(int fd) {
    while (turn(steady::now() + std::chrono::hours(1), fd) == 0) {
    }
}

// ---------------------------------------------------------------- waiting for one operation

// The result lives in a shared box: if the limit passes first, the answer may
// still come later, and must not write into a caller that has returned.
template <class Result, class Start>
Result wait_for(host& h, ms limit, Result nothing, Start start) {
    auto box = std::make_shared<std::pair<bool, Result>>(false, std::move(nothing));
    start([box](const Result& r) { *box = {true, r}; });
    h.run_until([&box] { return box->first; }, limit);
    return box->second;
}

lookup_result host::lookup(id at, id key, ms limit) {
    lookup_result nothing;
    nothing.key = key;
    peer* p = find(at);
    if (p == nullptr) return nothing;
    return wait_for<lookup_result>(*this, limit, nothing, [&](auto done) { p->lookup(key, done); });
}

store_result host::put(id at, const std::string& name, id key, const std::string& value, ms limit) {
    peer* p = find(at);
    if (p == nullptr) return {};
    return wait_for<store_result>(*this, limit, {}, [&](auto done) { p->put(name, key, value, done); });
}

store_result host::get(id at, const std::string& name, id key, ms limit) {
    peer* p = find(at);
    if (p == nullptr) return {};
    return wait_for<store_result>(*this, limit, {}, [&](auto done) { p->get(name, key, done); });
}

bool host::join(id ident, id via, ms limit) {
    peer* p = find(ident);
    peer* known = find(via);
    if (p == nullptr || known == nullptr) return false;
    return wait_for<bool>(*this, limit, false, [&](auto done) { p->join(known->where(), done); });
}

}  // namespace dht
