// pieces.cpp - pieces we have, pieces in progress, and the blocks asked of whom.
#include "pieces.hpp"

#include <algorithm>


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

void piece_table::take_free_blocks(int who, std::uint32_t index, std::vector<wire::block>& out, std::size_t count) {
    in_progress& piece = active_.at(index);
    for (std::size_t b = 0; b < piece.asked_of.size() && out.size() < count; ++b) {
        if (piece.arrived[b] || piece.asked_of[b] != -1) continue;
        piece.asked_of[b] = who;
        out.push_back({index, static_cast<std::uint32_t>(b * wire::block_size), block_length(index, b)});
    }
}

std::vector<wire::block> piece_table::next_requests(int who, const bitfield& theirs,
                                                    const std::vector<bitfield>& neighbours,
                                                    const std::vector<wire::block>& asked, std::size_t count,
                                                    std::mt19937& random) {
    std::vector<wire::block> out;
    for (auto& [index, piece] : active_)
        if (theirs[index] && !piece.checking) take_free_blocks(who, index, out, count);
    while (out.size() < count) {
        const std::optional<std::size_t> next = picker_(have_or_busy(), theirs, neighbours, random);
        // A picker that names a piece we have, are fetching, or they lack:
        // stop asking rather than ask for nonsense.
        if (!next || *next >= have_.size() || have_[*next] || active_.count(static_cast<std::uint32_t>(*next)) ||
            !theirs[*next])
            break;
        const auto index = static_cast<std::uint32_t>(*next);
        const std::size_t blocks = (static_cast<std::size_t>(torrent_.piece_size(index)) + wire::block_size - 1) /
                                   wire::block_size;
        in_progress& piece = active_[index];
        piece.data.assign(static_cast<std::size_t>(torrent_.piece_size(index)), '\0');
        piece.asked_of.assign(blocks, -1);
        piece.arrived.assign(blocks, false);
        piece.missing = blocks;
        take_free_blocks(who, index, out, count);
    }
    const bitfield busy = have_or_busy();
    if (out.size() < count && std::find(busy.begin(), busy.end(), false) == busy.end()) {  // the endgame
        for (auto& [index, piece] : active_) {
            if (!theirs[index] || piece.checking) continue;
            for (std::size_t b = 0; b < piece.arrived.size() && out.size() < count; ++b) {
                const wire::block block{index, static_cast<std::uint32_t>(b * wire::block_size), block_length(index, b)};
                if (!piece.arrived[b] && std::find(asked.begin(), asked.end(), block) == asked.end() &&
                    std::find(out.begin(), out.end(), block) == out.end())
                    out.push_back(block);
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
    if (b >= piece.arrived.size() || piece.arrived[b] || data.size() != block_length(where.piece, b))
        return std::nullopt;
    std::copy(data.begin(), data.end(), piece.data.begin() + where.begin);
    piece.arrived[b] = true;
    piece.senders.insert(who);
    if (--piece.missing > 0) return std::nullopt;
    piece.checking = true;
    return whole_piece{where.piece, std::move(piece.data), piece.senders};
}

void piece_table::release(int who) {
    for (auto it = active_.begin(); it != active_.end();) {
        in_progress& piece = it->second;
        bool started = piece.checking;
        for (std::size_t b = 0; b < piece.asked_of.size(); ++b) {
            if (piece.asked_of[b] == who && !piece.arrived[b]) piece.asked_of[b] = -1;
            started = started || piece.arrived[b] || piece.asked_of[b] != -1;
        }
        // Nothing of it came or is coming: forget it, so the picker may choose again.
        it = started ? std::next(it) : active_.erase(it);
    }
}

void piece_table::verified(std::uint32_t index) {
    active_.erase(index);
    if (!have_[index]) ++have_count_;
    have_[index] = true;
}

void piece_table::failed(std::uint32_t index) { active_.erase(index); }

}  // namespace bt
