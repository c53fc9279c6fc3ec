// tracker_reply.cpp - a tracker's reply, as the peer receives it (a tracker
// may be anyone's): no crash, and the peers it names, written again in the
// dictionary form, read back the same.
#include "../labs/05-swarm/bittorrent/tracker_protocol.hpp"
#include "fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto parsed = bt::tracker::parse_reply(fuzz::bytes(data, size));
    if (!parsed) return 0;
    const bt::tracker::announce_reply& r = parsed.value();
    auto again = bt::tracker::parse_reply(bt::tracker::encode_reply(r, false));
    fuzz::must(again.ok(), "what encode_reply writes parses");
    if (again)
        fuzz::must(again.value().peers == r.peers && again.value().interval == r.interval,
                   "encode_reply then parse_reply gives the same peers");
    (void)bt::tracker::encode_reply(r, true);
    return 0;
}
