// swarm.cpp - the BEP 3 rules between a peer and its neighbours: joining,
// each message received, what to send each next, leaving.
// (The choking rounds and the bookkeeping are in swarm_rounds.cpp, the
// event loop that moves the bytes in swarm_loop.cpp.)
#include "swarm.hpp"

#include <algorithm>

#include "common/cli.hpp"

namespace bt {

namespace {
// How many blocks we ask of one neighbour at once. Each block costs a round
// trip between request and reply; with a fixed 4 x 16 KiB in flight a fast
// neighbour idles between replies. libtorrent's rule: keep about its rate x
// a queue time's worth of blocks asked (here 1 s), never fewer than 4 (a
// new neighbour) nor more than 64 (a slow one must not hold the pieces
// that others could send). The handout's "How the peer works" has the
// figures.
constexpr std::size_t min_requests = 4, max_requests = 64;
constexpr double request_queue_seconds = 1;
constexpr std::size_t max_queued_requests = 256;  // more than any client pipelines
}  // namespace

std::string printable_id(const std::string& id) {
    std::string text;
    for (char c : id) text += (c >= 0x20 && c < 0x7f) ? c : '.';
    return text;
}

swarm::swarm(const metainfo& torrent, storage& disk, bitfield have, peer_settings settings)
    : torrent_(torrent),
      disk_(disk),
      settings_(std::move(settings)),
      choke_period_(std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(choke_period * settings_.time_scale))),
      table_(torrent, std::move(have), settings_.picker),
      random_(std::random_device{}()),
      downloaded_(std::chrono::seconds(2)),
      uploaded_(std::chrono::seconds(2)),
      piece_out_(torrent.piece_count(), false),
      upload_(settings_.upload_rate),
      download_(settings_.download_rate),
      upload_batch_(static_cast<std::size_t>(
          std::clamp(settings_.upload_rate / 32, double{wire::block_size}, 2.0 * wire::block_size))) {
    // The event loop's doorbell: a UDP socket on loopback that the loop
    // watches with the others; any thread rings it with a datagram.
    for (const char* loopback : {"127.0.0.1", "::1"})
        if (net::result<net::socket> s = net::server_socket(net::udp, loopback, 0)) {
            if (net::result<net::address> here = s.value().local_address()) {
                wake_ = std::move(s.value());
                wake_address_ = here.value();
                break;
            }
        }
}

std::string swarm::join(const std::shared_ptr<connection>& c) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return "we are leaving";
    if (c->peer_id == settings_.peer_id) return "it is ourselves";
    if (banned_.count(c->peer_id)) return "it sent us a wrong block before";
    if (c->outgoing) dialed_ids_[c->where] = c->peer_id;
    wake_loop();  // to watch its socket from now on
    // Two peers that dial each other end up with two connections: both
    // ends keep the one they had first (as other clients do) and close the new one.
    std::size_t staying = 0;  // those the loop has not closed yet count until it has
    for (auto& [id, old] : connections_) {
        if (old->closing) continue;
        if (old->peer_id == c->peer_id) return "already connected to that peer";
        ++staying;
    }
    if (staying >= max_connections && !make_room()) return "too many connections";
    c->id = next_id_++;
    c->theirs.assign(torrent_.piece_count(), false);
    if (table_.have_count() > 0) c->outbox = wire::bitfield(table_.have());  // BEP 3: only if we have something
    connections_[c->id] = c;
    everyone_ = true;  // the loop watches its socket from its next turn
    cli::log(c->where, ": connected (", c->outgoing ? "we dialed" : "it dialed", ", peer id ", printable_id(c->peer_id),
             ")");
    return "";
}

bool swarm::make_room() {
    // A full peer that turned every newcomer away would leave the peers who
    // come last with the few neighbours that had room (at N = 64, 9 of 64).
    // Room is made by closing a neighbour that has had its chance and is of
    // no use now: connected for a choking round at least, choked both ways,
    // nothing asked either way and no piece bytes in the window. The
    // oldest goes, and first one of those that neither side wants.
    const clock::time_point now = clock::now();
    connection* idle = nullptr;
    for (auto& [id, c] : connections_) {
        if (c->closing || now - c->since < choke_period_ || !c->am_choking || !c->peer_choking || !c->asked.empty() ||
            !c->wanted.empty() || !c->serving.empty() || c->from_them.rate(now) > 0 || c->to_them.rate(now) > 0)
            continue;
        const bool useless = !c->am_interested && !c->peer_interested;
        const bool idle_useless = idle && !idle->am_interested && !idle->peer_interested;
        if (!idle || (useless && !idle_useless) || (useless == idle_useless && c->since < idle->since)) idle = c.get();
    }
    if (!idle) return false;
    close(*idle, "making room for a newcomer (we traded nothing for a while)");
    return true;
}

void swarm::update_interest(connection& c) {
    const bool want = table_.wants_any(c.theirs);
    if (want == c.am_interested) return;
    c.am_interested = want;
    c.outbox += wire::simple(want ? wire::message_id::interested : wire::message_id::not_interested);
    c.refill = true;
}

void swarm::refill_all() {
    for (auto& [id, c] : connections_) {
        c->refill = true;
    }
    everyone_ = true;
}

std::string swarm::handle(connection& c, wire::message& m) {
    std::unique_lock<std::mutex> lock(mutex_);
    const std::size_t count = torrent_.piece_count();
    switch (m.id) {
        case wire::message_id::choke:
            if (!c.peer_choking) cli::log(c.where, ": choked us");
            c.peer_choking = true;
            // BEP 3: a choke discards our pending requests; others may serve them.
            table_.release(c.id);
            c.asked.clear();
            refill_all();
            break;
        case wire::message_id::unchoke:
            if (c.peer_choking) cli::log(c.where, ": unchoked us");
            c.peer_choking = false;
            c.refill = true;
            break;
        case wire::message_id::interested: {
            c.peer_interested = true;
            std::size_t unchoked = 0;
            for (auto& [id, other] : connections_) unchoked += other->am_choking ? 0 : 1;
            if (c.am_choking && unchoked < regular_unchokes) early_round_ = true;  // a free slot need not wait for the round
            break;
        }
        case wire::message_id::not_interested:
            c.peer_interested = false;
            break;
        case wire::message_id::have:
            if (m.index >= count)
                return "have for piece " + std::to_string(m.index) + ", the torrent has " + std::to_string(count);
            c.theirs[m.index] = true;
            piece_is_out(m.index);
            update_interest(c);
            c.refill = true;
            break;
        case wire::message_id::bitfield: {
            // BEP 3 sends it first or not at all; some clients (aria2c) send
            // unchoke or interested before it, so a later one is taken too.
            net::result<bitfield> theirs = wire::parse_bitfield(m.data, count);
            if (!theirs) return theirs.error().message();
            c.theirs = std::move(*theirs);
            for (std::uint32_t i = 0; i < count; ++i)
                if (c.theirs[i]) piece_is_out(i);
            update_interest(c);
            c.refill = true;
            break;
        }
        case wire::message_id::request:
            return handle_request(c, m.part);
        case wire::message_id::cancel:
            c.wanted.erase(std::remove(c.wanted.begin(), c.wanted.end(), m.part), c.wanted.end());
            break;
        case wire::message_id::piece:
            return handle_piece(c, m, lock);
    }
    return "";
}

std::string swarm::handle_request(connection& c, const wire::block& b) {
    const std::size_t count = torrent_.piece_count();
    if (b.piece >= count || !table_.have()[b.piece])
        return "request for piece " + std::to_string(b.piece) + ", which we do not have";
    if (b.length == 0 || b.length > wire::block_size || std::int64_t{b.begin} + b.length > torrent_.piece_size(b.piece))
        return "request for " + std::to_string(b.length) + " bytes at " + std::to_string(b.begin) + " of piece " +
               std::to_string(b.piece) + " (past its end, or over 16 KiB)";
    // While we choke it, a request is one it sent before our choke: ignored
    // (BEP 3). A free rider ignores every request.
    if (c.am_choking || settings_.upload_rate <= 0) return "";
    if (c.wanted.size() >= max_queued_requests) return "over " + std::to_string(max_queued_requests) + " requests queued";
    c.wanted.push_back(b);
    return "";
}

std::string swarm::handle_piece(connection& c, wire::message& m, std::unique_lock<std::mutex>& lock) {
    const wire::block& b = m.part;
    if (b.piece >= torrent_.piece_count() || std::int64_t{b.begin} + b.length > torrent_.piece_size(b.piece))
        return "a block past the end of piece " + std::to_string(b.piece);
    // A block we cancelled, or asked for before it choked us, may still be
    // on its way; but an honest neighbour never sends more blocks than we
    // asked it for.
    if (++c.blocks_received > c.requests_sent)
        return "a block we did not ask for (piece " + std::to_string(b.piece) + " at " + std::to_string(b.begin) + ")";
    // One we no longer wait for from it counts toward nothing: not a piece,
    // not its rate (tit-for-tat would reward it).
    const auto asked = std::find(c.asked.begin(), c.asked.end(), b);
    if (asked == c.asked.end()) return "";
    c.asked.erase(asked);
    const clock::time_point now = clock::now();
    c.from_them.add(b.length, now);
    c.recently.add(b.length, now);
    c.last_block = now;
    downloaded_.add(b.length, now);
    c.refill = true;
    // In the endgame the same block was asked of others too: they need not send it.
    for (auto& [id, other] : connections_) {
        auto asked = std::find(other->asked.begin(), other->asked.end(), b);
        if (other.get() == &c || asked == other->asked.end()) continue;
        other->asked.erase(asked);
        other->outbox += wire::cancel(b);
        other->refill = true;
    }
    std::optional<piece_table::whole_piece> whole = table_.received(c.id, b, m.data);
    if (!whole) return "";
    // Hash and write without the lock: the other connections go on meanwhile.
    lock.unlock();
    bool good = piece_matches(torrent_, whole->index, whole->data);
    if (good) {
        net::result<bool> written = disk_.write_piece(whole->index, whole->data);
        if (!written) cli::log(written.error().message());
        good = written.ok();
    }
    lock.lock();
    finish_piece(*whole, good);
    return "";
}

void swarm::finish_piece(piece_table::whole_piece& piece, bool good) {
    const std::string index = std::to_string(piece.index);
    if (!good) {
        std::string from;
        for (int id : piece.senders)
            if (auto it = connections_.find(id); it != connections_.end()) {
                from += " " + it->second->where;
                suspected_[id] = it->second->peer_id;
            }
        cli::log("piece ", piece.index, " failed its SHA-1 check (blocks from", from.empty() ? " gone peers" : from,
                 "): asked again");
        // One sender alone sent the whole piece: it is the liar. Of several,
        // the table finds it once the piece passes.
        if (piece.senders.size() == 1) ban(*piece.senders.begin(), "it sent piece " + index + " with a wrong SHA-1");
        table_.failed(piece);
        refill_all();
        return;
    }
    for (int liar : table_.verified(piece))
        ban(liar, "its block of piece " + index + " was wrong (the piece passed its SHA-1 without it)");
    cli::log("piece ", piece.index, " done (", table_.have_count(), "/", torrent_.piece_count(), ")");
    // A downloader that has the piece already learns nothing from our HAVE
    // (it wants nothing of that piece, and counts only the pieces it lacks):
    // fewer messages, and fewer wake-ups on its side. A seed is told all the
    // same: it counts the copies out there (a seed that leaves after one copy).
    for (auto& [id, c] : connections_) {
        const bool seed = std::find(c->theirs.begin(), c->theirs.end(), false) == c->theirs.end();
        if (seed || !c->theirs[piece.index]) {
            if (c->haves.empty()) c->haves_since = clock::now();
            c->haves += wire::have(piece.index);
        }
        update_interest(*c);
    }
    everyone_ = true;
    if (table_.complete()) news_.notify_all();
}

void swarm::ban(int id, const std::string& why) {
    if (auto known = suspected_.find(id); known != suspected_.end()) banned_.insert(known->second);
    if (auto it = connections_.find(id); it != connections_.end()) {
        banned_.insert(it->second->peer_id);
        close(*it->second, why);
    }
}

clock::time_point swarm::haves_due(const connection& c) const {
    // A neighbour that is interested in us and that we choke can ask for
    // nothing until we unchoke it, and the unchoke takes its HAVEs along:
    // they wait for the choking round. Any other may act on a HAVE now (become
    // interested, or ask for the piece).
    return c.haves_since + (c.peer_interested && c.am_choking ? choke_period_ : have_delay);
}

std::size_t swarm::requests_wanted(connection& c) {
    const double blocks = c.recently.rate() * request_queue_seconds / wire::block_size;
    return std::clamp(static_cast<std::size_t>(blocks), min_requests, max_requests);
}

void swarm::fill(connection& c, std::size_t room) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (c.closing || stopping_) return;
    // HAVEs wait a little (have_delay) unless something else goes out
    // anyway: a piece done every few tens of milliseconds would otherwise
    // cost every neighbour a message, and a wake-up, of its own.
    if (!c.haves.empty() && (!c.outbox.empty() || clock::now() >= haves_due(c))) {
        c.outbox += c.haves;
        c.haves.clear();
    }
    const std::size_t depth = requests_wanted(c);
    // Requests go out in groups: once half of those in flight have been
    // answered, as many again in one message train (one send(), one wake-up
    // on the other side), never fewer than half the depth in flight.
    if (c.refill && !c.peer_choking && c.am_interested && 2 * c.asked.size() <= depth) {
        c.refill = false;
        for (const wire::block& b : table_.next_requests(c.id, c.theirs, neighbour_bitfields(), c.asked,
                                                         depth - c.asked.size(), random_)) {
            c.asked.push_back(b);
            ++c.requests_sent;
            c.outbox += wire::request(b);
        }
    }
    // Blocks go out as the upload limit earns their tokens, two to the same
    // neighbour at a time (upload_batch_) when it asked for two: one send()
    // and one wake-up on each side for both. Without a limit, as many as the
    // room allows.
    while (!c.am_choking && !c.closing && c.outbox.size() < room) {
        if (c.serving.empty()) {
            if (c.wanted.empty()) break;
            std::size_t bytes = 0;
            while (!c.wanted.empty() && (c.serving.empty() || bytes + c.wanted.front().length <= upload_batch_)) {
                bytes += c.wanted.front().length;
                c.serving.push_back(c.wanted.front());
                c.wanted.pop_front();
            }
            c.may_send = upload_.reserve(bytes);
        }
        if (clock::now() < c.may_send) break;
        for (const wire::block& b : std::exchange(c.serving, {})) serve_block(c, b);
    }
}

void swarm::serve_block(connection& c, const wire::block& b) {
    const std::size_t before = c.outbox.size();
    c.outbox += wire::piece_header(b.piece, b.begin, b.length);
    if (net::result<bool> data = disk_.append(c.outbox, b.piece, b.begin, b.length); !data) {
        c.outbox.resize(before);
        return close(c, data.error().message());
    }
    const clock::time_point now = clock::now();
    c.to_them.add(b.length, now);
    uploaded_.add(b.length, now);
}

void swarm::piece_is_out(std::uint32_t index) {
    if (piece_out_[index]) return;
    piece_out_[index] = true;
    if (++pieces_out_ == torrent_.piece_count()) news_.notify_all();
}

void swarm::close(connection& c, const std::string& why) {
    if (c.drop_reason.empty()) c.drop_reason = why;
    c.closing = true;  // the event loop closes its socket
    everyone_ = true;
}

void swarm::leave(connection& c, const std::string& why) {
    std::lock_guard<std::mutex> lock(mutex_);
    close(c, why);
    auto it = connections_.find(c.id);
    if (it == connections_.end() || it->second.get() != &c) return;  // never joined, or gone already
    connections_.erase(it);
    table_.release(c.id);  // what we asked of it may be asked of others
    refill_all();
    cli::log(c.where, ": dropped: ", c.drop_reason, " (we got ", c.from_them.total(), " bytes of pieces from it, sent it ",
             c.to_them.total(), ")");
}

}  // namespace bt
