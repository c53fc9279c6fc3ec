// tracker_peers.hpp - the tracker's memory: who takes part in which torrent.
//
// The lecture: "When a peer joins a torrent, it registers itself with the
// tracker and periodically informs the tracker that it is still in the
// torrent. When a new peer, Alice, joins the torrent, the tracker randomly
// selects a subset of peers (for concreteness, say 50) from the set of
// participating peers, and sends the IP addresses of these 50 peers to Alice."
//
// This file is that list, as plain data and functions of the announces and
// of the clock: no sockets, no threads, so that every rule can be tested by
// itself (the tracker program holds one `registry` under a mutex).
//
//   - A peer is known by its peer_id within a torrent; its address is the one
//     the tracker saw the announce come from. An ip= in the announce is
//     ignored, as most public trackers ignore it: with it anyone could send
//     a whole swarm to a machine that is no peer, or take a classmate's peer
//     off the list by announcing its address and port under a new peer_id.
//     The connection's address is real (TCP's handshake reached it back);
//     ip= may be any bytes at all.
//   - It stays on the list while it announces; event=stopped, or silence for
//     two intervals, takes it off (it stays on the status page as "gone").
//   - The reply names at most 50 other live peers of the torrent, picked at
//     random, never the peer itself.
//   - A torrent whose peers have all gone starts afresh with the next peer:
//     that is a new swarm, with its own clock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "bittorrent/tracker_protocol.hpp"

namespace bt::tracker {

// The lecture's "say 50": the most peers one reply names.
inline constexpr std::size_t list_size = 50;

// Our peers add their rate limits to every announce (upload_rate=,
// download_rate=, bytes per second), so that the status page can put the
// lecture's bounds beside the swarm. Other clients (aria2c) do not: unknown.
// A peer that sends one of the two and not the other has no limit there.
struct rate_limits {
    std::optional<std::int64_t> upload;    // ui (us for the seed); 0: a free rider
    std::optional<std::int64_t> download;  // di; 0: no limit
    bool announced() const { return upload || download; }
};
// The two parameters from an announce's query string; either may be absent.
// A value that is not a whole number is an error (the announce is refused).
net::result<rate_limits> parse_rate_limits(std::string_view query);

// One announce as the tracker received it.
struct arrival {
    announce_request request;
    std::string address;  // the IP the connection came from, as text: where the other peers reach it
    rate_limits limits;
};

// What the tracker knows of one peer of a swarm.
struct swarm_peer {
    std::string id;  // its peer_id, 20 bytes
    std::string ip;  // where the other peers reach it
    std::uint16_t port = 0;
    std::int64_t uploaded = 0, downloaded = 0, left = 0;  // as last announced
    rate_limits limits;
    std::optional<double> up_rate, down_rate;  // bytes/s between two announces, once there are two
    bool started_as_seed = false;              // its first announce had left = 0: it serves the file
    double first_seen = 0, last_seen = 0;      // tracker clock, seconds
    std::optional<double> completed;           // seconds after the swarm's start when left reached 0
    std::optional<double> gone;                // tracker clock when it left the list

    // Where the current rates are measured from (the announce before).
    double since = 0;
    std::int64_t uploaded_since = 0, downloaded_since = 0;
};

// One torrent's swarm.
struct swarm {
    std::int64_t size = 0;          // the largest `left` any peer announced (a newcomer's whole file); 0: unknown
    std::optional<double> started;  // tracker clock at the first announce of a peer that lacked something
    std::vector<swarm_peer> peers;  // in order of arrival; peers that have gone stay, marked

    std::size_t live() const;
    // Seconds since the start: until now, or until the last completion once
    // every peer that came to download has completed. Nothing before the start.
    std::optional<double> elapsed(double now) const;
    // Every peer that came to download has the file (and there was one).
    bool complete() const;
};

// The lecture's lower bounds for this swarm, from the announced limits:
//   D_cs  = max{ N F / us, F / dmin }
//   D_p2p = max{ F / us, F / dmin, N F / (us + u1 + ... + uN) }
// us is the upload of the peers that started as seeds (the lecture's server),
// N the peers that came to download, gone ones included. A rate a peer has
// no limit for is infinite (and may make a term 0); a peer that announced
// no rate at all (aria2c, say) makes the bounds unknown.
struct bounds {
    std::string unknown;  // why they cannot be computed, or "" when they can
    int n = 0;
    double file_size = 0, server_upload = 0;
    double client_server = 0, p2p = 0;  // seconds
    const char* client_server_limit = "";
    const char* p2p_limit = "";  // "server-upload", "slowest-download", "total-upload"
};
bounds bounds_of(const swarm& s);

// At most `most` live peers of `s`, other than peer `self`, in random order.
std::vector<peer> random_peers(const swarm& s, std::size_t self, std::size_t most, std::mt19937& random);

class registry {
public:
    // interval: seconds between a peer's regular announces; silence for two
    // intervals takes a peer off the list. The limits keep a client that
    // invents info hashes or peer ids from filling the memory.
    explicit registry(int interval, std::size_t max_torrents = 1000, std::size_t max_peers = 2000);

    // One announce: updates the list, and answers with the interval and the
    // peers to try; or an error, for the reply's "failure reason".
    net::result<announce_reply> announce(const arrival& a, double now, std::mt19937& random);
    // Takes off the list every peer silent for more than two intervals.
    void expire(double now);

    int interval() const { return interval_; }
    // Every torrent's swarm, by info hash (20 bytes).
    const std::map<std::string, swarm>& swarms() const { return swarms_; }

private:
    swarm* find_or_add(const std::string& info_hash);
    swarm_peer* find_or_add(swarm& s, const arrival& a, double now);

    int interval_;
    std::size_t max_torrents_, max_peers_;
    std::map<std::string, swarm> swarms_;
};

}  // namespace bt::tracker
