// test_strangers.cpp - lab 06: what a stranger on the network can do to a
// peer, with datagrams it makes up from a socket of its own, and what the
// peers do about it: replies taken only with the number of a request, from
// the address it went to; an identifier bound to an address only when that
// address answers; pairs stored only for the peer's own keys, and only so many.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "../peer/host.hpp"
#include "../peer/message.hpp"

using namespace dht;

namespace {

settings frozen() {
    settings s;
    s.m = 6;
    s.period = ms(50);
    s.timeout = ms(50);
    s.lookup_wait = ms(300);
    s.upkeep = false;  // no pings of its own: what the peers do here is what the stranger made them do
    return s;
}

struct lecture_ring {
    std::shared_ptr<std::vector<std::string>> log = std::make_shared<std::vector<std::string>>();
    host peers;
    lecture_ring() : peers(frozen(), [box = log](const std::string& line) { box->push_back(line); }) {
        for (id i : {1, 12, 13, 25, 32, 40, 48, 60}) REQUIRE(peers.start(i).ok());
        peers.settle_ring();
    }
    std::size_t lines_with(const std::string& words) const {
        return static_cast<std::size_t>(std::count_if(log->begin(), log->end(), [&words](const std::string& line) {
            return line.find(words) != std::string::npos;
        }));
    }
    const net::address& where(id peer) { return peers.find(peer)->where(); }
};

// A socket of the stranger's own, on loopback, port 0.
struct stranger {
    net::socket socket = net::server_socket(net::udp, "127.0.0.1", 0).value();
    net::address where = socket.local_address().value();

    void send(message m, const net::address& to) { REQUIRE(socket.sendto(encode(m), to).ok()); }
    // What came back, until nothing more is waiting.
    std::vector<message> replies() {
        std::vector<message> got;
        std::vector<char> buffer(net::datagram_room);
        while (true) {
            auto received = socket.recvfrom(buffer.data(), buffer.size(), net::clock::now());
            if (!received) return got;
            got.push_back(decode({buffer.data(), received.value().first}, 6).msg);
        }
    }
};

// The stranger, in a thread of its own, answering every datagram of kind
// `asked` with what `answer` makes of it, as peer 12, until stopped.
class answering_as_12 {
public:
    answering_as_12(stranger& s, kind asked, std::function<message(const message&)> answer)
        : to_wake_(s.where), thread_([&s, asked, answer] {
              std::vector<char> buffer(net::datagram_room);
              while (true) {
                  auto received = s.socket.recvfrom(buffer.data(), buffer.size(), net::clock::now() + ms(20000));
                  if (!received) return;
                  const decoded d = decode({buffer.data(), received.value().first}, 6);
                  if (!d.problem.empty()) return;  // stop()'s datagram, which is no message
                  if (d.msg.kind != asked) continue;
                  message reply = answer(d.msg);
                  reply.request = d.msg.request;
                  reply.sender = 12;
                  (void)s.socket.sendto(encode(reply), received.value().second);
              }
          }) {}
    ~answering_as_12() { stop(); }
    void stop() {
        if (!thread_.joinable()) return;
        net::socket waker = net::server_socket(net::udp, "127.0.0.1", 0).value();
        (void)waker.sendto("stop", to_wake_);
        thread_.join();
    }

private:
    net::address to_wake_;
    std::thread thread_;
};

message forged_answer(std::uint32_t number, id key, const node& holder, std::vector<id> path) {
    message a(kind::answer);
    a.request = number;
    a.sender = holder.ident;
    a.key = key;
    a.about = holder;
    a.path = std::move(path);
    return a;
}

}  // namespace

TEST_CASE("a stranger's ANSWERs numbered 1 to 200, with an empty path, are not taken for a lookup's") {
    lecture_ring ring;
    stranger liar;
    for (std::uint32_t number = 1; number <= 200; ++number)
        liar.send(forged_answer(number, 30, {12, liar.where}, {}), ring.where(48));
    const lookup_result r = ring.peers.lookup(48, 30, ms(5000));
    REQUIRE(r.ok);
    CHECK_FALSE(r.path.empty());  // the dht tool printed path.back() of it, and crashed
    CHECK(r.holder.ident == 32);
    CHECK(r.holder.where == ring.where(32));
}

TEST_CASE("a stranger's ANSWERs naming itself as the holder do not make a GET ask it") {
    lecture_ring ring;
    stranger liar;
    for (std::uint32_t number = 1; number <= 200; ++number)
        liar.send(forged_answer(number, 30, {12, liar.where}, {48}), ring.where(48));
    answering_as_12 forging(liar, kind::get, [](const message&) {  // every GET it gets: "FORGED"
        message value(kind::value);
        value.found = true;
        value.value = "FORGED";
        return value;
    });
    const store_result got = ring.peers.get(48, "foo", 30, ms(5000));
    forging.stop();
    CHECK(got.ok);
    CHECK(got.value != "FORGED");
    CHECK_FALSE(got.found);  // nothing was stored under 'foo'
    CHECK(got.lookup.holder.ident == 32);
    CHECK(got.lookup.holder.where == ring.where(32));
}

TEST_CASE("a lookup's path is believed only if a query could have taken it") {
    CHECK(path_problem({}, 48, 6) == "its path is empty");
    CHECK(path_problem({12}, 48, 6) == "its path starts at peer 12, not at peer 48, which asked");
    CHECK(path_problem({48}, 48, 6).empty());
    CHECK(path_problem({48, 1, 25}, 48, 6).empty());
    CHECK(path_problem(std::vector<id>(65, 48), 48, 6) == "its path passes 65 peers, more than the circle has (64)");
    CHECK(path_problem(std::vector<id>(64, 48), 48, 6).empty());
}

TEST_CASE("one NOTIFY from a stranger claiming to be peer 12 does not move peer 12 to its address") {
    lecture_ring ring;
    stranger liar;
    answering_as_12 pongs(liar, kind::ping, [](const message&) { return message(kind::pong); });
    // To peer 13, whose predecessor 12 is: 13 asks peer 12 where it has
    // always been; 12 answers, and the claim is not believed.
    const peer* thirteen = ring.peers.find(13);
    message notify(kind::notify);
    notify.sender = 12;
    liar.send(notify, ring.where(13));
    ring.peers.run_until(
        [&] { return thirteen->address_of(12) != ring.where(12) || ring.lines_with("ignored a NOTIFY") > 0; },
        ms(5000));
    CHECK(thirteen->address_of(12) == ring.where(12));
    CHECK(ring.lines_with("peer 13: ignored a NOTIFY from " + liar.where.to_string() +
                          " that says it is peer 12: peer 12 answers at " + ring.where(12).to_string()) == 1);
    // To peer 1, which knows 12 as its successor: 12 would not be its predecessor.
    const peer* one = ring.peers.find(1);
    liar.send(notify, ring.where(1));
    ring.peers.run_until([&] { return ring.lines_with("peer 1: ignored a NOTIFY") > 0; }, ms(5000));
    CHECK(one->address_of(12) == ring.where(12));
    CHECK(ring.lines_with("peer 1: ignored a NOTIFY from " + liar.where.to_string() +
                          " that says it is peer 12: it would not be this peer's predecessor") == 1);
    const lookup_result r = ring.peers.lookup(1, 5, ms(5000));
    REQUIRE(r.ok);
    CHECK(r.holder.ident == 12);
    CHECK(r.holder.where == ring.where(12));
}

TEST_CASE("a NOTIFY claiming a peer this one has not met, and that would not be its predecessor, binds nothing") {
    // Peer 25 of the lecture's ring knows 13, 32, 40, 48 and 60, not 12. A
    // stranger that answers PINGs as 12 sends it one NOTIFY: bound, 12's
    // address there would be the stranger's, and the real 12's word refused.
    lecture_ring ring;
    stranger liar;
    answering_as_12 pongs(liar, kind::ping, [](const message&) { return message(kind::pong); });
    const peer* twenty_five = ring.peers.find(25);
    REQUIRE_FALSE(twenty_five->address_of(12).has_value());
    message notify(kind::notify);
    notify.sender = 12;
    liar.send(notify, ring.where(25));
    ring.peers.run_until(
        [&] { return twenty_five->address_of(12).has_value() || ring.lines_with("peer 25: ignored a NOTIFY") > 0; },
        ms(2000));
    ring.peers.run_for(ms(200));  // a PING and its PONG, had one been sent
    CHECK_FALSE(twenty_five->address_of(12).has_value());
    CHECK(ring.lines_with("peer 25: ignored a NOTIFY from " + liar.where.to_string() +
                          " that says it is peer 12: it would not be this peer's predecessor") == 1);
    CHECK(twenty_five->links().predecessor == std::optional<id>(13));
}

TEST_CASE("a QUERY whose origin a stranger made up binds no identifier to an address") {
    lecture_ring ring;
    stranger liar;
    answering_as_12 pongs(liar, kind::ping, [](const message&) { return message(kind::pong); });
    const peer* twenty_five = ring.peers.find(25);
    message query(kind::query);
    query.request = 7;
    query.sender = 12;
    query.lookup = 99;
    query.key = 30;
    query.about = node{12, liar.where};
    query.path = {12};
    liar.send(query, ring.where(25));
    ring.peers.run_for(ms(500));
    CHECK_FALSE(twenty_five->address_of(12).has_value());
}

TEST_CASE("a NOTIFY from an identifier nobody has binds it only if that address answers a PING") {
    lecture_ring ring;
    stranger liar;  // it never answers
    const peer* one = ring.peers.find(1);
    message notify(kind::notify);
    notify.sender = 62;  // between 60 and 1: peer 1 would take it as its predecessor
    liar.send(notify, ring.where(1));
    ring.peers.run_until([&] { return one->address_of(62).has_value() || ring.lines_with("no PONG") > 0; }, ms(5000));
    CHECK_FALSE(one->address_of(62).has_value());
    CHECK(one->links().predecessor == std::optional<id>(60));
    CHECK(ring.lines_with("no PONG") == 1);
}

TEST_CASE("a peer that moved to a new address is bound there once its old address is silent") {
    lecture_ring ring;
    stranger moved;  // peer 12 again, on a new socket: it answers PINGs as 12
    const net::address old_twelve = ring.where(12);
    ring.peers.kill(12);
    const peer* thirteen = ring.peers.find(13);
    message notify(kind::notify);
    notify.sender = 12;
    moved.send(notify, thirteen->where());
    answering_as_12 ponging(moved, kind::ping, [](const message&) { return message(kind::pong); });
    const bool bound = ring.peers.run_until([&] { return thirteen->address_of(12) == moved.where; }, ms(5000));
    ponging.stop();
    CHECK(bound);
    CHECK(thirteen->address_of(12) != old_twelve);
}

TEST_CASE("PUTs from a stranger for a key the peer does not hold are not stored, nor copied") {
    lecture_ring ring;
    stranger liar;
    const peer* one = ring.peers.find(1);
    const std::string value(1000, 'x');
    for (int sent = 0; sent < 200;) {
        for (int i = 0; i < 50; ++i, ++sent) {  // 50 at a time: no more than the socket's buffer holds
            message put(kind::put);
            put.request = static_cast<std::uint32_t>(sent);
            put.sender = 7;
            put.key = 30;  // peer 32's
            put.name = "junk " + std::to_string(sent);
            put.value = value;
            liar.send(put, ring.where(1));
        }
        ring.peers.run_until(
            [&] { return one->pairs_stored() + ring.lines_with("refused a PUT") >= static_cast<std::size_t>(sent); },
            ms(5000));
    }
    CHECK(one->pairs_stored() == 0);
    CHECK(ring.lines_with("peer 1: refused a PUT for key 30 from " + liar.where.to_string()) == 200);
    CHECK(liar.replies().empty());  // no STORED
    ring.peers.run_for(ms(100));    // a REPLICA, if one had gone, would be there by now
    CHECK(ring.peers.find(12)->pairs_stored() == 0);
}

TEST_CASE("a REPLICA from a stranger that says it is the predecessor is not stored") {
    lecture_ring ring;
    stranger liar;
    message copy(kind::replica);
    copy.request = 1;
    copy.sender = 60;  // peer 1's predecessor, whose copies peer 1 keeps; but not from 60's address
    copy.key = 50;
    copy.name = "junk";
    copy.value = "x";
    liar.send(copy, ring.where(1));
    ring.peers.run_until([&] { return ring.peers.find(1)->pairs_stored() > 0 || ring.lines_with("refused") > 0; },
                         ms(5000));
    CHECK(ring.peers.find(1)->pairs_stored() == 0);
    CHECK(ring.lines_with("peer 1: refused a REPLICA for key 50") == 1);
}

TEST_CASE("a peer stores at most max_pairs pairs of its own keys, and as many copies") {
    lecture_ring ring;
    stranger liar;
    const peer* one = ring.peers.find(1);
    const int total = static_cast<int>(max_pairs) + 20;
    for (int sent = 0; sent < total;) {
        for (int i = 0; i < 50 && sent < total; ++i, ++sent) {
            message put(kind::put);
            put.request = static_cast<std::uint32_t>(sent);
            put.sender = 7;
            put.key = 63;  // peer 1's: (60, 1]
            put.name = "pair " + std::to_string(sent);
            put.value = "x";
            liar.send(put, ring.where(1));
        }
        ring.peers.run_until(
            [&] { return one->pairs_stored() + ring.lines_with("refused a PUT") >= static_cast<std::size_t>(sent); },
            ms(5000));
        liar.replies();  // the STOREDs, out of the way of the socket's buffer
    }
    CHECK(one->pairs_stored() == max_pairs);
    CHECK(ring.lines_with("peer 1: refused a PUT for key 63") == 20);
    // Peer 12 keeps the copies, as many: and room for its own keys besides.
    const peer* twelve = ring.peers.find(12);
    CHECK(ring.peers.run_until([&] { return twelve->pairs_stored() == max_pairs; }, ms(5000)));
    CHECK(ring.peers.put(48, "its own", 5, "v", ms(5000)).ok);
    CHECK(twelve->pairs_stored() == max_pairs + 1);
    // A pair already stored may still be changed.
    message again(kind::put);
    again.request = 99999;
    again.key = 63;
    again.name = "pair 0";
    again.value = "y";
    liar.send(again, ring.where(1));
    ring.peers.run_until([&] { return !liar.replies().empty(); }, ms(5000));
    const store_result got = ring.peers.get(48, "pair 0", 63, ms(5000));
    CHECK(got.value == "y");
}
