// test_pinger.cpp - the grader of lab 01: the UDP pinger.
//
// The pinger runs several times at once, each against its own server:
//   - bin/udp_server --loss 0     every ping gets its reply;
//   - bin/udp_server --loss 0.3   with a few seeds: which pings are dropped is
//     known in advance, because the server draws one random number per
//     datagram it receives (labs/shared/loss.hpp), the same ones for the same seed;
//   - bin/udp_server --loss 1     every ping is dropped;
//   - a server played by this grader, which sees the datagrams themselves,
//     holds one reply back, answers one ping late and another one twice.
// Each TEST_CASE below is one requirement of the handout and checks every
// run where that requirement applies.
#include <doctest/doctest.h>

#include "../../grader/lateness.hpp"
#include "../../grader/line_reader.hpp"
#include "../../grader/shared_work.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "../../../tests/process/child.hpp"
#include "../../../tests/process/peer.hpp"
#include "../../shared/loss.hpp"

namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using steady = std::chrono::steady_clock;

constexpr int ping_count = 10;
const std::vector<std::uint64_t> loss_seeds = {7, 10, 5, 57};
constexpr std::uint64_t one_reply_seed = 4;  // --loss 0.9 --seed 4 answers ping 7 only
constexpr std::uint64_t two_replies_seed = 1;  // --loss 0.8 --seed 1 answers pings 3 and 7 only

// The student's pinger: $LAB_BIN/pinger (make sets LAB_BIN for each variant).
std::string pinger_path() {
    const char* dir = std::getenv("LAB_BIN");
    return std::string(dir != nullptr && *dir != '\0' ? dir : "build/labs/student/01") + "/pinger";
}

// Which of the ten pings `udp_server --loss F --seed S` drops. The server
// draws once for every datagram it receives, so ping i meets draw i
// (as long as the pinger sends each ping once).
std::vector<bool> predicted_drops(double fraction, std::uint64_t seed) {
    loss_simulator loss(fraction, seed);
    std::vector<bool> dropped;
    for (int i = 0; i < ping_count; ++i) dropped.push_back(loss.drop());
    return dropped;
}

std::string list_of(const std::vector<bool>& lost) {
    std::string text;
    for (int i = 0; i < ping_count; ++i) {
        if (!lost[static_cast<std::size_t>(i)]) continue;
        text += (text.empty() ? "" : ", ") + std::to_string(i + 1);
    }
    return text.empty() ? "none" : text;
}

// ------------------------------------------------------------------ the output's lines

using grading::reader;  // reads a line of a known form, step by step

// "Reply from ADDRESS: seq=N rtt=X.XXX ms"
struct reply_line {
    std::string from, seq, rtt;
};
std::optional<reply_line> parse_reply(const std::string& line) {
    reply_line r;
    if (reader(line)
            .text("Reply from ")
            .until(": seq=", r.from)
            .text(": seq=")
            .number(r.seq)
            .text(" rtt=")
            .decimal(r.rtt, 3)
            .text(" ms")
            .at_end())
        return r;
    return std::nullopt;
}

// "Request timed out: seq=N" -> N
std::optional<std::string> parse_timeout(const std::string& line) {
    std::string seq;
    if (reader(line).text("Request timed out: seq=").number(seq).at_end()) return seq;
    return std::nullopt;
}

// "rtt min/avg/max = MIN/AVG/MAX ms"
struct rtt_line {
    std::string min, avg, max;
};
std::optional<rtt_line> parse_rtt_line(const std::string& line) {
    rtt_line r;
    if (reader(line)
            .text("rtt min/avg/max = ")
            .decimal(r.min, 3)
            .text("/")
            .decimal(r.avg, 3)
            .text("/")
            .decimal(r.max, 3)
            .text(" ms")
            .at_end())
        return r;
    return std::nullopt;
}

bool is_reply(const std::string& line) { return line.rfind("Reply from ", 0) == 0; }
bool is_timeout(const std::string& line) { return line.rfind("Request timed out", 0) == 0; }

// "0.123" -> 123: RTTs in thousandths of a millisecond, exact to compare.
// (Absurdly long numbers saturate instead of overflowing.)
long long thousandths(const std::string& decimal) {
    long long value = 0;
    for (char c : decimal) {
        if (c < '0' || c > '9') continue;
        value = value < 1'000'000'000'000LL ? value * 10 + (c - '0') : value;
    }
    return value;
}

// ------------------------------------------------------------------ one run of the pinger

// Timers this late mean a busy machine: the times of that collection are
// not trusted, and the pingers run again (twice at most).
constexpr milliseconds busy_machine{150};

struct run {
    std::string against;  // what the pinger talked to, for messages
    std::uint16_t port = 0;
    std::vector<bool> lost;     // which pings get no reply (index 0 is seq 1)
    milliseconds held_back{0};  // how long the server sat on replies on purpose
    milliseconds busy{0};       // how late the grader's timers ran meanwhile (a busy machine)

    bool ended_by_itself = false;
    proc::ending end;
    std::string out, err;
    milliseconds elapsed{0};
    std::vector<std::string> lines;

    int lost_count() const { return static_cast<int>(std::count(lost.begin(), lost.end(), true)); }
    std::string host_port() const { return "127.0.0.1:" + std::to_string(port); }
    std::string line(std::size_t i) const { return i < lines.size() ? lines[i] : std::string("(no such line)"); }

    // For messages: what ran and everything it printed.
    std::string describe() const {
        std::ostringstream text;
        text << "the run: pinger 127.0.0.1 " << port << ", against " << against << "\n";
        if (!ended_by_itself)
            text << "        it was still running after " << elapsed.count() << " ms and was stopped\n";
        else
            text << "        it ended with " << end.describe() << " after " << elapsed.count() << " ms\n";
        text << "        its stdout:" << (lines.empty() ? " (nothing)" : "");
        for (std::size_t i = 0; i < lines.size() && i < 30; ++i)
            text << "\n        " << (i + 1 < 10 ? " " : "") << i + 1 << "| " << proc::printable(lines[i]);
        if (lines.size() > 30) text << "\n        ... (" << lines.size() << " lines)";
        if (!err.empty()) text << "\n        its stderr: '" << proc::printable(err, 600) << "'";
        if (busy > busy_machine)
            text << "\n        (the machine was busy during this run, even after two more tries: the grader's own "
                 << "20 ms timers came up to " << busy.count() << " ms late, and so may your pinger's)";
        return text.str();
    }
};

// ------------------------------------------------------------------ the grader's own server

// What the scripted server does with ping N:
//   1, 4, 5, 7, 8  reply at once
//   2              reply 300 ms late (the RTT must show it)
//   3              no reply in time; the reply is sent just before ping 4's,
//                  so it arrives while the pinger waits for ping 4
//   6              no reply at all; instead, while the pinger waits for it, a
//                  stray datagram every 300 ms for 1.8 s (a copy of the reply
//                  to ping 5, or a datagram that is no reply at all): a pinger
//                  that waits a new second after each of them sends ping 7
//                  only 2.8 s after ping 6, not 1 s
//   9              reply twice (the copy arrives while waiting for ping 10)
//   10             no reply at all
// Each reply is the ping in upper case, as udp_server would send it.
const std::vector<bool> script_lost = {false, false, true, false, false, true, false, false, false, true};
constexpr milliseconds script_delay{300};
constexpr int stray_seq = 6;                  // the ping during whose wait the strays come
constexpr milliseconds stray_every{300};      // one stray datagram this often
constexpr milliseconds stray_for{1800};       // for this long after the ping came

struct script_log {
    std::mutex mutex;
    std::vector<std::string> datagrams;
    std::vector<std::chrono::system_clock::time_point> arrived;  // for the time in the message
    std::vector<steady::time_point> arrived_steady;              // for the gaps between pings
    std::vector<std::optional<steady::time_point>> replied;      // [seq]: when its (first) reply left
    int strays = 0;                                              // stray datagrams sent
};

std::string ascii_upper(std::string s) {
    for (char& c : s)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return s;
}

// The N of "Ping N ...", or nothing.
std::optional<int> ping_seq(const std::string& datagram) {
    std::string seq;
    reader r(datagram);
    r.text("Ping ").number(seq);
    if (!r.ok() || seq.size() > 6 || !(r.at_end() || r.next_is(' '))) return std::nullopt;
    return std::stoi(seq);
}

// Runs in its own thread while the pinger runs; uses no doctest macros.
void serve_script(net::socket& socket, script_log& log, const std::atomic<bool>& stop) {
    std::vector<char> buffer(65536);
    struct scheduled {
        steady::time_point due;
        std::string bytes;
        net::address to;
        int reply_to;  // the seq it answers (for the log), 0 for a stray
    };
    std::vector<scheduled> later;                               // ping 2's reply, the strays
    std::optional<std::pair<std::string, net::address>> late;  // ping 3's reply
    std::string reply_to_5 = "PING 5";                         // what the strays copy
    const auto send_now = [&](const std::string& bytes, const net::address& to, int reply_to) {
        (void)socket.sendto(bytes, to);
        std::lock_guard<std::mutex> lock(log.mutex);
        if (reply_to == 0) ++log.strays;
        if (reply_to > 0 && reply_to < static_cast<int>(log.replied.size()) && !log.replied[reply_to])
            log.replied[reply_to] = steady::now();
    };
    while (!stop) {
        // What falls due is sent first, in order.
        std::sort(later.begin(), later.end(), [](const scheduled& a, const scheduled& b) { return a.due < b.due; });
        while (!later.empty() && steady::now() >= later.front().due) {
            send_now(later.front().bytes, later.front().to, later.front().reply_to);
            later.erase(later.begin());
        }
        // Wait for a datagram, but wake up for a send that falls due and to
        // notice `stop` (every wait is short and bounded).
        milliseconds wait = 100ms;
        if (!later.empty())
            wait = std::clamp(std::chrono::ceil<milliseconds>(later.front().due - steady::now()), 1ms, 100ms);
        auto got = socket.recvfrom(buffer.data(), buffer.size(), steady::now() + wait);
        if (!got) continue;
        auto [size, from] = got.value();
        const std::string datagram(buffer.data(), size);
        {
            std::lock_guard<std::mutex> lock(log.mutex);
            log.datagrams.push_back(datagram);
            log.arrived.push_back(std::chrono::system_clock::now());
            log.arrived_steady.push_back(steady::now());
        }
        const std::string reply = ascii_upper(datagram);
        const int seq = ping_seq(datagram).value_or(0);
        // The ping after the one with strays: they have done their work.
        if (seq == stray_seq + 1)
            later.erase(std::remove_if(later.begin(), later.end(), [](const scheduled& s) { return s.reply_to == 0; }),
                        later.end());
        switch (seq) {
            case 2: later.push_back({steady::now() + script_delay, reply, from, 2}); break;
            case 3: late = std::make_pair(reply, from); break;
            case 4:
                if (late) send_now(late->first, late->second, -1);  // too late to count as a reply
                late.reset();
                send_now(reply, from, 4);
                break;
            case 5:
                reply_to_5 = reply;
                send_now(reply, from, 5);
                break;
            case stray_seq:
                for (milliseconds at = stray_every; at <= stray_for; at += stray_every) {
                    const bool copy = (at / stray_every) % 2 == 1;
                    later.push_back({steady::now() + at, copy ? reply_to_5 : std::string("HELLO? ANYBODY THERE?"),
                                     from, 0});
                }
                break;
            case 10: break;
            case 9:
                send_now(reply, from, 9);
                send_now(reply, from, 9);
                break;
            default: send_now(reply, from, seq); break;
        }
    }
}

// ------------------------------------------------------------------ all runs, at once

struct all_runs {
    run clean;                // udp_server --loss 0
    std::vector<run> seeded;  // udp_server --loss 0.3 --seed S
    run one_reply;            // udp_server --loss 0.9 --seed S: exactly one ping is answered
    run two_replies;          // udp_server --loss 0.8 --seed S: exactly two are (one jitter difference)
    run silent;               // udp_server --loss 1
    run scripted;             // the grader's own server
    std::vector<std::string> scripted_datagrams;
    std::vector<std::chrono::system_clock::time_point> scripted_arrivals;
    std::vector<steady::time_point> scripted_arrivals_steady;
    std::vector<std::optional<steady::time_point>> scripted_replied;  // [seq]
    int strays = 0;

    std::vector<const run*> every() const {
        std::vector<const run*> all{&clean};
        for (const run& r : seeded) all.push_back(&r);
        all.push_back(&scripted);
        all.push_back(&one_reply);
        all.push_back(&two_replies);
        all.push_back(&silent);
        return all;
    }
};

// Stops and joins the scripted server's thread, however the collection ends.
struct script_thread {
    std::atomic<bool> stop{false};
    std::thread thread;
    ~script_thread() {
        stop = true;
        if (thread.joinable()) thread.join();
    }
};

all_runs collect() {
    grading::lateness_watch lateness;
    all_runs result;
    std::deque<proc::server> servers;  // they live until every pinger has ended

    auto against_server = [&](run& r, const std::string& loss, std::optional<std::uint64_t> seed) {
        std::vector<std::string> extra{"-q", "--loss", loss};
        if (seed) extra.insert(extra.end(), {"--seed", std::to_string(*seed)});
        servers.push_back(proc::start_server("udp_server", extra));
        r.port = servers.back().port;
        r.against = "udp_server --loss " + loss + (seed ? " --seed " + std::to_string(*seed) : "");
    };

    result.clean.lost.assign(ping_count, false);
    against_server(result.clean, "0", std::nullopt);
    for (std::uint64_t seed : loss_seeds) {
        run r;
        r.lost = predicted_drops(0.3, seed);
        against_server(r, "0.3", seed);
        r.against += " (it drops pings " + list_of(r.lost) + ")";
        result.seeded.push_back(std::move(r));
    }
    result.one_reply.lost = predicted_drops(0.9, one_reply_seed);
    against_server(result.one_reply, "0.9", one_reply_seed);
    result.one_reply.against += " (it drops every ping but ping " + std::to_string(
        std::find(result.one_reply.lost.begin(), result.one_reply.lost.end(), false) - result.one_reply.lost.begin() + 1) + ")";
    result.two_replies.lost = predicted_drops(0.8, two_replies_seed);
    against_server(result.two_replies, "0.8", two_replies_seed);
    std::vector<bool> answered;
    for (bool lost : result.two_replies.lost) answered.push_back(!lost);
    result.two_replies.against += " (it answers pings " + list_of(answered) + " only)";
    result.silent.lost.assign(ping_count, true);
    against_server(result.silent, "1", std::nullopt);
    result.silent.against += " (it drops every ping)";

    peer::bound_udp fake;
    script_log log;
    log.replied.resize(ping_count + 1);
    result.scripted.port = fake.port;
    result.scripted.lost = script_lost;
    result.scripted.held_back = script_delay;
    result.scripted.against =
        "the grader's server: it answers ping 2 after 300 ms, ping 3 only just before ping 4 (too late), "
        "ping 9 twice, and never answers pings 6 and 10; while the pinger waits for ping 6, it sends a stray "
        "datagram every 300 ms for 1.8 s";
    script_thread script;
    script.thread = std::thread(serve_script, std::ref(fake.socket), std::ref(log), std::cref(script.stop));

    // Every pinger at once; then each is collected, the quickest first, so
    // that the time measured for each is (very nearly) its own.
    std::vector<run*> order = {&result.clean};
    for (run& r : result.seeded) order.push_back(&r);
    order.push_back(&result.scripted);
    order.push_back(&result.one_reply);
    order.push_back(&result.two_replies);
    order.push_back(&result.silent);
    std::stable_sort(order.begin(), order.end(), [](const run* a, const run* b) {
        return a->lost_count() * 1000 + a->held_back.count() < b->lost_count() * 1000 + b->held_back.count();
    });

    std::deque<proc::child> pingers;
    std::vector<steady::time_point> started;
    for (run* r : order) {
        started.push_back(steady::now());
        pingers.emplace_back(std::vector<std::string>{pinger_path(), "127.0.0.1", std::to_string(r->port)});
    }

    // Ten lost pings take ten seconds; nothing may take much more than that.
    const steady::time_point give_up = steady::now() + 25s;
    for (std::size_t i = 0; i < order.size(); ++i) {
        run& r = *order[i];
        proc::child& p = pingers[i];
        std::optional<proc::ending> end = p.wait_for(std::max(give_up - steady::now(), steady::duration::zero()));
        r.elapsed = std::chrono::duration_cast<milliseconds>(steady::now() - started[i]);
        r.ended_by_itself = end.has_value();
        if (!end) {
            p.send_signal(SIGKILL);
            end = p.wait();
        }
        r.end = *end;
        r.out = p.read_to_end();
        r.err = p.error_text();
        r.lines = proc::split_lines(r.out);
        if (&r == &result.scripted) {
            script.stop = true;
            if (script.thread.joinable()) script.thread.join();
            std::lock_guard<std::mutex> lock(log.mutex);
            result.scripted_datagrams = log.datagrams;
            result.scripted_arrivals = log.arrived;
            result.scripted_arrivals_steady = log.arrived_steady;
            result.scripted_replied = log.replied;
            result.strays = log.strays;
        }
    }
    lateness.finish();
    for (run* r : {&result.clean, &result.scripted, &result.one_reply, &result.two_replies, &result.silent})
        r->busy = lateness.worst();
    for (run& r : result.seeded) r.busy = lateness.worst();
    return result;
}

// Every pinger, against every server, at once; again if the machine was too
// busy to time them (the quietest of three collections counts).
const all_runs& runs() {
    static std::optional<all_runs> cached;
    for (int attempt = 0; attempt < 3 && (!cached || cached->clean.busy > busy_machine); ++attempt) {
        all_runs next = collect();
        if (!cached || next.clean.busy < cached->clean.busy) cached = std::move(next);
    }
    return *cached;
}

// Every requirement but the first reads these runs: they are made once,
// before the requirements' processes start.
const bool collected_first = grading::before_requirements([] { runs(); });

}  // namespace

// One problem with one run: what is wrong, then what the pinger printed.
// (The reporter shows the first problem of each requirement.)
#define FAIL_RUN(r, message) FAIL_CHECK(message << "\n      " << (r).describe())

// ================================================================== the requirements

TEST_CASE("a bad command line exits with status 2 and a message" *
          doctest::description("task 1: HOST and PORT must both be there, and PORT must be a whole number from 1 to "
                               "65535; otherwise print the problem and the usage line to stderr and exit 2")) {
    const std::vector<std::vector<std::string>> bad = {{},
                                                       {"127.0.0.1"},
                                                       {"127.0.0.1", "abc"},
                                                       {"127.0.0.1", "70000"},
                                                       {"127.0.0.1", "65536"},
                                                       {"127.0.0.1", "4294979296"},  // 2^32 + 12000
                                                       {"127.0.0.1", "0"},
                                                       {"127.0.0.1", "12x"},
                                                       {"127.0.0.1", "12000", "extra"}};
    std::deque<proc::child> children;  // all at once: a pinger that does not stop costs 5 s once, not each time
    for (const auto& args : bad) {
        std::vector<std::string> argv{pinger_path()};
        argv.insert(argv.end(), args.begin(), args.end());
        children.emplace_back(argv);
    }
    const steady::time_point give_up = steady::now() + 5s;
    for (proc::child& c : children) {
        std::optional<proc::ending> end = c.wait_for(std::max(give_up - steady::now(), steady::duration::zero()));
        if (!end) {
            FAIL_CHECK("'" << c.command() << "' was still running after 5 s: a bad command line should stop "
                           << "the program at once, with exit status 2");
            break;
        }
        const std::string out = c.read_to_end();
        const std::string err = c.error_text();
        std::string problem;
        if (end->code != 2)
            problem = "the exit status should be 2";
        else if (err.find("usage") == std::string::npos)
            problem = "stderr should show the usage line";
        else if (!out.empty())
            problem = "nothing should go to stdout: no ping can be sent";
        if (!problem.empty()) {
            FAIL_CHECK("'" << c.command() << "': " << problem << "\n      it ended with " << end->describe()
                           << ", stdout '" << proc::printable(out) << "', stderr '" << proc::printable(err) << "'");
            break;  // one example is enough
        }
    }
}

TEST_CASE("takes every port from 1 to 65535, a host name, and an IPv6 address" *
          doctest::description("task 1: 1 and 65535 are ports like any other (only 0 and what is past 65535 are "
                               "not); HOST is whatever net::resolve takes: 'localhost' and '::1' reach the server "
                               "as '127.0.0.1' does")) {
    // The smallest and the largest port: nobody answers there, so the pinger
    // waits; a pinger that refused the port has ended with status 2.
    for (const char* port : {"1", "65535"}) {
        proc::child c({pinger_path(), "127.0.0.1", port});
        const std::optional<proc::ending> end = c.wait_for(1500ms);
        if (end && end->code == 2) {
            FAIL_CHECK("'" << c.command() << "' ended with exit status 2, stderr '" << proc::printable(c.error_text())
                           << "': " << port << " is a port from 1 to 65535");
            return;
        }
    }
    // A name, and IPv6: ten replies from the same udp_server.
    proc::server server = proc::start_server("udp_server", {"-q", "--loss", "0"});
    for (const char* host : {"localhost", "::1"}) {
        const proc::outcome run = proc::run({pinger_path(), host, std::to_string(server.port)});
        int replies = 0;
        for (const std::string& line : proc::split_lines(run.out)) replies += line.rfind("Reply from ", 0) == 0;
        if (run.end.code != 0 || replies != ping_count) {
            FAIL_CHECK("'pinger " << host << " " << server.port << "' against udp_server (no loss) gave " << replies
                                  << " reply line(s), expected " << ping_count << "\n      " << run.describe());
            return;
        }
    }
}

TEST_CASE("sends ten datagrams 'Ping <seq> <time>', one per ping, in order" *
          doctest::description("task 2: ping N is one datagram 'Ping N SECONDS.MICROSECONDS' (the send time since "
                               "1970, six digits after the dot: ping_message(seq) makes it), sent once, N = 1 to 10")) {
    const all_runs& all = runs();
    const std::vector<std::string>& got = all.scripted_datagrams;
    std::ostringstream seen;
    seen << "the grader's server received " << got.size() << " datagram(s)" << (got.empty() ? "" : ":");
    for (std::size_t i = 0; i < got.size() && i < 20; ++i)
        seen << "\n        " << (i + 1 < 10 ? " " : "") << i + 1 << "| '" << proc::printable(got[i]) << "'";

    std::ostringstream problem;
    for (std::size_t i = 0; i < got.size() && i < ping_count && problem.str().empty(); ++i) {
        std::string seq, time;
        if (!reader(got[i]).text("Ping ").number(seq).text(" ").decimal(time, 6).at_end()) {
            problem << "datagram " << i + 1 << " is '" << proc::printable(got[i]) << "', not 'Ping " << i + 1
                    << " SECONDS.MICROSECONDS'";
        } else if (seq != std::to_string(i + 1)) {
            problem << "datagram " << i + 1 << " carries the sequence number " << seq << ", expected " << i + 1;
        } else {
            const double sent = std::strtod(time.c_str(), nullptr);
            const double arrived = std::chrono::duration<double>(all.scripted_arrivals[i].time_since_epoch()).count();
            if (std::abs(arrived - sent) > 5.0)
                problem << "datagram " << i + 1 << " says it was sent at " << time << ", but it arrived at "
                        << static_cast<long long>(arrived) << " seconds since 1970: the time should be the send time";
        }
    }
    if (problem.str().empty() && got.size() != static_cast<std::size_t>(ping_count))
        problem << "expected exactly " << ping_count << " datagrams, one per ping, but " << got.size() << " came";
    if (!problem.str().empty()) FAIL_RUN(all.scripted, problem.str() << "\n      " << seen.str());
}

TEST_CASE("with no loss, every ping gets its reply" *
          doctest::description("task 3: after sendto, recvfrom the reply and print 'Reply from ADDRESS: seq=N "
                               "rtt=X.XXX ms' (print_reply), ADDRESS as recvfrom gave it")) {
    const run& r = runs().clean;
    for (int seq = 1; seq <= ping_count; ++seq) {
        const std::string line = r.line(static_cast<std::size_t>(seq - 1));
        const std::optional<reply_line> reply = parse_reply(line);
        if (!(reply && reply->from == r.host_port() && reply->seq == std::to_string(seq))) {
            FAIL_RUN(r, "line " << seq << " is '" << proc::printable(line) << "', expected 'Reply from "
                                << r.host_port() << ": seq=" << seq << " rtt=X.XXX ms'");
            break;
        }
    }
}

TEST_CASE("prints one line per ping, in order, in the exact format" *
          doctest::description("task 3: line N is 'Reply from ADDRESS: seq=N rtt=X.XXX ms' (three decimals) or "
                               "'Request timed out: seq=N', one line per ping, nothing else before the summary")) {
    for (const run* r : runs().every()) {
        std::ostringstream problem;
        for (int seq = 1; seq <= ping_count && problem.str().empty(); ++seq) {
            const std::string line = r->line(static_cast<std::size_t>(seq - 1));
            if (const std::optional<reply_line> reply = parse_reply(line)) {
                if (reply->seq != std::to_string(seq))
                    problem << "line " << seq << " is '" << proc::printable(line)
                            << "': it should be about seq=" << seq;
                else if (reply->from != r->host_port())
                    problem << "line " << seq << " names the server '" << reply->from << "', but recvfrom said "
                            << r->host_port();
            } else if (const std::optional<std::string> timed_out = parse_timeout(line)) {
                if (*timed_out != std::to_string(seq))
                    problem << "line " << seq << " is '" << proc::printable(line)
                            << "': it should be about seq=" << seq;
            } else {
                problem << "line " << seq << " is '" << proc::printable(line) << "', which is neither 'Reply from "
                        << r->host_port() << ": seq=" << seq << " rtt=X.XXX ms' nor 'Request timed out: seq=" << seq
                        << "'";
            }
        }
        if (!problem.str().empty()) {
            FAIL_RUN(*r, problem.str());
            break;
        }
    }
}

TEST_CASE("times out exactly the pings the server dropped" *
          doctest::description("task 3: wait at most one second for each reply; print 'Request timed out: seq=N' "
                               "for the pings that got none and a reply line for the others; send each ping once "
                               "(the server's losses follow the datagrams it receives)")) {
    for (const run& r : runs().seeded) {
        std::ostringstream problem;
        for (int seq = 1; seq <= ping_count && problem.str().empty(); ++seq) {
            const std::string line = r.line(static_cast<std::size_t>(seq - 1));
            const bool lost = r.lost[static_cast<std::size_t>(seq - 1)];
            if (lost && !is_timeout(line))
                problem << "the server dropped ping " << seq << ", so line " << seq
                        << " should be 'Request timed out: seq=" << seq << "', but it is '" << proc::printable(line)
                        << "'";
            else if (!lost && !is_reply(line))
                problem << "the server answered ping " << seq << ", so line " << seq
                        << " should be 'Reply from ...', but it is '" << proc::printable(line) << "'";
        }
        if (!problem.str().empty()) {
            FAIL_RUN(r, problem.str());
            break;
        }
    }
}

TEST_CASE("ignores a late reply to an earlier ping" *
          doctest::description("task 3: a datagram is the reply to ping N only if it reads 'PING N ...' (reply_seq); "
                               "anything else that arrives while you wait, such as a late reply to an earlier "
                               "ping, is dropped, and you keep waiting until the second is over")) {
    const run& r = runs().scripted;
    std::ostringstream problem;
    for (int seq = 1; seq <= ping_count && problem.str().empty(); ++seq) {
        const std::string line = r.line(static_cast<std::size_t>(seq - 1));
        const bool lost = r.lost[static_cast<std::size_t>(seq - 1)];
        const std::optional<reply_line> reply = parse_reply(line);
        const bool right = lost ? is_timeout(line) : reply && reply->seq == std::to_string(seq);
        if (right) continue;
        std::string why;
        if (seq == 4 || seq == 6) why = " (the late reply to ping 3 is not a reply to ping 4, 5 or 6)";
        if (seq == 10) why = " (the second copy of the reply to ping 9 is not a reply to ping 10)";
        problem << "line " << seq << " is '" << proc::printable(line) << "', expected "
                << (lost ? "'Request timed out: seq=" + std::to_string(seq) + "'"
                         : "'Reply from ...: seq=" + std::to_string(seq) + " ...'")
                << why;
    }
    // Ping 4's reply came at once; an RTT near a second would mean the late
    // reply to ping 3 was taken for it.
    const std::optional<reply_line> fourth = parse_reply(r.line(3));
    if (problem.str().empty() && fourth && thousandths(fourth->rtt) >= 300'000)
        problem << "the reply to ping 4 came at once, but line 4 says rtt=" << fourth->rtt << " ms";
    if (!problem.str().empty()) FAIL_RUN(r, problem.str());
}

TEST_CASE("each RTT is plausible: at least 0 and under 1000 ms" *
          doctest::description("task 3: rtt = the time from just before sendto to the arrival of the reply, in "
                               "milliseconds as a double (to the microsecond), from std::chrono::steady_clock; a "
                               "reply after the second is a timeout")) {
    int seen = 0;
    for (const run* r : runs().every()) {
        for (const std::string& line : r->lines) {
            const std::optional<reply_line> reply = parse_reply(line);
            if (!reply) continue;
            ++seen;
            if (thousandths(reply->rtt) >= 1'000'000) {
                FAIL_RUN(*r, "'" << proc::printable(line) << "': a reply only counts if it came within 1000 ms");
                return;
            }
        }
    }
    if (seen == 0) FAIL_RUN(runs().clean, "no line of the form 'Reply from ADDRESS: seq=N rtt=X.XXX ms' in any run");
    // Measured to the microsecond: of dozens of RTTs, hardly one falls on a
    // whole millisecond; all of them do only when the time was rounded.
    int whole = 0;
    for (const run* r : runs().every())
        for (const std::string& line : r->lines)
            if (const std::optional<reply_line> reply = parse_reply(line))
                whole += thousandths(reply->rtt) % 1000 == 0;
    if (seen >= 10 && whole == seen)
        FAIL_RUN(runs().clean, "every one of the " << seen << " RTTs is a whole number of milliseconds (X.000): is the "
                                                      "time kept in an integer (a long, milliseconds) on the way?");
}

TEST_CASE("the RTT measures the round trip: a reply held back 300 ms shows it" *
          doctest::description("task 3: take the time just before sendto and again when the reply arrives; the "
                               "difference, in ms with three decimals, is the RTT")) {
    const run& r = runs().scripted;
    const std::optional<reply_line> second = parse_reply(r.line(1));
    if (!second || second->seq != "2")
        FAIL_RUN(r, "line 2 should be the reply to ping 2, but it is '" << proc::printable(r.line(1)) << "'");
    else if (thousandths(second->rtt) < 299'000)
        FAIL_RUN(r, "the server held the reply to ping 2 for 300 ms, but line 2 says rtt=" << second->rtt << " ms");
    else if (thousandths(second->rtt) >= 1'000'000)
        FAIL_RUN(r, "line 2 says rtt=" << second->rtt << " ms, more than the second a reply may take");
}

TEST_CASE("finishes with status 0, waiting one second for each lost ping" *
          doctest::description("task 3: give each ping one second (set_timeout, recvfrom) from the moment it was sent: "
                               "not less, or slow replies count as lost; not more, or ten pings take too long")) {
    for (const run* r : runs().every()) {
        const long long expected = r->lost_count() * 1000LL;
        const long long took = r->elapsed.count();
        std::ostringstream problem;
        if (!r->ended_by_itself)
            problem << "it was still running after " << took << " ms; with " << r->lost_count()
                    << " lost ping(s) it should take about " << expected << " ms";
        else if (r->end.code != 0)
            problem << "it ended with " << r->end.describe() << "; it should exit with status 0";
        else if (took < r->lost_count() * 950LL)
            problem << r->lost_count() << " ping(s) got no reply, so it should take at least " << expected
                    << " ms (one second each), but it took " << took << " ms";
        else if (took > expected + r->held_back.count() + 2000)
            problem << r->lost_count() << " ping(s) got no reply, so it should take about " << expected
                    << " ms (one second each), but it took " << took << " ms";
        if (!problem.str().empty()) {
            FAIL_RUN(*r, problem.str());
            break;
        }
    }
}

TEST_CASE("the summary counts what was sent, received and lost" *
          doctest::description("task 4: after the ten ping lines, '--- HOST ping statistics ---' and "
                               "'10 packets transmitted, R received, L% packet loss', R the number of replies "
                               "printed above, L = (10 - R) * 100 / 10")) {
    for (const run* r : runs().every()) {
        const std::string header = "--- 127.0.0.1 ping statistics ---";
        long long replies = 0;
        for (std::size_t i = 0; i < ping_count && i < r->lines.size(); ++i) replies += is_reply(r->lines[i]) ? 1 : 0;
        const long long loss = (ping_count - replies) * 100 / ping_count;
        const std::string counts = std::to_string(ping_count) + " packets transmitted, " + std::to_string(replies) +
                                   " received, " + std::to_string(loss) + "% packet loss";
        std::ostringstream problem;
        if (r->line(10) != header)
            problem << "line 11 is '" << proc::printable(r->line(10)) << "', expected '" << header << "'";
        else if (r->line(11) != counts)
            problem << "line 12 is '" << proc::printable(r->line(11)) << "'; with " << replies
                    << " reply line(s) above it, expected '" << counts << "'";
        if (!problem.str().empty()) {
            FAIL_RUN(*r, problem.str());
            break;
        }
    }
}

TEST_CASE("the summary's min/avg/max agree with the printed RTTs" *
          doctest::description("task 4: line 13 is 'rtt min/avg/max = MIN/AVG/MAX ms', each with three decimals "
                               "(%.3f), AVG = the sum of the RTTs / the number of replies")) {
    const auto as_ms = [](double thousandths) {
        char text[32];
        std::snprintf(text, sizeof text, "%.3f", thousandths / 1000.0);
        return std::string(text);
    };
    int checked = 0;
    for (const run* r : runs().every()) {
        std::vector<long long> rtts;
        for (std::size_t i = 0; i < ping_count && i < r->lines.size(); ++i) {
            if (const std::optional<reply_line> reply = parse_reply(r->lines[i]))
                rtts.push_back(thousandths(reply->rtt));
        }
        if (rtts.empty()) continue;  // nothing to summarise: see the requirement for 100% loss
        ++checked;
        const long long min = *std::min_element(rtts.begin(), rtts.end());
        const long long max = *std::max_element(rtts.begin(), rtts.end());
        long long sum = 0;
        for (long long v : rtts) sum += v;
        const double mean = static_cast<double>(sum) / static_cast<double>(rtts.size());

        const std::string last = r->line(12);
        const std::optional<rtt_line> summary = parse_rtt_line(last);
        std::ostringstream problem;
        if (!summary)
            problem << "line 13 is '" << proc::printable(last) << "', expected 'rtt min/avg/max = MIN/AVG/MAX ms'";
        else if (thousandths(summary->min) != min)
            problem << "min is " << summary->min << ", but the smallest RTT above is "
                    << as_ms(static_cast<double>(min));
        else if (thousandths(summary->max) != max)
            problem << "max is " << summary->max << ", but the largest RTT above is "
                    << as_ms(static_cast<double>(max));
        // Each RTT above was rounded to three decimals, and so was AVG: they may differ by 0.001.
        else if (std::abs(static_cast<double>(thousandths(summary->avg)) - mean) > 1.0 + 1e-9)
            problem << "avg is " << summary->avg << ", but the " << rtts.size() << " RTTs above average "
                    << as_ms(mean);
        if (!problem.str().empty()) {
            FAIL_RUN(*r, problem.str());
            break;
        }
    }
    if (checked == 0) FAIL_RUN(runs().clean, "no run printed a single 'Reply from ...' line to summarise");
}

TEST_CASE("when every ping is lost: ten timeouts, 100% packet loss, no rtt line" *
          doctest::description("task 4: with no reply there is no RTT to summarise: the output ends with "
                               "'10 packets transmitted, 0 received, 100% packet loss'")) {
    const run& r = runs().silent;
    std::ostringstream problem;
    for (int seq = 1; seq <= ping_count && problem.str().empty(); ++seq) {
        const std::string line = r.line(static_cast<std::size_t>(seq - 1));
        if (line != "Request timed out: seq=" + std::to_string(seq))
            problem << "line " << seq << " is '" << proc::printable(line)
                    << "', expected 'Request timed out: seq=" << seq << "'";
    }
    const std::string counts = "10 packets transmitted, 0 received, 100% packet loss";
    if (problem.str().empty() && r.line(11) != counts)
        problem << "line 12 is '" << proc::printable(r.line(11)) << "', expected '" << counts << "'";
    if (problem.str().empty() && r.lines.size() != 12u)
        problem << "the output should end after line 12, but it has " << r.lines.size() << " lines";
    if (!problem.str().empty()) FAIL_RUN(r, problem.str());
}

// ------------------------------------------------------------------ the pace of the pings

namespace {
// When the grader's server first received ping N ([N], N = 1 to 10).
std::vector<std::optional<steady::time_point>> scripted_ping_arrivals(const all_runs& all) {
    std::vector<std::optional<steady::time_point>> arrival(ping_count + 1);
    for (std::size_t i = 0; i < all.scripted_datagrams.size() && i < all.scripted_arrivals_steady.size(); ++i) {
        const std::optional<int> seq = ping_seq(all.scripted_datagrams[i]);
        if (seq && *seq >= 1 && *seq <= ping_count && !arrival[static_cast<std::size_t>(*seq)])
            arrival[static_cast<std::size_t>(*seq)] = all.scripted_arrivals_steady[i];
    }
    return arrival;
}

long long ms_between(steady::time_point from, steady::time_point to) {
    return std::chrono::duration_cast<milliseconds>(to - from).count();
}
}  // namespace

TEST_CASE("one ping at a time, each sent as soon as the one before is answered or timed out" *
          doctest::description("tasks 2-3: send ping N+1 right after the reply to ping N came, or right after "
                               "ping N's second was over: no pause between pings (unlike the system's ping, which "
                               "sends one a second), and never two pings before the first is done")) {
    const all_runs& all = runs();
    const auto arrival = scripted_ping_arrivals(all);
    std::ostringstream problem;
    for (int seq = 1; seq < ping_count && problem.str().empty(); ++seq) {
        const auto& now = arrival[static_cast<std::size_t>(seq)];
        const auto& next = arrival[static_cast<std::size_t>(seq + 1)];
        if (!now || !next) {
            problem << "the grader's server never received ping " << (now ? seq + 1 : seq);
            break;
        }
        const auto& replied = all.scripted_replied[static_cast<std::size_t>(seq)];
        if (!script_lost[static_cast<std::size_t>(seq - 1)] && replied) {
            const long long gap = ms_between(*replied, *next);
            if (*next < *replied)
                problem << "ping " << seq + 1 << " came in " << -gap << " ms before the reply to ping " << seq
                        << " was even sent: send one ping, wait for its reply (or the end of its second), "
                        << "then send the next";
            else if (gap > 500)
                problem << "ping " << seq + 1 << " came " << gap << " ms after the reply to ping " << seq
                        << ": send the next ping at once, with no pause";
        } else if (script_lost[static_cast<std::size_t>(seq - 1)]) {
            const long long gap = ms_between(*now, *next);
            if (gap < 950)
                problem << "ping " << seq << " got no reply in time, yet ping " << seq + 1 << " came only " << gap
                        << " ms after it: wait out its second first";
            else if (seq != stray_seq && gap > 1500)
                problem << "ping " << seq << " got no reply in time; its second was over 1000 ms after it was sent, "
                        << "but ping " << seq + 1 << " came only " << gap << " ms after it";
        }
    }
    if (!problem.str().empty()) FAIL_RUN(all.scripted, problem.str());
}

TEST_CASE("gives up one second after sending, even while stray datagrams arrive" *
          doctest::description("task 3: the second of a ping is counted from when it was sent: compute the deadline "
                               "once (sent_at + 1 s) and before each recvfrom wait only for what is left of it; "
                               "a datagram that is not the reply must not buy the ping more time")) {
    const all_runs& all = runs();
    const auto arrival = scripted_ping_arrivals(all);
    const auto& sixth = arrival[stray_seq];
    const auto& seventh = arrival[stray_seq + 1];
    std::ostringstream problem;
    if (!sixth || !seventh) {
        problem << "the grader's server never received ping " << (sixth ? stray_seq + 1 : stray_seq);
    } else {
        const long long gap = ms_between(*sixth, *seventh);
        if (gap > 1500)
            problem << "ping " << stray_seq << " got no reply; while the pinger waited, the grader's server sent it a "
                    << "stray datagram every " << stray_every.count() << " ms for " << stray_for.count()
                    << " ms. Ping " << stray_seq + 1 << " came " << gap << " ms after ping " << stray_seq
                    << ": the pinger waited more than the one second of ping " << stray_seq
                    << " (does each stray datagram start a new second?)";
        else if (gap < 950)
            problem << "ping " << stray_seq << " got no reply, but ping " << stray_seq + 1 << " came only " << gap
                    << " ms after it, before its second was over (does a stray datagram end the wait?)";
    }
    if (!problem.str().empty()) FAIL_RUN(all.scripted, problem.str());
}

// ------------------------------------------------------------------ task 5: jitter

TEST_CASE("the jitter line: the mean change between the RTTs of consecutive replies" *
          doctest::description("task 5: after the rtt line, 'jitter = J ms' (%.3f): the average of |RTT - RTT of "
                               "the reply before it| over the replies in the order printed, lost pings left out "
                               "(k replies make k - 1 differences); the last line")) {
    int checked = 0;
    for (const run* r : runs().every()) {
        std::vector<long long> rtts;
        for (std::size_t i = 0; i < ping_count && i < r->lines.size(); ++i) {
            if (const std::optional<reply_line> reply = parse_reply(r->lines[i]))
                rtts.push_back(thousandths(reply->rtt));
        }
        if (rtts.size() < 2) continue;  // no difference to average: see the next requirement
        ++checked;
        long long change = 0;
        for (std::size_t i = 1; i < rtts.size(); ++i) change += std::llabs(rtts[i] - rtts[i - 1]);
        const double mean = static_cast<double>(change) / static_cast<double>(rtts.size() - 1);
        char expected[32];
        std::snprintf(expected, sizeof expected, "%.3f", mean / 1000.0);

        std::string jitter;
        const std::string line = r->line(13);
        std::ostringstream problem;
        if (!reader(line).text("jitter = ").decimal(jitter, 3).text(" ms").at_end())
            problem << "line 14 is '" << proc::printable(line) << "', expected 'jitter = J ms' (" << rtts.size()
                    << " replies, so " << rtts.size() - 1 << " differences to average)";
        // Each RTT above was rounded to three decimals, and so is J: allow for that.
        else if (std::abs(static_cast<double>(thousandths(jitter)) - mean) > 1.5 + 1e-9)
            problem << "jitter is " << jitter << " ms, but the " << rtts.size() - 1 << " changes between the "
                    << rtts.size() << " RTTs above average " << expected << " ms";
        else if (r->lines.size() != 14u)
            problem << "the jitter line should be the last line, but the output has " << r->lines.size() << " lines";
        if (!problem.str().empty()) {
            FAIL_RUN(*r, problem.str());
            break;
        }
    }
    if (checked == 0) FAIL_RUN(runs().clean, "no run printed two 'Reply from ...' lines to compare");
}

TEST_CASE("no jitter line with fewer than two replies" *
          doctest::description("task 5: with one reply there is no change to average (and with none, no RTT at "
                               "all): the output then ends with the rtt line (or the packets line)")) {
    const run& r = runs().one_reply;
    std::ostringstream problem;
    const long long replies = std::count_if(r.lines.begin(), r.lines.end(), is_reply);
    if (replies != 1)
        problem << "the server answered exactly one ping, but the output has " << replies << " 'Reply from' lines";
    else if (!parse_rtt_line(r.line(12)))
        problem << "line 13 is '" << proc::printable(r.line(12)) << "', expected 'rtt min/avg/max = MIN/AVG/MAX ms'";
    else if (r.lines.size() != 13u)
        problem << "with a single reply the output should end after the rtt line (line 13), but it has "
                << r.lines.size() << " lines; line 14 is '" << proc::printable(r.line(13)) << "'";
    if (!problem.str().empty()) FAIL_RUN(r, problem.str());
}
