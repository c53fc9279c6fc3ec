// test_udp.cpp - the grader of lab 06, part 2: rings of real peers, each on
// its own UDP socket (port 0, read back), all in this process, running the
// student's rules. Every wait has a deadline; nothing waits by sleeping.
// Each TEST_CASE is one requirement of the handout.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "../peer/host.hpp"
#include "../peer/keys.hpp"
#include "../peer/message.hpp"
#include "rings.hpp"

using namespace dht;
using namespace grading;

namespace {

// Short periods, so that the churn cases take a second or two; replies on
// loopback take well under a millisecond, even on a busy machine.
settings quick(int m, bool shortcuts, bool upkeep) {
    settings s;
    s.m = m;
    s.shortcuts = shortcuts;
    s.upkeep = upkeep;
    s.period = ms(100);
    s.timeout = ms(100);
    s.tries = 3;
    s.lookup_wait = ms(1000);
    return s;
}

// A ring of started peers and the log lines they wrote.
struct test_ring {
    std::shared_ptr<std::vector<std::string>> log = std::make_shared<std::vector<std::string>>();
    host peers;
    test_ring(const settings& s, const std::vector<id>& ids, bool settle = true)
        : peers(s, [box = log](const std::string& line) { box->push_back(line); }) {
        for (id i : ids) {
            net::result<peer*> started = peers.start(i);
            REQUIRE_MESSAGE(started.ok(), "could not start peer " << i << ": " << started.error().message());
        }
        if (settle) peers.settle_ring();
    }
    std::string last_log_lines() const {
        std::string text;
        const std::size_t from = log->size() > 8 ? log->size() - 8 : 0;
        for (std::size_t i = from; i < log->size(); ++i) text += "\n        log: " + (*log)[i];
        return text;
    }
};

std::string path_text(const lookup_result& r) {
    if (!r.ok) return "no answer";
    return "path " + list(r.path) + ", holder " + std::to_string(r.holder.ident) + ", " + std::to_string(r.messages()) +
           " messages";
}

std::string show(const std::optional<id>& i) { return i ? std::to_string(*i) : std::string("unknown"); }

// Every live peer knows its true successor, second and predecessor.
bool settled(const host& h, std::string* wrong = nullptr) {
    const std::vector<id> ids = h.identifiers();
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const neighbours& n = h.find(ids[i])->links();
        const id succ = ids[(i + 1) % ids.size()], second = ids[(i + 2) % ids.size()],
                 pred = ids[(i + ids.size() - 1) % ids.size()];
        if (n.successor != succ || n.second != second || n.predecessor != pred) {
            if (wrong != nullptr)
                *wrong = "peer " + std::to_string(ids[i]) + " has successor " + show(n.successor) + ", second " +
                         show(n.second) + ", predecessor " + show(n.predecessor) + "; the ring " + list(ids) + " has " +
                         std::to_string(succ) + ", " + std::to_string(second) + ", " + std::to_string(pred);
            return false;
        }
    }
    return true;
}

// Every key of the circle, asked at every live peer, must find its holder.
void every_key_found(host& h, int m) {
    const std::vector<id> ids = h.identifiers();
    for (id origin : ids)
        for (id key = 0; key < (id{1} << m); ++key) {
            const lookup_result r = h.lookup(origin, key, ms(5000));
            const id expected = true_successor(ids, key);
            INFO("key " << key << " asked at peer " << origin << " (live peers " << list(ids) << "): " << path_text(r)
                        << "; expected holder " << expected);
            REQUIRE(r.ok);
            REQUIRE(r.holder.ident == expected);
        }
}

const std::string name_of(id key) { return "pair " + std::to_string(key); }

}  // namespace

// ---------------------------------------------------------------- the lecture's queries

TEST_CASE("over UDP, the lecture's query: key 53 asked at peer 1 walks 12, 13, 25, 32, 40 and 48: 6 messages" *
          doctest::description("task 2: each peer passes the query to its successor until the key lies between it "
                               "and its successor; 48 then knows that 60 holds key 53")) {
    test_ring ring(quick(6, false, false), lecture_ring());
    const lookup_result r = ring.peers.lookup(1, 53, ms(5000));
    INFO("key 53 asked at peer 1, walking the successors: " << path_text(r) << ring.last_log_lines());
    REQUIRE(r.ok);
    CHECK(r.path == std::vector<id>{1, 12, 13, 25, 32, 40, 48});
    CHECK(r.holder.ident == 60);
    CHECK(r.messages() == 6);
    for (const auto& lecture_case : std::vector<std::pair<id, id>>{{51, 60}, {60, 60}, {61, 1}}) {
        const id key = lecture_case.first, holder = lecture_case.second;  // (named: a lambda in INFO uses them)
        const lookup_result k = ring.peers.lookup(32, key, ms(5000));
        INFO("key " << key << " asked at peer 32: " << path_text(k) << ", expected holder " << holder);
        CHECK(k.holder.ident == holder);
    }
}

TEST_CASE("over UDP, with shortcuts: key 53 asked at peer 1 takes at most 3 messages (the lecture's 6 reduced to 3)" *
          doctest::description("tasks 3 and 4: peer 1's shortcuts are 12, 25 and 40; the query goes to 40, the "
                               "farthest that does not pass 53, then 48, whose successor 60 holds the key")) {
    test_ring ring(quick(6, true, false), lecture_ring());
    const lookup_result r = ring.peers.lookup(1, 53, ms(5000));
    INFO("key 53 asked at peer 1, with shortcuts (peer 1's: " << list(ring.peers.find(1)->shortcuts())
                                                              << "): " << path_text(r) << ring.last_log_lines());
    REQUIRE(r.ok);
    CHECK(r.holder.ident == 60);
    CHECK(r.messages() <= 3);
    for (std::size_t i = 1; i < r.path.size(); ++i) {
        INFO("the hop from " << r.path[i - 1] << " to " << r.path[i] << " passes key 53");
        CHECK((r.path[i] != 53 && true_in_range(r.path[i - 1], r.path[i], 53)));  // closer, never past the key
    }
}

TEST_CASE("over UDP, the lecture's database: each name stored at its key's successor, found from every peer" *
          doctest::description("tasks 1 to 4: a name's key is the first m bits of its SHA-1; the PUT goes to the "
                               "holder the lookup finds, and a GET from any peer must find the same holder")) {
    test_ring ring(quick(6, true, false), lecture_ring());
    const std::vector<std::pair<std::string, std::string>> database{
        {"John Washington", "132-54-3570"}, {"Diana Louise Jones", "761-55-3791"}, {"Xiaoming Liu", "385-41-0902"},
        {"Rakesh Gopal", "441-89-1956"},    {"Linda Cohen", "217-66-5609"},        {"Lisa Kobayashi", "177-23-0199"}};
    for (const auto& entry : database) {
        const std::string &name = entry.first, &value = entry.second;
        const id key = key_of(name, 6);
        const store_result put = ring.peers.put(1, name, key, value, ms(5000));
        INFO("put '" << name << "' (key " << key << ") at peer 1: " << path_text(put.lookup) << ", expected holder "
                     << true_successor(lecture_ring(), key) << ring.last_log_lines());
        REQUIRE(put.ok);
        CHECK(put.lookup.holder.ident == true_successor(lecture_ring(), key));
        for (id at : lecture_ring()) {
            const store_result got = ring.peers.get(at, name, key, ms(5000));
            INFO("get '" << name << "' (key " << key << ") at peer " << at << ": " << path_text(got.lookup)
                         << (got.found ? ", found '" + got.value + "'" : ", not found"));
            CHECK((got.ok && got.found && got.value == value));
        }
    }
}

// ---------------------------------------------------------------- churn

TEST_CASE("churn (m = 4): peer 5 leaves abruptly; 4 makes 8 its successor and 10 its second; every key is found" *
          doctest::description("task 5: when pings to the successor go unanswered, the second becomes the successor "
                               "and is asked for its successor; within 10 ping periods")) {
    test_ring ring(quick(4, true, true), churn_ring());
    for (id key = 0; key < 16; ++key) {
        const store_result put = ring.peers.put(1, name_of(key), key, "value " + std::to_string(key), ms(5000));
        INFO("put key " << key << " at peer 1 before the departure: " << path_text(put.lookup));
        REQUIRE(put.ok);
    }
    const auto left = ring.peers.now();  // the ring's clock: it stops while this process is held up
    ring.peers.kill(5);
    const peer* four = ring.peers.find(4);
    const bool repaired = ring.peers.run_until(
        [four] {
            return four->links().successor == std::optional<id>(8) && four->links().second == std::optional<id>(10);
        },
        ms(5000));
    const double periods = std::chrono::duration<double>(ring.peers.now() - left) / ms(100);
    {
        INFO("peer 4 after 5 left: successor " << show(four->links().successor) << ", second "
                                               << show(four->links().second) << ", after " << periods << " ping periods"
                                               << ring.last_log_lines());
        REQUIRE(repaired);
        CHECK(periods <= 10);
    }
    {
        std::string wrong;
        const bool whole = ring.peers.run_until([&] { return settled(ring.peers); }, ms(5000));
        settled(ring.peers, &wrong);
        INFO("5 s after 5 left: " << wrong << ring.last_log_lines());
        REQUIRE(whole);
    }
    every_key_found(ring.peers, 4);
    for (id at : {1u, 8u, 15u})
        for (id key = 0; key < 16; ++key) {
            const store_result got = ring.peers.get(at, name_of(key), key, ms(5000));
            INFO("get key " << key << " at peer " << at << " after 5 left: " << path_text(got.lookup)
                            << std::string(got.found ? ", found" : ", not found (its holder has no copy)"));
            CHECK((got.ok && got.found && got.value == "value " + std::to_string(key)));
        }
}

TEST_CASE("churn (m = 4): peer 7 joins between 5 and 8; the ring takes it in; keys 6 and 7 are found at it" *
          doctest::description("task 5: 8 believes the NOTIFY of 7 (it lies between 5 and 8); 5 learns from 8 that "
                               "8's predecessor is 7, which lies between 5 and 8: 7 becomes 5's successor")) {
    test_ring ring(quick(4, true, true), churn_ring());
    for (id key = 0; key < 16; ++key)
        REQUIRE(ring.peers.put(1, name_of(key), key, "value " + std::to_string(key), ms(5000)).ok);
    net::result<peer*> seven = ring.peers.start(7);
    REQUIRE(seven.ok());
    const bool joined = ring.peers.join(7, 1, ms(5000));
    {
        INFO("peer 7 joining through peer 1: "
             << std::string(joined ? "its lookup found a successor" : "no successor found") << ring.last_log_lines());
        REQUIRE(joined);
    }
    {
        std::string wrong;
        const bool whole = ring.peers.run_until([&] { return settled(ring.peers); }, ms(5000));
        settled(ring.peers, &wrong);
        INFO("5 s after 7 joined: " << wrong << ring.last_log_lines());
        REQUIRE(whole);
    }
    every_key_found(ring.peers, 4);
    for (id key : {6u, 7u}) {
        const store_result got = ring.peers.get(12, name_of(key), key, ms(5000));
        INFO("get key " << key << " at peer 12 after 7 joined: " << path_text(got.lookup)
                        << std::string(got.found ? ", found" : ", not found"));
        CHECK(got.lookup.holder.ident == 7);
        CHECK((got.ok && got.found && got.value == "value " + std::to_string(key)));
    }
}

// ---------------------------------------------------------------- bad datagrams

TEST_CASE("bad datagrams (short, unknown type, identifier out of range, a reply never asked for) are ignored" *
          doctest::description("tasks 1 to 4: the peers ignore each bad datagram with one log line (given code); "
                               "the ring must still answer every key right afterwards")) {
    test_ring ring(quick(6, true, false), lecture_ring());
    const net::address twelve = ring.peers.find(12)->where();
    net::result<net::socket> created = net::socket::create(twelve.family(), net::udp);
    REQUIRE(created.ok());
    net::socket stranger = std::move(created.value());

    auto with = [](kind k, id sender, std::uint32_t request) {
        message m(k);
        m.sender = sender;
        m.request = request;
        return m;
    };
    message out_of_range = with(kind::query, 1, 7);
    out_of_range.key = 100;  // m = 6: 0 to 63
    out_of_range.about = node{1, twelve};
    out_of_range.path = {1};
    const std::string query = encode(out_of_range);
    const std::vector<std::string> bad{
        "abc",                                              // shorter than a header
        std::string("\x63\0\0\0\1\0\0\0\1", 9),             // type 99
        encode(with(kind::ping, 200, 1)),                   // sender 200, out of range
        encode(with(kind::pong, 5, 777)),                   // a reply to a request never sent
        query,                                              // key 100, out of range
        encode(with(kind::answer, 1, 4242)).substr(0, 12),  // an ANSWER cut short
        encode(with(kind::successor, 1, 31337)),            // a reply never asked for, from a stranger
    };
    for (const std::string& datagram : bad) REQUIRE(stranger.sendto(datagram, twelve).ok());
    ring.peers.run_until([&] { return ring.log->size() >= bad.size(); }, ms(5000));
    ring.peers.run_for(ms(200));  // nothing more may come

    {
        std::string lines;
        for (const std::string& line : *ring.log) lines += "\n        log: " + line;
        INFO(bad.size() << " bad datagrams sent to peer 12; one log line each expected, starting 'peer 12: ignored'; "
                           "its log:"
                        << lines);
        CHECK(ring.log->size() == bad.size());
        for (const std::string& line : *ring.log) CHECK(line.find("peer 12: ignored") == 0);
    }
    {
        char buffer[100];
        auto answered = stranger.recvfrom(buffer, sizeof buffer, net::clock::now());
        INFO("peer 12 answered a bad datagram");
        CHECK_FALSE(answered.ok());
    }
    every_key_found(ring.peers, 6);
}
