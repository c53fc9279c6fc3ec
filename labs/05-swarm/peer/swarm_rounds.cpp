// swarm_rounds.cpp - the choking rounds (the student's choker, every 10 s),
// the progress figures, dialing, stopping, and the peer's threads.
#include <algorithm>
#include <system_error>

#include "common/cli.hpp"
#include "swarm.hpp"

namespace bt {

namespace {
// Requests unanswered this long while the neighbour sends nothing: it is
// not going to answer them ("snubbed" us); others may.
constexpr auto snub_after = std::chrono::seconds(60);
}  // namespace

double swarm::lecture_seconds() const {
    return std::chrono::duration<double>(clock::now() - start_).count() / settings_.time_scale;
}

std::vector<bitfield> swarm::neighbour_bitfields() const {
    std::vector<bitfield> all;
    for (const auto& [id, c] : connections_) all.push_back(c->theirs);
    return all;
}

void swarm::choke_round() {
    std::vector<int> unchoke;
    // A free rider uploads nothing, so it unchokes nobody: an unchoked
    // neighbour would wait for ever for the blocks it asked for.
    if (settings_.upload_rate > 0) {
        std::vector<neighbour> neighbours;
        const clock::time_point now = clock::now();
        for (auto& [id, c] : connections_)
            neighbours.push_back({id, c->peer_interested, c->from_them.rate(now), c->to_them.rate(now)});
        unchoke = settings_.chooser(neighbours, table_.complete(), lecture_seconds(), choker_memory_, random_);
    }
    for (auto& [id, c] : connections_) {
        const bool choke = std::find(unchoke.begin(), unchoke.end(), id) == unchoke.end();
        if (choke != c->am_choking) {
            c->am_choking = choke;
            c->outbox += wire::simple(choke ? wire::message_id::choke : wire::message_id::unchoke);
            if (choke) {  // BEP 3: a choke discards the requests it sent us
                c->wanted.clear();
                c->serving.clear();
            }
            cli::log(c->where, choke ? ": choked" : ": unchoked");
        }
        if (!c->asked.empty() && clock::now() - c->last_block > snub_after) {
            cli::log(c->where, ": sent nothing for ", snub_after.count(), " s: its requests go to others");
            table_.release(c->id);
            c->asked.clear();
            c->last_block = clock::now();
            refill_all();
        }
    }
}

swarm::status swarm::snapshot() {
    std::lock_guard<std::mutex> lock(mutex_);
    const clock::time_point now = clock::now();
    status s;
    s.seconds = std::chrono::duration<double>(now - start_).count();
    s.pieces = table_.have_count();
    s.piece_count = torrent_.piece_count();
    s.left = torrent_.length;
    for (std::size_t i = 0; i < s.piece_count; ++i)
        if (table_.have()[i]) s.left -= torrent_.piece_size(i);
    s.downloaded = downloaded_.total();
    s.uploaded = uploaded_.total();
    s.download_rate = downloaded_.rate(now);
    s.upload_rate = uploaded_.rate(now);
    s.peers = connections_.size();
    for (auto& [id, c] : connections_) s.unchoked += c->am_choking ? 0 : 1;
    s.complete = table_.complete();
    s.one_copy_out = pieces_out_ == torrent_.piece_count();
    return s;
}

void swarm::wait_for_news(clock::time_point until) {
    std::unique_lock<std::mutex> lock(mutex_);
    news_.wait_until(lock, until);
}

bool swarm::should_dial(const std::string& address, const std::string& listed_id) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ || dialing_.count(address) || connections_.size() >= max_dialed) return false;
    auto known = dialed_ids_.find(address);
    if (known != dialed_ids_.end() && banned_.count(known->second)) return false;
    for (auto& [id, c] : connections_)
        if (c->where == address || (known != dialed_ids_.end() && c->peer_id == known->second) ||
            (!listed_id.empty() && c->peer_id == listed_id))
            return false;
    dialing_.insert(address);
    return true;
}

void swarm::queue_dial(const std::string& address, std::vector<net::address> addresses) {
    std::lock_guard<std::mutex> lock(mutex_);
    to_dial_.emplace_back(address, std::move(addresses));
    wake_loop();
}

void swarm::dial_ended(const std::string& address) {
    std::lock_guard<std::mutex> lock(mutex_);
    dialing_.erase(address);
}

void swarm::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
        for (auto& [id, c] : connections_) close(*c, "we are leaving");
        news_.notify_all();
        wake_loop();
    }
    upload_.stop();
    download_.stop();
}

bool swarm::spawn(std::function<void()> body) {
    std::lock_guard<std::mutex> lock(workers_mutex_);
    if (no_more_workers_) return false;  // the peer is leaving: nothing new starts
    try {
        workers_.emplace_back(std::move(body));
    } catch (const std::system_error&) {  // the system has no thread to give (a process limit)
        return false;
    }
    return true;
}

void swarm::join_all() {
    std::list<std::thread> all;
    {
        std::lock_guard<std::mutex> lock(workers_mutex_);
        no_more_workers_ = true;
        all.swap(workers_);
    }
    for (std::thread& t : all) t.join();
}

}  // namespace bt
