// test_seed_dials.cpp - a seed dials the peers the tracker lists, as a
// downloader does: a downloader that announced before the seed was started
// gets the file long before its next announce. A peer that dialed us is
// not dialed again when the tracker lists it with its peer id.
#include <doctest/doctest.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bittorrent/http.hpp"
#include "neighbours.hpp"
#include "bittorrent/tracker_protocol.hpp"

using namespace peer_test;

namespace {

// A tracker for the test: it answers every announce with the other peers
// it has heard of (in the form asked for: compact, or with peer ids), and an
// interval of 10 s (the lab tracker's default) unless told otherwise, and
// tells the test when each announce was answered.
class test_tracker {
public:
    // compact_only: compact=0 gets "400 Invalid Request", as opentracker answers it.
    explicit test_tracker(int interval_seconds = 10, bool compact_only = false)
        : interval(interval_seconds), compact_only_(compact_only), welcomingSocket_(net::server_socket(net::tcp, "127.0.0.1", 0).value()) {
        REQUIRE(welcomingSocket_.listen(16).ok());
        port_ = welcomingSocket_.local_address().value().port();
        thread_ = std::thread([this] { serve(); });
    }
    ~test_tracker() {
        static_cast<void>(welcomingSocket_.shutdown(net::socket::direction::read));  // wakes accept()
        thread_.join();
    }
    test_tracker(const test_tracker&) = delete;
    test_tracker& operator=(const test_tracker&) = delete;

    const int interval;  // seconds

    std::string announce_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/announce"; }

    std::size_t answers() {
        std::lock_guard<std::mutex> lock(mutex_);
        return answered_.size();
    }

    // When the n-th announce was answered; nothing after the patience.
    std::optional<net::clock::time_point> answered(std::size_t n) {
        std::unique_lock<std::mutex> lock(mutex_);
        if (!changed_.wait_until(lock, soon(), [&] { return answered_.size() >= n; })) return std::nullopt;
        return answered_[n - 1];
    }

private:
    void serve() {
        while (true) {
            net::result<std::pair<net::socket, net::address>> accepted = welcomingSocket_.accept();
            if (!accepted) return;  // shut down: the test is over
            net::socket& announcing = accepted.value().first;
            std::string head;
            char buffer[4096];
            while (bt::http::head_end(head) == std::string::npos) {
                net::result<std::size_t> got = announcing.recv(buffer, sizeof buffer, soon());
                if (!got || got.value() == 0) break;
                head.append(buffer, got.value());
            }
            // "GET /announce?QUERY HTTP/1.0"
            const std::size_t query = head.find('?'), end = head.find(' ', query);
            if (query == std::string::npos || end == std::string::npos) continue;
            const net::result<bt::tracker::announce_request> request =
                bt::tracker::parse_announce_query(std::string_view(head).substr(query + 1, end - query - 1));
            if (!request) continue;
            if (compact_only_ && !request->compact) {
                static_cast<void>(announcing.send_all("HTTP/1.0 400 Invalid Request\r\n\r\n"));
                continue;
            }
            bt::tracker::announce_reply reply;
            reply.interval = interval;
            std::lock_guard<std::mutex> lock(mutex_);
            bool known = false;
            for (const bt::tracker::peer& p : peers_) {
                known = known || p.id == request->peer_id;
                if (p.id != request->peer_id) reply.peers.push_back(p);
            }
            if (!known) peers_.push_back({"127.0.0.1", request->port, request->peer_id});
            answered_.push_back(net::clock::now());
            static_cast<void>(announcing.send_all("HTTP/1.0 200 OK\r\n\r\n" + bt::tracker::encode_reply(reply, request->compact)));
            changed_.notify_all();
        }
    }

    const bool compact_only_;
    net::socket welcomingSocket_;
    std::uint16_t port_ = 0;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<bt::tracker::peer> peers_;
    std::vector<net::clock::time_point> answered_;
    std::thread thread_;
};

}  // namespace

TEST_CASE("peer: a seed dials the downloaders the tracker lists, so one that announced first need not wait") {
    test_tracker tracker;
    workspace w(32768, 4 * 32768 + 1000, tracker.announce_url());
    proc::server downloader = start_peer(w, "down.bin", {"--leave-when-done"});
    // The downloader announces to a tracker that knows no seed yet.
    const std::optional<net::clock::time_point> announced = tracker.answered(1);
    REQUIRE(announced);
    std::error_code ignored;
    std::filesystem::copy_file(w.path("file.bin"), w.path("seed.bin"), ignored);
    proc::server seed = start_peer(w, "seed.bin", {"--seed"});
    downloader.process.read_until("complete t=");
    const double waited = std::chrono::duration<double>(net::clock::now() - *announced).count();
    INFO("the downloader completed " << waited << " s after its first announce; the tracker's interval is "
                                     << tracker.interval << " s\n"
                                     << downloader.process.error_text());
    CHECK(waited < tracker.interval);
    CHECK(lines_with(downloader.process, ": connected (it dialed") == 1);
    CHECK(downloader.process.wait().code == 0);
    CHECK(w.read("down.bin") == w.data);
}

TEST_CASE("peer: a neighbour that dialed us is not dialed again when the tracker lists it with its peer id") {
    test_tracker tracker(1);  // an announce every second
    workspace w(32768, 4 * 32768 + 1000, tracker.announce_url());
    std::error_code ignored;
    std::filesystem::copy_file(w.path("file.bin"), w.path("seed.bin"), ignored);
    proc::server seed = start_peer(w, "seed.bin", {"--seed"});
    REQUIRE(tracker.answered(1));
    // The downloader comes second: it dials the seed, which hears of it at
    // its next announces, by its address and peer id.
    proc::server downloader = start_peer(w, "down.bin", {});
    downloader.process.read_until("complete t=");
    const std::size_t after = tracker.answers();
    REQUIRE(tracker.answered(after + 4));  // two more announces each, at least
    INFO(seed.process.error_text());
    CHECK(lines_with(seed.process, ": connected (it dialed") == 1);
    CHECK(lines_with(seed.process, ": connected (we dialed") == 0);
    CHECK(lines_with(seed.process, "already connected to that peer") == 0);
    CHECK(w.read("down.bin") == w.data);
}

TEST_CASE("peer: a tracker that refuses the list with peer ids (compact=0) is asked for the compact list") {
    test_tracker tracker(1, true);
    workspace w(32768, 4 * 32768 + 1000, tracker.announce_url());
    std::error_code ignored;
    std::filesystem::copy_file(w.path("file.bin"), w.path("seed.bin"), ignored);
    proc::server seed = start_peer(w, "seed.bin", {"--seed"});
    REQUIRE(tracker.answered(1));
    proc::server downloader = start_peer(w, "down.bin", {"--leave-when-done"});
    downloader.process.read_until("complete t=");
    INFO(downloader.process.error_text());
    CHECK(downloader.process.wait().code == 0);
    CHECK(w.read("down.bin") == w.data);
    CHECK(lines_with(downloader.process, "HTTP status 400 Invalid Request: the tracker answers compact=1") == 1);
}
