// tracker_client.hpp - the peer's side of the tracker: "tracker: tracks
// peers participating in torrent". An HTTP GET of /announce, over a plain
// net::socket, and the bencoded list of peers that comes back
// (tracker_protocol.hpp builds the query and reads the reply).
//
// The announcer thread announces `started`, then again every interval the
// tracker asks for, `completed` when the file is whole, and `stopped` when
// the peer leaves; after each reply it dials the peers it does not know yet.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "common/result.hpp"
#include "swarm.hpp"
#include "bittorrent/tracker_protocol.hpp"

namespace bt {

struct tracker_url {
    std::string host;
    std::uint16_t port = 80;
    std::string path;  // "/announce"
};
// "http://127.0.0.1:6969/announce", "http://[::1]:6969/announce", "http://tracker/announce".
net::result<tracker_url> parse_tracker_url(const std::string& url);

// One announce. `extra` is added to the query: our rate limits, which the
// lab's tracker shows (other trackers ignore what they do not know). On
// failure, `answered` says whether the tracker itself answered (an HTTP
// status other than 200, a failure reason, a reply that does not parse)
// rather than not being reached.
net::result<tracker::announce_reply> announce(const tracker_url& url, const tracker::announce_request& request,
                                         const std::string& extra, bool* answered = nullptr);

class announcer {
public:
    announcer(swarm& peers, tracker_url url, std::uint16_t listen_port, bool seed);
    bool start();          // false when no thread can be started for it
    void file_complete();  // announce `completed` now
    // The last announces, before the peer leaves: `completed` if the file
    // became whole since the last announce, then `stopped`.
    void finish();

private:
    void run();
    tracker::announce_request request(tracker::announce_event event);
    bool send(tracker::announce_event event);  // and dial the peers of the reply

    swarm& peers_;
    const tracker_url url_;
    const std::uint16_t port_;
    const bool started_complete_;
    bool completed_sent_ = false;
    std::int64_t interval_ = 1800;  // seconds, as the tracker's last reply said
    // We ask for the list with peer ids until the tracker refuses it (some
    // send only the compact list, and refuse compact=0: opentracker).
    bool compact_ = false;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool finishing_ = false;
    bool complete_ = false;
    std::thread thread_;
};

}  // namespace bt
