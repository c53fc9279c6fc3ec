// lookups.cpp - lab 06: a peer's lookups: the queries it starts, those it
// passes on (where to, routing.cpp's next_step decides), and the ANSWERs it
// takes, or not.
#include <algorithm>
#include <string>
#include <utility>

#include "host.hpp"
#include "peer.hpp"

namespace dht {

namespace {
std::string text(id i) { return std::to_string(i); }
}  // namespace

std::string path_problem(const std::vector<id>& path, id origin, int m) {
    const std::uint64_t circle = std::uint64_t{1} << m;
    if (path.empty()) return "its path is empty";
    if (path.front() != origin)
        return "its path starts at peer " + text(path.front()) + ", not at peer " + text(origin) + ", which asked";
    // A peer drops a query that has passed as many peers as there are
    // identifiers (take_query): it is going round in circles.
    if (path.size() > circle)
        return "its path passes " + std::to_string(path.size()) + " peers, more than the circle has (" +
               std::to_string(circle) + ")";
    return "";
}

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
    const std::uint32_t number = unguessable_number();  // the ANSWER must carry it: a stranger cannot guess it
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
    // The origin, as the query names it, is where the ANSWER goes, and nothing
    // more: anyone may send a QUERY, so its name binds no identifier to an
    // address (a stranger answering PINGs as a peer this one had not met
    // would have taken that peer's place in its address book).
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
    // The successor; if it is silent and not yet replaced, the second, then
    // the next of the list (with more than two successors).
    std::vector<id> successors;
    for (const std::optional<id>& s : {links_.successor, links_.second})
        if (s) successors.push_back(*s);
    successors.insert(successors.end(), later_.begin(), later_.end());
    auto first_usable = std::find_if(successors.begin(), successors.end(), usable);
    if (first_usable == successors.end()) {
        host_.log("peer " + text(ident_) + ": no successor to pass the query for key " + text(q.key) + " to");
        return;
    }
    t.successor = *first_usable;
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
        // Another way, up to three times (or once for each successor kept).
        if (avoid.size() <= static_cast<std::size_t>(std::max(3, host_.config().successors)) && alive_)
            route(q, avoid);
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

// An ANSWER comes from the peer that found the holder, which the origin never
// asked: unlike a reply (take_reply), it cannot be checked by its address.
// What a stranger cannot make up is the lookup's number, drawn at random; and
// the path must be one a query could have taken: from this peer, past at
// least one other, to the peer that sends the ANSWER.
void peer::take_answer(const message& a, const net::address& from) {
    auto at = lookups_.find(a.request);
    std::string problem;
    if (at == lookups_.end() || !a.about)
        problem = "a reply to a lookup never asked (or already answered)";
    else if (const std::string wrong_path = path_problem(a.path, ident_, host_.config().m); !wrong_path.empty())
        problem = wrong_path;
    else if (a.path.size() < 2)
        problem = "its path has no message (this peer would have found the holder itself)";
    else if (a.path.back() != a.sender)
        problem = "it comes from peer " + text(a.sender) + ", not from peer " + text(a.path.back()) +
                  ", the last of its path";
    else if (a.key != at->second.key)
        problem = "it is for key " + text(a.key) + ", the lookup for key " + text(at->second.key);
    if (!problem.empty()) {
        host_.log("peer " + text(ident_) + ": ignored an ANSWER from " + from.to_string() + ": " + problem);
        return;
    }
    finish_lookup(a.request, *a.about, a.path);
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

}  // namespace dht
