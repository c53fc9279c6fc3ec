// dht_message.cpp - a DHT datagram, as a peer of lab 06 receives it from
// anyone: no crash, and a datagram it accepts, written again by encode(),
// reads back as the same message. (Not byte for byte: bytes that mean
// nothing, such as the unused 12 of an IPv4 peer's 16 address bytes, are
// written as zeros.)
#include "../labs/06-dht/peer/message.hpp"
#include "fuzz.hpp"

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    // The first byte picks m, the ring's identifier bits (1 .. 32).
    const int m = 1 + data[0] % 32;
    const std::string_view datagram = fuzz::bytes(data + 1, size - 1);
    dht::decoded d = dht::decode(datagram, m);
    if (!d.problem.empty()) return 0;
    (void)dht::describe(d.msg);
    const std::string written = dht::encode(d.msg);
    dht::decoded again = dht::decode(written, m);
    fuzz::must(again.problem.empty(), "what encode writes decodes");
    fuzz::must(dht::encode(again.msg) == written, "encode then decode gives the same message");
    return 0;
}
