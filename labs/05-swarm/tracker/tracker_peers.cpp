// tracker_peers.cpp - the tracker's list of peers: announces in, peers out.
#include "tracker_peers.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <limits>
#include <tuple>

namespace bt::tracker {

// ---------------------------------------------------------------- our peers' rate limits

net::result<rate_limits> parse_rate_limits(std::string_view query) {
    rate_limits limits;
    while (!query.empty()) {
        std::string_view pair = query.substr(0, query.find('&'));
        query.remove_prefix(std::min(query.size(), pair.size() + 1));
        std::size_t equals = pair.find('=');
        std::string_view key = pair.substr(0, equals);
        if (key != "upload_rate" && key != "download_rate") continue;  // not ours to check
        std::string_view value = equals == pair.npos ? "" : pair.substr(equals + 1);
        auto text = url_decode(value);
        std::int64_t rate = -1;
        if (text) {
            auto [end, problem] = std::from_chars(text->data(), text->data() + text->size(), rate);
            if (problem != std::errc() || end != text->data() + text->size()) rate = -1;
        }
        if (rate < 0) {
            return net::fail("announce: " + std::string(key) + " '" + std::string(value) +
                        "' is not a whole number of bytes per second");
        }
        (key == "upload_rate" ? limits.upload : limits.download) = rate;
    }
    return limits;
}

// ---------------------------------------------------------------- a swarm

namespace {

bool came_to_download(const swarm_peer& p) { return !p.started_as_seed; }

}  // namespace

std::size_t swarm::live() const {
    return static_cast<std::size_t>(std::count_if(peers.begin(), peers.end(), [](auto& p) { return !p.gone; }));
}

bool swarm::complete() const {
    bool any = false;
    for (const swarm_peer& p : peers) {
        if (!came_to_download(p)) continue;
        if (!p.completed && !p.gone) return false;  // still downloading
        any = any || p.completed.has_value();
    }
    return any;
}

std::optional<double> swarm::elapsed(double now) const {
    if (!started) return std::nullopt;
    if (!complete()) return now - *started;
    double last = 0;
    for (const swarm_peer& p : peers) last = std::max(last, p.completed.value_or(0));
    return last;
}

bounds bounds_of(const swarm& s) {
    bounds b;
    const double no_limit = std::numeric_limits<double>::infinity();
    double total_upload = 0, dmin = no_limit;
    int seeds = 0, silent = 0;
    for (const swarm_peer& p : s.peers) {
        if (!p.limits.announced()) {
            ++silent;
            continue;
        }
        const double upload = p.limits.upload ? static_cast<double>(*p.limits.upload) : no_limit;
        if (p.started_as_seed) {
            ++seeds;
            b.server_upload += upload;
        } else {
            ++b.n;
            total_upload += upload;
            if (p.limits.download.value_or(0) > 0) dmin = std::min(dmin, static_cast<double>(*p.limits.download));
        }
    }
    b.file_size = static_cast<double>(s.size);
    if (silent > 0) {
        b.unknown = std::to_string(silent) + " peer(s) did not announce upload_rate or download_rate";
    } else if (seeds == 0) {
        b.unknown = "no seed yet (a peer that starts with the whole file)";
    } else if (b.server_upload <= 0) {
        b.unknown = "the seed uploads nothing: the file can never be distributed";
    } else if (b.n == 0 || s.size == 0) {
        b.unknown = "no peer has come to download yet";
    }
    if (!b.unknown.empty()) return b;

    // Each term with its name; the first largest one is the limit (the order of the lecture's formula).
    const double N = b.n, F = b.file_size, us = b.server_upload;
    const double slowest = F / dmin;  // F / infinity = 0: nobody's download limits anything
    auto largest = [](std::initializer_list<std::pair<double, const char*>> terms) {
        auto best = *terms.begin();
        for (auto term : terms)
            if (term.first > best.first) best = term;
        return best;
    };
    auto cs = largest({{N * F / us, "server-upload"}, {slowest, "slowest-download"}});
    auto p2p = largest({{F / us, "server-upload"}, {slowest, "slowest-download"},
                        {N * F / (us + total_upload), "total-upload"}});
    std::tie(b.client_server, b.client_server_limit) = cs;
    std::tie(b.p2p, b.p2p_limit) = p2p;
    return b;
}

std::vector<peer> random_peers(const swarm& s, std::size_t self, std::size_t most, std::mt19937& random) {
    std::vector<const swarm_peer*> others;
    for (std::size_t i = 0; i < s.peers.size(); ++i) {
        const swarm_peer& p = s.peers[i];
        bool is_self = i == self || (self < s.peers.size() && p.ip == s.peers[self].ip && p.port == s.peers[self].port);
        if (!p.gone && !is_self) others.push_back(&p);
    }
    // The lecture's "randomly selects a subset": every peer equally likely,
    // and in random order, since a client tries them in the order given.
    std::vector<const swarm_peer*> chosen;
    std::sample(others.begin(), others.end(), std::back_inserter(chosen), most, random);
    std::shuffle(chosen.begin(), chosen.end(), random);
    std::vector<peer> list;
    for (const swarm_peer* p : chosen) list.push_back({p->ip, p->port, p->id});
    return list;
}

// ---------------------------------------------------------------- the registry

registry::registry(int interval, std::size_t max_torrents, std::size_t max_peers)
    : interval_(interval), max_torrents_(max_torrents), max_peers_(max_peers) {}

void registry::expire(double now) {
    for (auto& [info_hash, s] : swarms_)
        for (swarm_peer& p : s.peers)
            if (!p.gone && now - p.last_seen > 2.0 * interval_) p.gone = now;
}

swarm* registry::find_or_add(const std::string& info_hash) {
    if (auto found = swarms_.find(info_hash); found != swarms_.end()) return &found->second;
    if (swarms_.size() >= max_torrents_) {
        // Make room by forgetting a torrent nobody takes part in any more.
        auto idle = std::find_if(swarms_.begin(), swarms_.end(), [](auto& entry) { return entry.second.live() == 0; });
        if (idle == swarms_.end()) return nullptr;
        swarms_.erase(idle);
    }
    return &swarms_[info_hash];
}

swarm_peer* registry::find_or_add(swarm& s, const arrival& a, double now) {
    const announce_request& r = a.request;
    auto found = std::find_if(s.peers.begin(), s.peers.end(), [&](auto& p) { return p.id == r.peer_id; });
    bool arrives = found == s.peers.end() || found->gone.has_value();
    if (found == s.peers.end()) {
        if (s.peers.size() >= max_peers_) {
            auto gone = std::find_if(s.peers.begin(), s.peers.end(), [](auto& p) { return p.gone.has_value(); });
            if (gone == s.peers.end()) return nullptr;
            s.peers.erase(gone);
        }
        swarm_peer fresh;
        fresh.id = r.peer_id;
        fresh.started_as_seed = r.left == 0;
        fresh.first_seen = now;
        found = s.peers.insert(s.peers.end(), fresh);
    }
    if (arrives) {  // new, or back: its rates count from now
        found->gone.reset();
        found->since = now;
        found->uploaded_since = r.uploaded;
        found->downloaded_since = r.downloaded;
    }
    return &*found;
}

namespace {

// The announce's figures, and the rates since the announce before (over at
// least a second, so that an event announce right after a regular one does
// not make a rate out of a few milliseconds).
void update(swarm_peer& p, const arrival& a, double now) {
    const announce_request& r = a.request;
    p.ip = a.address;  // never the request's ip= (tracker_peers.hpp)
    p.port = r.port;
    if (r.uploaded < p.uploaded_since || r.downloaded < p.downloaded_since) {  // it restarted its counts
        p.since = now;
        p.uploaded_since = r.uploaded;
        p.downloaded_since = r.downloaded;
        p.up_rate.reset();
        p.down_rate.reset();
    } else if (now - p.since >= 1.0) {
        p.up_rate = static_cast<double>(r.uploaded - p.uploaded_since) / (now - p.since);
        p.down_rate = static_cast<double>(r.downloaded - p.downloaded_since) / (now - p.since);
        p.since = now;
        p.uploaded_since = r.uploaded;
        p.downloaded_since = r.downloaded;
    }
    p.uploaded = r.uploaded;
    p.downloaded = r.downloaded;
    p.left = r.left;
    if (a.limits.upload) p.limits.upload = a.limits.upload;
    if (a.limits.download) p.limits.download = a.limits.download;
    p.last_seen = now;
}

// What the announce says about the swarm: when it started, the file's size, who has completed.
void record(swarm& s, swarm_peer& p, const arrival& a, double now) {
    update(p, a, now);
    if (came_to_download(p) && !s.started) s.started = now;
    s.size = std::max(s.size, a.request.left);
    if (came_to_download(p) && p.left == 0 && !p.completed) p.completed = now - *s.started;
}

}  // namespace

net::result<announce_reply> registry::announce(const arrival& a, double now, std::mt19937& random) {
    expire(now);
    const announce_request& r = a.request;
    const std::string info_hash(as_bytes(r.info_hash));
    announce_reply reply;
    reply.interval = interval_;

    if (r.event == announce_event::stopped) {  // it leaves: its last figures, off the list, nobody to meet
        if (auto found = swarms_.find(info_hash); found != swarms_.end()) {
            for (swarm_peer& p : found->second.peers) {
                if (p.id != r.peer_id || p.gone) continue;
                record(found->second, p, a, now);
                p.gone = now;
            }
        }
        return reply;
    }

    swarm* s = find_or_add(info_hash);
    if (!s) return net::fail("this tracker follows " + std::to_string(max_torrents_) + " torrents already");
    if (s->live() == 0) *s = swarm{};  // everyone had gone: a new swarm begins
    swarm_peer* p = find_or_add(*s, a, now);
    if (!p) return net::fail("this torrent has " + std::to_string(max_peers_) + " peers already");
    record(*s, *p, a, now);
    // The same address and port under another peer_id: that program has
    // restarted with a new id, and the old entry is stale.
    for (swarm_peer& other : s->peers)
        if (&other != p && !other.gone && other.ip == p->ip && other.port == p->port) other.gone = now;

    const auto most = std::min<std::size_t>(list_size, static_cast<std::size_t>(std::max(0, r.numwant)));
    reply.peers = random_peers(*s, static_cast<std::size_t>(p - s->peers.data()), most, random);
    return reply;
}

}  // namespace bt::tracker
