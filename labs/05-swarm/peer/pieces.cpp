// pieces.cpp - pieces we have, pieces in progress, and the blocks asked of whom.
#include "pieces.hpp"

#include <algorithm>
#include <string_view>

namespace bt {

piece_table::piece_table(const metainfo& torrent, bitfield have, piece_picker picker)
    : torrent_(torrent), picker_(std::move(picker)), have_(std::move(have)), have_count_(count_pieces(have_)) {}

bitfield piece_table::have_or_busy() const {
    bitfield busy = have_;
    for (const auto& [index, piece] : active_) busy[index] = true;
    return busy;
}

bool piece_table::wants_any(const bitfield& theirs) const {
    for (std::size_t i = 0; i < have_.size(); ++i)
        if (theirs[i] && !have_[i]) return true;
    return false;
}

std::uint32_t piece_table::block_length(std::uint32_t index, std::size_t block) const {
    const std::int64_t left = torrent_.piece_size(index) - static_cast<std::int64_t>(block) * wire::block_size;
    return static_cast<std::uint32_t>(std::min<std::int64_t>(left, wire::block_size));
}

void piece_table::start_piece(std::uint32_t index) {
    const std::size_t size = static_cast<std::size_t>(torrent_.piece_size(index));
    const std::size_t blocks = (size + wire::block_size - 1) / wire::block_size;
    in_progress& piece = active_[index];
    piece.data.assign(size, '\0');
    piece.asked_of.assign(blocks, {});
    piece.sent_by.assign(blocks, -1);
    piece.missing = blocks;
    piece.checking = false;
}

bool piece_table::may_ask(int who, std::uint32_t index, const in_progress& piece) const {
    if (piece.checking) return false;
    if (suspects_.count(index) == 0) return true;
    // Once it failed with several senders, the next try comes from one
    // neighbour: then it passes, or it fails with one sender, the liar.
    for (std::size_t b = 0; b < piece.sent_by.size(); ++b) {
        if (piece.sent_by[b] != -1 && piece.sent_by[b] != who) return false;
        for (int asked : piece.asked_of[b])
            if (asked != who) return false;
    }
    return true;
}

void piece_table::take_free_blocks(int who, std::uint32_t index, std::vector<wire::block>& out, std::size_t count) {
    in_progress& piece = active_.at(index);
    if (!may_ask(who, index, piece)) return;
    for (std::size_t b = 0; b < piece.asked_of.size() && out.size() < count; ++b) {
        if (piece.sent_by[b] != -1 || !piece.asked_of[b].empty()) continue;
        piece.asked_of[b].insert(who);
        out.push_back({index, static_cast<std::uint32_t>(b * wire::block_size), block_length(index, b)});
    }
}

std::vector<wire::block> piece_table::next_requests(int who, const bitfield& theirs,
                                                    const std::vector<bitfield>& neighbours,
                                                    const std::vector<wire::block>& asked, std::size_t count,
                                                    std::mt19937& random) {
    std::vector<wire::block> out;
    for (auto& [index, piece] : active_)
        if (theirs[index]) take_free_blocks(who, index, out, count);
    while (out.size() < count) {
        const std::optional<std::size_t> next = picker_(have_or_busy(), theirs, neighbours, random);
        // A picker that names a piece we have, are fetching, or they lack:
        // stop asking rather than ask for nonsense.
        if (!next || *next >= have_.size() || have_[*next] || active_.count(static_cast<std::uint32_t>(*next)) ||
            !theirs[*next])
            break;
        const auto index = static_cast<std::uint32_t>(*next);
        start_piece(index);
        take_free_blocks(who, index, out, count);
    }
    const bitfield busy = have_or_busy();
    if (out.size() < count && std::find(busy.begin(), busy.end(), false) == busy.end()) {  // the endgame
        for (auto& [index, piece] : active_) {
            if (!theirs[index] || !may_ask(who, index, piece)) continue;
            for (std::size_t b = 0; b < piece.sent_by.size() && out.size() < count; ++b) {
                const wire::block block{index, static_cast<std::uint32_t>(b * wire::block_size),
                                        block_length(index, b)};
                if (piece.sent_by[b] == -1 && piece.asked_of[b].count(who) == 0 &&
                    std::find(asked.begin(), asked.end(), block) == asked.end()) {
                    piece.asked_of[b].insert(who);
                    out.push_back(block);
                }
            }
        }
    }
    return out;
}

std::optional<piece_table::whole_piece> piece_table::received(int who, const wire::block& where,
                                                              const std::string& data) {
    auto found = active_.find(where.piece);
    if (found == active_.end() || where.begin % wire::block_size != 0) return std::nullopt;  // not wanted (any more)
    in_progress& piece = found->second;
    const std::size_t b = where.begin / wire::block_size;
    // Only the block we asked this neighbour for, once: a block nobody asked
    // for would let any neighbour spoil any piece in progress.
    if (b >= piece.sent_by.size() || piece.sent_by[b] != -1 || piece.asked_of[b].count(who) == 0 ||
        data.size() != block_length(where.piece, b))
        return std::nullopt;
    std::copy(data.begin(), data.end(), piece.data.begin() + where.begin);
    piece.sent_by[b] = who;
    piece.asked_of[b].clear();  // the others asked in the endgame are cancelled
    if (--piece.missing > 0) return std::nullopt;
    piece.checking = true;
    whole_piece whole{where.piece, std::move(piece.data), {}, piece.sent_by};
    whole.senders.insert(piece.sent_by.begin(), piece.sent_by.end());
    return whole;
}

void piece_table::release(int who) {
    for (auto it = active_.begin(); it != active_.end();) {
        in_progress& piece = it->second;
        const bool sent_some = std::find(piece.sent_by.begin(), piece.sent_by.end(), who) != piece.sent_by.end();
        // A piece under suspicion comes from one neighbour: without it, it starts over.
        if (!piece.checking && sent_some && suspects_.count(it->first)) start_piece(it->first);
        bool started = piece.checking;
        for (std::size_t b = 0; b < piece.asked_of.size(); ++b) {
            piece.asked_of[b].erase(who);
            started = started || piece.sent_by[b] != -1 || !piece.asked_of[b].empty();
        }
        // Nothing of it came or is coming: forget it, so the picker may choose again.
        it = started ? std::next(it) : active_.erase(it);
    }
}

std::set<int> piece_table::verified(const whole_piece& piece) {
    std::set<int> liars;
    if (auto earlier = suspects_.find(piece.index); earlier != suspects_.end()) {
        for (const suspect_block& sent : earlier->second) {
            const std::string_view good =
                std::string_view(piece.data)
                    .substr(sent.block * wire::block_size, block_length(piece.index, sent.block));
            if (sha1::of(good) != sent.hash) liars.insert(sent.sender);
        }
        suspects_.erase(earlier);
    }
    active_.erase(piece.index);
    if (!have_[piece.index]) ++have_count_;
    have_[piece.index] = true;
    return liars;
}

void piece_table::failed(const whole_piece& piece) {
    active_.erase(piece.index);
    // A sender alone is the liar (the swarm drops it); of several, keep what
    // each sent, to compare with the piece once it passes.
    if (piece.senders.size() < 2) return;
    std::vector<suspect_block>& blocks = suspects_[piece.index];
    for (std::size_t b = 0; b < piece.sent_by.size(); ++b) {
        const std::string_view sent =
            std::string_view(piece.data).substr(b * wire::block_size, block_length(piece.index, b));
        blocks.push_back({piece.sent_by[b], b, sha1::of(sent)});
    }
}

}  // namespace bt
