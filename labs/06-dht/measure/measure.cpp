// measure.cpp - lab 06: the measurements of RESULTS.md, on rings of real UDP
// peers in this process (peer/host.hpp), built on the routing.cpp it is linked with.
//
//   dht_measure [--part lookups|churn|failures|speed|all] [--charts DIR] [--quick] [--seeds N]
//               [--successors R]
//
//   lookups  messages per lookup for N = 8 ... 1,024, walking and with
//            shortcuts (the Chord paper's figure: about 1/2 log2 N)
//   churn    peers leave one at a time while the others ping: recovery time
//            and the lookups answered right, without and with 10% loss;
//            then two neighbours leave together (measure_churn.cpp)
//   failures a fraction p of 1,024 peers fails at once, with 2 and with log2 N
//            successors: lookups before any repair and once stabilised, and
//            the values still found (measure_failures.cpp)
//   speed    time per lookup on loopback; messages per second one peer handles
//
// Progress goes to stderr when it is a terminal; the tables to stdout, in
// Markdown; the charts (labs/shared/plot) to DIR/lookups.svg, DIR/churn.svg and
// DIR/recovery.svg and DIR/failures.svg.
#include "measure.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "../../../common/cli.hpp"
#include "../peer/message.hpp"
#include "report.hpp"

namespace measuring {

using namespace dht;
using steady = std::chrono::steady_clock;

// ---------------------------------------------------------------- small helpers

bool show_progress = true;

void progress(const std::string& text) {
    if (show_progress) std::fprintf(stderr, "\r\033[K%s", text.c_str());
}
void progress_done() { progress(""); }

std::vector<id> random_ids(std::mt19937_64& random, int m, std::size_t n) {
    std::vector<id> ids;
    while (ids.size() < n) {
        const id i = static_cast<id>(random() % (std::uint64_t{1} << m));
        if (std::find(ids.begin(), ids.end(), i) == ids.end()) ids.push_back(i);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

id truth(const std::vector<id>& sorted, id key) {
    auto at = std::lower_bound(sorted.begin(), sorted.end(), key);
    return at == sorted.end() ? sorted.front() : *at;
}

// The value at fraction p of the sorted values (nearest rank).
double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const std::size_t rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size())));
    return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

double mean(const std::vector<double>& v) {
    double sum = 0;
    for (double x : v) sum += x;
    return v.empty() ? 0 : sum / static_cast<double>(v.size());
}

std::string fixed(double x, int decimals) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, x);
    return text;
}

std::unique_ptr<host> make_ring(const settings& s, const std::vector<id>& ids) {
    if (std::string problem = allow_many_sockets(ids.size()); !problem.empty()) cli::fail(problem);
    auto ring = std::make_unique<host>(s, [](const std::string&) {});  // the log of a thousand peers: not wanted
    for (id i : ids) {
        net::result<peer*> started = ring->start(i);
        if (!started) cli::fail(started.error());
    }
    ring->settle_ring();
    return ring;
}

bool links_right(const host& ring, bool second) { return wrong_links(ring, second, true) == 0; }

std::size_t wrong_links(const host& ring, bool second, bool first_only) {
    const std::vector<id> ids = ring.identifiers();
    const std::size_t n = ids.size();
    std::size_t wrong = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const neighbours& l = ring.find(ids[i])->links();
        if (l.successor != ids[(i + 1) % n] || l.predecessor != ids[(i + n - 1) % n] ||
            (second && l.second != ids[(i + 2) % n])) {
            ++wrong;
            if (first_only) break;
        }
    }
    return wrong;
}

double lookups::right() const {
    const double all = static_cast<double>(messages.size()) + wrong + unanswered;
    return all == 0 ? 0 : static_cast<double>(messages.size()) / all;
}

// `count` operations, `parallel` at a time: start(i, done) starts the i-th,
// which calls done() when it has ended, answered or not.
void in_flight(host& ring, int count, int parallel, const std::function<void(int, std::function<void()>)>& start) {
    auto started = std::make_shared<int>(0);
    auto finished = std::make_shared<int>(0);
    std::function<void()> start_one = [&, started, finished]() {
        const int i = (*started)++;
        start(i, [&, finished] {
            ++*finished;
            if (*started < count) start_one();
        });
    };
    // An operation may end at once (a lookup whose origin holds the key),
    // and its done() start the next: count what was started, not the turns
    // of this loop, or more than `count` start, and this returns while
    // some still run, their done() calling a start_one that is gone.
    for (int i = 0; i < parallel && *started < count; ++i) start_one();
    ring.run_until([&] { return *finished >= count; }, ms(3600000));  // each one ends, answered or not
}

// `count` lookups, `parallel` at a time.
lookups run_lookups(host& ring, std::mt19937_64& random, int count, int parallel, const std::string& label) {
    const std::vector<id> ids = ring.identifiers();
    auto out = std::make_shared<lookups>();
    in_flight(ring, count, parallel, [&, out](int, std::function<void()> done) {
        const id origin = ids[random() % ids.size()];
        const id key = static_cast<id>(random() % (std::uint64_t{1} << ring.config().m));
        ring.find(origin)->lookup(key, [&, out, key, done](const lookup_result& r) {
            if (!r.ok)
                ++out->unanswered;
            else if (r.holder.ident != truth(ids, key))
                ++out->wrong;
            else
                out->messages.push_back(r.messages());
            const std::size_t finished = out->messages.size() + out->wrong + out->unanswered;
            if (finished % 50 == 0) progress(label + ": " + std::to_string(finished) + "/" + std::to_string(count));
            done();
        });
    });
    return *out;
}

plot::series line(const std::string& name, const std::string& colour, bool dashed) {
    plot::series s;
    s.name = name;
    s.colour = colour;
    s.dashed = dashed;
    s.points = !dashed;  // measured: a marker on each point; a reference curve: dashed
    return s;
}

void write_chart(const plot::chart& c, const std::string& path) {
    std::ofstream file(path, std::ios::binary);
    file << plot::render(c);
    if (!file) cli::fail("cannot write " + path);
    chart(path, c.title);
}

// ---------------------------------------------------------------- messages per lookup

// The paper's second figure: how often each path length comes, at one N.
void path_distribution(const std::vector<double>& lengths, std::size_t n, const options& o) {
    std::map<int, int> count;
    for (double l : lengths) ++count[static_cast<int>(l)];
    say("\n### Path length with shortcuts at N = %zu: how often each comes (%zu lookups)\n\n| messages | lookups "
        "| fraction |\n|---:|---:|---:|\n",
        n, lengths.size());
    plot::series pdf = line("fraction of lookups", "#1f5fbf");
    for (const auto& [messages, times] : count) {
        const double fraction = static_cast<double>(times) / static_cast<double>(lengths.size());
        say("| %d | %d | %s |\n", messages, times, fixed(fraction, 3).c_str());
        pdf.data.push_back({static_cast<double>(messages), fraction});
    }
    plot::chart c;
    c.title = "Path length with shortcuts at N = " + std::to_string(n) + " (m = 32, random peers and keys)";
    c.x_label = "messages per lookup";
    c.panels.push_back({"Probability of each path length", "fraction of lookups", {pdf}});
    write_chart(c, o.charts + "/path_lengths.svg");
}

void measure_lookups(const options& o) {
    // The Chord paper's figure goes from 2^3 to 2^14 peers. Walking costs N/2
    // messages a lookup: it is measured up to 1,024 (past that it only
    // repeats N/2, slowly, and a query passes at most max_path peers).
    const std::vector<std::size_t> sizes =
        o.quick ? std::vector<std::size_t>{8, 16, 32, 64, 128}
                : std::vector<std::size_t>{8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384};
    const std::size_t walk_up_to = 1024, distribution_at = 4096;
    std::vector<double> at_distribution;  // every path length with shortcuts at N = distribution_at
    const int per_seed = o.quick ? 100 : 300;
    say("\n## Messages per lookup\n\n");
    say(
        "m = 32, random identifiers; %d lookups per ring, from random peers for random keys, %u rings (seeds) "
        "per N; every answer checked against the successor rule.\n\n",
        per_seed, o.seeds);
    say(
        "| N | walking: mean | p1 | p99 | N/2 | shortcuts: mean | p1 | p99 | 1/2 log2 N | target 1/2 log2 N + 1 "
        "| target p99 log2 N + 1 | shortcuts per peer | wrong |\n");
    say("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    plot::series walk_mean = line("walking: mean", "#c03030"), half_n = line("N / 2", "#888888", true);
    plot::series walk_p1 = line("walking: 1st and 99th percentiles", "#e08080", true), walk_p99 = walk_p1;
    plot::series sc_mean = line("shortcuts: mean", "#1f5fbf"), half_log = line("1/2 log2 N", "#888888", true);
    plot::series sc_p1 = line("shortcuts: 1st and 99th percentiles", "#80a8e0", true), sc_p99 = sc_p1;
    plot::series bound = line("target: 1/2 log2 N + 1", "#2a9d4a", true);
    // The targets: walking near N/2, shortcuts at most 1/2 log2 N + 1, every answer right.
    bool walking_near = true, shortcuts_within = true, p99_within = true;
    std::string walking_text, shortcuts_text, p99_text;
    int all_wrong = 0, all_lookups = 0;
    for (std::size_t n : sizes) {
        std::vector<double> walking, shortcut;
        int wrong = 0;
        double shortcuts_per_peer = 0;
        for (unsigned seed = 1; seed <= o.seeds; ++seed) {
            std::mt19937_64 random(seed * 1000 + n);
            settings s;
            s.m = 32;
            s.upkeep = false;  // a settled ring, nobody leaving: routing alone
            s.lookup_wait = ms(60000);
            auto ring = make_ring(s, random_ids(random, 32, n));
            for (const peer* p : ring->peers()) shortcuts_per_peer += static_cast<double>(p->shortcuts().size());
            for (bool with : {false, true}) {
                if (!with && n > walk_up_to) continue;
                ring->use_shortcuts(with);
                const std::string label = "N = " + std::to_string(n) + ", seed " + std::to_string(seed) +
                                          (with ? ", shortcuts" : ", walking");
                const lookups l = run_lookups(*ring, random, per_seed, 16, label);
                (with ? shortcut : walking)
                    .insert((with ? shortcut : walking).end(), l.messages.begin(), l.messages.end());
                wrong += l.wrong + l.unanswered;
                all_lookups += per_seed;
            }
        }
        progress_done();
        if (n == distribution_at) at_distribution = shortcut;
        const double x = static_cast<double>(n), half = 0.5 * std::log2(x);
        shortcuts_per_peer /= x * o.seeds;
        const bool walked = !walking.empty();
        say("| %zu | %s | %s | %s | %.0f | %s | %.0f | %.0f | %.2f | %.2f | %.0f | %.1f | %d |\n", n,
            walked ? fixed(mean(walking), 1).c_str() : "-", walked ? fixed(percentile(walking, 0.01), 0).c_str() : "-",
            walked ? fixed(percentile(walking, 0.99), 0).c_str() : "-", x / 2, fixed(mean(shortcut), 2).c_str(),
            percentile(shortcut, 0.01), percentile(shortcut, 0.99), half, half + 1, 2 * half + 1, shortcuts_per_peer,
            wrong);
        shortcuts_within = shortcuts_within && mean(shortcut) <= half + 1;
        p99_within = p99_within && percentile(shortcut, 0.99) <= 2 * half + 1;
        shortcuts_text += (shortcuts_text.empty() ? "" : ", ") + fixed(mean(shortcut), 2) + " (" + fixed(half + 1, 2) +
                          ")";
        p99_text += (p99_text.empty() ? "" : ", ") + fixed(percentile(shortcut, 0.99), 0) + " (" +
                    fixed(2 * half + 1, 0) + ")";
        all_wrong += wrong;
        if (walked) {
            // "Near N/2": within 10% of it, or one message for the smallest rings.
            const double off = std::abs(mean(walking) - x / 2);
            walking_near = walking_near && off <= std::max(1.0, 0.1 * x / 2);
            walking_text += (walking_text.empty() ? "" : ", ") + fixed(mean(walking), 1) + " (" + fixed(x / 2, 0) + ")";
            walk_mean.data.push_back({x, mean(walking)});
            walk_p1.data.push_back({x, percentile(walking, 0.01)});
            walk_p99.data.push_back({x, percentile(walking, 0.99)});
            half_n.data.push_back({x, x / 2});
        }
        sc_mean.data.push_back({x, mean(shortcut)});
        sc_p1.data.push_back({x, percentile(shortcut, 0.01)});
        sc_p99.data.push_back({x, percentile(shortcut, 0.99)});
        half_log.data.push_back({x, half});
        bound.data.push_back({x, half + 1});
    }
    plot::chart c;
    c.title = "Messages per lookup (m = 32, random peers and keys)";
    c.x_label = "N, peers in the ring (log scale)";
    c.x_scale = plot::scale::log10;
    c.panels.push_back({"Walking the successors", "messages", {half_n, walk_p1, walk_p99, walk_mean}});
    c.panels.push_back({"With shortcuts (finger tables)", "messages", {half_log, bound, sc_p1, sc_p99, sc_mean}});
    write_chart(c, o.charts + "/lookups.svg");

    const std::string sizes_text = "N = " + std::to_string(sizes.front()) + " to " + std::to_string(sizes.back());
    const std::string walked_text =
        "N = " + std::to_string(sizes.front()) + " to " + std::to_string(std::min(sizes.back(), walk_up_to));
    target(walking_near ? "PASS" : "MISS",
           "walking the successors: the mean is near N/2 (within 10%, or 1 message) at every N, " + walked_text +
               ": " + walking_text + " (target in brackets)");
    target(shortcuts_within ? "PASS" : "MISS",
           "with shortcuts: the mean is at most 1/2 log2 N + 1 at every N, " + sizes_text + ": " + shortcuts_text +
               " (target in brackets)");
    target(p99_within ? "PASS" : "MISS",
           "with shortcuts: the 99th percentile is at most log2 N + 1 at every N, " + sizes_text + ": " + p99_text +
               " (target in brackets)");
    if (!at_distribution.empty()) path_distribution(at_distribution, distribution_at, o);
    target(all_wrong == 0 ? "PASS" : "MISS", "every lookup of this part answered, by the key's successor: " +
                                                 std::to_string(all_lookups - all_wrong) + " of " +
                                                 std::to_string(all_lookups));
    const double last = static_cast<double>(sizes.back());
    finding("Messages per lookup: walking costs (N - 1)/2 on average, the lecture's O(N), from 0 (the origin's "
            "successor holds the key) to N - 1. With shortcuts the mean at N = " +
            std::to_string(sizes.back()) + " is " + fixed(sc_mean.data.back().y, 2) + ", " +
            fixed(sc_mean.data.back().y / (0.5 * std::log2(last)), 2) +
            " times the Chord paper's 1/2 log2 N (" + fixed(0.5 * std::log2(last), 1) +
            "), and the 99th percentile " + fixed(sc_p99.data.back().y, 0) +
            " is about log2 N: each hop at least halves the distance left to the key, so no lookup takes more "
            "than about log2 N, and a random one about half that.");
}

// ---------------------------------------------------------------- speed

namespace {

// One peer alone in a host of its own thread; this thread keeps `window`
// requests in flight and counts the replies for `how_long`.
double one_peer_rate(kind what, int window, ms how_long) {
    settings s;
    s.m = 32;
    s.upkeep = false;
    host alone(s, [](const std::string&) {});
    peer* p = cli::check(alone.start(7));
    alone.settle_ring();
    const net::address to = p->where();
    std::atomic<bool> stop{false};
    std::thread serving([&alone, &stop] { alone.run_until([&stop] { return stop.load(); }, ms(600000)); });

    net::socket client = cli::check(net::socket::create(to.family(), net::udp));
    cli::check(client.bind(cli::check(net::resolve("127.0.0.1", 0, net::udp)).front()));
    const net::address me = cli::check(client.local_address());
    message m(what);
    m.sender = 1;
    m.key = 7;  // a single peer holds every key: it answers at once
    m.about = node{1, me};
    m.path = {1};
    const kind answer = what == kind::ping ? kind::pong : kind::answer;
    std::vector<char> buffer(net::datagram_room);
    std::uint32_t number = 0;
    auto send_one = [&] {
        m.request = m.lookup = ++number;
        cli::check(client.sendto(encode(m), to));
    };
    for (int i = 0; i < window; ++i) send_one();
    long answered = 0;
    const auto begin = steady::now(), end = begin + how_long;
    while (steady::now() < end) {
        auto got = client.recvfrom(buffer.data(), buffer.size(), steady::now() + ms(200));
        if (!got) {  // a reply lost in a full buffer: top the window up again
            for (int i = 0; i < window; ++i) send_one();
            continue;
        }
        const decoded d = decode({buffer.data(), got.value().first}, 32);
        if (d.problem.empty() && d.msg.kind == answer) {
            ++answered;
            send_one();
        }
    }
    const double seconds = std::chrono::duration<double>(steady::now() - begin).count();
    stop = true;
    send_one();  // the host's thread may wait long: a datagram wakes it, and it sees `stop`
    client.close();
    serving.join();
    return static_cast<double>(answered) / seconds;
}

}  // namespace

void measure_speed(const options& o) {
    say("\n## Time per lookup on loopback (one lookup at a time, all peers in one thread)\n\n");
    say(
        "| N | routing | lookups | median time (µs) | p99 (µs) | mean messages | µs per message |\n"
        "|---:|---|---:|---:|---:|---:|---:|\n");
    std::vector<std::string> medians;  // "N = 64, shortcuts: 84 µs for 2.96 messages"
    std::vector<double> per_message_us;
    for (std::size_t n : {std::size_t{64}, std::size_t{1024}, std::size_t{16384}}) {
        settings s;
        s.m = 32;
        s.upkeep = false;
        s.lookup_wait = ms(60000);
        progress("time per lookup, N = " + std::to_string(n) + ": starting the peers");
        std::mt19937_64 random(n);
        auto ring = make_ring(s, random_ids(random, 32, n));
        const std::vector<id> ids = ring->identifiers();
        for (bool with : {false, true}) {
            // A query passes at most max_path peers (then it is taken to be
            // going round in circles): a walk round 16,384 would be dropped.
            if (!with && n > max_path) continue;
            ring->use_shortcuts(with);
            const int count = with ? (o.quick ? 200 : 1000) : (n > 100 ? (o.quick ? 10 : 50) : (o.quick ? 100 : 300));
            std::vector<double> micros, messages;
            for (int i = 0; i < count; ++i) {
                const auto begin = steady::now();
                const lookup_result r = ring->lookup(ids[random() % n], static_cast<id>(random()), ms(60000));
                micros.push_back(std::chrono::duration<double, std::micro>(steady::now() - begin).count());
                messages.push_back(r.messages());
                if (i % 20 == 0) progress("time per lookup, N = " + std::to_string(n) + ": " + std::to_string(i));
            }
            progress_done();
            const double per_message = mean(micros) / std::max(1.0, mean(messages));
            say("| %zu | %s | %d | %s | %s | %s | %s |\n", n, with ? "shortcuts" : "walking", count,
                        fixed(percentile(micros, 0.5), 0).c_str(), fixed(percentile(micros, 0.99), 0).c_str(),
                        fixed(mean(messages), 2).c_str(), fixed(per_message, 1).c_str());
            if (with) {
                medians.push_back("N = " + std::to_string(n) + ", " + fixed(percentile(micros, 0.5), 0) +
                                  " µs (p99 " + fixed(percentile(micros, 0.99), 0) + " µs) for " +
                                  fixed(mean(messages), 2) + " messages");
                per_message_us.push_back(per_message);
            }
        }
    }
    const ms how_long = o.quick ? ms(1000) : ms(3000);
    say("\n## Messages one peer handles per second\n\n");
    say("One peer in a thread of its own; a client in another thread keeps 32 requests in flight for %lld s and "
        "counts the replies.\n\n| request | replies | requests per second |\n|---|---|---:|\n",
        static_cast<long long>(how_long.count() / 1000));
    progress("one peer: PING");
    const double pings = one_peer_rate(kind::ping, 32, how_long);
    progress("one peer: QUERY");
    const double queries = one_peer_rate(kind::query, 32, how_long);
    progress_done();
    say("| PING | PONG | %s |\n| QUERY (the peer holds the key) | ACK and ANSWER | %s |\n", fixed(pings, 0).c_str(),
        fixed(queries, 0).c_str());

    target("REPORTED", "time per lookup on loopback, with shortcuts, one at a time (median): " + medians[0] + "; " +
                           medians[1] + "; " + medians[2]);
    const double ratio = per_message_us[2] / per_message_us[0];
    target(ratio <= 2 ? "MET" : "MISSED", "time per hop at N = 16,384 at most 2x the time per hop at N = 64, in the same run: " +
                                           fixed(per_message_us[2], 1) + " µs against " + fixed(per_message_us[0], 1) +
                                           " µs, " + fixed(ratio, 2) + "x");
    target("REPORTED", "one peer handles " + fixed(pings, 0) + " PINGs per second (a PONG each), " +
                           fixed(queries, 0) + " QUERYs per second (an ACK and an ANSWER each)");
    finding("Time per lookup: a hop costs " + fixed(per_message_us[0], 0) + " µs in a ring of 64, " +
            fixed(per_message_us[1], 0) + " µs in a ring of 1,024 and " + fixed(per_message_us[2], 0) +
            " µs in a ring of 16,384. The host waits with epoll, which reports only the sockets that have a "
            "datagram: a hop costs about the same whatever N (with poll(), which looks at every socket on every "
            "turn, it cost 44 µs at N = 64 and 254 µs at N = 1,024). Peers that each had a process of their own "
            "would pay a process switch per hop instead (see the handout, \"Hosting\"). One peer alone, in a "
            "thread of its own, answers about " +
            fixed(pings / 1000, 0) + " thousand PINGs and " + fixed(queries / 1000, 0) + " thousand QUERYs a second.");
}

// How it was measured, for the results file.
std::string method(const options& o) {
    return "- Every ring runs in this one process (`peer/host.hpp`): each peer has its own UDP socket on 127.0.0.1 "
           "(port 0, chosen by the system) and learns of the others only through datagrams; one thread waits on "
           "all the sockets at once (the wrapper's poller: epoll on Linux) and fires the peers' timers. The rules are the reference "
           "`solution/routing.cpp` (" + std::string(o.quick ? "`--quick`: smaller rings, fewer lookups" : "a full run") +
           ").\n"
           "- Counting messages, the handout's rule: one message each time a QUERY goes from one peer to the next; "
           "the ANSWER, the GET or PUT after it, ACKs and resends are not counted. p1 and p99 are the 1st and "
           "99th percentiles (nearest rank).\n"
           "- Messages per lookup: m = 32, random identifiers, " + std::to_string(o.seeds) +
           " rings (seeds) per N, each settled (every peer's links and finger-table shortcuts right, no upkeep); "
           "from random peers for random keys, 16 lookups in flight at a time, first walking the successors (up to "
           "N = 1,024), then "
           "with shortcuts. Every answer is checked against the successor rule worked out on the whole ring.\n"
           "- Churn: 64 peers, m = 32, a ping every 100 ms, 50 ms for each reply before sending again; peers "
           "leave abruptly (the socket closes). After each departure the ring runs 10 ping periods (1 s); then "
           "lookups from random live peers for random keys, checked against the live peers, and a GET of each of "
           "100 pairs stored before the first departure. \"Repaired\": the departed peer's predecessor has the "
           "right successor again; \"settled\": every live peer's successor, second and predecessor are right. "
           "Times are on the ring's clock, which stands still while this process is seen not to run (a busy "
           "machine does not make the peers look slow); the tables say how long that was.\n"
           "- Loss: each peer drops that fraction of the datagrams it receives, seeded, as `udp_server --loss` "
           "does; a request is sent again after 50 ms without a reply, up to the number of tries, before the other "
           "peer is taken as gone.\n"
           "- Simultaneous failures (the Chord paper's experiment): 1,024 peers (256 with `--quick`), m = 32, settled with their upkeep "
           "off; values stored half with the holder's copy at its successor, half without; a fraction p of the "
           "peers, chosen at random, closes its sockets at once. Lookups before any repair (nobody has pinged yet), "
           "then the upkeep starts (a ping every 500 ms, 150 ms for each reply, 2 tries) and, once every live peer "
           "has its true successor and "
           "predecessor, lookups again and a get of every value; with 2 successors (the lecture's, and the stand-in) "
           "and with r = log2 N (`--successors`). Every answer is checked against the successor rule worked "
           "out on the live peers.\n"
           "- Speed: lookups one at a time from the main thread, in rings of 64 and 1,024 peers, timed from the "
           "call to the ANSWER's arrival at the origin; for one peer's rate, a client socket in a second thread "
           "keeps 32 requests in flight.\n";
}

}  // namespace measuring

int main(int argc, char* argv[]) {
    using namespace measuring;
    options o;
    bool quiet = false;
    cli::parse(argc, argv,
               {"dht_measure",
                "Measures rings of DHT peers (all in this process, on UDP over loopback) and prints the tables of "
                "RESULTS.md.",
                {cli::text("--part", "PART", "lookups, churn, failures, speed or all (default: all)", o.part),
                 cli::text("--charts", "DIR",
                           "where to write lookups.svg, path_lengths.svg, churn.svg, recovery.svg and failures.svg "
                           "(default: .)",
                           o.charts),
                 cli::flag("--quick", "smaller rings, fewer lookups and departures: minutes, not ten", o.quick),
                 cli::whole("--seeds", "N", "rings per size in the lookups and failures parts (default: 3)", 1, 100,
                            o.seeds),
                 cli::whole("--successors", "R",
                            "successors each peer keeps in the churn part; the failures part measures 2, log2 N "
                            "and R (default: 2)",
                            2, dht::max_successors, o.successors),
                 cli::text("--results", "FILE", "also write the results file (RESULTS.md) there", o.results),
                 cli::flag("-q", "no progress on stderr", quiet)},
                "",
                [&o]() -> std::string {
                    const bool known = o.part == "lookups" || o.part == "churn" || o.part == "failures" ||
                                       o.part == "speed" || o.part == "all";
                    return known ? "" : "invalid --part '" + o.part + "' (lookups, churn, failures, speed or all)";
                }});
    allow_many_sockets();
    show_progress = !quiet && isatty(STDERR_FILENO) == 1;
    if (!o.results.empty()) watch_machine();
    const auto begin = steady::now();
    // Each part timed, so that the 15-minute target says where the time went.
    std::string parts;
    auto part = [&](const char* name, void (*measure)(const options&)) {
        if (o.part != name && o.part != "all") return;
        const auto part_begin = steady::now();
        measure(o);
        parts += (parts.empty() ? "" : ", ") + std::string(name) + " " +
                 fixed(std::chrono::duration<double>(steady::now() - part_begin).count(), 0) + " s";
    };
    part("lookups", measure_lookups);
    part("churn", measure_churn);
    part("failures", measure_failures);
    part("speed", measure_speed);
    const double seconds = std::chrono::duration<double>(steady::now() - begin).count();
    std::printf("\n(%.0f s in all: %s)\n", seconds, parts.c_str());
    if (o.part == "all" && !o.quick)
        target(seconds < 15 * 60 ? "MET" : "MISSED",
               "the whole measurement in under 15 minutes on this machine: " + fixed(seconds, 0) + " s (" + parts +
                   ")");
    if (!o.results.empty()) {
        std::string command = argv[0];
        for (int i = 1; i < argc; ++i) command += std::string(" ") + argv[i];
        write_results(o.results, command, method(o));
    }
    return cli::success;
}
