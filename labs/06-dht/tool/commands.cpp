// commands.cpp - lab 06: the dht tool's commands. Each runs the ring until
// its answer comes; between commands the ring keeps running (pings, repairs)
// while the tool waits for the next line.
#include "commands.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "../../../common/cli.hpp"
#include "../peer/keys.hpp"
#include "ring_svg.hpp"

namespace dht {

namespace {

const char* const help_text =
    "commands (KEY: a number, or a name, which is hashed; PEER: a peer's identifier):\n"
    "  lookup KEY [at PEER]      the path of a query for KEY, hop by hop (from the smallest peer,\n"
    "                            unless 'at PEER')\n"
    "  put NAME VALUE [at PEER]  store VALUE under NAME, at the peer that holds NAME's key\n"
    "  get NAME [at PEER]        the value stored under NAME\n"
    "  peers                     each peer: predecessor, successors, shortcuts, pairs stored\n"
    "  kill PEER                 PEER leaves abruptly: its socket closes, it answers nothing\n"
    "  join PEER [via PEER]      a new peer PEER joins the ring through a peer of it\n"
    "  wait MS                   let the peers ping and repair for MS milliseconds\n"
    "  shortcuts on|off          queries use shortcuts, or walk the successors\n"
    "  draw FILE                 the ring as SVG, with the last query and its origin's shortcuts\n"
    "  help, quit                (a line starting with # is a comment)\n";

struct session {
    host& ring;
    bool whole_ring_here;  // every peer is in this process: the tool can check answers
    std::optional<lookup_result> last;
    bool failed = false;

    ms patience() const { return ring.config().lookup_wait * (ring.config().tries + 1); }
    void wrong(const std::string& problem) {
        std::fflush(stdout);
        std::fprintf(stderr, "dht: %s\n", problem.c_str());
        failed = true;
    }
};

// Words, with '...' or "..." holding spaces: put "Xiaoming Liu" 385-41-0902
std::vector<std::string> words_of(const std::string& line) {
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < line.size()) {
        if (line[i] == ' ' || line[i] == '\t' || line[i] == '\r') {
            ++i;
            continue;
        }
        if (line[i] == '"' || line[i] == '\'') {
            const std::size_t end = line.find(line[i], i + 1);
            words.push_back(line.substr(i + 1, (end == std::string::npos ? line.size() : end) - i - 1));
            i = end == std::string::npos ? line.size() : end + 1;
            continue;
        }
        std::size_t end = line.find_first_of(" \t\r", i);
        if (end == std::string::npos) end = line.size();
        words.push_back(line.substr(i, end - i));
        i = end;
    }
    return words;
}

std::uint64_t circle(const host& ring) { return std::uint64_t{1} << ring.config().m; }

// A KEY: a number is the key itself; anything else is a name, hashed.
std::optional<id> key_from(session& s, const std::string& word) {
    if (!word.empty() && word.find_first_not_of("0123456789") == std::string::npos) {
        std::optional<std::uint64_t> n = cli::parse_whole(word, 0, circle(s.ring) - 1);
        if (!n) s.wrong("key " + word + " is out of range (0 to " + std::to_string(circle(s.ring) - 1) + ")");
        return n ? std::optional<id>(static_cast<id>(*n)) : std::nullopt;
    }
    return key_of(word, s.ring.config().m);
}

std::optional<id> live_peer(session& s, const std::string& word) {
    std::optional<std::uint64_t> n = cli::parse_whole(word, 0, circle(s.ring) - 1);
    if (n && s.ring.find(static_cast<id>(*n)) != nullptr) return static_cast<id>(*n);
    s.wrong("no live peer '" + word + "' in this process");
    return std::nullopt;
}

// "... [at PEER]" at the end of a command: the peer that asks.
std::optional<id> asking_peer(session& s, const std::vector<std::string>& w, std::size_t at) {
    if (w.size() == at) {
        const std::vector<id> ids = s.ring.identifiers();
        if (ids.empty()) s.wrong("no live peer left");
        return ids.empty() ? std::nullopt : std::optional<id>(ids.front());
    }
    if (w.size() == at + 2 && w[at] == "at") return live_peer(s, w[at + 1]);
    s.wrong("expected 'at PEER' after '" + w[at - 1] + "'");
    return std::nullopt;
}

// The path of a query, one message a line, and whether its answer is right.
// False if there is no answer to believe: none came, or its path is not one
// a query could have taken (the tool trusts no path's length).
bool print_lookup(session& s, const lookup_result& r, id at) {
    s.last = r;
    std::printf("key %u, asked at peer %u, %s:\n", r.key, at,
                s.ring.config().shortcuts ? "with shortcuts" : "walking the successors");
    if (!r.ok) {
        std::printf("no answer: the query was lost, or the ring is broken (see the log)\n");
        return false;
    }
    if (const std::string problem = path_problem(r.path, at, s.ring.config().m); !problem.empty()) {
        std::printf("an answer that cannot be right, not believed: %s\n", problem.c_str());
        s.last.reset();  // nothing to draw
        return false;
    }
    for (std::size_t i = 1; i < r.path.size(); ++i)
        std::printf("  message %zu: %u -> %u\n", i, r.path[i - 1], r.path[i]);
    std::printf("  %u knows: key %u lies after it, up to its successor %u\n", r.path.back(), r.key, r.holder.ident);
    std::printf("key %u is at peer %u: %d message%s\n", r.key, r.holder.ident, r.messages(),
                r.messages() == 1 ? "" : "s");
    if (s.whole_ring_here) {
        const std::vector<id> ids = s.ring.identifiers();
        auto after = std::lower_bound(ids.begin(), ids.end(), r.key);
        const id truth = after == ids.end() ? ids.front() : *after;
        if (truth != r.holder.ident)
            std::printf(
                "  WRONG: the successor of key %u among the live peers is %u (a rule of routing.cpp, or a "
                "ring not repaired yet)\n",
                r.key, truth);
    }
    return true;
}

// A KEY given as a name: which key it is.
void say_key(const session& s, const std::string& word, id key) {
    if (std::to_string(key) != word)
        std::printf("'%s' is key %u (the first %d bits of its SHA-1)\n", word.c_str(), key, s.ring.config().m);
}

void run_lookup(session& s, const std::vector<std::string>& w) {
    if (w.size() < 2) return s.wrong("usage: lookup KEY [at PEER]");
    const std::optional<id> key = key_from(s, w[1]);
    const std::optional<id> at = key ? asking_peer(s, w, 2) : std::nullopt;
    if (!key || !at) return;
    say_key(s, w[1], *key);
    print_lookup(s, s.ring.lookup(*at, *key, s.patience()), *at);
}

void run_put_or_get(session& s, const std::vector<std::string>& w) {
    const bool put = w[0] == "put";
    const std::size_t words = put ? 3 : 2;
    if (w.size() < words) return s.wrong(put ? "usage: put NAME VALUE [at PEER]" : "usage: get NAME [at PEER]");
    const std::optional<id> key = key_from(s, w[1]);
    const std::optional<id> at = key ? asking_peer(s, w, words) : std::nullopt;
    if (!key || !at) return;
    say_key(s, w[1], *key);
    const store_result r =
        put ? s.ring.put(*at, w[1], *key, w[2], s.patience()) : s.ring.get(*at, w[1], *key, s.patience());
    if (!print_lookup(s, r.lookup, *at)) return;
    if (!r.ok)
        std::printf("peer %u did not answer the %s\n", r.lookup.holder.ident, put ? "PUT" : "GET");
    else if (put)
        std::printf("stored at peer %u\n", r.lookup.holder.ident);
    else if (r.found)
        std::printf("'%s' = %s (from peer %u)\n", w[1].c_str(), r.value.c_str(), r.lookup.holder.ident);
    else
        std::printf("nothing is stored under '%s' at peer %u\n", w[1].c_str(), r.lookup.holder.ident);
}

std::string text(const std::optional<id>& i) { return i ? std::to_string(*i) : std::string("-"); }

std::string text(const std::vector<id>& ids) {
    std::string all;
    for (id i : ids) all += (all.empty() ? "" : " ") + std::to_string(i);
    return all.empty() ? "-" : all;
}

// With --successors R > 2, a last column: the successors after the second.
void print_peers(const host& ring) {
    const bool list = ring.config().successors > 2;
    std::printf("%5s  %-22s  %11s  %9s  %6s  %5s  %s%s\n", "peer", "address", "predecessor", "successor", "second",
                "pairs", list ? "shortcuts  |  " : "shortcuts", list ? "later successors" : "");
    for (const peer* p : ring.peers()) {
        const neighbours& n = p->links();
        std::printf("%5u  %-22s  %11s  %9s  %6s  %5zu  %s%s\n", p->ident(), p->where().to_string().c_str(),
                    text(n.predecessor).c_str(), text(n.successor).c_str(), text(n.second).c_str(), p->pairs_stored(),
                    text(p->shortcuts()).c_str(), list ? ("  |  " + text(p->later_successors())).c_str() : "");
    }
}

void run_join(session& s, const std::vector<std::string>& w) {
    if (w.size() != 2 && !(w.size() == 4 && w[2] == "via")) return s.wrong("usage: join PEER [via PEER]");
    std::optional<std::uint64_t> n = cli::parse_whole(w[1], 0, circle(s.ring) - 1);
    if (!n) return s.wrong("invalid identifier '" + w[1] + "' (0 to " + std::to_string(circle(s.ring) - 1) + ")");
    if (s.ring.find(static_cast<id>(*n)) != nullptr) return s.wrong("peer " + w[1] + " is in the ring already");
    const std::optional<id> via = w.size() == 4 ? live_peer(s, w[3]) : asking_peer(s, w, 2);
    if (!via) return;
    net::result<peer*> started = s.ring.start(static_cast<id>(*n));
    if (!started) return s.wrong(started.error().message());
    if (s.ring.join(static_cast<id>(*n), *via, s.patience()))
        std::printf("peer %s joined through peer %u: its successor is %s; the others learn of it as they stabilise\n",
                    w[1].c_str(), *via, text(started.value()->links().successor).c_str());
    else {
        std::printf("peer %s could not join (see the log)\n", w[1].c_str());
        s.ring.kill(static_cast<id>(*n));
    }
}

void run_draw(session& s, const std::vector<std::string>& w) {
    if (w.size() != 2) return s.wrong("usage: draw FILE");
    ring_picture picture;
    picture.m = s.ring.config().m;
    picture.peers = s.ring.identifiers();
    if (s.last && s.last->ok) {
        picture.lookup = s.last;
        if (const peer* origin = s.ring.find(s.last->path.front())) {
            picture.owner = origin->ident();
            if (s.ring.config().shortcuts) picture.shortcuts = origin->shortcuts();
        }
    }
    std::ofstream file(w[1], std::ios::binary);
    file << draw_ring(picture);
    file.close();
    if (!file) return s.wrong("cannot write '" + w[1] + "'");
    std::printf("the ring: %s (open it in a web browser)\n", w[1].c_str());
}

// One command; false for quit.
bool run(session& s, const std::string& line) {
    const std::vector<std::string> w = words_of(line);
    if (w.empty() || w[0][0] == '#') return true;
    const std::string& c = w[0];
    if (c == "quit" || c == "exit") return false;
    if (c == "help") {
        std::printf("%s", help_text);
    } else if (c == "lookup") {
        run_lookup(s, w);
    } else if (c == "put" || c == "get") {
        run_put_or_get(s, w);
    } else if (c == "peers") {
        print_peers(s.ring);
    } else if (c == "kill" && w.size() == 2) {
        if (std::optional<id> p = live_peer(s, w[1])) {
            s.ring.kill(*p);
            std::printf("peer %u is gone: its socket is closed, it answers nothing\n", *p);
        }
    } else if (c == "join") {
        run_join(s, w);
    } else if (c == "wait" && w.size() == 2) {
        std::optional<std::uint64_t> n = cli::parse_whole(w[1], 0, 3600000);
        if (!n) s.wrong("usage: wait MS (a number of milliseconds)");
        if (n) s.ring.run_for(ms(*n));
    } else if (c == "shortcuts" && w.size() == 2 && (w[1] == "on" || w[1] == "off")) {
        s.ring.use_shortcuts(w[1] == "on");
        std::printf("queries %s\n", w[1] == "on" ? "use shortcuts" : "walk the successors");
    } else if (c == "draw") {
        run_draw(s, w);
    } else {
        s.wrong("unknown command '" + line + "' (type help)");
    }
    std::fflush(stdout);
    return true;
}

}  // namespace

void describe_ring(const host& ring, bool joined) {
    const settings& c = ring.config();
    std::printf("%s %zu peers, m = %d (identifiers 0 to %llu), each on its own UDP socket:\n",
                joined ? "joined with" : "a ring of", ring.peers().size(), c.m,
                static_cast<unsigned long long>(circle(ring) - 1));
    for (const peer* p : ring.peers()) std::printf("  peer %u at %s\n", p->ident(), p->where().to_string().c_str());
    std::printf("queries %s; each peer pings its successors every %lld ms", c.shortcuts ? "use shortcuts" : "walk the successors",
                static_cast<long long>(c.period.count()));
    if (c.successors > 2) std::printf(" and keeps %d successors", c.successors);
    std::printf(". Type 'help' for the commands.\n");
    std::fflush(stdout);
}

int read_commands(host& ring, bool whole_ring_here, int input) {
    session s{ring, whole_ring_here, std::nullopt, false};
    const bool terminal = input == STDIN_FILENO && cli::stdin_is_terminal();
    std::string pending;  // read, not yet a whole line
    bool more = true;
    while (more) {
        if (terminal) {
            std::printf("dht> ");
            std::fflush(stdout);
        }
        // The ring runs while we wait for the next line.
        std::size_t end;
        while ((end = pending.find('\n')) == std::string::npos) {
            ring.run_until_readable(input);
            char buffer[4096];
            const ssize_t got = ::read(input, buffer, sizeof buffer);
            if (got <= 0) {  // the end of the input: its last line, if any, then stop
                if (!pending.empty()) run(s, pending);
                return s.failed ? cli::runtime_failure : cli::success;
            }
            pending.append(buffer, static_cast<std::size_t>(got));
        }
        const std::string line = pending.substr(0, end);
        pending.erase(0, end + 1);
        more = run(s, line);
    }
    return s.failed ? cli::runtime_failure : cli::success;
}

}  // namespace dht
