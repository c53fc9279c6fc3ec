// swarm_model.cpp - the simulated swarm of swarm_model.hpp.
#include "swarm_model.hpp"

#include <algorithm>
#include <optional>
#include <random>

#include "policy.hpp"

namespace model {

namespace {

constexpr double step = 0.5;  // simulated seconds per step; 20 steps make a choking round
const long steps_per_round = static_cast<long>(bt::choke_period / step);

// Everything is indexed by peer number: peer u's neighbour v is simply v.
struct peer {
    peer_spec spec;
    bt::bitfield have;                                  // whole pieces
    bt::bitfield asked;                                 // whole, or on their way from a neighbour
    std::vector<double> got;                            // bytes received of each piece
    std::vector<bool> knows;                            // knows[v]: v is a neighbour
    std::vector<bool> unchokes;                         // unchokes[v]: we send to v
    std::vector<bool> interested;                       // interested[v]: v wants a piece we have
    std::vector<std::optional<std::size_t>> fetching;   // fetching[v]: the piece coming from v
    std::vector<double> sent, received;                 // bytes to and from v, this round
    std::vector<double> sent_rate, received_rate;       // the same per second, last round
    bt::choker_memory memory;
    std::mt19937 random;
    double completed = -1;
};

bool wants_from(const peer& v, const peer& u) {
    for (std::size_t p = 0; p < u.have.size(); ++p)
        if (u.have[p] && !v.have[p]) return true;
    return false;
}

class simulation {
public:
    explicit simulation(const swarm_spec& spec) : spec_(spec), peers_(spec.peers.size()) {
        const std::size_t n = peers_.size();
        for (std::size_t i = 0; i < n; ++i) {
            peer& p = peers_[i];
            p.spec = spec.peers[i];
            p.have.assign(spec.pieces, p.spec.seed);
            p.asked = p.have;
            p.got.assign(spec.pieces, p.spec.seed ? spec.piece_bytes : 0);
            p.knows.assign(n, true);
            p.knows[i] = false;
            p.unchokes.assign(n, false);
            p.interested.assign(n, false);
            p.fetching.assign(n, std::nullopt);
            p.sent.assign(n, 0);
            p.received = p.sent_rate = p.received_rate = p.sent;
            p.random.seed(spec.random_seed * 1000 + static_cast<std::uint32_t>(i));
            if (p.spec.seed) p.completed = 0;
        }
        for (auto [a, b] : spec.apart) peers_.at(a).knows.at(b) = peers_.at(b).knows.at(a) = false;
    }

    outcome run() {
        for (long k = 0; !all_complete() && k * step < spec_.give_up; ++k) {
            const double now = k * step;
            const bool new_round = k % steps_per_round == 0;
            if (new_round) {  // the rates of the round that ends: bytes over its 10 s
                for (peer& p : peers_)
                    for (std::size_t v = 0; v < peers_.size(); ++v) {
                        p.sent_rate[v] = p.sent[v] / bt::choke_period;
                        p.received_rate[v] = p.received[v] / bt::choke_period;
                        p.sent[v] = p.received[v] = 0;
                    }
            }
            for (std::size_t u = 0; u < peers_.size(); ++u) {
                // A choked neighbour newly interested while a slot is free: choke now.
                bool early = false;
                for (std::size_t v = 0; v < peers_.size(); ++v) {
                    const bool wants = peers_[u].knows[v] && wants_from(peers_[v], peers_[u]);
                    early = early || (wants && !peers_[u].interested[v] && !peers_[u].unchokes[v]);
                    peers_[u].interested[v] = wants;
                }
                const auto unchoked = std::count(peers_[u].unchokes.begin(), peers_[u].unchokes.end(), true);
                if (new_round || (early && unchoked < static_cast<long>(bt::regular_unchokes))) choke(u, now);
            }
            transfer();
            for (peer& p : peers_) {  // pieces whose last byte came this step
                for (std::size_t i = 0; i < spec_.pieces; ++i)
                    if (p.got[i] >= spec_.piece_bytes) p.have[i] = true;
                if (p.completed < 0 && bt::count_pieces(p.have) == spec_.pieces) p.completed = now + step;
            }
            ended_ = now + step;
        }
        outcome out;
        out.ended = ended_;
        out.problem = problem_;
        for (const peer& p : peers_) {
            out.completed.push_back(p.completed);
            out.pieces.push_back(bt::count_pieces(p.have));
        }
        return out;
    }

private:
    bool all_complete() const {
        return std::all_of(peers_.begin(), peers_.end(), [](const peer& p) { return p.completed >= 0; });
    }

    void note(const std::string& what) {
        if (problem_.empty()) problem_ = what;
    }

    // Peer u's choking round: the student's choose_unchoked decides.
    void choke(std::size_t u, double now) {
        peer& p = peers_[u];
        std::vector<int> ids;
        if (p.spec.upload > 0) {
            std::vector<bt::neighbour> neighbours;
            for (std::size_t v = 0; v < peers_.size(); ++v)
                if (p.knows[v])
                    neighbours.push_back({static_cast<int>(v), p.interested[v], p.received_rate[v], p.sent_rate[v]});
            ids = bt::choose_unchoked(neighbours, p.completed >= 0, now, p.memory, p.random);
        }
        std::fill(p.unchokes.begin(), p.unchokes.end(), false);
        for (int id : ids) {
            if (id < 0 || static_cast<std::size_t>(id) >= peers_.size() || !p.knows[static_cast<std::size_t>(id)]) {
                note("choose_unchoked returned id " + std::to_string(id) + ", which is no neighbour's id");
                continue;
            }
            p.unchokes[static_cast<std::size_t>(id)] = true;
        }
        // A choked neighbour's piece from us is left unfinished: it keeps the
        // bytes it has and may finish the piece from someone else.
        for (std::size_t v = 0; v < peers_.size(); ++v)
            if (!p.unchokes[v]) release(peers_[v], u);
    }

    void release(peer& v, std::size_t from) {
        if (v.fetching[from]) v.asked[*v.fetching[from]] = v.have[*v.fetching[from]];
        v.fetching[from].reset();
    }

    // The piece that peer v fetches from peer u, chosen by v's pick_piece.
    std::optional<std::size_t> piece_for(std::size_t v, std::size_t u) {
        peer& d = peers_[v];
        if (d.fetching[u]) return d.fetching[u];
        std::vector<bt::bitfield> neighbours;
        for (std::size_t w = 0; w < peers_.size(); ++w)
            if (d.knows[w]) neighbours.push_back(peers_[w].have);
        const std::optional<std::size_t> piece = bt::pick_piece(d.asked, peers_[u].have, neighbours, d.random);
        if (!piece) return std::nullopt;
        const std::string said = "pick_piece returned piece " + std::to_string(*piece);
        if (*piece >= spec_.pieces) {
            note(said + ", but the file has " + std::to_string(spec_.pieces) + " pieces");
        } else if (!peers_[u].have[*piece]) {
            note(said + ", which the neighbour asked does not have");
        } else if (d.asked[*piece]) {
            note(said + ", which the peer already has or is downloading");
        } else {
            d.fetching[u] = piece;
            d.asked[*piece] = true;
            return piece;
        }
        return std::nullopt;  // nothing is asked: the link stays idle this step
    }

    // One step of uploads: each peer's upload shared among the neighbours it
    // unchokes that have a piece to fetch from it.
    void transfer() {
        struct flow {
            std::size_t from, to;
            double bytes;
        };
        std::vector<flow> flows;
        std::vector<double> incoming(peers_.size(), 0);
        for (std::size_t u = 0; u < peers_.size(); ++u) {
            std::vector<std::size_t> takers;
            for (std::size_t v = 0; v < peers_.size(); ++v)
                if (peers_[u].unchokes[v] && peers_[u].interested[v] && piece_for(v, u)) takers.push_back(v);
            for (std::size_t v : takers) {
                flows.push_back({u, v, peers_[u].spec.upload * step / static_cast<double>(takers.size())});
                incoming[v] += flows.back().bytes;
            }
        }
        for (flow& f : flows) {
            peer& d = peers_[f.to];
            const double room = d.spec.download * step;  // a download limit scales every flow to it
            double bytes = incoming[f.to] > room ? f.bytes * room / incoming[f.to] : f.bytes;
            // Bytes left once a piece is done go to the next piece from the same neighbour.
            while (bytes > 0) {
                const std::optional<std::size_t> piece = piece_for(f.to, f.from);
                if (!piece) break;
                const double take = std::min(bytes, spec_.piece_bytes - d.got[*piece]);
                d.got[*piece] += take;
                peers_[f.from].sent[f.to] += take;
                d.received[f.from] += take;
                bytes -= take;
                if (d.got[*piece] >= spec_.piece_bytes) d.fetching[f.from].reset();
            }
        }
    }

    const swarm_spec& spec_;
    std::vector<peer> peers_;
    double ended_ = 0;
    std::string problem_;
};

}  // namespace

outcome run(const swarm_spec& spec) { return simulation(spec).run(); }

double p2p_bound(const swarm_spec& spec) {
    const double file = static_cast<double>(spec.pieces) * spec.piece_bytes;
    double us = 0, sum_ui = 0, dmin = std::numeric_limits<double>::infinity(), n = 0;
    for (const peer_spec& p : spec.peers) {
        if (p.seed) {
            us += p.upload;
        } else {
            sum_ui += p.upload;
            dmin = std::min(dmin, p.download);
            n += 1;
        }
    }
    return std::max({file / us, file / dmin, n * file / (us + sum_ui)});
}

}  // namespace model
