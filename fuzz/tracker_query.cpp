// tracker_query.cpp - the query of an announce, as the tracker receives it
// from anyone: no crash, and what it accepts, written again by the peer's
// side, reads back the same.
#include "../labs/05-swarm/bittorrent/tracker_protocol.hpp"
#include "fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = fuzz::bytes(data, size);
    (void)bt::tracker::url_decode(input);
    auto parsed = bt::tracker::parse_announce_query(input);
    if (!parsed) return 0;
    const bt::tracker::announce_request& r = parsed.value();
    auto again = bt::tracker::parse_announce_query(bt::tracker::announce_query(r));
    fuzz::must(again.ok(), "what announce_query writes parses");
    if (again) {
        const bt::tracker::announce_request& s = again.value();
        fuzz::must(s.info_hash == r.info_hash && s.peer_id == r.peer_id && s.port == r.port &&
                       s.uploaded == r.uploaded && s.downloaded == r.downloaded && s.left == r.left &&
                       s.event == r.event && s.compact == r.compact && s.numwant == r.numwant && s.ip == r.ip,
                   "announce_query then parse_announce_query gives the same request");
    }
    return 0;
}
