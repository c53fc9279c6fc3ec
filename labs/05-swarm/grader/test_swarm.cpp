// test_swarm.cpp - lab 05's end-to-end requirements: small swarms of the peer
// built with the student's policy.cpp, as separate processes on loopback.
//
// Every peer takes --port 0 and says its port on its first line; the others
// get it with --peers (no tracker needed). Each peer prints "complete t=T"
// (T: seconds since it started); the grader notes when it started each one,
// so that every time is on the grader's clock. Files are compared byte for
// byte. The file is small (2 MiB in 32 pieces) and --time-scale 0.1 makes
// the choker's 10 s and 30 s into 1 s and 3 s.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "../../../tests/process/child.hpp"
#include "../../grader/line_reader.hpp"
#include "metainfo.hpp"

namespace {

using clock_type = std::chrono::steady_clock;
constexpr std::int64_t file_size = 2 << 20;     // 2 MiB
constexpr std::int64_t piece_length = 65536;    // 32 pieces of 64 KiB

std::string peer_program() {
    const char* dir = std::getenv("LAB_BIN");
    return std::string(dir != nullptr && *dir != '\0' ? dir : "build/labs/student/05") + "/peer";
}

double seconds_since(clock_type::time_point start) {
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

// A folder with the file to share and its .torrent, removed at the end.
struct workspace {
    std::filesystem::path dir;
    std::string data;
    workspace() {
        dir = std::filesystem::temp_directory_path() / ("lab05-grader-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir);
        std::mt19937 random(2024);
        data.resize(static_cast<std::size_t>(file_size));
        for (char& c : data) c = static_cast<char>(random() & 0xff);
        std::ofstream(dir / "file.bin", std::ios::binary) << data;
        std::istringstream content(data);
        bt::result<bt::metainfo> torrent =
            bt::make_metainfo(content, "file.bin", "http://127.0.0.1:1/announce", piece_length);
        REQUIRE(torrent.ok());
        std::ofstream(dir / "file.torrent", std::ios::binary) << bt::encode_torrent(*torrent);
    }
    ~workspace() {
        std::error_code ignored;
        std::filesystem::remove_all(dir, ignored);
    }
    std::string path(const std::string& name) const { return (dir / name).string(); }
    bool holds_the_file(const std::string& name) const {
        std::ifstream in(dir / name, std::ios::binary);
        std::string got((std::istreambuf_iterator<char>(in)), {});
        return got == data;
    }
};

// One peer process, started at `started` on the grader's clock.
struct peer_process {
    proc::child process;
    std::string name;
    std::uint16_t port = 0;
    double started = 0;

    // Its "complete t=T" line, as a time on the grader's clock.
    double completion() {
        process.read_until("complete t=");
        std::string line = process.read_line();
        return started + std::atof(line.c_str());
    }
};

// Starts a peer and reads its ready line.
peer_process start_peer(const workspace& w, const std::string& name, std::vector<std::string> extra,
                        clock_type::time_point origin) {
    std::vector<std::string> argv{peer_program(), w.path("file.torrent"), "--data", w.path(name), "--port", "0",
                                  "--time-scale", "0.1", "-q"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    const double started = seconds_since(origin);
    proc::child process(argv);
    const std::string ready = process.read_line();
    std::string port;
    INFO("the peer's first line: '" << ready << "'");
    REQUIRE(grading::reader(ready).text("The peer is ready to receive on port ").number(port).at_end());
    return {std::move(process), name, static_cast<std::uint16_t>(std::atoi(port.c_str())), started};
}

std::string address(const peer_process& p) { return "127.0.0.1:" + std::to_string(p.port); }

// "progress t=1.234 pieces=17/32 ...": the time and the pieces.
struct progress_line {
    double t = 0;
    int pieces = 0;
};
std::optional<progress_line> parse_progress(const std::string& line) {
    std::string t, pieces;
    if (!grading::reader(line).text("progress t=").until(" ", t).text(" pieces=").number(pieces).ok())
        return std::nullopt;
    return progress_line{std::atof(t.c_str()), std::atoi(pieces.c_str())};
}

// A seed, then `count` peers, each told about the seed and the peers before it.
struct swarm_of {
    std::vector<peer_process> peers;  // [0] is the seed
    std::string everyone;             // "127.0.0.1:P,127.0.0.1:Q,..."

    swarm_of(const workspace& w, const std::string& seed_rate, clock_type::time_point origin) {
        std::error_code ignored;
        std::filesystem::copy_file(w.path("file.bin"), w.path("seed.bin"), ignored);
        peers.push_back(start_peer(w, "seed.bin", {"--seed", "--peers", "", "--upload-rate", seed_rate}, origin));
        everyone = address(peers[0]);
    }
    peer_process& add(const workspace& w, const std::string& name, const std::string& rate,
                      clock_type::time_point origin, std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"--peers", everyone, "--upload-rate", rate};
        args.insert(args.end(), extra.begin(), extra.end());
        peers.push_back(start_peer(w, name, args, origin));
        everyone += "," + address(peers.back());
        return peers.back();
    }
};

}  // namespace

TEST_CASE("a swarm with your policies completes, every file correct, within 2x the P2P bound" *
          doctest::description("task 1 and task 2: run `make lab05-peer` and try a swarm by hand (see the "
                               "handout); a swarm that stalls usually means pick_piece returns a piece the "
                               "neighbour lacks, or choose_unchoked unchokes nobody")) {
    // A seed at 1 MiB/s and six peers at 512 KiB/s: D_p2p = max(F/us, N F/(us + N u)) = max(2 s, 3 s) = 3 s.
    // A seventh peer is killed (SIGKILL) mid-transfer: the others must not notice.
    const double bound = 3.0;
    workspace w;
    const auto origin = clock_type::now();
    swarm_of swarm(w, "1MiB/s", origin);
    for (int i = 1; i <= 6; ++i) {
        swarm.add(w, "peer" + std::to_string(i) + ".bin", "512KiB/s", origin, {"--leave-when-done"});
        if (i == 3) swarm.add(w, "killed.bin", "512KiB/s", origin, {"--progress", "0.2"});
    }
    // Kill the churning peer once it has a few pieces.
    peer_process& killed = swarm.peers[4];
    while (true) {
        std::optional<progress_line> p = parse_progress(killed.process.read_line());
        if (p && p->pieces >= 3) break;
    }
    killed.process.send_signal(SIGKILL);
    const double first_start = swarm.peers[1].started;
    double last = 0;
    std::ostringstream times;
    for (std::size_t i = 1; i < swarm.peers.size(); ++i) {
        if (i == 4) continue;
        const double done = swarm.peers[i].completion();
        last = std::max(last, done - first_start);
        times << " " << swarm.peers[i].name << " at " << done - first_start << " s;";
    }
    INFO("six peers completed:" << times.str() << " the last after " << last << " s, against 2 x D_p2p = "
         << 2 * bound << " s (+1 s to start the processes)");
    CHECK(last <= 2 * bound + 1);
    for (std::size_t i = 1; i < swarm.peers.size(); ++i) {
        if (i == 4) continue;
        INFO(swarm.peers[i].name << " differs from the seed's file");
        CHECK(w.holds_the_file(swarm.peers[i].name));
    }
}

TEST_CASE("tit-for-tat: a free rider gets less while the others trade" *
          doctest::description("task 2: rank by download_rate (the rate each neighbour sends to us), keep only "
                               "the top 4 and one optimistic unchoke: a peer that never uploads then gets "
                               "only optimistic unchokes")) {
    // A seed at 2 MiB/s, eight peers at 256 KiB/s that stay when they are
    // done, and, started with them, a free rider (--upload-rate 0) that
    // knows only the eight peers: a seed ranks by upload rate and serves
    // whoever takes the most, a free rider as well as anyone, so the rider
    // gets nothing but what the eight peers' chokers give it. With
    // tit-for-tat it is in nobody's top 4 while the peers trade: it gets
    // optimistic unchokes, and the rest once peers have the whole file. It
    // completes about 1.6 times as late as the median peer (the reference
    // solution: 1.50x to 1.65x, idle or beside a parallel build); unchoking
    // every interested peer gives it an equal share of the peers' uploads,
    // and 1.15x to 1.21x. The bound, 1.35x, is halfway between (in ratio).
    workspace w;
    const auto origin = clock_type::now();
    swarm_of swarm(w, "2MiB/s", origin);
    std::string eight;
    for (int i = 1; i <= 8; ++i) {
        const peer_process& p = swarm.add(w, "peer" + std::to_string(i) + ".bin", "256KiB/s", origin);
        eight += (eight.empty() ? "" : ",") + address(p);
    }
    peer_process rider =
        start_peer(w, "rider.bin", {"--peers", eight, "--upload-rate", "0", "--progress", "60"}, origin);

    std::vector<double> took;  // each peer's time from its start to its file
    std::ostringstream times;
    for (std::size_t i = 1; i <= 8; ++i) {
        took.push_back(swarm.peers[i].completion() - swarm.peers[i].started);
        times << " " << took.back();
    }
    std::sort(took.begin(), took.end());
    const double median = (took[3] + took[4]) / 2;
    const double rider_took = rider.completion() - rider.started;
    INFO("the eight uploading peers completed in" << times.str() << " s (median " << median
         << " s); the free rider, started with them, in " << rider_took << " s: " << rider_took / median
         << " times the median (at least 1.35 expected)");
    CHECK(rider_took >= 1.35 * median);
    INFO("the free rider's file differs from the seed's");
    CHECK(w.holds_the_file("rider.bin"));
}
