// connection.cpp - a new neighbour: the TCP connection, then the handshake,
// each step taken when the event loop's poller says it can go on.
#include "connection.hpp"

#include <memory>
#include <utility>

#include "common/cli.hpp"

namespace bt {

namespace {
constexpr auto handshake_patience = std::chrono::seconds(10);
constexpr auto dial_patience = std::chrono::seconds(5);  // a host that does not answer costs this, not the system's minutes

// TCP_NODELAY on every neighbour. Without it Nagle's algorithm holds a
// small message (a 17-byte request, a have) until the last segment is
// acknowledged, and the receiver delays that acknowledgement: each round
// of requests then waits tens of ms. With two threads per neighbour and 4
// requests in flight, 64 MiB over loopback took 2.9-3.0 s without it,
// 0.85-1.09 s with it.
void send_at_once(net::socket& s) { static_cast<void>(s.set_no_delay()); }

bool would_wait(const net::error& e) { return e.code == std::errc::timed_out; }  // non-blocking: nothing now
}  // namespace

std::string address_text(const std::string& host, std::uint16_t port) {
    std::string shown = host;
    if (shown.rfind("::ffff:", 0) == 0 && shown.find('.') != std::string::npos) shown = shown.substr(7);
    if (shown.find(':') != std::string::npos) shown = "[" + shown + "]";
    return shown + ":" + std::to_string(port);
}

void start_dialing(swarm& peers, const std::string& host, std::uint16_t port, const std::string& id) {
    const std::string where = address_text(host, port);
    if (!peers.should_dial(where, id)) return;
    net::result<std::vector<net::address>> addresses = net::resolve(host, port, net::tcp);
    if (!addresses) {
        cli::log(where, ": ", addresses.error());
        return peers.dial_ended(where);
    }
    peers.queue_dial(where, std::move(addresses.value()));
}

arrivals::~arrivals() {
    while (!newcomers_.empty()) end(newcomers_.begin());
}

void arrivals::start(std::uint64_t key, newcomer n) {
    entry it = newcomers_.emplace(key, std::move(n)).first;
    if (!waiting_.add(it->second.c->socket, key, it->second.watching).ok())
        return end(it, "turned away: its socket cannot be watched");
}

void arrivals::take_call(net::socket connectionSocket, const net::address& from) {
    if (calling_ < max_handshaking) told_crowded_ = false;
    for (entry it = newcomers_.begin(); calling_ >= max_handshaking && it != newcomers_.end(); ++it) {
        if (it->second.c->outgoing) continue;
        // Once in the log while it lasts: connections opened again as
        // soon as they are dropped would otherwise fill it.
        end(it, std::exchange(told_crowded_, true)
                    ? ""
                    : "dropped: " + std::to_string(max_handshaking) +
                          " neighbours that dialed us are still handshaking, and it has waited longest (so are "
                          "others, one for each new one, while it lasts)");
        break;
    }
    // Some systems pass the welcoming socket's O_NONBLOCK on, others do not.
    static_cast<void>(connectionSocket.set_non_blocking());
    send_at_once(connectionSocket);
    newcomer n;
    n.c = std::make_shared<connection>(std::move(connectionSocket), address_text(from.host(), from.port()), false,
                                       peers_.rate_window());
    n.watching = net::poller::readable;  // BEP 3: the dialer speaks first
    n.until = clock::now() + handshake_patience;
    ++calling_;
    start(next_key_++, std::move(n));
}

void arrivals::dial(const std::string& where, std::vector<net::address> addresses) {
    newcomer n;
    n.c = std::make_shared<connection>(net::socket(), where, true, peers_.rate_window());
    n.addresses = std::move(addresses);
    n.until = clock::now() + dial_patience;  // for all its addresses together
    entry it = newcomers_.emplace(next_key_++, std::move(n)).first;
    try_next_address(it, net::error{std::make_error_code(std::errc::address_not_available), net::call::connect, where});
}

// connect() without waiting to the next address of the neighbour; when
// none is left, the dial has failed with the last address's error.
void arrivals::try_next_address(entry it, const net::error& last) {
    newcomer& n = it->second;
    net::error failed = last;
    if (n.c->socket.is_open()) waiting_.remove(n.c->socket);
    for (; n.trying < n.addresses.size(); ++n.trying) {
        const net::address& remote = n.addresses[n.trying];
        net::result<net::socket> created = net::socket::create(remote.family(), net::tcp);
        if (!created) {
            failed = created.error();
            continue;
        }
        n.c->socket = std::move(created.value());
        net::result<void> started = n.c->socket.start_connect(remote);
        if (!started) {
            failed = started.error();
            continue;
        }
        n.connecting = true;
        n.watching = net::poller::writable;  // made (or refused): the poller says so
        if (waiting_.add(n.c->socket, it->first, n.watching).ok()) return;
        failed = net::error{std::make_error_code(std::errc::too_many_files_open), net::call::poll, remote.to_string()};
    }
    n.c->socket.close();
    end(it, failed.message());
}

void arrivals::ready(const net::poller::event& e) {
    entry it = newcomers_.find(e.key);
    if (it == newcomers_.end()) return;
    newcomer& n = it->second;
    if (n.connecting) {
        const net::address& remote = n.addresses[n.trying];
        net::result<void> made = n.c->socket.connect_outcome(remote);
        if (!made) {
            ++n.trying;
            return try_next_address(it, made.error());
        }
        n.connecting = false;
        n.until = clock::now() + handshake_patience;
        send_at_once(n.c->socket);
        n.to_send = wire::encode_handshake({peers_.torrent().info_hash, peers_.settings().peer_id});
    }
    talk(it);
}

// The handshake (BEP 3: the dialer speaks first, then the one it dialed
// answers), as far as it can go without waiting; then the swarm takes the
// neighbour on.
void arrivals::talk(entry it) {
    newcomer& n = it->second;
    connection& c = *n.c;
    while (true) {
        if (!n.to_send.empty()) {
            net::result<std::size_t> sent = c.socket.send(n.to_send);
            if (!sent && would_wait(sent.error())) return watch(it, net::poller::writable);
            if (!sent) return end(it, "handshake failed: " + sent.error().message());
            n.to_send.erase(0, sent.value());
            continue;
        }
        if (n.received.size() < wire::handshake_size) {
            char buffer[wire::handshake_size];  // never more: what follows is the event loop's
            net::result<std::size_t> got = c.socket.recv(buffer, wire::handshake_size - n.received.size());
            if (!got && would_wait(got.error())) return watch(it, net::poller::readable);
            if (!got) return end(it, "handshake failed: " + got.error().message());
            if (got.value() == 0) return end(it, "handshake failed: it closed the connection");
            n.received.append(buffer, got.value());
            continue;
        }
        if (n.checked) break;
        net::result<wire::handshake> theirs = wire::parse_handshake(n.received);
        if (!theirs) return end(it, "dropped: " + theirs.error().message());
        if (theirs->info_hash != peers_.torrent().info_hash)
            return end(it, "dropped: it wants another torrent (info hash " + to_hex(theirs->info_hash) + ")");
        c.peer_id = theirs->peer_id;
        n.checked = true;
        if (!c.outgoing) n.to_send = wire::encode_handshake({peers_.torrent().info_hash, peers_.settings().peer_id});
    }
    // From here on the event loop watches it as a neighbour, under another
    // key (or, refused, it closes with the last of n.c).
    waiting_.remove(c.socket);
    if (std::string refused = peers_.join(n.c); !refused.empty()) cli::log(c.where, ": not taken: ", refused);
    end(it);
}

void arrivals::watch(entry it, unsigned what) {
    if (it->second.watching != what && waiting_.change(it->second.c->socket, what).ok()) it->second.watching = what;
}

clock::time_point arrivals::check_deadlines(clock::time_point now) {
    clock::time_point next = clock::time_point::max();
    for (entry it = newcomers_.begin(); it != newcomers_.end();) {
        entry here = it++;
        newcomer& n = here->second;
        if (now < n.until) {
            next = std::min(next, n.until);
        } else if (n.connecting) {
            end(here, net::error{std::make_error_code(std::errc::timed_out), net::call::connect,
                                 n.addresses[n.trying].to_string()}
                          .message());
        } else {
            end(here, "handshake failed: it sent nothing for too long");
        }
    }
    return next;
}

// The newcomer leaves the list: joined (its socket now the swarm's), or
// failed (its socket closes).
void arrivals::end(entry it, const std::string& why) {
    newcomer& n = it->second;
    if (!why.empty()) cli::log(n.c->where, ": ", why);
    waiting_.remove(n.c->socket);  // nothing if it is not watched (a dial that failed, one that joined)
    if (n.c->outgoing)
        peers_.dial_ended(n.c->where);
    else
        --calling_;
    newcomers_.erase(it);
}

}  // namespace bt
