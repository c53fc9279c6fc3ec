// addresses.cpp - lab 06: who is where. A peer sends to a peer of the ring
// at the address it has bound to that peer's identifier (known_). Anyone can
// send a datagram that says "I am peer 12", from any address: so an
// identifier is bound to an address only when that address answers a PING,
// and an identifier already bound moves only when its old address has fallen
// silent. (BEP 5 counts a node as good once it has answered one of our
// queries; and, as Kademlia does, pings the node it knows before a newcomer
// may take its place, and keeps it if it answers.)
#include <string>

#include "host.hpp"
#include "peer.hpp"

namespace dht {

namespace {
std::string text(id i) { return std::to_string(i); }

// At most this many addresses asked at once: each costs a PING and its
// resends, and a stranger must not turn one datagram of its own into many of
// ours, sent wherever it names.
constexpr std::size_t max_checks = 8;
}  // namespace

// NOTIFY: "I am peer `from`, your predecessor". Believed from the address
// bound to `from`; from any other, only once that address has answered, and
// only if the rules would take `from` as the predecessor: a stranger that
// answers PINGs as a peer this one has not met yet (peer 25 of the lecture's
// ring knows nothing of 12) must not bind that identifier to itself in
// passing, for once bound, it is the real peer whose word is refused.
void peer::take_notify(id from, const net::address& where) {
    if (address_of(from) == where) {
        believe_notify(from);
        return;
    }
    if (on_notify(links_, from).predecessor != from) {
        host_.log("peer " + text(ident_) + ": ignored a NOTIFY from " + where.to_string() + " that says it is peer " +
                  text(from) + ": it would not be this peer's predecessor");
        return;
    }
    check_address(from, where, "a NOTIFY from " + where.to_string() + " that says it is peer " + text(from),
                  [this, from] { believe_notify(from); });
}

// Where a peer we asked says another is (a SUCCESSOR, an ANSWER): an
// identifier we did not know is bound at once, as the ring's upkeep needs; a
// known one moves only as check_address() allows.
void peer::learn(const std::optional<node>& n) {
    if (!n || n->ident == ident_) return;
    const std::optional<net::address> known = address_of(n->ident);
    if (!known)
        known_[n->ident] = n->where;
    else if (*known != n->where)
        check_address(n->ident, n->where, "word that peer " + text(n->ident) + " is at " + n->where.to_string(), {});
}

// `claim` says that peer `who` is at `where`. If `who` is bound elsewhere,
// that address is asked first: while it answers as `who`, the claim is false.
// Then `where` is asked, and must answer as `who`. Only then is `who` bound
// to `where`, and `then` called.
void peer::check_address(id who, const net::address& where, const std::string& claim, std::function<void()> then) {
    if (who == ident_) {
        host_.log("peer " + text(ident_) + ": ignored " + claim + ": that is this peer's own identifier");
        return;
    }
    if (checking_.count(who) > 0 || checking_.size() >= max_checks) return;  // one at a time per identifier
    checking_.insert(who);
    const std::optional<net::address> known = address_of(who);
    if (!known) {
        bind_if_answers(who, where, claim, std::move(then));
        return;
    }
    const net::address old = *known;
    request(
        old, message{kind::ping}, kind::pong,
        [this, who, where, old, claim, then](const message& pong) {
            if (pong.sender != who) return bind_if_answers(who, where, claim, then);  // someone else is there now
            checking_.erase(who);
            host_.log("peer " + text(ident_) + ": ignored " + claim + ": peer " + text(who) + " answers at " +
                      old.to_string());
        },
        [this, who, where, claim, then] { bind_if_answers(who, where, claim, then); });
}

void peer::bind_if_answers(id who, const net::address& where, const std::string& claim, std::function<void()> then) {
    request(
        where, message{kind::ping}, kind::pong,
        [this, who, where, claim, then](const message& pong) {
            checking_.erase(who);
            if (pong.sender != who) {
                host_.log("peer " + text(ident_) + ": ignored " + claim + ": " + where.to_string() +
                          " answers as peer " + text(pong.sender));
                return;
            }
            const std::optional<net::address> before = address_of(who);
            known_[who] = where;
            suspects_.erase(who);  // it answers: it is there
            if (before)
                host_.log("peer " + text(ident_) + ": peer " + text(who) + " is at " + where.to_string() +
                          " now: it answers there, and no longer at " + before->to_string());
            if (then) then();
        },
        [this, who, where, claim] {
            checking_.erase(who);
            host_.log("peer " + text(ident_) + ": ignored " + claim + ": no PONG from " + where.to_string());
        });
}

}  // namespace dht
