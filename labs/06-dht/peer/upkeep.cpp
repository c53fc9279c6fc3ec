// upkeep.cpp - lab 06: how a peer keeps its place in the ring while peers
// come and go. The lecture's rules, once per period:
//
//   "each peer periodically pings its two successors to check aliveness"
//   "if immediate successor leaves, choose next successor as new immediate
//    successor", then "ask it who its immediate successor is"
//
// plus what lets a new peer in (Chord's stabilise and notify): ask the
// successor for its predecessor, and tell it "I am your predecessor". What to
// make of each answer, or of a silence, is decided by routing.cpp.
#include <algorithm>
#include <string>

#include "host.hpp"
#include "keys.hpp"
#include "peer.hpp"

namespace dht {

namespace {

std::string text(id i) { return std::to_string(i); }
std::string text(const std::optional<id>& i) { return i ? std::to_string(*i) : std::string("unknown"); }

}  // namespace

void peer::settle(const neighbours& n, const std::vector<id>& later, const std::vector<id>& fingers,
                  const std::vector<node>& known) {
    for (const node& k : known) learn(k);
    links_ = n;
    later_ = later;
    fingers_.assign(fingers.begin(), fingers.end());
    shortcuts_ = shortcuts_from(ident_, fingers);
    heard_from_predecessor_ = host_.now();
    copies_at_ = n.successor;  // in a settled ring, the successor has taken this peer as its predecessor
}

void peer::start_upkeep() {
    if (upkeep_started_) return;
    upkeep_started_ = true;
    // The first tick at a different moment within the period for each peer,
    // so that a thousand peers do not all ping at once.
    const auto period = std::chrono::duration_cast<std::chrono::microseconds>(host_.config().period).count();
    const auto offset =
        static_cast<long long>((std::uint64_t{ident_} * 2654435761u) % static_cast<std::uint64_t>(period));
    heard_from_predecessor_ = host_.now();
    host_.after(std::chrono::microseconds(offset), [this] { tick(); });
}

void peer::tick() {
    if (!alive_) return;
    const settings& c = host_.config();
    // The predecessor tells us every period that it is there (NOTIFY).
    if (links_.predecessor && *links_.predecessor != ident_ &&
        host_.now() - heard_from_predecessor_ > (c.tries + 1) * c.period)
        silent(*links_.predecessor);

    if (!links_.successor && !next_in_list() && c.rescue) rescue();
    if (links_.successor && *links_.successor == ident_) {
        // Our own successor: what it would answer, we know (a ring of one,
        // which a second peer is joining).
        const repair r = on_successor_reply(links_, ident_, links_.successor, links_.predecessor);
        apply(r.now, r.ask, "stabilising");
    } else if (links_.successor) {
        ping(*links_.successor);
        ask_successor(*links_.successor);
        if (std::optional<net::address> to = address_of(*links_.successor)) send(*to, message{kind::notify});
    }
    if (links_.second && *links_.second != ident_ && links_.second != links_.successor) ping(*links_.second);

    // One shortcut a period is looked up again: peers come and go.
    if (c.shortcuts && !fingers_.empty()) refresh_finger(next_finger_++ % fingers_.size());
    host_.after(c.period, [this] { tick(); });
}

// Both successors are gone (two neighbours left within a period, or the
// network lost every ping): the lecture's rule has nobody left to ask.
// With more than two successors (Chord's successor list), the next one of
// the list not found silent takes over, and is asked who follows it; the
// list is as fresh as the last SUCCESSOR from the successor (take_list).
bool peer::next_in_list() {
    auto gone = [this](id x) { return x == ident_ || is_suspect(x); };
    later_.erase(later_.begin(), std::find_if_not(later_.begin(), later_.end(), gone));
    if (later_.empty()) return false;
    neighbours now = links_;
    now.successor = later_.front();
    now.second = later_.size() > 1 ? std::optional<id>(later_[1]) : std::nullopt;
    later_.erase(later_.begin(), later_.begin() + (later_.size() > 1 ? 2 : 1));
    apply(now, now.successor, "both successors silent: the next of its list, " + text(*now.successor) + ", takes over");
    return true;
}

// The successor's answer names the peers after its successor: they follow
// our second, in that order (up to the peer itself, in a small ring).
void peer::take_list(id from, const std::vector<node>& its_later) {
    const std::size_t room = static_cast<std::size_t>(std::max(0, host_.config().successors - 2));
    if (room == 0 || links_.successor != from || !links_.second) return;
    std::vector<id> later;
    for (const node& n : its_later) {
        if (later.size() == room || n.ident == ident_ || n.ident == from) break;
        if (is_suspect(n.ident)) continue;
        learn(n);
        later.push_back(n.ident);
    }
    later_ = std::move(later);
}

// What a SUCCESSOR names after our successor: the second, then the list.
std::vector<node> peer::list_to_send() const {
    std::vector<node> later;
    if (host_.config().successors <= 2 || !links_.second || *links_.second == ident_) return later;
    std::vector<id> ids{*links_.second};
    ids.insert(ids.end(), later_.begin(), later_.end());
    for (id i : ids) {
        const std::optional<net::address> at = address_of(i);
        if (!at || later.size() == max_successors) break;
        later.push_back({i, *at});
    }
    return later;
}

// Nobody left in the list either (or the lecture's two successors alone):
// the nearest peer this one knows of and still believes alive (a shortcut, a
// lookup's holder, ...) becomes the successor; stabilising then moves back,
// peer by peer, to the true successor. A peer found silent and not heard
// from since comes last, however long ago that was: when many neighbours
// failed at once, the nearest known peers are the failed ones, and trying
// them again each time their suspicion ran out kept a peer going round them
// for ever (11 failed in a row, in a ring of 1,024 where half failed).
void peer::rescue() {
    std::optional<id> nearest;
    auto distance = [this](id x) { return (x - ident_) & ((std::uint64_t{1} << host_.config().m) - 1); };
    for (bool silent_before : {false, true}) {
        for (const auto& [other, where] : known_) {
            const bool candidate = silent_before ? !is_suspect(other) : suspects_.count(other) == 0;
            if (candidate && other != ident_ && (!nearest || distance(other) < distance(*nearest))) nearest = other;
        }
        if (nearest) break;
    }
    if (!nearest) return;
    neighbours now = links_;
    now.successor = nearest;
    apply(now, nearest, "no successor left: the nearest peer it knows, " + text(*nearest) + ", stands in");
}

void peer::ping(id other) {
    std::optional<net::address> to = address_of(other);
    if (!to) return;
    request(*to, message{kind::ping}, kind::pong, {}, [this, other] { silent(other); });
}

void peer::ask_successor(id other) {
    std::optional<net::address> to = address_of(other);
    if (!to) return;
    request(
        *to, message{kind::get_successor}, kind::successor,
        [this, other](const message& m) {
            learn(m.successor);
            learn(m.predecessor);
            // The successor names us as its predecessor: from now on it keeps
            // the copies of our pairs (pairs.cpp: a peer takes copies only
            // from its predecessor), so they go to it now, once; the copies
            // sent when it became our successor may have come too early.
            if (m.predecessor && m.predecessor->ident == ident_ && links_.successor == other && copies_at_ != other) {
                copies_at_ = other;
                copy_own_pairs(other);
            }
            // A peer we found silent ourselves is not believed back into the ring
            // unless it answers a ping now (with loss, a live peer may miss every
            // try): then we ask again, and this time believe it.
            auto believed = [this, other](const std::optional<node>& n) -> std::optional<id> {
                if (!n) return std::nullopt;
                if (!is_suspect(n->ident)) return n->ident;
                if (std::optional<net::address> to = address_of(n->ident)) {
                    const id suspect = n->ident;
                    request(*to, message(kind::ping), kind::pong,
                            [this, suspect, other](const message&) {
                                suspects_.erase(suspect);
                                ask_successor(other);
                            },
                            {});
                }
                return std::nullopt;
            };
            const repair r = on_successor_reply(links_, other, believed(m.successor), believed(m.predecessor));
            apply(r.now, r.ask, "SUCCESSOR from " + text(other));
            if (m.successor && links_.second == m.successor->ident) take_list(other, m.later);
        },
        [this, other] { silent(other); });
}

// Peer `from` says it is our predecessor, from the address it is bound to
// (addresses.cpp has checked that).
void peer::believe_notify(id from) {
    suspects_.erase(from);  // it speaks: it is there
    if (links_.predecessor == from) {
        heard_from_predecessor_ = host_.now();
        return;
    }
    apply(on_notify(links_, from), std::nullopt, "NOTIFY from " + text(from));
}

void peer::forget_shortcut(id other) {
    shortcuts_.erase(std::remove(shortcuts_.begin(), shortcuts_.end(), other), shortcuts_.end());
    for (std::optional<id>& f : fingers_)
        if (f == other) f.reset();
}

void peer::silent(id other) {
    suspects_[other] = host_.now();
    forget_shortcut(other);
    const repair r = on_silent(links_, other);
    apply(r.now, r.ask, text(other) + " is silent");
    if (!links_.successor) next_in_list();
}

// A peer found silent is not believed back into the ring for a while: its
// neighbours may still name it until they too find it silent, which takes
// them up to (tries + 1) periods. A peer that speaks again is cleared at once
// (receive()).
bool peer::is_suspect(id other) const {
    auto at = suspects_.find(other);
    const settings& c = host_.config();
    return at != suspects_.end() && host_.now() - at->second < 2 * (c.tries + 1) * c.period;
}

// What routing.cpp decided, carried out: the new links, the copies of the
// pairs they call for, and the question to ask.
void peer::apply(const neighbours& now, std::optional<id> ask, const std::string& why) {
    const neighbours before = links_;
    links_ = now;
    links_.self = ident_;
    if (links_.successor == before.successor && links_.second == before.second &&
        links_.predecessor == before.predecessor) {
        if (ask && *ask != ident_) ask_successor(*ask);
        return;
    }
    host_.log("peer " + text(ident_) + ": " + why + ": successor " + text(links_.successor) + ", second " +
              text(links_.second) + ", predecessor " + text(links_.predecessor));
    if (links_.predecessor && links_.predecessor != before.predecessor) {
        heard_from_predecessor_ = host_.now();
        const id p = *links_.predecessor;
        // A new peer just before us takes the pairs that are not ours (and
        // keeps the copies of its predecessor's); if the old predecessor
        // left, its pairs are ours now, and our successor keeps copies.
        copy_to(p, [this, p](const std::string&, id key) { return !within(p, key, ident_); });
        if (links_.successor && links_.successor == before.successor && host_.config().replicas)
            copy_to(*links_.successor, [this, p](const std::string&, id key) { return within(p, key, ident_); });
    }
    if (links_.successor && links_.successor != before.successor) {
        copies_at_.reset();                 // until it names us as its predecessor
        copy_own_pairs(*links_.successor);  // a new successor keeps the copies of our pairs
    }
    if (ask && *ask != ident_) ask_successor(*ask);
}

void peer::refresh_finger(std::size_t i) {
    const std::vector<id> targets = finger_targets(ident_, host_.config().m);
    if (i >= targets.size()) return;
    lookup(targets[i], [this, i](const lookup_result& r) {
        if (!r.ok || i >= fingers_.size()) return;
        fingers_[i] = r.holder.ident;
        std::vector<id> holders;
        for (const std::optional<id>& f : fingers_)
            if (f) holders.push_back(*f);
        shortcuts_ = shortcuts_from(ident_, holders);
    });
}

// ---------------------------------------------------------------- joining

void peer::join(const net::address& known, std::function<void(bool)> done) {
    links_ = neighbours{ident_, std::nullopt, std::nullopt, std::nullopt};
    start_lookup(ident_, known, [this, done](const lookup_result& found) { joined(found, done); });
}

// The lookup of our own identifier found the peer that holds it: that is our
// successor. Ask it who comes after it, tell it we are here, and let the
// upkeep do the rest (its old predecessor learns of us by stabilising).
void peer::joined(const lookup_result& found, const std::function<void(bool)>& done) {
    if (!found.ok || found.holder.ident == ident_) {
        host_.log(
            "peer " + text(ident_) +
            (found.ok ? ": identifier taken: a peer of the ring has it" : ": no answer from the ring: not joined"));
        done(false);
        return;
    }
    learn(found.holder);
    neighbours first = links_;
    first.successor = found.holder.ident;
    apply(first, found.holder.ident, "joined");
    send(found.holder.where, message{kind::notify});
    fingers_.assign(finger_targets(ident_, host_.config().m).size(), std::nullopt);
    if (host_.config().shortcuts)
        for (std::size_t i = 0; i < fingers_.size(); ++i) refresh_finger(i);
    start_upkeep();
    done(true);
}

}  // namespace dht
