// distribution.cpp - lab 04: the lecture's lower bounds on the time to
// distribute a file, client-server and peer-to-peer (reference solution).
#include "distribution.hpp"

#include <algorithm>
#include <cctype>
#include <initializer_list>

#include "units.hpp"

namespace {

// dmin: the download rate of the slowest peer (there is at least one).
double slowest_download(const std::vector<peer>& peers) {
    double dmin = peers.front().download;
    for (const peer& p : peers) dmin = std::min(dmin, p.download);
    return dmin;
}

// u1 + ... + uN: what the peers can upload together.
double total_peer_upload(const std::vector<peer>& peers) {
    double total = 0;
    for (const peer& p : peers) total += p.upload;
    return total;
}

// The largest term; on a tie, the first one given (the lecture's order),
// because only a larger term replaces the one found so far.
bound largest(std::initializer_list<bound> terms) {
    bound best = *terms.begin();
    for (const bound& term : terms)
        if (term.seconds > best.seconds) best = term;
    return best;
}

}  // namespace

// ---------------------------------------------------------------- task 1

bound client_server_time(const swarm& s) {
    if (s.peers.empty()) return {0, limit::no_peers};  // nobody to send to
    const double N = static_cast<double>(s.peers.size());
    const double F = s.file_size;
    // The server sends N copies of F bits through its upload link, one after
    // the other; and the slowest peer cannot receive F bits faster than dmin.
    return largest(
        {{N * F / s.server_upload, limit::server_upload}, {F / slowest_download(s.peers), limit::slowest_download}});
}

// ---------------------------------------------------------------- task 2

bound p2p_time(const swarm& s) {
    if (s.peers.empty()) return {0, limit::no_peers};
    const double N = static_cast<double>(s.peers.size());
    const double F = s.file_size;
    // The server sends at least one copy; the slowest peer receives all of it;
    // and N copies in all leave the server and the peers, together.
    return largest({{F / s.server_upload, limit::server_upload},
                    {F / slowest_download(s.peers), limit::slowest_download},
                    {N * F / (s.server_upload + total_peer_upload(s.peers)), limit::total_upload}});
}

// ---------------------------------------------------------------- task 3

namespace {

std::vector<std::string_view> words_of(std::string_view line) {
    std::vector<std::string_view> words;
    std::size_t at = 0;
    while (at < line.size()) {
        while (at < line.size() && std::isspace(static_cast<unsigned char>(line[at]))) ++at;
        const std::size_t start = at;
        while (at < line.size() && !std::isspace(static_cast<unsigned char>(line[at]))) ++at;
        if (at > start) words.push_back(line.substr(start, at - start));
    }
    return words;
}

// What is wrong with one line's words, or "" when they are a good peer.
std::string check_peer(const std::vector<std::string_view>& words, peer& out) {
    if (words.size() != 2)
        return "expected two rates, 'UPLOAD DOWNLOAD', found " + std::to_string(words.size()) + " word(s)";
    const std::optional<double> upload = parse_rate(words[0]);
    const std::optional<double> download = parse_rate(words[1]);
    if (!upload) return "the upload rate '" + std::string(words[0]) + "' is not a rate such as 256KiB/s";
    if (!download) return "the download rate '" + std::string(words[1]) + "' is not a rate such as 5MiB/s";
    if (*upload < 0) return "the upload rate '" + std::string(words[0]) + "' is negative";
    if (*download <= 0) return "the download rate '" + std::string(words[1]) + "' must be more than 0";
    out = {*upload, *download};
    return "";
}

}  // namespace

peer_list read_peers(std::string_view text) {
    peer_list list;
    int number = 0;
    while (!text.empty()) {
        const std::size_t end = std::min(text.find('\n'), text.size());
        std::string_view line = text.substr(0, end);
        text.remove_prefix(std::min(end + 1, text.size()));
        ++number;
        line = line.substr(0, line.find('#'));  // the comment, if any, goes
        const std::vector<std::string_view> words = words_of(line);
        if (words.empty()) continue;
        peer p;
        const std::string problem = check_peer(words, p);
        if (!problem.empty()) {
            list.error = "line " + std::to_string(number) + ": " + problem;
            return list;
        }
        list.peers.push_back(p);
    }
    return list;
}
