// main.cpp - lab 04: the program `distribution`. It prints the lecture's two
// lower bounds for N = 0, 1, ..., N peers as a table, and draws them as the
// lecture's chart (SVG, with the project's plotter, labs/shared/plot/). Given code:
// the bounds themselves are your distribution.cpp.
//
//   distribution                      the lecture's example: F/u = 1 hour, us = 10u, N = 0..35
//   distribution --svg chart.svg      ... and its chart
//   distribution --peers-file peers.txt --file 1GiB --server 10MiB/s
//   distribution --bounds --peers 35  one line, for scripts (see print_bounds)
//
// A bad argument or a bad peers file: one line on stderr, exit status 2. A
// file that cannot be read or written: one line, exit status 1.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "../shared/plot/chart.hpp"
#include "distribution.hpp"
#include "../shared/units.hpp"

namespace {

const char* const usage =
    "usage: distribution [--file SIZE] [--server RATE] [--upload RATE] [--download RATE]\n"
    "                    [--peers N | --peers-file PATH] [--svg PATH] [--bounds]";

const char* const help =
    "\n\nThe lecture's lower bounds on the time to distribute a file of F bytes from one\n"
    "server to N peers, client-server and P2P, for N = 0, 1, ..., N, as a table.\n\n"
    "  --file SIZE        F, the file (default 900MiB)\n"
    "  --server RATE      us, the server's upload rate (default 2560KiB/s, 10u)\n"
    "  --upload RATE      u, each peer's upload rate (default 256KiB/s: F/u = 1 hour)\n"
    "  --download RATE    d, each peer's download rate (default 5MiB/s, more than us)\n"
    "  --peers N          how many peers, at most (default 35)\n"
    "  --peers-file PATH  the peers instead, one 'UPLOAD DOWNLOAD' a line (# comments);\n"
    "                     row n of the table has the first n of them\n"
    "  --svg PATH         also draw the chart, as SVG, into PATH\n"
    "  --bounds           print only the bounds for all N peers, in one line:\n"
    "                     N=.. F=.. us=.. client_server=SECONDS client_server_limit=NAME\n"
    "                     p2p=SECONDS p2p_limit=NAME\n\n"
    "SIZE: a number and a unit (B, KiB, MiB, GiB, kB, MB, GB, bit, Mbit, ...);\n"
    "RATE: a SIZE per second, '/s' optional: 256KiB/s, 8Mbit/s.";

struct options {
    double file_size = 900.0 * 1024 * 1024;  // F: the lecture's F/u = 1 hour ...
    double server_upload = 2560.0 * 1024;    // us = 10u
    double upload = 256.0 * 1024;            // u
    double download = 5.0 * 1024 * 1024;     // d: dmin >= us, as in the lecture
    int peers = 35;
    std::string peers_file;
    std::string svg;
    bool bounds = false;
};

struct parsed {
    options chosen;
    bool help = false;
    std::string error;  // empty when all is well
};

// One option's value: a size, or a rate, that must be more than (or at least) 0.
std::string read_amount(const std::string& option, const std::string& text, bool rate, bool zero_allowed, double& out) {
    const std::optional<double> value = rate ? parse_rate(text) : parse_size(text);
    if (!value)
        return "invalid " + option + " '" + text + "': expected a " +
               (rate ? "rate such as 256KiB/s" : "size such as 900MiB") + " (units: " + known_units + ")";
    if (*value < 0 || (*value == 0 && !zero_allowed))
        return "invalid " + option + " '" + text + "': it must be " + (zero_allowed ? "0 or more" : "more than 0");
    out = *value;
    return "";
}

std::string read_count(const std::string& text, int& out) {
    const bool digits = !text.empty() && text.size() <= 6 && text.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || std::atoi(text.c_str()) > 10000)
        return "invalid --peers '" + text + "': expected a whole number from 0 to 10000";
    out = std::atoi(text.c_str());
    return "";
}

parsed parse_arguments(const std::vector<std::string>& args) {
    parsed result;
    options& o = result.chosen;
    bool uniform_given = false;
    for (std::size_t i = 0; i < args.size() && result.error.empty(); ++i) {
        const std::string& option = args[i];
        if (option == "--help" || option == "-h") {
            result.help = true;
            return result;
        }
        if (option == "--bounds") {
            o.bounds = true;
            continue;
        }
        const bool known = option == "--file" || option == "--server" || option == "--upload" ||
                           option == "--download" || option == "--peers" || option == "--peers-file" ||
                           option == "--svg";
        if (!known) {
            result.error =
                option.rfind("-", 0) == 0 ? "unknown option '" + option + "'" : "unexpected argument '" + option + "'";
            break;
        }
        if (i + 1 == args.size()) {
            result.error = option + " needs a value";
            break;
        }
        const std::string& value = args[++i];
        if (option == "--file") result.error = read_amount(option, value, false, false, o.file_size);
        if (option == "--server") result.error = read_amount(option, value, true, false, o.server_upload);
        if (option == "--upload") result.error = read_amount(option, value, true, true, o.upload);
        if (option == "--download") result.error = read_amount(option, value, true, false, o.download);
        if (option == "--peers") result.error = read_count(value, o.peers);
        if (option == "--peers-file") o.peers_file = value;
        if (option == "--svg") o.svg = value;
        uniform_given = uniform_given || option == "--upload" || option == "--download" || option == "--peers";
    }
    if (result.error.empty() && uniform_given && !o.peers_file.empty())
        result.error = "--peers-file gives the peers: leave out --peers, --upload and --download";
    return result;
}

// ---------------------------------------------------------------- errors

[[noreturn]] void usage_error(const std::string& problem) {
    std::fprintf(stderr, "distribution: %s (see distribution --help)\n", problem.c_str());
    std::exit(2);
}

[[noreturn]] void fail(const std::string& problem) {
    std::fflush(stdout);
    std::fprintf(stderr, "distribution: %s\n", problem.c_str());
    std::exit(1);
}

std::string read_file(const std::string& path) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) fail("cannot read the peers file '" + path + "': " + std::strerror(errno));
    std::string text;
    char buffer[4096];
    for (std::size_t got; (got = std::fread(buffer, 1, sizeof buffer, file)) > 0;) text.append(buffer, got);
    const bool failed = std::ferror(file) != 0;
    std::fclose(file);
    if (failed) fail("cannot read the peers file '" + path + "'");
    return text;
}

void write_file(const std::string& path, const std::string& text) {
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (file == nullptr) fail("cannot write the chart to '" + path + "': " + std::strerror(errno));
    const bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size();
    if (std::fclose(file) != 0 || !written) fail("cannot write the chart to '" + path + "'");
}

// ---------------------------------------------------------------- output

// Row n of the table: the first n peers.
struct row {
    int n;
    bound client_server, p2p;
};

// Hours when the times are long, as in the lecture; else minutes or seconds.
struct time_unit {
    const char* name;       // in the table
    const char* long_name;  // on the chart's axis
    double seconds;
};
time_unit unit_for(double longest) {
    if (longest >= 2 * 3600) return {"h", "hours", 3600};
    if (longest >= 2 * 60) return {"min", "minutes", 60};
    return {"s", "seconds", 1};
}

// The lecture's yardsticks: F/us, F/d and F/u (1 hour in its example).
void print_times(const options& o, time_unit unit) {
    std::printf("F/us = %.4g %s, F/d = %.4g %s", o.file_size / o.server_upload / unit.seconds, unit.name,
                o.file_size / o.download / unit.seconds, unit.name);
    if (o.upload > 0) std::printf(", F/u = %.4g %s", o.file_size / o.upload / unit.seconds, unit.name);
    std::printf("\n");
}

// "0.100 h"
std::string in_unit(double seconds, time_unit unit) {
    char text[64];
    std::snprintf(text, sizeof text, "%.3f %s", seconds / unit.seconds, unit.name);
    return text;
}

void print_table(const std::vector<row>& rows, time_unit unit) {
    std::printf("\n%4s  %13s  %-16s  %11s  %s\n", "N", "client-server", "limited by", "P2P", "limited by");
    for (const row& r : rows)
        std::printf("%4d  %13s  %-16s  %11s  %s\n", r.n, in_unit(r.client_server.seconds, unit).c_str(),
                    limit_name(r.client_server.binds), in_unit(r.p2p.seconds, unit).c_str(), limit_name(r.p2p.binds));
}

// One line, key=value, seconds: what a script (lab 05's runner) reads.
void print_bounds(const swarm& s) {
    const bound cs = client_server_time(s), p2p = p2p_time(s);
    std::printf("N=%zu F=%.10g us=%.10g client_server=%.10g client_server_limit=%s p2p=%.10g p2p_limit=%s\n",
                s.peers.size(), s.file_size, s.server_upload, cs.seconds, limit_name(cs.binds), p2p.seconds,
                limit_name(p2p.binds));
}

std::string chart_svg(const std::vector<row>& rows, time_unit unit, const std::string& what) {
    plot::chart c;
    c.title = "Minimum distribution time";
    c.x_label = "N (peers)";
    c.panels.push_back({what, unit.long_name, {}});
    plot::series client_server, p2p;
    client_server.name = "Client-Server";
    client_server.colour = "#c03030";
    p2p.name = "P2P";
    p2p.colour = "#1f5fbf";
    client_server.points = p2p.points = true;
    for (const row& r : rows) {
        client_server.data.push_back({static_cast<double>(r.n), r.client_server.seconds / unit.seconds});
        p2p.data.push_back({static_cast<double>(r.n), r.p2p.seconds / unit.seconds});
    }
    c.panels[0].lines = {p2p, client_server};
    return plot::render(c);
}

}  // namespace

int main(int argc, char* argv[]) {
    const parsed p = parse_arguments(std::vector<std::string>(argv + 1, argv + argc));
    if (p.help) {
        std::printf("%s%s\n", usage, help);
        return 0;
    }
    if (!p.error.empty()) usage_error(p.error);
    const options& o = p.chosen;

    // The peers: N alike, or those of the file. Row n of the table has the first n.
    std::vector<peer> peers(static_cast<std::size_t>(o.peers), peer{o.upload, o.download});
    std::string what = "F = " + format_size(o.file_size) + ", us = " + format_rate(o.server_upload) + "; ";
    if (o.peers_file.empty()) {
        what += "each peer: u = " + format_rate(o.upload) + ", d = " + format_rate(o.download);
    } else {
        const peer_list list = read_peers(read_file(o.peers_file));
        if (!list.error.empty()) usage_error("peers file '" + o.peers_file + "': " + list.error);
        peers = list.peers;
        what += std::to_string(peers.size()) + " peers from " + o.peers_file;
    }

    std::vector<row> rows;
    for (std::size_t n = 0; n <= peers.size(); ++n) {
        const swarm first_n{o.file_size, o.server_upload, std::vector<peer>(peers.begin(), peers.begin() + n)};
        rows.push_back({static_cast<int>(n), client_server_time(first_n), p2p_time(first_n)});
    }
    double longest = 0;
    for (const row& r : rows) longest = std::max({longest, r.client_server.seconds, r.p2p.seconds});
    const time_unit unit = unit_for(longest);

    if (o.bounds) {
        print_bounds({o.file_size, o.server_upload, peers});
    } else {
        std::printf("%s\n", what.c_str());
        if (o.peers_file.empty()) print_times(o, unit);
        print_table(rows, unit);
    }
    if (!o.svg.empty()) {
        write_file(o.svg, chart_svg(rows, unit, what));
        if (!o.bounds) std::printf("\nthe chart: %s\n", o.svg.c_str());
    }
    return 0;
}
