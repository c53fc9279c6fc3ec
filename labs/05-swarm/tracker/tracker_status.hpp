// tracker_status.hpp - the tracker's status page: what the projector shows
// during a class swarm, and what scripts read.
//
// For every torrent: its size, the swarm's elapsed time since its first
// downloader arrived, and beside it the lecture's bounds D_p2p and D_cs for
// the rates the peers announced; then every peer: address, peer id,
// progress, bytes and current rates, rate limits, seed or not, last seen.
//
//   GET /            the page in HTML, reloading itself every 2 s
//   GET /status.txt  the same in lines of key=value words:
//
//   tracker interval=10 torrents=1 peers=3
//   torrent info_hash=5d50...c41c size=8388608 peers=3 live=3 seeds=1 downloaders=2 completed=1
//           elapsed=2.310 complete=no n=2 us=10485760 d_p2p=0.8 p2p_limit=server-upload d_cs=1.6 cs_limit=server-upload
//   peer info_hash=5d50...c41c address=127.0.0.1:40125 id=-BT0001-k7Gq2x0aPz9e progress=100.0 left=0
//        uploaded=0 downloaded=8388608 up_rate=0 down_rate=4194304 upload_limit=1048576
//        download_limit=20971520 seed=no completed=1.950 state=live last_seen=0.4
//
// (each line is one line; an unknown value is "-"). Times are in seconds:
// elapsed and completed count from the swarm's start, last_seen back from now.
#pragma once

#include <string>

#include "tracker_peers.hpp"

namespace bt::tracker {

std::string status_text(const registry& r, double now);

// announce_host: the Host header of the request for the page (the address
// students type into their own announce URL), or "" when there was none.
std::string status_html(const registry& r, double now, const std::string& announce_host);

// A peer id for people: printable ASCII as it is, every other byte (and '%') as %XX.
std::string printable_id(std::string_view id);

}  // namespace bt::tracker
