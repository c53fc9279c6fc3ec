// peer.cpp - lab 06: one peer: its requests (with timeouts and retries), the
// messages it answers, the queries it passes on, and the pairs it stores.
// Its upkeep of the ring (pings, repairs, joins, shortcuts) is upkeep.cpp.
#include "peer.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "host.hpp"

namespace dht {

namespace {
std::string text(id i) { return std::to_string(i); }
}  // namespace

peer::peer(host& owner, id ident, net::socket s, net::address where)
    : host_(owner),
      ident_(ident),
      socket_(std::move(s)),
      where_(where),
      losses_(owner.config().loss, owner.config().seed * 1000003 + ident) {
    links_.self = ident;
}

void peer::stop() {
    alive_ = false;
    socket_.close();  // from now on, whatever is sent to it goes nowhere
    pending_.clear();
    lookups_.clear();
}

std::optional<net::address> peer::address_of(id other) const {
    if (other == ident_) return where_;
    auto at = known_.find(other);
    if (at == known_.end()) return std::nullopt;
    return at->second;
}

// ---------------------------------------------------------------- sending, and requests

void peer::send(const net::address& to, message m) {
    m.sender = ident_;
    net::result<std::size_t> sent = socket_.sendto(encode(m), to);
    host_.count_sent();
    if (!sent) host_.log("peer " + text(ident_) + ": " + sent.error().message());
}

void peer::reply(const net::address& to, const message& asked, message answer) {
    answer.request = asked.request;  // which request this answers
    send(to, std::move(answer));
}

// Lab 01's lesson: a datagram may be lost, so a request is sent again after
// `timeout`, up to `tries` times in all; then the other peer is taken as gone.
void peer::request(const net::address& to, message m, kind expects, reply_handler on_reply,
                   std::function<void()> on_silence) {
    m.request = next_number_++;
    m.sender = ident_;
    pending_[m.request] = {to, encode(m), expects, 0, std::move(on_reply), std::move(on_silence)};
    send_again(m.request);
}

void peer::send_again(std::uint32_t number) {
    auto at = pending_.find(number);
    if (at == pending_.end() || !alive_) return;  // answered (or this peer is gone)
    pending& p = at->second;
    if (p.sends == host_.config().tries) {
        std::function<void()> on_silence = std::move(p.on_silence);
        pending_.erase(at);
        if (on_silence) on_silence();
        return;
    }
    ++p.sends;
    net::result<std::size_t> sent = socket_.sendto(p.datagram, p.to);
    host_.count_sent();
    if (!sent) host_.log("peer " + text(ident_) + ": " + sent.error().message());
    host_.after(host_.config().timeout, [this, number] { send_again(number); });
}

void peer::take_reply(const message& m, const net::address& from) {
    auto at = pending_.find(m.request);
    if (at == pending_.end() || at->second.to != from || at->second.expects != m.kind) {
        host_.log("peer " + text(ident_) + ": ignored a " + kind_name(m.kind) + " from " + from.to_string() +
                  ": a reply to a request never sent (or already answered)");
        return;
    }
    reply_handler on_reply = std::move(at->second.on_reply);
    pending_.erase(at);
    if (on_reply) on_reply(m);
}

// ---------------------------------------------------------------- every datagram

void peer::receive(std::string_view datagram, const net::address& from) {
    if (!alive_) return;
    if (losses_.drop()) return;  // --loss: as if the network had lost it
    decoded d = decode(datagram, host_.config().m);
    if (!d.problem.empty()) {
        host_.log("peer " + text(ident_) + ": ignored " + std::to_string(datagram.size()) + " bytes from " +
                  from.to_string() + ": " + d.problem);
        return;
    }
    message& m = d.msg;
    if (suspects_.count(m.sender) > 0 && address_of(m.sender) == from) suspects_.erase(m.sender);  // it speaks
    switch (m.kind) {
        case kind::query: take_query(std::move(m), from); break;
        case kind::answer: {
            auto at = lookups_.find(m.request);
            if (at == lookups_.end() || !m.about) {
                host_.log("peer " + text(ident_) + ": ignored an ANSWER from " + from.to_string() +
                          ": a reply to a lookup never asked (or already answered)");
                break;
            }
            finish_lookup(m.request, *m.about, m.path);
            break;
        }
        case kind::put:
        case kind::replica:
            keep(m.key, m.name, m.value);
            reply(from, m, message{kind::stored});
            // The holder keeps a copy at its successor: one departure loses nothing.
            if (m.kind == kind::put && links_.successor && *links_.successor != ident_) {
                const std::string& name = m.name;
                copy_to(*links_.successor, [&name](const std::string& n, id) { return n == name; });
            }
            break;
        case kind::get: {
            message answer{kind::value};
            auto at = store_.find(m.name);
            answer.found = at != store_.end();
            if (answer.found) answer.value = at->second.second;
            reply(from, m, answer);
            break;
        }
        case kind::ping: reply(from, m, message{kind::pong}); break;
        case kind::get_successor: {
            message answer{kind::successor};
            auto as_node = [this](const std::optional<id>& i) -> std::optional<node> {
                if (!i) return std::nullopt;
                std::optional<net::address> a = address_of(*i);
                if (!a) return std::nullopt;
                return node{*i, *a};
            };
            answer.successor = as_node(links_.successor);
            answer.predecessor = as_node(links_.predecessor);
            reply(from, m, answer);
            break;
        }
        case kind::notify: take_notify(m.sender, from); break;
        case kind::ack:
        case kind::stored:
        case kind::value:
        case kind::pong:
        case kind::successor: take_reply(m, from); break;
    }
}

// ---------------------------------------------------------------- lookups

void peer::lookup(id key, std::function<void(const lookup_result&)> done) {
    start_lookup(key, std::nullopt, std::move(done));
}

void peer::start_lookup(id key, std::optional<net::address> via, std::function<void(const lookup_result&)> done) {
    if (std::uint64_t{key} >= std::uint64_t{1} << host_.config().m) {  // no peer would take such a query
        host_.log("peer " + text(ident_) + ": key " + text(key) +
                  " is off the circle (m = " + std::to_string(host_.config().m) + "): not looked up");
        lookup_result off;
        off.key = key;
        if (done) done(off);
        return;
    }
    const std::uint32_t number = next_number_++;
    lookups_[number] = {key, std::move(via), 0, std::move(done)};
    send_lookup(number);
}

// The origin's side: the query is first routed here, as if it had just
// arrived; if no ANSWER comes in time, it starts again (same number, so that
// a late ANSWER to the first try is still welcome).
void peer::send_lookup(std::uint32_t number) {
    auto at = lookups_.find(number);
    if (at == lookups_.end() || !alive_) return;
    lookup_state& l = at->second;
    if (l.sends == host_.config().tries) {
        lookup_result failed;
        failed.key = l.key;
        auto done = std::move(l.done);
        lookups_.erase(at);
        host_.log("peer " + text(ident_) + ": no answer for key " + text(failed.key) + " after " +
                  std::to_string(host_.config().tries) + " tries");
        if (done) done(failed);
        return;
    }
    ++l.sends;
    message q{kind::query};
    q.lookup = number;
    q.key = l.key;
    q.about = node{ident_, where_};
    q.path = {ident_};
    host_.after(host_.config().lookup_wait, [this, number] { send_lookup(number); });
    if (l.via)
        request(*l.via, q, kind::ack, {}, {});  // joining: the first hop is the peer we know
    else
        route(q, {});
}

void peer::take_query(message q, const net::address& from) {
    reply(from, q, message{kind::ack});        // "I have it": the sender need not send it again
    if (seen_before(from, q.request)) return;  // a resend whose ACK was lost: passed on already
    // A query that has passed more peers than the circle has identifiers is
    // going round in circles (a rule that overshoots the key): drop it.
    if (q.path.size() >= std::min<std::uint64_t>(max_path, std::uint64_t{1} << host_.config().m)) {
        host_.log("peer " + text(ident_) + ": dropped a query for key " + text(q.key) + " that passed " +
                  std::to_string(q.path.size()) + " peers");
        return;
    }
    learn(q.about);
    q.path.push_back(ident_);
    route(std::move(q), {});
}

// Where the query goes from here: next_step() of routing.cpp decides, on what
// this peer knows, leaving out peers found silent. If the next peer does not
// acknowledge, it is taken as gone and the query tries another way.
void peer::route(message q, std::vector<id> avoid) {
    auto usable = [&](id i) { return !is_suspect(i) && std::find(avoid.begin(), avoid.end(), i) == avoid.end(); };
    table t;
    t.self = ident_;
    if (links_.successor && usable(*links_.successor))
        t.successor = *links_.successor;
    else if (links_.second && usable(*links_.second))
        t.successor = *links_.second;  // the successor is silent and not yet replaced
    else {
        host_.log("peer " + text(ident_) + ": no successor to pass the query for key " + text(q.key) + " to");
        return;
    }
    if (host_.config().shortcuts)
        for (id s : shortcuts_)
            if (usable(s)) t.shortcuts.push_back(s);

    const step next = next_step(t, q.key);
    if (next.found) {
        answer(q, next.peer);
        return;
    }
    std::optional<net::address> to = address_of(next.peer);
    if (next.peer == ident_ || !to) {
        host_.log("peer " + text(ident_) + ": next_step for key " + text(q.key) + " gave peer " + text(next.peer) +
                  (next.peer == ident_ ? ", this peer itself" : ", whose address it does not know"));
        return;
    }
    // No ACK after every try: this query goes another way, and the peer stops
    // using that shortcut. Whether a successor is gone is for the pings to
    // say: one lost query is not enough to change the ring.
    const id hop = next.peer;
    request(*to, q, kind::ack, {}, [this, q, avoid, hop]() mutable {
        forget_shortcut(hop);
        avoid.push_back(hop);
        if (avoid.size() <= 3 && alive_) route(q, avoid);
    });
}

// The holder is found: tell the origin (or, at the origin, finish).
void peer::answer(const message& q, id holder) {
    std::optional<net::address> holder_at = address_of(holder);
    if (!holder_at || !q.about) {
        host_.log("peer " + text(ident_) + ": next_step named peer " + text(holder) +
                  " as the holder, whose address it does not know");
        return;
    }
    if (q.about->ident == ident_ && q.about->where == where_) {
        finish_lookup(q.lookup, {holder, *holder_at}, q.path);
        return;
    }
    message a{kind::answer};
    a.request = q.lookup;
    a.key = q.key;
    a.about = node{holder, *holder_at};
    a.path = q.path;
    send(q.about->where, a);
}

void peer::finish_lookup(std::uint32_t number, const node& holder, const std::vector<id>& path) {
    auto at = lookups_.find(number);
    if (at == lookups_.end()) return;
    lookup_result r;
    r.ok = true;
    r.key = at->second.key;
    r.holder = holder;
    r.path = path;
    auto done = std::move(at->second.done);
    lookups_.erase(at);
    learn(holder);
    if (done) done(r);
}

bool peer::seen_before(const net::address& from, std::uint32_t number) {
    const std::string tag = from.to_string() + "#" + std::to_string(number);
    if (seen_.count(tag) > 0) return true;
    seen_.insert(tag);
    seen_order_.push_back(tag);
    if (seen_order_.size() > 1024) {  // remember the last thousand: resends come within seconds
        seen_.erase(seen_order_.front());
        seen_order_.pop_front();
    }
    return false;
}

// ---------------------------------------------------------------- put and get

void peer::put(const std::string& name, id key, const std::string& value,
               std::function<void(const store_result&)> done) {
    lookup(key, [this, name, key, value, done](const lookup_result& found) {
        store_result r;
        r.lookup = found;
        if (!found.ok) return done(r);
        message m{kind::put};
        m.key = key;
        m.name = name;
        m.value = value;
        request(
            found.holder.where, m, kind::stored,
            [r, done](const message&) mutable {
                r.ok = true;
                done(r);
            },
            [r, done] { done(r); });
    });
}

void peer::get(const std::string& name, id key, std::function<void(const store_result&)> done) {
    lookup(key, [this, name, key, done](const lookup_result& found) {
        store_result r;
        r.lookup = found;
        if (!found.ok) return done(r);
        message m{kind::get};
        m.key = key;
        m.name = name;
        request(
            found.holder.where, m, kind::value,
            [r, done](const message& v) mutable {
                r.ok = true;
                r.found = v.found;
                r.value = v.value;
                done(r);
            },
            [r, done] { done(r); });
    });
}

void peer::keep(id key, const std::string& name, const std::string& value) { store_[name] = {key, value}; }

// Copies of the pairs that `which` picks, to peer `other` (REPLICA).
void peer::copy_to(id other, const std::function<bool(const std::string& name, id key)>& which) {
    std::optional<net::address> to = address_of(other);
    if (!to || other == ident_) return;
    for (const auto& [name, pair] : store_) {
        if (!which(name, pair.first)) continue;
        message copy{kind::replica};
        copy.key = pair.first;
        copy.name = name;
        copy.value = pair.second;
        request(*to, copy, kind::stored, {}, {});
    }
}

}  // namespace dht
