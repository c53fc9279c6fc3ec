// swarm_loop.cpp - the event loop: one thread waits on every neighbour's
// socket at once (lab 03's poll() server, with the wrapper's poller) and
// does what each is ready for.
//
// A neighbour's bytes come in whatever pieces TCP gives: they wait in its
// inbox until a whole message is there (lab 02: a 4-byte length, then that
// many bytes). What we send waits in its outbox; the socket is
// non-blocking, so send() takes what fits in the system's buffer, and the
// loop asks to hear about room to send only while something is waiting.
// The timers (the choking round, keep-alives, the limits' tokens, silent
// neighbours, the patience of those still dialing or handshaking) are
// deadlines that bound each wait. New neighbours are the loop's too, until
// their handshake is done (connection.cpp).
#include <algorithm>
#include <cmath>

#include "common/cli.hpp"
#include "connection.hpp"
#include "swarm.hpp"

namespace bt {

namespace {
constexpr std::uint64_t welcoming_key = 0, doorbell_key = 1;  // neighbours are keyed by id + 1
constexpr auto silence_limit = std::chrono::seconds(180);     // keep-alives come every 90 s (BEP 3: 2 min)
constexpr auto message_patience = std::chrono::seconds(60);   // for the rest of a message once it began
constexpr auto send_patience = std::chrono::seconds(60);      // a neighbour that stops reading
constexpr auto keep_alive_every = std::chrono::seconds(90);
constexpr auto tick = std::chrono::seconds(1);  // how often the slow timers are looked at
// How often every neighbour is looked at even when nothing says it should
// be (a turn otherwise looks at those with news or a timer due).
constexpr auto look_at_all_every = std::chrono::milliseconds(100);
constexpr auto timer_slack = std::chrono::milliseconds(40);
// Bytes queued for one neighbour before we stop adding blocks: 16 blocks go
// out in one send() when the system's buffer has room for them.
constexpr std::size_t outbox_room = 16 * (wire::block_size + 13);
constexpr std::size_t receive_room = 256 * 1024;  // one recv() takes up to this much
}  // namespace

void swarm::wake_loop() {
    if (wake_address_) static_cast<void>(wake_.sendto("!", *wake_address_));
}

bool swarm::accept_neighbour(net::socket& welcomingSocket, arrivals& newcomers) {
    net::result<std::pair<net::socket, net::address>> accepted = welcomingSocket.accept();
    if (!accepted) {
        if (accepted.error().code == std::errc::timed_out) return true;  // the one who knocked is gone already
        // Anything else will come again at once: after Ctrl-C, for one, the
        // welcoming socket is shut down, and would wake the loop for ever.
        if (!stopping_ && !net::stop_requested()) cli::log(accepted.error());
        if (net::stop_requested()) {  // Ctrl-C: the main thread hears of it now
            std::lock_guard<std::mutex> lock(mutex_);
            news_.notify_all();
        }
        return false;
    }
    // Its handshake is read and answered by this loop as it comes, 10 s at
    // most, so that a slow stranger holds up nobody.
    newcomers.take_call(std::move(accepted.value().first), accepted.value().second);
    return true;
}

void swarm::start_queued_dials(arrivals& newcomers) {
    std::vector<std::pair<std::string, std::vector<net::address>>> queued;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        queued.swap(to_dial_);
    }
    for (auto& [where, addresses] : queued) newcomers.dial(where, std::move(addresses));
}

// What the system has for this neighbour, then the whole messages in it.
void swarm::receive(connection& c, std::vector<char>& buffer) {
    // With a download limit, small reads: the tokens pace them. Room for a
    // neighbour's batch of blocks (up to 4) and the messages with it.
    const std::size_t room = std::isinf(download_.rate()) ? buffer.size() : 5 * (wire::block_size + 13);
    while (clock::now() >= c.read_after && !c.closing) {
        net::result<std::size_t> got = c.socket.recv(buffer.data(), room);
        if (!got) {
            if (got.error().code != std::errc::timed_out) leave(c, got.error().message());
            return;  // timed_out: nothing more there now
        }
        if (got.value() == 0)
            return leave(c, c.inbox.empty() ? "it closed the connection"
                                            : "it closed the connection in the middle of a message");
        if (c.inbox.empty()) c.partial_since = clock::now();
        c.inbox.append(buffer.data(), got.value());
        c.last_heard = clock::now();
        take_messages(c);
        if (got.value() < room) return;  // it had no more
    }
}

void swarm::take_messages(connection& c) {
    const std::uint32_t limit = wire::max_message_length(torrent_.piece_count());
    std::size_t at = 0;
    std::string problem;
    while (problem.empty() && !c.closing && clock::now() >= c.read_after && c.inbox.size() - at >= 4) {
        const std::uint32_t length = wire::read_length(std::string_view(c.inbox).substr(at, 4));
        if (length > limit) {
            problem =
                "a length prefix of " + std::to_string(length) + " bytes, over the limit of " + std::to_string(limit);
            break;
        }
        if (c.inbox.size() - at - 4 < length) break;  // the rest of it is still on its way
        const std::string_view body = std::string_view(c.inbox).substr(at + 4, length);
        at += 4 + length;
        if (length == 0) continue;  // a keep-alive
        // The download limit: we receive no faster than di, so TCP's flow
        // control makes the neighbour send no faster either.
        c.read_after = download_.reserve(length);
        net::result<wire::message> message = wire::parse(body);
        problem = message ? handle(c, *message) : message.error().message();
    }
    c.inbox.erase(0, at);
    if (at > 0) c.partial_since = clock::now();
    if (!problem.empty()) leave(c, problem);
}

void swarm::send_queued(connection& c) {
    if (c.sent == c.sending.size()) {
        std::lock_guard<std::mutex> lock(mutex_);
        c.sending.clear();
        c.sent = 0;
        std::swap(c.sending, c.outbox);
        if (!c.sending.empty()) c.last_sent = clock::now();  // the patience runs from here
    }
    const clock::time_point now = clock::now();
    if (c.sending.empty() && now - c.last_sent >= keep_alive_every) c.sending = wire::keep_alive();
    while (c.sent < c.sending.size()) {
        net::result<std::size_t> sent = c.socket.send(std::string_view(c.sending).substr(c.sent));
        if (!sent) {
            if (sent.error().code != std::errc::timed_out) return leave(c, sent.error().message());
            if (now - c.last_sent > send_patience) return leave(c, "it has read nothing we sent for 60 s");
            return;  // its buffer is full: the poller says when there is room
        }
        c.sent += sent.value();
        c.last_sent = now;
    }
}

// One turn of the loop's bookkeeping: neighbours that joined or left, the
// choking round, the timers, and what to send. Returns when to wake next.
clock::time_point swarm::turn(net::poller& waiting, std::map<int, std::shared_ptr<connection>>& watched) {
    const clock::time_point now = clock::now();
    clock::time_point wake_at = now + tick;
    bool everyone = false;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (now >= next_round_ || early_round_) {
            if (!early_round_) next_round_ = now + choke_period_;
            early_round_ = false;
            choke_round();
            everyone_ = true;
        }
        wake_at = std::min(wake_at, next_round_);
        if (everyone_.exchange(false) || now >= next_look_at_all_) {
            everyone = true;
            next_look_at_all_ = now + look_at_all_every;
        }
        wake_at = std::min(wake_at, next_look_at_all_);
        for (auto& [id, c] : connections_) {  // the neighbours that joined since the last turn
            if (!everyone) break;
            if (watched.count(id)) continue;
            watched[id] = c;
            c->watching = net::poller::readable;
            if (!c->socket.set_non_blocking().ok() || !waiting.add(c->socket, static_cast<std::uint64_t>(id) + 1).ok())
                close(*c, "turned away: its socket cannot be watched");
        }
    }
    for (auto it = watched.begin(); it != watched.end();) {
        connection& c = *it->second;
        if (!everyone && !c.touched && now < c.due) {  // nothing new for it
            wake_at = std::min(wake_at, c.due);
            ++it;
            continue;
        }
        c.touched = false;
        if (now - c.last_heard > silence_limit) leave(c, "it sent nothing for too long");
        if (!c.inbox.empty() && now - c.partial_since > message_patience)
            leave(c, "it sent nothing for too long in the middle of a message");
        if (!c.closing && !c.inbox.empty()) take_messages(c);  // the download limit may have held some back
        fill(c, outbox_room);
        if (!c.closing) send_queued(c);
        if (c.closing) {
            leave(c, "closed");  // logs the reason the swarm gave when it closed it
            waiting.remove(c.socket);
            it = watched.erase(it);
            continue;
        }
        c.due = clock::time_point::max();
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (!c.serving.empty()) c.due = c.may_send;
            // All sent, and more blocks asked for than one fill() queues: the
            // next ones go at once, not when the neighbour next says something.
            else if (!c.am_choking && !c.wanted.empty() && c.sent == c.sending.size()) c.due = now;
            if (!c.haves.empty()) c.due = std::min(c.due, haves_due(c));
        }
        if (c.read_after > now) c.due = std::min(c.due, c.read_after);
        wake_at = std::min(wake_at, c.due);
        const unsigned want = (c.read_after <= now ? net::poller::readable : 0u) |
                              (c.sent < c.sending.size() ? net::poller::writable : 0u);
        if (want != c.watching && waiting.change(c.socket, want).ok()) c.watching = want;
        ++it;
    }
    return wake_at;
}

void swarm::run(net::socket& welcomingSocket) {
    net::poller waiting;
    std::map<int, std::shared_ptr<connection>> watched;  // by id: the neighbours whose sockets we watch
    std::vector<char> buffer(receive_room);
    arrivals newcomers(*this, waiting);  // dialing, or handshaking
    if (!welcomingSocket.set_non_blocking().ok() || !waiting.add(welcomingSocket, welcoming_key).ok())
        cli::log("the welcoming socket cannot be watched: no neighbour can dial us");
    if (wake_.is_open()) static_cast<void>(waiting.add(wake_, doorbell_key));
    clock::time_point wake_at = clock::now();
    while (!stopping_) {
        net::result<std::span<const net::poller::event>> ready = waiting.wait(wake_at);
        if (!ready) {
            cli::log(ready.error());
            break;
        }
        for (const net::poller::event& e : ready.value()) {
            if (e.key == welcoming_key) {
                if (!accept_neighbour(welcomingSocket, newcomers)) waiting.remove(welcomingSocket);  // nobody more can dial us
            } else if (e.key == doorbell_key) {
                char ring[16];
                while (wake_.recvfrom(ring, sizeof ring, clock::now())) continue;  // a look, no wait
            } else if (e.key >= arrivals::first_key) {
                newcomers.ready(e);
            } else if (auto it = watched.find(static_cast<int>(e.key - 1)); it != watched.end()) {
                it->second->touched = true;
                if (e.readable) receive(*it->second, buffer);
            }
        }
        start_queued_dials(newcomers);
        wake_at = std::min(turn(waiting, watched), newcomers.check_deadlines(clock::now()));
        // A timer waits a little longer than it must, so that what comes due
        // close together (the next blocks' upload tokens, most often) is done
        // in one wake-up: fewer system calls, and the bucket's burst keeps the
        // rate.
        if (const clock::time_point now = clock::now(); wake_at > now) wake_at = std::max(wake_at, now + timer_slack);
    }
    for (auto& [id, c] : watched) {
        leave(*c, "we are leaving");
        waiting.remove(c->socket);
    }
    waiting.remove(welcomingSocket);
}

}  // namespace bt
