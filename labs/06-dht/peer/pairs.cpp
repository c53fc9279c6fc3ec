// pairs.cpp - lab 06: the (name, value) pairs: a put or a get asked at this
// peer, the pairs it stores for the keys it holds, and the copies it keeps
// for its predecessor and sends to its successor.
#include <string>
#include <utility>

#include "host.hpp"
#include "keys.hpp"
#include "peer.hpp"

namespace dht {

namespace {
std::string text(id i) { return std::to_string(i); }
}  // namespace

void peer::put(const std::string& name, id key, const std::string& value,
               std::function<void(const store_result&)> done) {
    message m{kind::put};
    m.key = key;
    m.name = name;
    m.value = value;
    ask_holder(std::move(m), kind::stored, std::move(done));
}

void peer::get(const std::string& name, id key, std::function<void(const store_result&)> done) {
    message m{kind::get};
    m.key = key;
    m.name = name;
    ask_holder(std::move(m), kind::value, std::move(done));
}

// A put or a get: a lookup finds the key's holder, then the holder is asked
// (PUT -> STORED, GET -> VALUE).
void peer::ask_holder(message m, kind expects, std::function<void(const store_result&)> done) {
    lookup(m.key, [this, m, expects, done](const lookup_result& found) {
        store_result r;
        r.lookup = found;
        if (!found.ok) return done(r);
        request(
            found.holder.where, m, expects,
            [r, done](const message& reply) mutable {
                r.ok = true;
                r.found = reply.found;
                r.value = reply.value;
                done(r);
            },
            [r, done] { done(r); });
    });
}

// PUT and REPLICA. A pair is stored, and STORED answered, only if refusal()
// finds nothing against it; a refused one gets no answer (its sender gives
// up after its tries) and one log line.
void peer::take_pair(const message& m, const net::address& from) {
    if (const std::string why = refusal(m, from); !why.empty()) {
        host_.log("peer " + text(ident_) + ": refused a " + kind_name(m.kind) + " for key " + text(m.key) + " from " +
                  from.to_string() + ": " + why);
        return;
    }
    store_[m.name] = {m.key, m.value};
    reply(from, m, message{kind::stored});
    // The holder keeps a copy at its successor: one departure loses nothing.
    if (m.kind == kind::put && host_.config().replicas && links_.successor && *links_.successor != ident_) {
        const std::string& name = m.name;
        copy_to(*links_.successor, [&name](const std::string& n, id) { return n == name; });
    }
}

// Why a pair is not stored here, or "". Anyone can send a PUT: a peer stores
// only the pairs of the keys it holds, (predecessor, itself], and the copies
// that its predecessor sends of its own; and at most max_pairs of each, so
// that a stranger who fills our predecessor (and so our copies) leaves our
// own keys room. A peer that knows no predecessor (alone, just joined, or its
// predecessor left) cannot tell which keys are not its own, and takes any.
std::string peer::refusal(const message& m, const net::address& from) const {
    const std::optional<id> p = links_.predecessor;
    auto own = [this, &p](id key) { return !p || within(*p, key, ident_); };
    if (!own(m.key)) {
        const std::string not_ours =
            "key " + text(m.key) + " is not one of its own, (" + text(*p) + ", " + text(ident_) + "]";
        if (m.kind == kind::put) return not_ours;
        if (m.sender != *p)
            return not_ours + ", and the copy comes from peer " + text(m.sender) + ", not from its predecessor";
        if (address_of(*p) != from)
            return not_ours + ", and the copy comes from another address than its predecessor's";
    }
    if (store_.count(m.name) > 0) return "";  // a new value for a stored name takes no more room
    const bool ours = own(m.key);
    std::size_t alike = 0;
    for (const auto& stored : store_) alike += own(stored.second.first) == ours ? 1 : 0;
    if (alike >= max_pairs)
        return "it keeps " + std::to_string(max_pairs) + (ours ? " pairs of its own" : " copies") +
               " already, the most it keeps";
    return "";
}

void peer::take_get(const message& m, const net::address& from) {
    message answer{kind::value};
    auto at = store_.find(m.name);
    answer.found = at != store_.end();
    if (answer.found) answer.value = at->second.second;
    reply(from, m, answer);
}

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

// Our own pairs, (predecessor, this peer] (all, if no predecessor is known),
// copied to our successor (unless settings().replicas is off).
void peer::copy_own_pairs(id successor) {
    if (!host_.config().replicas) return;
    const std::optional<id> p = links_.predecessor;
    copy_to(successor, [this, p](const std::string&, id key) { return !p || within(*p, key, ident_); });
}

}  // namespace dht
