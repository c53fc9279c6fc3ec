// test_distribution.cpp - the grader of lab 04: distribution time.
//
// The student's functions are linked in and called directly, on the
// lecture's example and on swarms built so that each term of the bounds
// binds in turn. The program built from them is run as a child process for
// its command line: bad input, and the one-line --bounds form.
// Each TEST_CASE is one requirement of the handout.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "../../../tests/process/child.hpp"
#include "../distribution.hpp"
#include "../../shared/units.hpp"

namespace {

// ------------------------------------------------------------------ swarms

constexpr double KiB = 1024, MiB = 1024 * KiB, MB = 1e6;

// The lecture's example: F/u = 1 hour, us = 10u, dmin >= us (here 2us).
constexpr double lecture_F = 900 * MiB, lecture_us = 2560 * KiB, lecture_u = 256 * KiB, lecture_d = 5 * MiB;

swarm lecture(int n) {
    return {lecture_F, lecture_us, std::vector<peer>(static_cast<std::size_t>(n), peer{lecture_u, lecture_d})};
}

// F = 1000 MB, us = 10 MB/s; peers given as (ui, di) in MB/s.
swarm in_mb(double us_mb, std::vector<std::pair<double, double>> peers_mb) {
    swarm s{1000 * MB, us_mb * MB, {}};
    for (auto [u, d] : peers_mb) s.peers.push_back({u * MB, d * MB});
    return s;
}

std::string number_text(double value) {
    std::ostringstream text;
    text.precision(10);
    text << value;
    return text.str();
}

// "900 MiB", "10 MB/s": in the units the swarm was written in.
std::string amount(double bytes, bool rate) {
    if (bytes != 0 && std::fmod(bytes, MB) == 0) return number_text(bytes / MB) + (rate ? " MB/s" : " MB");
    return rate ? format_rate(bytes) : format_size(bytes);
}

std::string describe(const swarm& s) {
    std::ostringstream text;
    const std::size_t n = s.peers.size();
    text << "F = " << amount(s.file_size, false) << ", us = " << amount(s.server_upload, true) << ", " << n
         << (n == 1 ? " peer" : " peers");
    if (n == 0) return text.str();
    bool same = true;
    for (const peer& p : s.peers) same = same && p.upload == s.peers[0].upload && p.download == s.peers[0].download;
    if (same) {
        text << (n == 1 ? " with" : ", each with") << " ui = " << amount(s.peers[0].upload, true)
             << ", di = " << amount(s.peers[0].download, true);
        return text.str();
    }
    text << " (ui, di):";
    for (const peer& p : s.peers) text << " (" << amount(p.upload, true) << ", " << amount(p.download, true) << ")";
    return text.str();
}

std::string seconds_text(double seconds) {
    std::ostringstream text;
    text.precision(10);
    text << seconds << " s";
    if (std::abs(seconds) >= 600) text << " = " << seconds / 3600 << " h";
    return text.str();
}

// What is wrong with one bound, or "" when it is right: the time within a
// billionth (the order of the arithmetic may differ), the limit exactly.
std::string check(const char* function, const swarm& s, bound got, double seconds, limit binds) {
    const bool time_ok = std::abs(got.seconds - seconds) <= 1e-9 * std::max(1.0, std::abs(seconds));
    if (time_ok && got.binds == binds) return "";
    std::ostringstream text;
    text << function << " for " << describe(s) << "\n      gave " << seconds_text(got.seconds) << " ("
         << limit_name(got.binds) << "), expected " << seconds_text(seconds) << " (" << limit_name(binds) << ")";
    return text.str();
}

#define CHECK_BOUND(function, s, seconds, binds)                                      \
    do {                                                                              \
        const std::string problem = check(#function, s, function(s), seconds, binds); \
        if (!problem.empty()) FAIL_CHECK(problem);                                    \
    } while (false)

// ------------------------------------------------------------------ the program

std::string program() {
    const char* dir = std::getenv("LAB_BIN");
    return std::string(dir != nullptr && *dir != '\0' ? dir : "build/labs/student/04") + "/distribution";
}

// A peers file for one run, removed when the test ends.
struct temporary_file {
    std::filesystem::path path;
    explicit temporary_file(const std::string& text) {
        static int count = 0;
        path = std::filesystem::temp_directory_path() /
               ("lab04-peers-" + std::to_string(::getpid()) + "-" + std::to_string(++count) + ".txt");
        std::ofstream(path) << text;
    }
    ~temporary_file() {
        std::error_code ignored;
        std::filesystem::remove(path, ignored);
    }
};

std::string command_line(const std::vector<std::string>& args) {
    std::string text = "distribution";
    for (const std::string& a : args) text += " " + a;
    return text;
}

// "N=35 F=... p2p_limit=total-upload" -> {N: 35, ...}
std::map<std::string, std::string> key_values(const std::string& line) {
    std::map<std::string, std::string> values;
    std::istringstream words(line);
    for (std::string word; words >> word;) {
        const std::size_t equals = word.find('=');
        if (equals != std::string::npos) values[word.substr(0, equals)] = word.substr(equals + 1);
    }
    return values;
}

}  // namespace

// ================================================================== the requirements

TEST_CASE("no peers: both bounds are 0" *
          doctest::description("tasks 1 and 2: with N = 0 there is nobody to send to: return {0, limit::no_peers} "
                               "(and never look at peers[0] of an empty list)")) {
    CHECK_BOUND(client_server_time, lecture(0), 0, limit::no_peers);
    CHECK_BOUND(p2p_time, lecture(0), 0, limit::no_peers);
}

TEST_CASE("client-server, the lecture's example: N F/us for N = 1 to 35" *
          doctest::description("task 1: D_cs = max{N F/us, F/dmin}: the server uploads N copies, one after the "
                               "other; F/u = 1 hour and us = 10u make it N/10 hours")) {
    for (int n = 1; n <= 35; ++n) {
        const std::string problem =
            check("client_server_time", lecture(n), client_server_time(lecture(n)), n * 360.0, limit::server_upload);
        if (problem.empty()) continue;
        FAIL_CHECK(problem);
        break;  // one example is enough
    }
}

TEST_CASE("client-server, mixed peers: the slowest download can bind" *
          doctest::description("task 1: dmin is the smallest di of all peers (not the first, not the average): "
                               "no peer gets F bytes in less than F/dmin")) {
    CHECK_BOUND(client_server_time, in_mb(100, {{1, 8}, {1, 2}, {1, 50}}), 500, limit::slowest_download);
    CHECK_BOUND(client_server_time, in_mb(100, {{1, 80}, {1, 50}, {1, 4}, {1, 60}}), 250, limit::slowest_download);
    CHECK_BOUND(client_server_time, in_mb(10, {{1, 80}, {1, 50}, {1, 4}}), 300, limit::server_upload);
}

TEST_CASE("P2P, the lecture's example: max(F/us, N F/(us + N u)) for N = 1 to 35" *
          doctest::description("task 2: D_p2p = max{F/us, F/dmin, N F/(us + sum of ui)}: each peer brings upload "
                               "capacity; in the lecture's example that is max(0.1, N/(10 + N)) hours")) {
    for (int n = 1; n <= 35; ++n) {
        const double total = 3600.0 * n / (10 + n);
        const double seconds = std::max(360.0, total);
        const limit binds = total > 360.0 ? limit::total_upload : limit::server_upload;
        const std::string problem = check("p2p_time", lecture(n), p2p_time(lecture(n)), seconds, binds);
        if (problem.empty()) continue;
        FAIL_CHECK(problem);
        break;
    }
}

TEST_CASE("P2P, mixed peers: the server's upload F/us binds" *
          doctest::description("task 2: the server must send every bit at least once, so D_p2p >= F/us")) {
    CHECK_BOUND(p2p_time, in_mb(10, {{5, 40}, {20, 30}, {10, 50}}), 100, limit::server_upload);
}

TEST_CASE("P2P, mixed peers: the slowest download F/dmin binds" *
          doctest::description("task 2: as in task 1, the slowest peer needs F/dmin, dmin the smallest di of all")) {
    CHECK_BOUND(p2p_time, in_mb(10, {{30, 5}, {20, 40}, {10, 100}}), 200, limit::slowest_download);
}

TEST_CASE("P2P, mixed peers: the total upload N F/(us + sum of ui) binds" *
          doctest::description("task 2: N copies of F leave the server and the peers together, at most at "
                               "us + u1 + ... + uN (the server's upload counts too)")) {
    CHECK_BOUND(p2p_time, in_mb(10, {{2, 50}, {0, 60}, {8, 40}, {1, 80}, {4, 45}, {5, 70}}), 200, limit::total_upload);
}

TEST_CASE("one peer: both bounds are max(F/us, F/d1)" *
          doctest::description("tasks 1 and 2: with N = 1 the server sends one copy, and the peer receives it")) {
    const swarm fast_peer = in_mb(10, {{5, 20}});
    CHECK_BOUND(client_server_time, fast_peer, 100, limit::server_upload);
    CHECK_BOUND(p2p_time, fast_peer, 100, limit::server_upload);
    const swarm slow_peer = in_mb(10, {{5, 5}});
    CHECK_BOUND(client_server_time, slow_peer, 200, limit::slowest_download);
    CHECK_BOUND(p2p_time, slow_peer, 200, limit::slowest_download);
}

TEST_CASE("no peer uploads (all ui = 0): P2P takes as long as client-server" *
          doctest::description("task 2: with u1 = ... = uN = 0 the total upload is us alone, and N F/us is the "
                               "client-server bound again (the division is by us + 0, never by 0)")) {
    for (int n = 2; n <= 20; ++n) {
        const swarm free_riders =
            in_mb(10, std::vector<std::pair<double, double>>(static_cast<std::size_t>(n), {0, 100}));
        std::string problem =
            check("client_server_time", free_riders, client_server_time(free_riders), 100.0 * n, limit::server_upload);
        if (problem.empty())
            problem = check("p2p_time", free_riders, p2p_time(free_riders), 100.0 * n, limit::total_upload);
        if (problem.empty()) continue;
        FAIL_CHECK(problem);
        break;
    }
}

TEST_CASE("a slow downloader binds both bounds: F/dmin" *
          doctest::description("tasks 1 and 2: one peer on a slow line holds everyone's distribution time at "
                               "F/dmin at least, whatever the uploads")) {
    std::vector<std::pair<double, double>> peers(10, {10, 100});
    peers[6] = {10, 1};
    CHECK_BOUND(client_server_time, in_mb(100, peers), 1000, limit::slowest_download);
    CHECK_BOUND(p2p_time, in_mb(100, peers), 1000, limit::slowest_download);
}

TEST_CASE("on a tie, the first term of the lecture's formula is named" *
          doctest::description("tasks 1 and 2: when two terms are equal, name the one that comes first in "
                               "max{...}: only a strictly larger term replaces the one found so far")) {
    CHECK_BOUND(client_server_time, in_mb(10, {{5, 10}}), 100, limit::server_upload);   // N F/us = F/dmin
    CHECK_BOUND(p2p_time, in_mb(10, {{0, 20}}), 100, limit::server_upload);             // F/us = N F/(us + 0)
    CHECK_BOUND(p2p_time, in_mb(10, {{10, 10}, {10, 30}}), 100, limit::server_upload);  // F/us = F/dmin
}

TEST_CASE("rates and sizes that are not whole numbers: nothing is rounded" *
          doctest::description("tasks 1 to 3: F, the rates and every term are doubles: a size in bits ('12bit' is "
                               "1.5 bytes) or a rate of 0.25 B/s is not a whole number, and an int, a long or an "
                               "integer division on the way rounds the answer")) {
    // F = 1.5 bytes, us = 3 B/s, one peer d = 2.5 B/s: N F/us = 0.5, F/dmin = 0.6.
    CHECK_BOUND(client_server_time, (swarm{1.5, 3, {{0.5, 2.5}}}), 0.6, limit::slowest_download);
    // F = 1000, us = 1.5, two peers that upload 0.25 B/s: N F/(us + 0.5) = 1000.
    CHECK_BOUND(p2p_time, (swarm{1000, 1.5, {{0.25, 1000}, {0.25, 1000}}}), 1000, limit::total_upload);
    // F = 7.5, us = 2: F/us = 3.75 binds P2P (one peer, d = 100).
    CHECK_BOUND(p2p_time, (swarm{7.5, 2, {{0, 100}}}), 3.75, limit::server_upload);
    // The smallest download rate that is more than 0 is a peer like any other.
    const peer_list slow = read_peers("0 0.5\n1 1\n");
    INFO("read_peers of '0 0.5\\n1 1\\n' gave the error '" << slow.error << "' and " << slow.peers.size()
                                                                 << " peer(s)");
    REQUIRE(slow.error == "");
    REQUIRE(slow.peers.size() == 2);
    CHECK(slow.peers[0].download == 0.5);
    CHECK(slow.peers[1].download == 1);
}

TEST_CASE("reads a peers file: a peer a line, comments and blank lines skipped" *
          doctest::description("task 3: each line is 'UPLOAD DOWNLOAD', two rates separated by spaces or tabs, "
                               "read with parse_rate; a '#' starts a comment; empty lines are skipped")) {
    const std::string text =
        "# upload   download\n"
        "256KiB/s 5MiB/s\n"
        "  1Mbit/s\t 8Mbit/s   # a DSL line\n"
        "\n"
        "   \n"
        "0 2MiB/s    # a free rider: uploads nothing\n"
        "1000 2000";  // the last line has no '\n'
    const peer_list list = read_peers(text);
    INFO("read_peers of '" << proc::printable(text) << "'");
    CHECK(list.error == "");
    REQUIRE(list.peers.size() == 4);
    CHECK(list.peers[0].upload == 256 * KiB);
    CHECK(list.peers[0].download == 5 * MiB);
    CHECK(list.peers[1].upload == 125000);
    CHECK(list.peers[1].download == 1000000);
    CHECK(list.peers[2].upload == 0);
    CHECK(list.peers[2].download == 2 * MiB);
    CHECK(list.peers[3].upload == 1000);
    CHECK(list.peers[3].download == 2000);
    const peer_list nothing = read_peers("# no peers yet\n");
    CHECK(nothing.error == "");
    CHECK(nothing.peers.empty());
}

TEST_CASE("rejects a bad peers file line, naming its number" *
          doctest::description("task 3: a line that is not two rates, or has a negative upload or a download "
                               "that is not more than 0, makes the error 'line N: ...' (N counts from 1, comment "
                               "and blank lines included), naming the rate at fault")) {
    // Each bad file, the number of its bad line, and the word the error must name.
    const std::vector<std::tuple<std::string, int, std::string>> bad = {
        {"256KiB/s\n", 1, ""},
        {"# header\n256KiB/s 5MiB/s\n1MiB/s 2MiB/s 3MiB/s\n", 3, ""},
        {"1MiB/s fast\n", 1, "fast"},
        {"slow 1MiB/s\n", 1, "slow"},
        {"1MiB/s 5MiB/s\n-1MiB/s 5MiB/s\n", 2, "-1MiB/s"},
        {"1MiB/s 0KiB/s\n", 1, "0KiB/s"},
        {"\n\n1MiB/s -2MiB/s\n", 3, "-2MiB/s"},
        {"1XiB/s 2MiB/s\n", 1, "1XiB/s"},
    };
    for (const auto& [text, line, word] : bad) {
        const peer_list list = read_peers(text);
        const std::string expected = "line " + std::to_string(line) + ": ";
        if (list.error.rfind(expected, 0) == 0 && list.error.size() > expected.size() &&
            list.error.find(word) != std::string::npos)
            continue;
        FAIL_CHECK("read_peers of '" << proc::printable(text) << "' gave the error '" << list.error << "', expected '"
                                     << expected << "' and what is wrong"
                                     << (word.empty() ? "" : ", naming the word at fault, '" + word + "'"));
        break;
    }
}

TEST_CASE("the program: bad input ends with exit status 2 and one line on stderr" *
          doctest::description("task 3 (a bad peers file), and the given command line: one line on stderr "
                               "saying what is wrong, nothing on stdout, exit status 2")) {
    const temporary_file bad_peers("1MiB/s 5MiB/s\nbad line here\n");
    const std::vector<std::vector<std::string>> bad = {
        {"--colour", "red"},
        {"--server", "0"},
        {"--download", "-5MiB/s"},
        {"--file", "12XiB"},
        {"--peers", "many"},
        {"--server"},
        {"--peers-file", bad_peers.path.string()},
    };
    for (const auto& args : bad) {
        std::vector<std::string> argv{program()};
        argv.insert(argv.end(), args.begin(), args.end());
        const proc::outcome run = proc::run(argv);
        const std::vector<std::string> lines = run.error_lines();
        std::string problem;
        if (run.end.code != 2)
            problem = "the exit status should be 2";
        else if (lines.size() != 1 || lines[0].empty())
            problem = "stderr should be one line saying what is wrong";
        else if (!run.out.empty())
            problem = "nothing should go to stdout";
        else if (args[0] == "--peers-file" && lines[0].find("line 2") == std::string::npos)
            problem = "the message should name the bad line, line 2";
        if (problem.empty()) continue;
        FAIL_CHECK("'" << command_line(args) << "': " << problem << "\n      it ended with " << run.describe());
        break;
    }
}

TEST_CASE("the program: --bounds prints both bounds in one line" *
          doctest::description("tasks 1 to 3: 'distribution --bounds' prints N, F, us, client_server, "
                               "client_server_limit, p2p and p2p_limit, from your functions, as key=value")) {
    const temporary_file mixed(
        "# six peers, MB/s\n2MB/s 50MB/s\n0 60MB/s\n8MB/s 40MB/s\n1MB/s 80MB/s\n"
        "4MB/s 45MB/s\n5MB/s 70MB/s\n");
    struct expectation {
        std::vector<std::string> args;
        std::map<std::string, std::string> words;
        std::map<std::string, double> numbers;
    };
    const std::vector<expectation> runs = {
        {{"--bounds"},
         {{"client_server_limit", "server-upload"}, {"p2p_limit", "total-upload"}},
         {{"N", 35}, {"F", lecture_F}, {"us", lecture_us}, {"client_server", 12600}, {"p2p", 2800}}},
        {{"--bounds", "--file", "1000MB", "--server", "10MB/s", "--peers-file", mixed.path.string()},
         {{"client_server_limit", "server-upload"}, {"p2p_limit", "total-upload"}},
         {{"N", 6}, {"F", 1e9}, {"us", 1e7}, {"client_server", 600}, {"p2p", 200}}},
    };
    for (const expectation& e : runs) {
        std::vector<std::string> argv{program()};
        argv.insert(argv.end(), e.args.begin(), e.args.end());
        const proc::outcome run = proc::run(argv);
        const std::vector<std::string> lines = proc::split_lines(run.out);
        std::string problem;
        if (run.end.code != 0)
            problem = "the exit status should be 0";
        else if (lines.size() != 1)
            problem = "stdout should be exactly one line";
        const std::map<std::string, std::string> got = key_values(lines.empty() ? "" : lines[0]);
        for (const auto& [key, word] : e.words)
            if (problem.empty() && (got.count(key) == 0 || got.at(key) != word)) problem = key + " should be " + word;
        for (const auto& [key, number] : e.numbers)
            if (problem.empty() &&
                (got.count(key) == 0 || std::abs(std::strtod(got.at(key).c_str(), nullptr) - number) > 1e-6 * number))
                problem = key + " should be " + number_text(number);
        if (problem.empty()) continue;
        FAIL_CHECK("'" << command_line(e.args) << "': " << problem << "\n      it ended with " << run.describe());
        break;
    }
}
