// peer.cpp - lab 06: one peer: its requests (with timeouts and retries), and
// every datagram it receives, handed to what deals with it. The rest of the
// peer: the queries it passes on (lookups.cpp), the pairs it stores
// (pairs.cpp), who is where (addresses.cpp), its upkeep of the ring
// (upkeep.cpp).
#include "peer.hpp"

#include <random>
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

// A request's (or a lookup's) number, drawn from the system's random source,
// not counted 1, 2, 3: a stranger who cannot see our datagrams cannot guess
// which number a reply must carry, and a reply is taken only with the number
// of a request in flight. Counted, a stranger could send ANSWERs numbered 1
// to 200 and finish a peer's next lookups with its own. (DNS resolvers draw
// their query ids so since Kaminsky's attack of 2008, RFC 5452.)
std::uint32_t peer::unguessable_number() const {
    thread_local std::random_device source;
    std::uint32_t number = 0;
    do number = static_cast<std::uint32_t>(source());
    while (pending_.count(number) > 0 || lookups_.count(number) > 0);  // one reply must not answer two
    return number;
}

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
    m.request = unguessable_number();
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

// A reply is taken only with the number of a request in flight, of the kind
// it asked for, and from the address the request went to (as BEP 5, the
// Mainline DHT, takes a reply only with the transaction id it sent, from the
// node it asked).
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
        case kind::answer: take_answer(m, from); break;
        case kind::put:
        case kind::replica: take_pair(m, from); break;
        case kind::get: take_get(m, from); break;
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
            answer.later = list_to_send();
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

}  // namespace dht
