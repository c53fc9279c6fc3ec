// swarm.hpp - what one peer knows about its neighbours.
//
// Every neighbour's socket is watched by one thread, the event loop
// (swarm_loop.cpp), the way lab 03's poll() server watches its clients:
// it receives what a neighbour sent, cuts it into messages and hands each
// to handle(); it sends what fill() queued for it (control messages,
// requests, the blocks it asked for); and it runs the timers (the choking
// round every 10 s, keep-alives, silent neighbours). The swarm decides
// everything in between: the BEP 3 rules (choke, interest, have), the
// blocks to request (the student's pick_piece, through piece_table), the
// checking of whole pieces, and the choking round (the student's
// choose_unchoked). New neighbours (the dial, the handshake) are the loop's
// too (connection.cpp); the tracker and the progress lines run in threads
// of their own, so the swarm's state is under one mutex.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/net.hpp"
#include "common/poller.hpp"
#include "bittorrent/metainfo.hpp"
#include "pieces.hpp"
#include "baseline.hpp"
#include "policy.hpp"
#include "rate_meter.hpp"
#include "storage.hpp"
#include "token_bucket.hpp"
#include "bittorrent/wire.hpp"

namespace bt {

class arrivals;

using clock = std::chrono::steady_clock;

// The tracker gives at most 50 peers: a peer dials no more neighbours than
// that, and takes calls up to a few more. Once full, it makes room for a
// newcomer by closing a neighbour that traded nothing (swarm::make_room).
inline constexpr std::size_t max_dialed = 50, max_connections = 55;
// How long a HAVE may wait for other messages to the same neighbour.
inline constexpr auto have_delay = std::chrono::milliseconds(200);

struct peer_settings {
    std::string peer_id;             // 20 bytes
    double upload_rate = unlimited;  // bytes per second; 0: a free rider, it never sends a piece
    double download_rate = unlimited;
    double time_scale = 1;           // multiplies the choker's 10 s and 30 s
    piece_picker picker = pick_piece;    // the student's, or one of baseline.hpp
    choker chooser = choose_unchoked;    // likewise
};

// One neighbour. The fields from `peer_id` to `last_block` are guarded by
// the swarm's mutex; those after, by being the event loop's alone.
struct connection {
    connection(net::socket s, std::string address, bool dialed, clock::duration window)
        : socket(std::move(s)),
          where(std::move(address)),
          outgoing(dialed),
          from_them(window),
          to_them(window),
          recently(std::chrono::seconds(2)) {}

    int id = 0;
    net::socket socket;       // the event loop's alone
    const std::string where;  // "127.0.0.1:50512": how the log names it
    const bool outgoing;      // we dialed it (else it dialed us)
    std::string peer_id;

    bitfield theirs;
    bool am_choking = true, am_interested = false;      // our side: BEP 3 starts choked, not interested
    bool peer_choking = true, peer_interested = false;  // its side
    std::vector<wire::block> asked;  // requests we sent it, not answered yet
    std::uint64_t requests_sent = 0, blocks_received = 0;  // all its life: blocks may never outnumber requests
    std::deque<wire::block> wanted;  // requests it sent us, not served yet
    std::vector<wire::block> serving;  // taken from `wanted`, their upload tokens reserved until `may_send`
    clock::time_point may_send{};
    std::string outbox;              // messages queued for the event loop to send
    std::string haves;               // HAVEs not yet in the outbox, and since when
    clock::time_point haves_since{};
    bool refill = true;              // something changed: try to request more
    std::atomic<bool> closing{false};  // the event loop looks without the mutex
    std::string drop_reason;         // why it is closing, when the swarm closed it
    rate_meter from_them, to_them;   // piece bytes, over the choker's window
    rate_meter recently;             // piece bytes from it over 2 s: how many requests to keep asked
    clock::time_point last_block = clock::now();
    const clock::time_point since = clock::now();  // when it connected

    // The event loop's own.
    std::string inbox;               // received, not yet a whole message
    std::string sending;             // taken from outbox, not all sent yet
    std::size_t sent = 0;            // of `sending`
    clock::time_point read_after{};  // the download limit: receive nothing before
    clock::time_point last_heard = clock::now(), last_sent = clock::now(), partial_since{};
    unsigned watching = 0;           // the poller's interest now
    bool touched = false;            // its socket had news in this wait
    clock::time_point due{};         // its next timer (a block's tokens, the download limit)
};

class swarm {
public:
    swarm(const metainfo& torrent, storage& disk, bitfield have, peer_settings settings);

    // After the handshake: "" if the connection is taken on, else why not
    // (ourselves, already connected to that peer, too many connections).
    std::string join(const std::shared_ptr<connection>& c);
    // A message from the neighbour: "" if all is well, else why its
    // connection must be dropped.
    std::string handle(connection& c, wire::message& m);

    // Queues what the neighbour should get now: our requests (as many as
    // its rate calls for), and the blocks it asked for that the upload
    // limit lets go (up to `room` bytes queued in all).
    void fill(connection& c, std::size_t room);
    // The connection ends (the first reason is the one logged).
    void leave(connection& c, const std::string& why);

    // The event loop: every neighbour, the welcoming socket and the timers,
    // until stop(). Runs in a thread of its own.
    void run(net::socket& welcomingSocket);

    // Dialing: whether to connect to this address now (not connected, not
    // being connected, not a peer we already know by another connection:
    // one we dialed there before, or whose peer id the tracker gave).
    bool should_dial(const std::string& address, const std::string& listed_id = "");
    // Any thread: the event loop dials it (after should_dial said yes).
    void queue_dial(const std::string& address, std::vector<net::address> addresses);
    void dial_ended(const std::string& address);

    struct status {
        double seconds = 0;
        std::size_t pieces = 0, piece_count = 0;
        std::int64_t left = 0;  // bytes still missing
        std::uint64_t downloaded = 0, uploaded = 0;
        double download_rate = 0, upload_rate = 0;
        std::size_t peers = 0, unchoked = 0;
        bool complete = false;
        bool one_copy_out = false;  // every piece has reached a neighbour (its have came back)
    };
    status snapshot();
    // Waits until something worth a look happens (a piece completes, the
    // swarm stops), or `until`.
    void wait_for_news(clock::time_point until);

    void stop();  // ends every connection and wakes every waiting thread, the event loop too
    bool stopping() const { return stopping_; }
    token_bucket& upload_limit() { return upload_; }
    token_bucket& download_limit() { return download_; }
    storage& disk() { return disk_; }
    const metainfo& torrent() const { return torrent_; }
    const peer_settings& settings() const { return settings_; }
    // The rates the choker ranks by are over the last 60 s (scaled): over
    // one 10 s round, a neighbour that had nothing we wanted for a moment
    // would look no better than a free rider, and one optimistic unchoke of
    // 30 s is not yet enough to outrank the partners of a whole minute.
    clock::duration rate_window() const { return choke_period_ * 6; }

    // Threads of the peer (the event loop), kept to be joined. False when
    // no thread could be started: the system has none to give (a process
    // limit), or the peer is leaving.
    bool spawn(std::function<void()> body);
    void join_all();

private:
    void close(connection& c, const std::string& why);  // with the mutex held
    std::string handle_request(connection& c, const wire::block& b);
    std::string handle_piece(connection& c, wire::message& m, std::unique_lock<std::mutex>& lock);
    // The event loop's parts (swarm_loop.cpp).
    void wake_loop();
    bool accept_neighbour(net::socket& welcomingSocket, arrivals& newcomers);  // false: the welcoming socket is of no more use
    void start_queued_dials(arrivals& newcomers);
    void receive(connection& c, std::vector<char>& buffer);
    void take_messages(connection& c);
    void send_queued(connection& c);
    clock::time_point turn(net::poller& waiting, std::map<int, std::shared_ptr<connection>>& watched);
    void serve_block(connection& c, const wire::block& b);
    void update_interest(connection& c);
    clock::time_point haves_due(const connection& c) const;  // when its waiting HAVEs must go
    bool make_room();  // closes one idle neighbour for a newcomer, if one is idle
    std::size_t requests_wanted(connection& c);
    void piece_is_out(std::uint32_t index);
    void finish_piece(piece_table::whole_piece& piece, bool good);
    void ban(int id, const std::string& why);  // drop it, and never take it back
    void refill_all();
    void choke_round();
    std::vector<bitfield> neighbour_bitfields() const;
    double lecture_seconds() const;

    const metainfo& torrent_;
    storage& disk_;
    const peer_settings settings_;
    const clock::time_point start_ = clock::now();
    const clock::duration choke_period_;
    std::atomic<bool> stopping_{false};

    std::mutex mutex_;  // guards everything below and the connections' shared fields
    piece_table table_;
    std::map<int, std::shared_ptr<connection>> connections_;
    int next_id_ = 1;
    std::set<std::string> dialing_;
    std::vector<std::pair<std::string, std::vector<net::address>>> to_dial_;  // for the event loop
    std::map<std::string, std::string> dialed_ids_;  // address -> peer id it answered with
    // The peer ids of those that sent blocks of a piece that failed its
    // SHA-1, by connection: a liar found out once it has left is still
    // known. And the peer ids of the liars, never taken back.
    std::map<int, std::string> suspected_;
    std::set<std::string> banned_;
    choker_memory choker_memory_;
    std::mt19937 random_;
    bool early_round_ = false;
    // Something changed for other neighbours than the one whose message it
    // was (a piece done, a choke, a neighbour gone): the loop's next turn
    // looks at every neighbour, not only those with news or a timer due.
    std::atomic<bool> everyone_{true};
    clock::time_point next_look_at_all_{};  // the event loop's own
    clock::time_point next_round_ = clock::now();
    std::condition_variable news_;
    net::socket wake_;  // a datagram to it wakes the event loop (a neighbour joined, stop())
    std::optional<net::address> wake_address_;  // where it is
    rate_meter downloaded_, uploaded_;  // every connection's piece bytes, for the progress line
    // For --leave-after-one-copy: the pieces that a neighbour has said it
    // holds (have, bitfield). Counting the blocks we sent is not enough: a
    // block can be on its way when its receiver gives up the piece (it was
    // choked, or the piece came from elsewhere), and a seed that trusted its
    // own count left swarms with a piece that nobody had.
    std::vector<bool> piece_out_;
    std::size_t pieces_out_ = 0;

    token_bucket upload_, download_;
    // The most bytes of blocks reserved and sent to one neighbour at a time:
    // a thirty-second of a second of our upload (2 blocks at 1 MiB/s), at
    // least one block, at most 2. (4 at a time cost the swarm of 32 time:
    // 1.26x D_p2p against 1.17x.)
    const std::size_t upload_batch_;

    std::mutex workers_mutex_;
    std::list<std::thread> workers_;
    bool no_more_workers_ = false;  // join_all has begun
};

// A peer id as text for a log line: printable bytes as they are, others as '.'.
std::string printable_id(const std::string& id);

}  // namespace bt
