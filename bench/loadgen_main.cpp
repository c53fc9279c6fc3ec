// bench_loadgen - drives one server with one kind of load and checks every reply.
//
//   bench_loadgen MODE --port P [options]
//   MODE: udp | tcp-conn | tcp-session | tcp-hold | tcp-bulk
//
// It prints one line: requests answered correctly, errors, requests per
// second, and the 50th/99th percentile latency in microseconds, e.g.
//   tcp-session: requests=20000 errors=0 rps=31250 p50_us=29.8 p99_us=51.0 seconds=0.640 ...
// and exits 0 only if there was no error at all. A run that overruns its
// --deadline-s prints what it measured so far and exits 3.
#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "loadgen.hpp"

namespace {

const char* usage =
    "usage: bench_loadgen udp|tcp-conn|tcp-session|tcp-hold|tcp-bulk --port P [--host H]\n"
    "         [--requests N] [--clients C] [--connections N] [--rounds R] [--bytes B]\n"
    "         [--size S] [--timeout-ms T] [--deadline-s D] [--pause]\n";

[[noreturn]] void bad_usage(const std::string& problem) {
    std::fprintf(stderr, "bench_loadgen: %s\n%s", problem.c_str(), usage);
    std::exit(2);
}

std::uint64_t number(const std::string& option, const char* text, std::uint64_t low, std::uint64_t high) {
    char* end = nullptr;
    const unsigned long long value = std::strtoull(text, &end, 10);
    if (end == text || *end != '\0' || value < low || value > high)
        bad_usage(option + " wants a number from " + std::to_string(low) + " to " + std::to_string(high));
    return value;
}

bench::options parse(int argc, char* argv[]) {
    if (argc < 2) bad_usage("which mode?");
    bench::options o;
    o.mode = argv[1];
    for (int i = 2; i < argc; ++i) {
        const std::string option = argv[i];
        if (option == "--pause") {
            o.pause = true;
            continue;
        }
        if (i + 1 >= argc) bad_usage(option + " needs a value (or is unknown)");
        const char* value = argv[++i];
        if (option == "--host") o.host = value;
        else if (option == "--port") o.port = static_cast<std::uint16_t>(number(option, value, 1, 65535));
        else if (option == "--requests") o.requests = number(option, value, 1, 100000000);
        else if (option == "--clients") o.clients = static_cast<int>(number(option, value, 1, 1000));
        else if (option == "--connections") o.connections = static_cast<int>(number(option, value, 1, 15000));
        else if (option == "--rounds") o.rounds = static_cast<int>(number(option, value, 1, 1000000));
        else if (option == "--bytes") o.bytes = number(option, value, 1, 1ull << 40);
        else if (option == "--size") o.size = number(option, value, 16, 60000);
        else if (option == "--timeout-ms") o.timeout_ms = static_cast<int>(number(option, value, 1, 600000));
        else if (option == "--deadline-s") o.deadline_s = static_cast<int>(number(option, value, 1, 3600));
        else bad_usage("unknown option " + option);
    }
    if (o.port == 0) bad_usage("--port is required");
    return o;
}

// If the run overruns its deadline, say what was measured and stop: a
// benchmark that hangs tells nobody anything.
class watchdog {
public:
    explicit watchdog(int seconds) : thread_([this, seconds] { watch(seconds); }) {}
    ~watchdog() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            done_ = true;
        }
        wake_.notify_one();
        thread_.join();
    }

private:
    void watch(int seconds) {
        std::unique_lock<std::mutex> lock(mutex_);
        if (wake_.wait_for(lock, std::chrono::seconds(seconds), [this] { return done_; })) return;
        std::printf("TIMEOUT after %d s: requests=%llu errors=%llu\n", seconds,
                    static_cast<unsigned long long>(bench::answered.load()),
                    static_cast<unsigned long long>(bench::failed.load()));
        std::fflush(stdout);
        std::_Exit(3);
    }
    std::mutex mutex_;
    std::condition_variable wake_;
    bool done_ = false;
    std::thread thread_;
};

double percentile_us(std::vector<std::uint64_t>& ns, double fraction) {
    if (ns.empty()) return 0.0;
    const auto k = static_cast<std::size_t>(fraction * static_cast<double>(ns.size() - 1));
    std::nth_element(ns.begin(), ns.begin() + static_cast<std::ptrdiff_t>(k), ns.end());
    return static_cast<double>(ns[k]) / 1000.0;
}

int summarize(const bench::options& o, std::vector<bench::tally>& tallies) {
    bench::tally all;
    bench::clock::time_point began = bench::clock::time_point::max(), ended{};
    for (bench::tally& t : tallies) {
        all.requests += t.requests;
        all.errors += t.errors;
        all.bytes += t.bytes;
        all.held += t.held;
        all.latency_ns.insert(all.latency_ns.end(), t.latency_ns.begin(), t.latency_ns.end());
        if (t.began != bench::clock::time_point{}) began = std::min(began, t.began);
        ended = std::max(ended, t.ended);
    }
    const double seconds = ended > began ? std::chrono::duration<double>(ended - began).count() : 0.0;
    const double rps = seconds > 0 ? static_cast<double>(all.requests) / seconds : 0.0;
    const double mb_per_s = seconds > 0 ? static_cast<double>(all.bytes) / seconds / 1e6 : 0.0;
    const double p50 = percentile_us(all.latency_ns, 0.50), p99 = percentile_us(all.latency_ns, 0.99);
    std::printf("%s: requests=%llu errors=%llu rps=%.0f p50_us=%.1f p99_us=%.1f seconds=%.3f bytes=%llu "
                "mb_per_s=%.1f held=%llu\n",
                o.mode.c_str(), static_cast<unsigned long long>(all.requests),
                static_cast<unsigned long long>(all.errors), rps, p50, p99, seconds,
                static_cast<unsigned long long>(all.bytes), mb_per_s, static_cast<unsigned long long>(all.held));
    std::fflush(stdout);
    return all.errors == 0 && all.requests > 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char* argv[]) {
    const bench::options o = parse(argc, argv);
    net::result<std::vector<net::address>> found = net::resolve(o.host, o.port, net::tcp);
    if (!found || found.value().empty()) {
        std::fprintf(stderr, "bench_loadgen: %s\n", found ? "no address" : found.error().message().c_str());
        return 1;
    }
    const net::address server = found.value().front();

    std::vector<bench::tally> tallies;
    {
        watchdog guard(o.deadline_s);
        if (o.mode == "udp") tallies = bench::run_udp(o, server);
        else if (o.mode == "tcp-conn") tallies = bench::run_tcp_conn(o, server);
        else if (o.mode == "tcp-session") tallies = bench::run_tcp_session(o, server);
        else if (o.mode == "tcp-hold") tallies = bench::run_tcp_hold(o, server);
        else if (o.mode == "tcp-bulk") tallies = bench::run_tcp_bulk(o, server);
        else bad_usage("unknown mode " + o.mode);
    }
    return summarize(o, tallies);
}
