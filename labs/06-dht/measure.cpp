// measure.cpp - lab 06: the measurements of RESULTS.md, on rings of real UDP
// peers in this process (host.hpp), built on the routing.cpp it is linked with.
//
//   dht_measure [--part lookups|churn|speed|all] [--charts DIR] [--quick] [--seeds N]
//
//   lookups  messages per lookup for N = 8 ... 1,024, walking and with
//            shortcuts (the Chord paper's figure: about 1/2 log2 N)
//   churn    peers leave one at a time while the others ping: recovery time
//            and the lookups answered right, without and with 10% loss;
//            then two neighbours leave together (measure_churn.cpp)
//   speed    time per lookup on loopback; messages per second one peer handles
//
// Progress goes to stderr when it is a terminal; the tables to stdout, in
// Markdown; the charts (tools/plot) to DIR/lookups.svg, DIR/churn.svg and
// DIR/recovery.svg.
#include "measure.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "../../common/cli.hpp"
#include "message.hpp"

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
    auto ring = std::make_unique<host>(s, [](const std::string&) {});  // the log of a thousand peers: not wanted
    for (id i : ids) {
        net::result<peer*> started = ring->start(i);
        if (!started) cli::fail(started.error());
    }
    ring->settle_ring();
    return ring;
}

double lookups::right() const {
    const double all = static_cast<double>(messages.size()) + wrong + unanswered;
    return all == 0 ? 0 : static_cast<double>(messages.size()) / all;
}

// `count` lookups, `parallel` at a time.

lookups run_lookups(host& ring, std::mt19937_64& random, int count, int parallel, const std::string& label) {
    const std::vector<id> ids = ring.identifiers();
    auto out = std::make_shared<lookups>();
    auto started = std::make_shared<int>(0);
    auto finished = std::make_shared<int>(0);
    std::function<void()> start_one = [&, out, started, finished]() {
        const id origin = ids[random() % ids.size()];
        const id key = static_cast<id>(random() % (std::uint64_t{1} << ring.config().m));
        ++*started;
        ring.find(origin)->lookup(key, [&, out, finished, key](const lookup_result& r) {
            if (!r.ok)
                ++out->unanswered;
            else if (r.holder.ident != truth(ids, key))
                ++out->wrong;
            else
                out->messages.push_back(r.messages());
            if (++*finished % 50 == 0) progress(label + ": " + std::to_string(*finished) + "/" + std::to_string(count));
            if (*started < count) start_one();
        });
    };
    for (int i = 0; i < std::min(parallel, count); ++i) start_one();
    ring.run_until([&] { return *finished >= count; }, ms(3600000));  // each lookup ends, answered or not
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
    std::printf("\n(chart: %s)\n", path.c_str());
}

// ---------------------------------------------------------------- messages per lookup

void measure_lookups(const options& o) {
    const std::vector<std::size_t> sizes = o.quick ? std::vector<std::size_t>{8, 16, 32, 64, 128}
                                                   : std::vector<std::size_t>{8, 16, 32, 64, 128, 256, 512, 1024};
    const int per_seed = o.quick ? 100 : 300;
    std::printf("\n## Messages per lookup\n\n");
    std::printf(
        "m = 32, random identifiers; %d lookups per ring, from random peers for random keys, %u rings (seeds) "
        "per N; every answer checked against the successor rule.\n\n",
        per_seed, o.seeds);
    std::printf(
        "| N | walking: mean | p1 | p99 | N/2 | shortcuts: mean | p1 | p99 | 1/2 log2 N | target 1/2 log2 N + 1 "
        "| shortcuts per peer | wrong |\n");
    std::printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    plot::series walk_mean = line("walking: mean", "#c03030"), half_n = line("N / 2", "#888888", true);
    plot::series walk_p1 = line("walking: 1st and 99th percentiles", "#e08080", true), walk_p99 = walk_p1;
    plot::series sc_mean = line("shortcuts: mean", "#1f5fbf"), half_log = line("1/2 log2 N", "#888888", true);
    plot::series sc_p1 = line("shortcuts: 1st and 99th percentiles", "#80a8e0", true), sc_p99 = sc_p1;
    plot::series target = line("target: 1/2 log2 N + 1", "#2a9d4a", true);
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
                ring->use_shortcuts(with);
                const std::string label = "N = " + std::to_string(n) + ", seed " + std::to_string(seed) +
                                          (with ? ", shortcuts" : ", walking");
                const lookups l = run_lookups(*ring, random, per_seed, 16, label);
                (with ? shortcut : walking)
                    .insert((with ? shortcut : walking).end(), l.messages.begin(), l.messages.end());
                wrong += l.wrong + l.unanswered;
            }
        }
        progress_done();
        const double x = static_cast<double>(n), half = 0.5 * std::log2(x);
        shortcuts_per_peer /= x * o.seeds;
        std::printf("| %zu | %s | %.0f | %.0f | %.0f | %s | %.0f | %.0f | %.2f | %.2f | %.1f | %d |\n", n,
                    fixed(mean(walking), 1).c_str(), percentile(walking, 0.01), percentile(walking, 0.99), x / 2,
                    fixed(mean(shortcut), 2).c_str(), percentile(shortcut, 0.01), percentile(shortcut, 0.99), half,
                    half + 1, shortcuts_per_peer, wrong);
        std::fflush(stdout);
        walk_mean.data.push_back({x, mean(walking)});
        walk_p1.data.push_back({x, percentile(walking, 0.01)});
        walk_p99.data.push_back({x, percentile(walking, 0.99)});
        half_n.data.push_back({x, x / 2});
        sc_mean.data.push_back({x, mean(shortcut)});
        sc_p1.data.push_back({x, percentile(shortcut, 0.01)});
        sc_p99.data.push_back({x, percentile(shortcut, 0.99)});
        half_log.data.push_back({x, half});
        target.data.push_back({x, half + 1});
    }
    plot::chart c;
    c.title = "Messages per lookup (m = 32, random peers and keys)";
    c.x_label = "N, peers in the ring (log scale)";
    c.x_scale = plot::scale::log10;
    c.panels.push_back({"Walking the successors", "messages", {half_n, walk_p1, walk_p99, walk_mean}});
    c.panels.push_back({"With shortcuts (finger tables)", "messages", {half_log, target, sc_p1, sc_p99, sc_mean}});
    write_chart(c, o.charts + "/lookups.svg");
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
    client.close();
    serving.join();
    return static_cast<double>(answered) / seconds;
}

}  // namespace

void measure_speed(const options& o) {
    std::printf("\n## Time per lookup on loopback (one lookup at a time, all peers in one thread)\n\n");
    std::printf(
        "| N | routing | lookups | median time (µs) | p99 (µs) | mean messages | µs per message |\n"
        "|---:|---|---:|---:|---:|---:|---:|\n");
    for (std::size_t n : {std::size_t{64}, std::size_t{1024}}) {
        settings s;
        s.m = 32;
        s.upkeep = false;
        s.lookup_wait = ms(60000);
        std::mt19937_64 random(n);
        auto ring = make_ring(s, random_ids(random, 32, n));
        const std::vector<id> ids = ring->identifiers();
        for (bool with : {false, true}) {
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
            std::printf("| %zu | %s | %d | %s | %s | %s | %s |\n", n, with ? "shortcuts" : "walking", count,
                        fixed(percentile(micros, 0.5), 0).c_str(), fixed(percentile(micros, 0.99), 0).c_str(),
                        fixed(mean(messages), 2).c_str(), fixed(per_message, 1).c_str());
            std::fflush(stdout);
        }
    }
    std::printf("\n## Messages one peer handles per second\n\n");
    std::printf(
        "One peer in a thread of its own; a client keeps 32 requests in flight for 3 s and counts the "
        "replies.\n\n| request | replies | requests per second |\n|---|---|---:|\n");
    const ms how_long = o.quick ? ms(1000) : ms(3000);
    progress("one peer: PING");
    const double pings = one_peer_rate(kind::ping, 32, how_long);
    progress("one peer: QUERY");
    const double queries = one_peer_rate(kind::query, 32, how_long);
    progress_done();
    std::printf("| PING | PONG | %s |\n| QUERY (the peer holds the key) | ACK and ANSWER | %s |\n",
                fixed(pings, 0).c_str(), fixed(queries, 0).c_str());
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
                {cli::text("--part", "PART", "lookups, churn, speed or all (default: all)", o.part),
                 cli::text("--charts", "DIR", "where to write lookups.svg and churn.svg (default: .)", o.charts),
                 cli::flag("--quick", "smaller rings and fewer lookups: a minute, not ten", o.quick),
                 cli::whole("--seeds", "N", "rings per size in the lookups part (default: 3)", 1, 100, o.seeds),
                 cli::flag("-q", "no progress on stderr", quiet)},
                "",
                [&o]() -> std::string {
                    const bool known = o.part == "lookups" || o.part == "churn" || o.part == "speed" || o.part == "all";
                    return known ? "" : "invalid --part '" + o.part + "' (lookups, churn, speed or all)";
                }});
    // A thousand peers are a thousand sockets: more than the usual soft limit of 1,024 files.
    rlimit files{};
    if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        setrlimit(RLIMIT_NOFILE, &files);
    }
    show_progress = !quiet && isatty(STDERR_FILENO) == 1;
    const auto begin = steady::now();
    if (o.part == "lookups" || o.part == "all") measure_lookups(o);
    if (o.part == "churn" || o.part == "all") measure_churn(o);
    if (o.part == "speed" || o.part == "all") measure_speed(o);
    std::printf("\n(%.0f s in all)\n", std::chrono::duration<double>(steady::now() - begin).count());
    return cli::success;
}
