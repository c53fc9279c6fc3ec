// policy.hpp - the two decisions that make BitTorrent work: your part of lab 05.
//
// The lecture (BitTorrent, "requesting chunks" and "sending chunks"):
//
//   Task 1, rarest first: ask each neighbour for the list of pieces it has
//   (its bitfield), and request the missing piece that the fewest
//   neighbours have. Rare pieces get copied before the peers that hold them
//   leave; common ones can wait.
//
//   Task 2, tit-for-tat: send to the four neighbours that currently send us
//   data at the highest rate, choke the others, and re-evaluate the top 4
//   every 10 s. Every 30 s "optimistically unchoke" one more neighbour chosen
//   at random: it may turn out to be a better partner and join the top 4.
//
// The peer (peer_main.cpp and the files it uses) calls these functions with
// the connections' state under its lock; they only decide, and they must
// not block. Both take a random generator: use it for every random choice,
// so that the grader can repeat a run.
#pragma once

#include <cstddef>
#include <optional>
#include <random>
#include <vector>

#include "bittorrent/bitfield.hpp"

namespace bt {

// ------------------------------------------------------------------ task 1: the piece picker

// Which piece to start downloading next from one neighbour.
//
//   ours        the pieces we have, or are already downloading: never pick one
//   theirs      the pieces of the neighbour we are about to ask
//   neighbours  the bitfields of all our neighbours (theirs among them):
//               how many of them have piece i is how common piece i is
//   random      for ties: among equally rare pieces, pick one at random, so
//               that peers that see the same swarm do not all fetch the
//               same piece (at the start every piece is equally rare, so the
//               first piece is a random one)
//
// Returns a piece that `theirs` has and `ours` does not, the rarest of them;
// nothing when the neighbour has no piece we want. Every bitfield has one
// entry per piece of the torrent.
std::optional<std::size_t> pick_piece(const bitfield& ours, const bitfield& theirs,
                                      const std::vector<bitfield>& neighbours, std::mt19937& random);

// ------------------------------------------------------------------ task 2: the choker

struct neighbour {
    int id = 0;                  // the connection's number, the same for its whole life
    bool interested = false;     // it told us it wants pieces we have
    double download_rate = 0;    // bytes per second it sent us lately (the last 60 s)
    double upload_rate = 0;      // bytes per second we sent it lately (the last 60 s)
};

inline constexpr std::size_t regular_unchokes = 4;   // "the top 4"
inline constexpr double choke_period = 10;           // seconds: re-evaluate the top 4
inline constexpr double optimistic_period = 30;      // seconds: another optimistic unchoke

// What the choker remembers from one call to the next. The peer keeps it
// for you; add to it if your choker needs more.
struct choker_memory {
    std::optional<int> optimistic;  // the neighbour unchoked optimistically
    double optimistic_since = 0;    // when it was chosen (a `now` of choose_unchoked)
};

// Which neighbours to unchoke: their ids, the others stay (or become) choked.
// Called every 10 s, and also when a neighbour becomes interested while
// fewer than 4 are unchoked (a free slot need not wait for the next round).
//
//   neighbours  every neighbour we are connected to, in no particular order
//   seeding     we have the whole file: nobody sends us anything, so rank
//               by upload_rate instead (the peers that take the most)
//   now         seconds since the peer started, in the lecture's time (the
//               peer's --time-scale is already divided out)
//   memory      yours, kept from the previous call
//   random      for the optimistic choice (and for ties, if you wish)
//
// Only interested neighbours are unchoked: the top 4 by rate (highest
// first: download_rate, or upload_rate when seeding), plus one
// optimistic unchoke chosen at random among the other interested
// neighbours, changed every 30 s (sooner if it leaves or stops being
// interested).
std::vector<int> choose_unchoked(const std::vector<neighbour>& neighbours, bool seeding, double now,
                                 choker_memory& memory, std::mt19937& random);

}  // namespace bt
