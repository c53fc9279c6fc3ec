// dht_main.cpp - lab 06: the dht tool. It starts a ring of peers, each on its
// own UDP socket, all in this one process (peer/host.hpp says why), and then reads
// commands, one a line, from the terminal or a pipe:
//
//   $ dht                                   the lecture's ring: m = 6, peers 1 12 13 25 32 40 48 60
//   $ dht --m 4 --peers 1,3,4,5,8,10,12,15  the lecture's churn example
//   dht> lookup 53 at 1                     the path of a query, hop by hop
//   dht> put "Xiaoming Liu" 385-41-0902     store a value under a name (hashed to a key)
//   dht> kill 5                             a peer leaves abruptly
//
// Peers of two processes (two machines) make one ring with --join: the
// second process's peers join the first one's ring through the address one
// of them printed.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "../../../common/cli.hpp"
#include "../../../common/net.hpp"
#include "../peer/host.hpp"
#include "commands.hpp"

namespace {

using dht::id;

// "1,12,13" -> {1, 12, 13}; empty on a bad list.
std::vector<id> identifier_list(const std::string& text) {
    std::vector<id> ids;
    std::size_t at = 0;
    while (at <= text.size()) {
        std::size_t comma = text.find(',', at);
        if (comma == std::string::npos) comma = text.size();
        std::optional<std::uint64_t> n = cli::parse_whole(text.substr(at, comma - at), 0, UINT32_MAX);
        if (!n) return {};
        ids.push_back(static_cast<id>(*n));
        at = comma + 1;
    }
    return ids;
}

// --random N: N distinct identifiers, the same ones for the same --seed.
std::vector<id> random_identifiers(std::size_t n, int m, std::uint64_t seed) {
    std::mt19937_64 generator(seed);
    const std::uint64_t circle = std::uint64_t{1} << m;
    std::vector<id> ids;
    while (ids.size() < n) {
        const id candidate = static_cast<id>(generator() % circle);
        if (std::find(ids.begin(), ids.end(), candidate) == ids.end()) ids.push_back(candidate);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

// "HOST:PORT" or "[::1]:PORT" -> the address of a peer of an existing ring.
std::optional<std::pair<std::string, std::uint16_t>> host_and_port(const std::string& text) {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) return std::nullopt;
    std::string name = text.substr(0, colon);
    if (name.size() > 2 && name.front() == '[' && name.back() == ']') name = name.substr(1, name.size() - 2);
    std::optional<std::uint64_t> port = cli::parse_whole(text.substr(colon + 1), 1, 65535);
    if (!port) return std::nullopt;
    return std::make_pair(name, static_cast<std::uint16_t>(*port));
}

}  // namespace

int main(int argc, char* argv[]) {
    dht::settings s;
    std::string peers_text = "1,12,13,25,32,40,48,60", join_text;
    std::size_t random_count = 0;
    bool walk = false, quiet = false;
    unsigned retries = 2;
    std::vector<id> ids;
    cli::program spec{
        "dht",
        "Starts a ring of DHT peers, each on its own UDP socket, and reads commands (type 'help').",
        {cli::whole("--m", "BITS", "identifiers are 0 to 2^BITS - 1, BITS from 1 to 32 (default: 6)", 1, 32, s.m),
         cli::text("--peers", "LIST",
                   "the peers' identifiers, e.g. 1,3,4,5 (default: the lecture's 1,12,13,25,32,40,48,60)", peers_text),
         cli::whole("--random", "N", "N peers with random identifiers instead (see --seed)", 1, 4096, random_count),
         cli::flag("--walk", "queries walk the successors (default: they use shortcuts)", walk),
         cli::whole("--successors", "R",
                    "each peer keeps R successors: the lecture's 2 (routing.cpp), or Chord's O(log N), up to 32 "
                    "(default: 2)",
                    2, dht::max_successors, s.successors),
         cli::whole("--period", "MS", "each peer pings its two successors every MS ms (default: 500)", 10, 60000,
                    s.period),
         cli::whole("--timeout", "MS", "wait MS ms for a reply before sending again (default: 200)", 1, 60000,
                    s.timeout),
         cli::whole("--retries", "N", "send a request again N times before the peer is taken as gone (default: 2)", 0,
                    20, retries),
         cli::fraction("--loss", "P", "each peer drops this fraction of the datagrams it receives (default: 0)",
                       s.loss),
         cli::whole("--seed", "S", "seed for --loss and --random (default: 1)", 0, UINT64_MAX, s.seed),
         cli::text("--host", "ADDRESS", "the address the peers bind to (default: 127.0.0.1)", s.bind_host),
         cli::text("--join", "HOST:PORT", "join the ring of another dht through one of its peers", join_text),
         cli::flag("-q", "no log lines from the peers on stderr", quiet), cli::trace()},
        "\nThe peers' log lines (a silent peer, a repaired ring, an ignored datagram) go to stderr; -q\n"
        "silences them. Commands: type 'help' once it runs.\n",
        [&]() -> std::string {
            if (random_count > 0 && random_count > (std::uint64_t{1} << s.m))
                return "--random " + std::to_string(random_count) + " needs more than --m " + std::to_string(s.m) +
                       " bits";
            ids = random_count > 0 ? random_identifiers(random_count, s.m, s.seed) : identifier_list(peers_text);
            if (ids.empty())
                return "invalid --peers '" + peers_text + "' (identifiers separated by commas, e.g. 1,12,13)";
            std::vector<id> sorted = ids;
            std::sort(sorted.begin(), sorted.end());
            if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
                return "--peers lists the same identifier twice";
            if (sorted.back() >= (std::uint64_t{1} << s.m))
                return "identifier " + std::to_string(sorted.back()) + " is out of range (--m " + std::to_string(s.m) +
                       ": 0 to " + std::to_string((std::uint64_t{1} << s.m) - 1) + ")";
            if (!join_text.empty() && !host_and_port(join_text))
                return "invalid --join '" + join_text + "' (HOST:PORT, e.g. 127.0.0.1:40001)";
            return "";
        }};
    cli::parse(argc, argv, spec);
    cli::set_quiet(quiet);
    s.tries = static_cast<int>(retries) + 1;
    s.shortcuts = !walk;
    s.lookup_wait = std::max(dht::ms(2000), 4 * s.tries * s.timeout);

    // --random 4096 is 4,096 sockets
    if (std::string problem = dht::allow_many_sockets(ids.size()); !problem.empty()) cli::fail(problem);
    dht::host ring(s);
    for (id i : ids) {
        net::result<dht::peer*> started = ring.start(i);
        if (!started) cli::fail(started.error());
    }
    if (join_text.empty()) {
        ring.settle_ring();
    } else {
        const auto [name, port] = *host_and_port(join_text);
        const net::address known = cli::check(net::resolve(name, port, net::udp)).front();
        for (id i : ids) {
            const auto joined = std::make_shared<std::optional<bool>>();
            ring.find(i)->join(known, [joined](bool ok) { *joined = ok; });
            ring.run_until([&joined] { return joined->has_value(); }, 4 * s.lookup_wait);
            if (!joined->value_or(false))
                cli::fail("peer " + std::to_string(i) + " could not join through " + join_text +
                          ": no answer, or its identifier is taken (is a dht running there?)");
        }
    }
    dht::describe_ring(ring, !join_text.empty());
    return dht::read_commands(ring, join_text.empty());
}
