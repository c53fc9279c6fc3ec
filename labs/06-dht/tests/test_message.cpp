// test_message.cpp - lab 06: the messages to bytes and back, and every way a
// datagram can be wrong.
#include <doctest/doctest.h>

#include <string>

#include "../peer/keys.hpp"
#include "../peer/message.hpp"

using namespace dht;

namespace {

net::address loopback(std::uint16_t port, bool v6 = false) {
    return net::resolve(v6 ? "::1" : "127.0.0.1", port, net::udp).value().front();
}

message make(kind k) {
    message m(k);
    m.request = 0x01020304;
    m.sender = 60;
    return m;
}

}  // namespace

TEST_CASE("every kind of message comes back as it went") {
    message query = make(kind::query);
    query.lookup = 77;
    query.key = 53;
    query.about = node{1, loopback(40001)};
    query.path = {1, 40, 48};
    message answer = make(kind::answer);
    answer.key = 53;
    answer.about = node{60, loopback(40060, true)};
    answer.path = {1, 40, 48};
    message put = make(kind::put);
    put.key = 41;
    put.name = "Xiaoming Liu";
    put.value = "385-41-0902";
    message value = make(kind::value);
    value.found = true;
    value.value = "385-41-0902";
    message successor = make(kind::successor);
    successor.successor = node{8, loopback(40008)};
    for (const message& m : {query, answer, put, value, successor, make(kind::ack), make(kind::ping), make(kind::pong),
                             make(kind::notify), make(kind::get_successor)}) {
        const decoded d = decode(encode(m), 6);
        INFO(describe(m) << " -> " << d.problem);
        REQUIRE(d.problem.empty());
        CHECK(d.msg.kind == m.kind);
        CHECK(d.msg.request == m.request);
        CHECK(d.msg.sender == m.sender);
        CHECK(d.msg.lookup == m.lookup);
        CHECK(d.msg.key == m.key);
        CHECK(d.msg.path == m.path);
        CHECK(d.msg.name == m.name);
        CHECK(d.msg.value == m.value);
        CHECK(d.msg.found == m.found);
        CHECK(d.msg.about.has_value() == m.about.has_value());
        if (m.about) {
            CHECK(d.msg.about->ident == m.about->ident);
            CHECK(d.msg.about->where == m.about->where);
        }
        CHECK(d.msg.successor.has_value() == m.successor.has_value());
        CHECK_FALSE(d.msg.predecessor.has_value());
    }
}

TEST_CASE("the header is 9 bytes, big-endian, as the handout says") {
    const std::string bytes = encode(make(kind::ping));
    CHECK(bytes == std::string("\x08\x01\x02\x03\x04\x00\x00\x00\x3c", 9));
    message q = make(kind::query);
    q.about = node{1, loopback(40001)};
    CHECK(encode(q).size() == 9 + 4 + 4 + 23 + 2);
}

TEST_CASE("a bad datagram is refused, and says why") {
    message q = make(kind::query);
    q.key = 53;
    q.about = node{1, loopback(40001)};
    q.path = {1};
    const std::string good = encode(q);
    struct bad {
        std::string bytes;
        const char* says;
    };
    std::string family_7 = good;
    family_7[9 + 8 + 4] = 7;  // the origin's family byte
    message far = q;
    far.path = {1, 64};
    message no_origin = q;
    no_origin.about.reset();
    std::string found_2 = encode(make(kind::value));
    found_2[9] = 2;
    for (const bad& b : std::vector<bad>{
             {"", "too short: 0 bytes"},
             {"abc", "too short: 3 bytes"},
             {std::string("\x00\0\0\0\1\0\0\0\1", 9), "unknown message type 0"},
             {std::string("\x0e\0\0\0\1\0\0\0\1", 9), "unknown message type 14"},
             {good.substr(0, good.size() - 1), "a QUERY cut short"},
             {good + "x", "1 bytes too many for a QUERY"},
             {encode(make(kind::ping)) + "xy", "2 bytes too many for a PING"},
             {family_7, "unknown address family 7"},
             {encode(far), "identifier 64 out of range in a QUERY (m = 6: 0 to 63)"},
             {encode(no_origin), "a QUERY without its origin"},
             {found_2, "a VALUE whose 'found' byte is 2"},
         }) {
        const decoded d = decode(b.bytes, 6);
        INFO("datagram of " << b.bytes.size() << " bytes: " << d.problem);
        CHECK(d.problem.find(b.says) == 0);
    }
    // The sender's identifier counts too; m = 32 takes any.
    message big = make(kind::ping);
    big.sender = 4000000000u;
    CHECK(decode(encode(big), 6).problem.find("identifier 4000000000 out of range") == 0);
    CHECK(decode(encode(big), 32).problem.empty());
}

TEST_CASE("SUCCESSOR: the lecture's two successors add nothing; a successor list comes after them, checked") {
    message lecture = make(kind::successor);
    lecture.successor = node{8, loopback(40008)};
    lecture.predecessor = node{3, loopback(40003)};
    CHECK(encode(lecture).size() == 9 + 23 + 23);  // no list: the same bytes as ever
    message list = lecture;
    list.later = {node{10, loopback(40010)}, node{12, loopback(40012, true)}};
    const std::string bytes = encode(list);
    CHECK(bytes.size() == 9 + 23 + 23 + 1 + 2 * 23);
    const decoded d = decode(bytes, 6);
    REQUIRE(d.problem.empty());
    REQUIRE(d.msg.later.size() == 2);
    CHECK(d.msg.later[0].ident == 10);
    CHECK(d.msg.later[1].where == loopback(40012, true));
    CHECK(describe(d.msg).find("then 10 12") != std::string::npos);

    std::string none = encode(lecture) + std::string(1, '\0');
    std::string too_many = encode(lecture) + std::string(1, '\x21');  // 33
    message off_circle = list;
    off_circle.later[1].ident = 64;
    message nobody = list;
    nobody.later[0].where = net::address();  // family 0: nobody
    for (const auto& wrong : std::vector<std::pair<std::string, std::string>>{
             {none, "a SUCCESSOR that lists 0 later successors"},
             {too_many, "a SUCCESSOR that lists 33 later successors"},
             {bytes.substr(0, bytes.size() - 1), "a SUCCESSOR cut short"},
             {encode(off_circle), "identifier 64 out of range in a SUCCESSOR"},
             {encode(nobody), "a SUCCESSOR whose list of later successors names nobody"}}) {
        const decoded bad = decode(wrong.first, 6);
        INFO(wrong.first.size() << " bytes: " << bad.problem);
        CHECK(bad.problem.find(wrong.second) == 0);
    }
}

TEST_CASE("a name's key: the first m bits of its SHA-1") {
    // SHA-1("abc") = a9993e36 4706816a ba3e2571 7850c26c 9cd0d89d
    CHECK(key_of("abc", 32) == 0xa9993e36u);
    CHECK(key_of("abc", 6) == (0xa9993e36u >> 26));
    CHECK(key_of("abc", 1) == 1);
    CHECK(key_of("Xiaoming Liu", 6) < 64);
}
