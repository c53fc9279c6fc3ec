// torrent.cpp - a .torrent file from anyone: no crash, a name that is a
// plain file name (never "../x" or "/etc/x"), and what we would write for
// it reads back the same.
#include "../labs/05-swarm/bittorrent/metainfo.hpp"
#include "fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto parsed = bt::parse_torrent(fuzz::bytes(data, size));
    if (!parsed) return 0;
    const bt::metainfo& t = parsed.value();
    fuzz::must(bt::is_plain_file_name(t.name), "the file name is a plain name");
    fuzz::must(t.piece_length > 0 && t.piece_length <= bt::max_piece_length, "the piece length is in range");
    fuzz::must(t.pieces.size() % 20 == 0, "pieces is whole SHA-1s");
    fuzz::must(t.length >= 0, "the length is not negative");
    if (t.piece_count() > 0) (void)t.piece_size(t.piece_count() - 1);
    auto again = bt::parse_torrent(bt::encode_torrent(t));
    fuzz::must(again.ok(), "what encode_torrent writes parses");
    if (again) {
        const bt::metainfo& u = again.value();
        fuzz::must(u.name == t.name && u.announce == t.announce && u.piece_length == t.piece_length &&
                       u.length == t.length && u.pieces == t.pieces,
                   "encode_torrent then parse_torrent gives the same torrent");
    }
    return 0;
}
