// peer - a BitTorrent peer (BEP 3) for lab 05.
//
//   peer TORRENT --data FILE [--seed] [--port P] [--upload-rate R] [--download-rate R] ...
//
// The lecture's steps, in order: read the .torrent; open the file (a seed
// checks that it holds every piece); listen for neighbours, like any TCP
// server; ask the tracker who else takes part (or take --peers); then
// trade pieces with every neighbour, all of them watched by one thread
// (an event loop, as lab 03's poll() server), until the file is complete,
// and beyond if the peer stays.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>

#include "labs/shared/units.hpp"
#include "common/cli.hpp"
#include "connection.hpp"
#include "swarm.hpp"
#include "tracker_client.hpp"

namespace {

struct options {
    std::string torrent_path, data_path;
    bool seed = false;
    std::uint16_t port = 6881;  // the first of BitTorrent's customary ports
    double upload_rate = bt::unlimited, download_rate = bt::unlimited;
    std::string picker = "rarest", choker = "tit-for-tat";
    double time_scale = 1;
    bool leave_when_done = false, leave_after_one_copy = false;
    std::optional<double> stay;
    std::optional<std::vector<std::pair<std::string, std::uint16_t>>> peers;  // --peers: no tracker
    std::string peer_id;
    double progress = 1;
};

// "--upload-rate 1MiB/s": lab 04's units. Upload may be 0 (a free rider).
cli::option rate_option(const std::string& names, const std::string& help, double& out, bool zero_allowed) {
    return {names, "RATE", help, [=, &out](const std::string& text) {
                std::optional<double> rate = parse_rate(text);
                if (!rate || std::isnan(*rate)) return "invalid rate '" + text + "' for " + names + " (e.g. 1MiB/s, 8Mbit/s; units: " + known_units + ")";
                if (*rate < 0 || (*rate == 0 && !zero_allowed))
                    return names + " must be more than 0" + (zero_allowed ? " or 0" : "") + ", not '" + text + "'";
                out = *rate;
                return std::string();
            }};
}

cli::option seconds_option(const std::string& names, const std::string& value, const std::string& help,
                           double& out, bool zero_allowed) {
    return {names, value, help, [=, &out](const std::string& text) {
                char* end = nullptr;
                const double number = std::strtod(text.c_str(), &end);
                const bool good = !text.empty() && end == text.c_str() + text.size() && std::isfinite(number) &&
                                  (number > 0 || (zero_allowed && number == 0));
                if (good) out = number;
                return good ? "" : "invalid value '" + text + "' for " + names + " (a number of seconds" +
                                       (zero_allowed ? ", 0 or more)" : " more than 0)");
            }};
}

cli::option choice_option(const std::string& names, const std::string& help, std::vector<std::string> allowed,
                          std::string& out) {
    std::string value;
    for (const std::string& a : allowed) value += (value.empty() ? "" : "|") + a;
    return {names, value, help, [=, &out](const std::string& text) {
                for (const std::string& a : allowed)
                    if (text == a) {
                        out = text;
                        return std::string();
                    }
                return "invalid value '" + text + "' for " + names + " (one of " + value + ")";
            }};
}

std::string random_peer_id(const std::string& prefix) {
    // Azureus style: the client's initials and version, then random digits.
    std::string id = prefix.substr(0, 20);
    std::mt19937 random(std::random_device{}());
    while (id.size() < 20) id += static_cast<char>('0' + random() % 10);
    return id;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) cli::fail("cannot read " + path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string three_decimals(double seconds) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", seconds);
    return text;
}

void print_progress(const bt::swarm::status& s) {
    std::ostringstream line;
    line << "progress t=" << three_decimals(s.seconds) << " pieces=" << s.pieces << "/" << s.piece_count
         << " down=" << s.downloaded << " up=" << s.uploaded << " down_rate=" << std::llround(s.download_rate)
         << " up_rate=" << std::llround(s.upload_rate) << " peers=" << s.peers << " unchoked=" << s.unchoked;
    cli::print_line(line.str());
}

// "127.0.0.1:6881,[::1]:6882" -> the hosts and ports; "" when one is not HOST:PORT.
std::string parse_peer_list(const std::string& list, std::vector<std::pair<std::string, std::uint16_t>>& out) {
    std::istringstream items(list);
    std::string item;
    while (std::getline(items, item, ',')) {
        const std::size_t colon = item.rfind(':');
        std::string host = item.substr(0, colon == std::string::npos ? 0 : colon);
        if (host.size() > 1 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
        const std::optional<std::uint64_t> port =
            colon == std::string::npos ? std::nullopt : cli::parse_whole(item.substr(colon + 1), 1, 65535);
        if (host.empty() || !port) return "--peers: '" + item + "' is not HOST:PORT";
        out.emplace_back(host, static_cast<std::uint16_t>(*port));
    }
    return "";
}

options parse_command_line(int argc, char* argv[]) {
    options o;
    bool has_stay = false;
    double stay_seconds = 0;
    cli::parse(argc, argv,
               {"peer",
                "A BitTorrent peer (BEP 3): downloads TORRENT's file into --data FILE, or seeds it.",
                {{"TORRENT", "", "the .torrent file", [&o](const std::string& t) { o.torrent_path = t; return std::string(); }, false, true},
                 cli::text("--data", "FILE", "the file: written as pieces arrive, or read when seeding (required)", o.data_path),
                 cli::flag("--seed", "FILE holds the whole file: check it and share it", o.seed),
                 cli::port(o.port),
                 rate_option("--upload-rate", "upload limit ui, e.g. 1MiB/s (default: none; 0: a free rider)", o.upload_rate, true),
                 rate_option("--download-rate", "download limit di, e.g. 8Mbit/s (default: none)", o.download_rate, false),
                 choice_option("--picker", "which piece to request next (default: rarest, policy.cpp)", {"rarest", "random", "sequential"}, o.picker),
                 choice_option("--choker", "whom to send to (default: tit-for-tat, policy.cpp)", {"tit-for-tat", "all"}, o.choker),
                 seconds_option("--time-scale", "S", "multiply the choker's 10 s and 30 s by S (default: 1)", o.time_scale, false),
                 cli::flag("--leave-when-done", "exit once the file is complete", o.leave_when_done),
                 {"--stay", "SECONDS", "stay this long after completing (a seed: after starting), then exit",
                  [&](const std::string& t) { has_stay = true; return seconds_option("--stay", "", "", stay_seconds, true).take(t); }},
                 cli::flag("--leave-after-one-copy", "a seed: exit once every piece has been uploaded once (a neighbour said have)", o.leave_after_one_copy),
                 {"--peers", "HOST:PORT,...", "connect to these peers directly, without a tracker ('' for none)",
                  [&](const std::string& t) { o.peers.emplace(); return parse_peer_list(t, *o.peers); }},
                 cli::text("--peer-id", "TEXT", "our peer id (20 bytes at most; padded with random digits)", o.peer_id),
                 seconds_option("--progress", "SECONDS", "a progress line every SECONDS (default: 1)", o.progress, false),
                 cli::quiet(), cli::trace()},
                "Sizes and rates as in lab 04: 1MiB/s, 256KiB/s, 8Mbit/s.",
                [&]() -> std::string {
                    if (o.torrent_path.empty()) return "missing TORRENT";
                    if (o.data_path.empty()) return "missing --data FILE";
                    if (o.leave_when_done && has_stay) return "--leave-when-done and --stay exclude each other";
                    if (o.leave_after_one_copy && !o.seed) return "--leave-after-one-copy is for a seed (--seed)";
                    if (o.peer_id.size() > 20) return "--peer-id: at most 20 bytes";
                    return "";
                }});
    if (has_stay) o.stay = stay_seconds;
    return o;
}

bt::peer_settings settings_from(const options& o) {
    bt::peer_settings settings;
    settings.peer_id = random_peer_id(o.peer_id.empty() ? "-LB0500-" : o.peer_id);
    settings.upload_rate = o.upload_rate;
    settings.download_rate = o.download_rate;
    settings.time_scale = o.time_scale;
    if (o.picker == "random") settings.picker = bt::pick_random_piece;
    if (o.picker == "sequential") settings.picker = bt::pick_first_piece;
    if (o.choker == "all") settings.chooser = bt::unchoke_all_interested;
    return settings;
}

// Progress lines, and "complete", until it is time to leave.
void run_until_leaving(bt::swarm& peers, const options& o, std::optional<bt::announcer>& tracker) {
    const auto every = std::chrono::duration_cast<bt::clock::duration>(std::chrono::duration<double>(o.progress));
    bt::clock::time_point next_line = bt::clock::now() + every;
    std::optional<double> completed_at = o.seed ? std::optional<double>(0) : std::nullopt;
    while (!net::stop_requested()) {
        // Ctrl-C and the file's completion are news; the rest (the progress
        // line, the time to leave) is looked at 4 times a second at least.
        peers.wait_for_news(std::min(next_line, bt::clock::now() + std::chrono::milliseconds(250)));
        const bt::swarm::status now = peers.snapshot();
        if (now.complete && !completed_at) {
            completed_at = now.seconds;
            cli::print_line("complete t=" + three_decimals(now.seconds));
            if (tracker) tracker->file_complete();
        }
        if (bt::clock::now() >= next_line) {
            print_progress(now);
            next_line += every;
        }
        if (o.leave_when_done && completed_at) return;
        if (o.stay && completed_at && now.seconds - *completed_at >= *o.stay) return;
        if (o.leave_after_one_copy && now.one_copy_out) return cli::log("every piece has been uploaded once (a neighbour has said have for each): leaving");
    }
}

}  // namespace

int main(int argc, char* argv[]) {
    const options o = parse_command_line(argc, argv);

    // The .torrent, the file it describes, and where the tracker is.
    net::result<bt::metainfo> parsed = bt::parse_torrent(read_file(o.torrent_path));
    if (!parsed) cli::fail(o.torrent_path + ": " + parsed.error().message());
    const bt::metainfo torrent = *parsed;
    bt::storage disk(torrent);
    net::result<bt::bitfield> have = o.seed ? disk.open_complete(o.data_path) : disk.create(o.data_path);
    if (!have) cli::fail(have.error().message());
    net::result<bt::tracker_url> url = bt::parse_tracker_url(torrent.announce);
    if (!url && !o.peers) cli::fail(url.error().message());

    // Listen for neighbours, like any TCP server.
    net::socket welcomingSocket = cli::check(net::server_socket(net::tcp, "", o.port));
    cli::check(welcomingSocket.listen(16));
    net::stop_on_ctrl_c(welcomingSocket);
    const std::uint16_t port = cli::check(welcomingSocket.local_address()).port();
    std::printf("The peer is ready to receive on port %u\n", port);
    std::fflush(stdout);

    const bt::peer_settings settings = settings_from(o);
    bt::swarm peers(torrent, disk, std::move(*have), settings);
    cli::log("peer id ", settings.peer_id, ", ", torrent.piece_count(), " pieces of ", torrent.piece_length,
             " bytes, upload limit ", std::isinf(o.upload_rate) ? "none" : format_rate(o.upload_rate),
             ", download limit ", std::isinf(o.download_rate) ? "none" : format_rate(o.download_rate));
    if (o.seed) cli::print_line("complete t=0.000");
    const std::string no_thread = "cannot start: no thread available (a process limit)";
    // One thread for every neighbour (the event loop), as lab 03's poll() server.
    if (!peers.spawn([&peers, &welcomingSocket] { peers.run(welcomingSocket); })) cli::fail(no_thread);

    // Find the others: the tracker's list, or --peers.
    std::optional<bt::announcer> tracker;
    if (o.peers) {
        for (const auto& [host, p] : *o.peers) bt::start_dialing(peers, host, p);
    } else {
        tracker.emplace(peers, *url, port, o.seed);
        if (!tracker->start()) cli::fail(no_thread);
    }
    run_until_leaving(peers, o, tracker);

    // Leave: tell the tracker, close every connection, wait for every thread.
    if (tracker) tracker->finish();
    peers.stop();  // wakes the event loop, which closes every connection
    peers.join_all();
    return cli::success;
}
