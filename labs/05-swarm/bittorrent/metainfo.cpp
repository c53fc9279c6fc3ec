// metainfo.cpp - making a .torrent from a file, and reading one back.
#include "metainfo.hpp"

#include <algorithm>
#include <type_traits>
#include <vector>

#include "bencode.hpp"

namespace bt {

namespace {

std::size_t pieces_for(std::int64_t length, std::int64_t piece_length) {
    return static_cast<std::size_t>(length / piece_length + (length % piece_length != 0 ? 1 : 0));
}

std::string check_piece_length(std::int64_t piece_length) {
    if (piece_length < 1 || piece_length > max_piece_length) {
        return "piece length " + std::to_string(piece_length) + " is not between 1 and " +
               std::to_string(max_piece_length);
    }
    return "";
}

// The info dictionary as we write it: the four keys of BEP 3, nothing else.
bencode::value info_dict(const metainfo& torrent) {
    return bencode::dict{
        {"length", torrent.length},
        {"name", torrent.name},
        {"piece length", torrent.piece_length},
        {"pieces", torrent.pieces},
    };
}

}  // namespace

std::int64_t metainfo::piece_size(std::size_t index) const {
    if (index >= piece_count()) return 0;
    if (index + 1 < piece_count()) return piece_length;
    return length - static_cast<std::int64_t>(index) * piece_length;  // the last piece: what is left
}

sha1::digest metainfo::piece_hash(std::size_t index) const {
    sha1::digest hash{};
    if (index < piece_count()) std::copy_n(pieces.begin() + 20 * index, 20, hash.begin());
    return hash;
}

bool is_plain_file_name(std::string_view name) {
    return !name.empty() && name != "." && name != ".." &&
           name.find_first_of(std::string_view("/\\\0", 3)) == name.npos;
}

net::result<metainfo> make_metainfo(std::istream& content, const std::string& name, const std::string& announce,
                               std::int64_t piece_length) {
    if (auto problem = check_piece_length(piece_length); !problem.empty()) return net::fail(problem);
    if (!is_plain_file_name(name)) return net::fail("'" + name + "' is not a plain file name");

    metainfo torrent;
    torrent.announce = announce;
    torrent.name = name;
    torrent.piece_length = piece_length;

    // Read in small blocks and feed the hash as we go: a piece may be far
    // larger than what we want to hold in memory at once.
    std::vector<char> block(65536);
    sha1 hasher;
    std::int64_t in_this_piece = 0;
    while (content) {
        auto want = std::min<std::int64_t>(static_cast<std::int64_t>(block.size()), piece_length - in_this_piece);
        content.read(block.data(), want);
        auto got = content.gcount();
        hasher.update(std::string_view(block.data(), static_cast<std::size_t>(got)));
        in_this_piece += got;
        torrent.length += got;
        if (in_this_piece == piece_length) {
            torrent.pieces += as_bytes(hasher.finish());
            in_this_piece = 0;
        }
    }
    if (content.bad()) return net::fail("reading '" + name + "' failed");
    if (in_this_piece > 0) torrent.pieces += as_bytes(hasher.finish());  // the shorter last piece
    // BEP 3 does not forbid it, but there is nothing to trade, and some
    // clients (Transmission) refuse a torrent without pieces.
    if (torrent.length == 0) return net::fail("'" + name + "' is empty: there is nothing to share");

    torrent.info_hash = sha1::of(bencode::encode(info_dict(torrent)));
    return torrent;
}

std::string encode_torrent(const metainfo& torrent) {
    return bencode::encode(bencode::dict{{"announce", torrent.announce}, {"info", info_dict(torrent)}});
}

// ---------------------------------------------------------------- reading

namespace {

// A field of a dictionary that must be there and be of kind T.
template <class T>
net::result<T> field(const bencode::dict& entries, std::string_view key, const char* where) {  // where: "" or "info's "
    const bencode::value* found = bencode::find(entries, key);
    std::string name = std::string(where) + "'" + std::string(key) + "'";
    if (!found) return net::fail("torrent: " + name + " is missing");
    if constexpr (std::is_same_v<T, std::int64_t>) {
        if (!found->as_integer()) return net::fail("torrent: " + name + " must be an integer");
        return *found->as_integer();
    } else if constexpr (std::is_same_v<T, std::string>) {
        if (!found->as_string()) return net::fail("torrent: " + name + " must be a byte string");
        return *found->as_string();
    } else {
        if (!found->as_dict()) return net::fail("torrent: " + name + " must be a dictionary");
        return *found->as_dict();
    }
}

// The four keys of a single-file info dictionary, each checked.
net::result<metainfo> read_info(const bencode::dict& info) {
    if (bencode::find(info, "files")) {
        return net::fail("torrent: a multi-file torrent (its info has 'files'): only single-file torrents are supported");
    }
    metainfo torrent;
    auto name = field<std::string>(info, "name", "info's ");
    if (!name) return name.error();
    if (!is_plain_file_name(*name)) return net::fail("torrent: the name '" + *name + "' is not a plain file name");
    torrent.name = *name;

    auto piece_length = field<std::int64_t>(info, "piece length", "info's ");
    if (!piece_length) return piece_length.error();
    if (auto problem = check_piece_length(*piece_length); !problem.empty()) return net::fail("torrent: " + problem);
    torrent.piece_length = *piece_length;

    auto length = field<std::int64_t>(info, "length", "info's ");
    if (!length) return length.error();
    if (*length < 1) {
        return net::fail("torrent: the length " + std::to_string(*length) + " is not a positive number of bytes");
    }
    torrent.length = *length;

    auto pieces = field<std::string>(info, "pieces", "info's ");
    if (!pieces) return pieces.error();
    if (pieces->size() % 20 != 0) {
        return net::fail("torrent: 'pieces' holds " + std::to_string(pieces->size()) + " bytes, not a multiple of 20");
    }
    std::size_t expected = pieces_for(torrent.length, torrent.piece_length);
    if (pieces->size() / 20 != expected) {
        return net::fail("torrent: 'pieces' has " + std::to_string(pieces->size() / 20) + " hashes, but " +
                    std::to_string(torrent.length) + " bytes in pieces of " + std::to_string(torrent.piece_length) +
                    " make " + std::to_string(expected));
    }
    torrent.pieces = *pieces;
    return torrent;
}

}  // namespace

net::result<metainfo> parse_torrent(std::string_view torrent_bytes) {
    auto decoded = bencode::decode(torrent_bytes);
    if (!decoded) return net::fail("torrent: " + decoded.error().message());
    if (!decoded->as_dict()) return net::fail("torrent: the file is not a bencoded dictionary");
    const bencode::dict& top = *decoded->as_dict();

    auto announce = field<std::string>(top, "announce", "");
    if (!announce) return announce.error();
    if (announce->empty()) return net::fail("torrent: the announce URL is empty");
    auto info = field<bencode::dict>(top, "info", "");
    if (!info) return info.error();
    auto torrent = read_info(*info);
    if (!torrent) return torrent.error();
    torrent->announce = *announce;

    // The hash of the bytes in the file, not of our re-encoding: a field we
    // ignore (say "private") is still part of the torrent's name.
    auto raw_info = bencode::raw_entry(torrent_bytes, "info");
    if (!raw_info) return net::fail("torrent: " + raw_info.error().message());
    torrent->info_hash = sha1::of(*raw_info);
    return torrent;
}

}  // namespace bt
