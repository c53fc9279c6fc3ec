// pieces.hpp - which pieces we have, which we are downloading, and which
// blocks of them are asked of whom.
//
// A piece (256 KiB by default) travels as blocks of 16 KiB: each `request` asks one
// neighbour for one block, and several requests are in flight on each
// connection so that the link never waits for a round trip. The blocks of
// one piece may come from different neighbours. When the last block of a
// piece is in, the piece is handed out to be checked against its SHA-1; only
// then is it ours (verified), or it starts over (failed).
//
// Only a block that was asked of a neighbour is taken from that neighbour:
// a stranger's block could otherwise spoil any piece in progress. When a
// piece with blocks from several neighbours fails, the hash cannot say
// whose block was wrong: the piece is asked again of one neighbour alone,
// and once it passes, each block that came before is compared with the good
// one. Whoever sent a different block lied (BitTorrent clients call this
// "smart ban").
//
// The choice of a new piece is the student's pick_piece (policy.hpp), or
// one of baseline.hpp's. Not thread-safe: the swarm's mutex guards it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "baseline.hpp"
#include "bittorrent/bitfield.hpp"
#include "bittorrent/metainfo.hpp"
#include "labs/shared/sha1.hpp"
#include "bittorrent/wire.hpp"

namespace bt {

class piece_table {
public:
    piece_table(const metainfo& torrent, bitfield have, piece_picker picker);

    const bitfield& have() const { return have_; }
    std::size_t have_count() const { return have_count_; }
    bool complete() const { return have_count_ == have_.size(); }
    // The pieces pick_piece must not choose: those we have, and those in progress.
    bitfield have_or_busy() const;
    // Does a neighbour with these pieces have one that we lack?
    bool wants_any(const bitfield& theirs) const;

    // Up to `count` blocks to request from neighbour `who`, which has `theirs`:
    // the free blocks of pieces in progress first (finish what is started),
    // then those of new pieces that pick_piece chooses. At the very end, when
    // every missing piece is in progress, blocks already asked of others too
    // (BEP 3's "endgame": the last blocks should not wait for the slowest
    // neighbour), but none of those in `asked`, already asked of `who`.
    std::vector<wire::block> next_requests(int who, const bitfield& theirs, const std::vector<bitfield>& neighbours,
                                           const std::vector<wire::block>& asked, std::size_t count,
                                           std::mt19937& random);

    // A block arrived from `who`. It is taken only if it was asked of `who`
    // and has not come yet; when it completes its piece, that piece comes
    // back, to be checked against its SHA-1.
    struct whole_piece {
        std::uint32_t index = 0;
        std::string data;
        std::set<int> senders;     // who sent its blocks: one of them lied if the hash fails
        std::vector<int> sent_by;  // per block, who sent it
    };
    std::optional<whole_piece> received(int who, const wire::block& where, const std::string& data);

    // Neighbour `who` choked us or left: the blocks we asked of it and did
    // not get may be asked of others.
    void release(int who);
    // The piece's hash matched: it is ours. Returns the neighbours whose
    // block of it, in an earlier try that failed, differed from this one.
    std::set<int> verified(const whole_piece& piece);
    // It did not: every block is asked again (of one neighbour alone, when
    // several sent this try).
    void failed(const whole_piece& piece);

private:
    struct in_progress {
        std::string data;
        std::vector<std::set<int>> asked_of;  // per block: the neighbours asked for it (several in the endgame)
        std::vector<int> sent_by;             // per block: who sent it, -1 while it has not come
        std::size_t missing = 0;              // blocks not arrived yet
        bool checking = false;                // all arrived, handed out for its SHA-1
    };
    // A block of a piece that failed with several senders: who sent it, and its SHA-1.
    struct suspect_block {
        int sender = -1;
        std::size_t block = 0;
        sha1::digest hash{};
    };
    std::uint32_t block_length(std::uint32_t index, std::size_t block) const;
    void start_piece(std::uint32_t index);
    // May `who` be asked for blocks of this piece? Always, unless the piece
    // failed before with several senders: then only one neighbour at a time.
    bool may_ask(int who, std::uint32_t index, const in_progress& piece) const;
    void take_free_blocks(int who, std::uint32_t index, std::vector<wire::block>& out, std::size_t count);

    const metainfo& torrent_;
    piece_picker picker_;
    bitfield have_;
    std::size_t have_count_ = 0;
    std::map<std::uint32_t, in_progress> active_;
    std::map<std::uint32_t, std::vector<suspect_block>> suspects_;  // by piece, until it passes
};

}  // namespace bt
