// make_torrent - write the .torrent of one file and print its info hash.
//
//   make_torrent FILE ANNOUNCE_URL [-o OUT.torrent] [--piece-length N]
//
// The lecture's first step of a BitTorrent distribution: describe the file
// (its pieces and their SHA-1s) and name the tracker where peers meet.
// Prints the info hash in hex on stdout, a summary on stderr. A wrong
// argument: one line on stderr, exit 2. A file that cannot be read or
// written: one line on stderr, exit 1.
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bittorrent/metainfo.hpp"

namespace {

constexpr const char* usage = "usage: make_torrent FILE ANNOUNCE_URL [-o OUT.torrent] [--piece-length N]";

struct options {
    std::string file;
    std::string announce;
    std::string out;  // default: the file's name plus ".torrent", in the current folder
    std::int64_t piece_length = bt::default_piece_length;
};

int bad_argument(const std::string& problem) {
    std::cerr << "make_torrent: " << problem << " (" << usage << ")\n";
    return 2;
}

int io_failure(const std::string& problem) {
    std::cerr << "make_torrent: " << problem << "\n";
    return 1;
}

// The problem with the arguments, or nothing if they are fine.
std::optional<std::string> parse_arguments(int argc, char** argv, options& chosen) {
    std::vector<std::string> positional;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "-o" || arg == "--piece-length") {
            if (i + 1 == argc) return std::string(arg) + " needs a value";
            std::string_view value = argv[++i];
            if (arg == "-o") {
                chosen.out = value;
                continue;
            }
            auto [end, problem] = std::from_chars(value.data(), value.data() + value.size(), chosen.piece_length);
            if (problem != std::errc() || end != value.data() + value.size() || chosen.piece_length < 1 ||
                chosen.piece_length > bt::max_piece_length) {
                return "--piece-length '" + std::string(value) + "' is not a number of bytes from 1 to " +
                       std::to_string(bt::max_piece_length);
            }
        } else if (arg.size() > 1 && arg[0] == '-') {
            return "unknown option " + std::string(arg);
        } else {
            positional.emplace_back(arg);
        }
    }
    if (positional.size() != 2) {
        return "expected FILE and ANNOUNCE_URL, got " + std::to_string(positional.size()) + " arguments";
    }
    chosen.file = positional[0];
    chosen.announce = positional[1];
    bool url = chosen.announce.starts_with("http://") || chosen.announce.starts_with("https://") ||
               chosen.announce.starts_with("udp://");
    if (!url) return "ANNOUNCE_URL '" + chosen.announce + "' does not start with http://, https:// or udp://";
    return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        if (std::string_view(argv[i]) == "--help" || std::string_view(argv[i]) == "-h") {
            std::cout << usage << "\n\nWrites the .torrent of FILE for the tracker at ANNOUNCE_URL and prints its\n"
                      << "info hash. Pieces are 262144 bytes (256 KiB) unless --piece-length says otherwise.\n";
            return 0;
        }
    }
    options chosen;
    if (auto problem = parse_arguments(argc, argv, chosen)) return bad_argument(*problem);

    std::filesystem::path file(chosen.file);
    std::string name = file.filename().string();
    if (chosen.out.empty()) chosen.out = name + ".torrent";
    std::error_code ignored;
    if (std::filesystem::equivalent(file, chosen.out, ignored)) return bad_argument("-o would overwrite FILE itself");
    if (std::filesystem::is_directory(file, ignored)) {
        return bad_argument(chosen.file + " is a folder: only single-file torrents are supported");
    }

    std::ifstream content(file, std::ios::binary);
    if (!std::filesystem::exists(file, ignored)) return io_failure(chosen.file + ": no such file");
    if (!content) return io_failure("cannot open " + chosen.file + " for reading");
    auto torrent = bt::make_metainfo(content, name, chosen.announce, chosen.piece_length);
    if (!torrent) return io_failure(torrent.error().message());

    std::ofstream out(chosen.out, std::ios::binary | std::ios::trunc);
    out << bt::encode_torrent(*torrent);
    out.close();
    if (!out) return io_failure("cannot write " + chosen.out);

    std::cout << bt::to_hex(torrent->info_hash) << "\n";
    std::cerr << "wrote " << chosen.out << ": " << torrent->length << " bytes in " << torrent->piece_count()
              << " pieces of " << torrent->piece_length << " bytes\n";
    return 0;
}
