// tracker_protocol.hpp - what a peer and the tracker say to each other (BEP 3,
// BEP 23, BEP 7), as pure functions: bytes in, bytes out, no sockets.
//
// The lecture: "tracker: tracks peers participating in torrent". A peer
// announces itself with an HTTP GET whose query string says which torrent,
// who it is and how far it has got:
//
//   GET /announce?info_hash=%12%34...&peer_id=-BT0001-...&port=6881&uploaded=0
//                &downloaded=0&left=1048576&event=started&compact=1&numwant=50 HTTP/1.1
//
// and the tracker answers with a bencoded dictionary: how many seconds to
// wait before the next announce, and some other peers of the same torrent,
//
//   d8:intervali1800e5:peers12:<two peers, 6 bytes each>e         (compact, BEP 23)
//   d8:intervali1800e5:peersld2:ip9:192.0.2.77:peer id20:...4:porti6881eeee   (BEP 3)
//
// or, when it will not, d14:failure reason<n>:<why>e.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "labs/shared/sha1.hpp"

namespace bt::tracker {

// ---------------------------------------------------------------- URL encoding
// info_hash and peer_id are 20 arbitrary bytes; a URL may carry only some
// characters, so every other byte travels as %XX (RFC 3986).

// Letters, digits and - . _ ~ stay as they are; every other byte becomes %XX.
std::string url_encode(std::string_view bytes);
// %XX back to the byte. A '+' stays a '+' (HTML forms use it for a space, but
// BitTorrent clients escape every byte that is not plain, so in a binary
// value a '+' can only mean itself). A '%' without two hex digits is an error.
net::result<std::string> url_decode(std::string_view text);

// ---------------------------------------------------------------- the announce (peer -> tracker)

enum class announce_event { none, started, completed, stopped };
// "started", "completed", "stopped" as the query writes them; "" for none.
const char* event_name(announce_event event);

struct announce_request {
    sha1::digest info_hash{};  // which torrent
    std::string peer_id;       // 20 bytes the peer picked at random when it started
    std::uint16_t port = 0;    // where the peer accepts connections from other peers
    std::int64_t uploaded = 0;
    std::int64_t downloaded = 0;
    std::int64_t left = 0;                        // bytes still missing: 0 for a seed
    announce_event event = announce_event::none;  // none: one of the regular announces
    bool compact = true;                          // the peer prefers the compact reply (BEP 23)
    int numwant = 50;                             // how many peers it would like
    std::string ip;  // optional: the address to give other peers (our tracker does not read it)
};

// The query string, without the leading '?'.
std::string announce_query(const announce_request& request);
// The tracker's side: the query string (after the '?') back into a request.
// info_hash, peer_id, port, uploaded, downloaded and left are required;
// keys it does not know (key, supportcrypto, ...) are ignored, and so is ip
// (tracker_peers.hpp says why). A key given twice: its last value counts.
net::result<announce_request> parse_announce_query(std::string_view query);

// ---------------------------------------------------------------- the reply (tracker -> peer)

struct peer {
    std::string ip;  // "192.0.2.7", "2001:db8::7"; in the dictionary form maybe a host name
    std::uint16_t port = 0;
    std::string id;  // its peer_id; empty when the tracker did not send it (the compact form never does)
    bool operator==(const peer& other) const = default;
};

struct announce_reply {
    std::int64_t interval = 1800;  // seconds until the next regular announce
    std::vector<peer> peers;
};

// Compact (BEP 23): "peers" holds 6 bytes per IPv4 peer, "peers6" (BEP 7)
// 18 bytes per IPv6 peer, each the address then the port, in network byte
// order. An IPv4 peer seen as ::ffff:a.b.c.d goes with the IPv4 peers; a peer
// whose ip is a host name cannot be written this way and is left out.
// Dictionary form (BEP 3): "peers" is a list of {"ip", "peer id", "port"}.
std::string encode_reply(const announce_reply& reply, bool compact);
std::string failure_reply(std::string_view reason);

// The peer's side: either form (a tracker may answer either way, BEP 23).
// A "failure reason" from the tracker comes back as an error saying it.
net::result<announce_reply> parse_reply(std::string_view body);

}  // namespace bt::tracker
