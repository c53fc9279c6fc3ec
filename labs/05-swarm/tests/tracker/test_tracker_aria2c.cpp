// test_tracker_aria2c.cpp - a real BitTorrent client through our tracker:
// an aria2c seed and an aria2c downloader meet only through bin/tracker
// (no DHT, no peer exchange, no local discovery), and the file arrives
// byte for byte. This checks the tracker alone: no program of ours trades
// a piece. Skipped, with a message, when aria2c is not installed.
#include <doctest/doctest.h>

#include <stdlib.h>

#include <csignal>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "../../../../tests/process/child.hpp"
#include "../../../../tests/process/peer.hpp"

using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// A fresh folder, removed at the end of the test.
struct temporary_folder {
    temporary_folder() {
        std::string pattern = (fs::temp_directory_path() / "tracker-aria2c-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        path = pattern;
    }
    ~temporary_folder() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
    fs::path path;
};

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// aria2c, talking to nobody but the torrent's tracker and the peers it names.
std::vector<std::string> aria2c(const std::string& path, const fs::path& folder, std::uint16_t listen_port) {
    return {path,
            "--dir=" + folder.string(),
            "--listen-port=" + std::to_string(listen_port),
            "--enable-dht=false",
            "--enable-dht6=false",
            "--bt-enable-lpd=false",
            "--enable-peer-exchange=false",
            "--summary-interval=0",
            "--console-log-level=warn",
            "--download-result=hide"};
}

// The tracker's status page, asked until `wanted` appears on it (or the test fails).
std::string wait_for_status(std::uint16_t tracker, const std::string& wanted) {
    const auto deadline = proc::clock::now() + proc::patience;
    std::string status;
    while (proc::clock::now() < deadline) {
        peer::tcp client(tracker);
        client.send("GET /status.txt HTTP/1.1\r\n\r\n");
        status = client.read_to_end();
        if (status.find(wanted) != std::string::npos) return status;
        std::this_thread::sleep_for(50ms);  // the next look; aria2c announces when it is ready
    }
    FAIL("the tracker never showed '" << wanted << "':\n" << status);
    return status;
}

}  // namespace

TEST_CASE("tracker process: an aria2c seed and an aria2c downloader meet through it, and the file arrives whole") {
    std::optional<std::string> client = proc::find_in_path("aria2c");
    if (!client) {
        MESSAGE("skipped: aria2c is not installed (apt-get install aria2)");
        return;
    }
    temporary_folder work;
    fs::create_directories(work.path / "seed");
    fs::create_directories(work.path / "download");
    std::string file(3 * 262144 + 12345, '\0');  // 4 pieces, the last one short
    std::mt19937 random(5);
    for (char& c : file) c = static_cast<char>(random());
    std::ofstream(work.path / "seed" / "lecture.bin", std::ios::binary) << file;

    proc::server tracker = proc::start_server("tracker");
    const std::string torrent = (work.path / "lecture.torrent").string();
    proc::outcome made = proc::run({proc::program("make_torrent"), (work.path / "seed" / "lecture.bin").string(),
                                    "http://127.0.0.1:" + std::to_string(tracker.port) + "/announce", "-o", torrent});
    REQUIRE_MESSAGE(made.end.code == 0, made.describe());

    // The seed checks its copy against the torrent, then seeds until stopped.
    std::vector<std::string> seed_argv = aria2c(*client, work.path / "seed", peer::closed_tcp_port());
    seed_argv.insert(seed_argv.end(), {"--check-integrity=true", "--seed-ratio=0.0", torrent});
    proc::child seed(seed_argv);
    wait_for_status(tracker.port, "seed=yes");

    // The downloader learns of the seed from the tracker alone, and stops once it has the file.
    std::vector<std::string> download_argv = aria2c(*client, work.path / "download", peer::closed_tcp_port());
    download_argv.insert(download_argv.end(), {"--seed-time=0", torrent});
    proc::child download(download_argv);
    proc::ending downloaded = download.wait(60s);
    INFO("aria2c downloader: " << download.error_text());
    CHECK(downloaded.describe() == "exit status 0");
    CHECK(read_file(work.path / "download" / "lecture.bin") == file);

    // The tracker saw both, and saw the downloader complete and leave.
    std::string status = wait_for_status(tracker.port, "state=gone");
    INFO(status);
    CHECK(status.find(" size=798777 peers=2 live=1 seeds=1 downloaders=1 completed=1") != std::string::npos);
    CHECK(status.find("id=A2-") != std::string::npos);  // aria2c's peer ids

    seed.send_signal(SIGINT);
    seed.wait(30s);
    tracker.process.send_signal(SIGINT);
    CHECK(tracker.process.wait().describe() == "exit status 0");
    const std::string log = tracker.process.error_text();
    CHECK(log.find("GET /announce 200 started") != std::string::npos);
    CHECK(log.find("GET /announce 200 stopped") != std::string::npos);
}
