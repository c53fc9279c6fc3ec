// tracker_status.cpp - the status page, as text lines and as HTML.
#include "tracker_status.hpp"

#include <cmath>
#include <cstdio>

#include "labs/shared/plot/svg.hpp"
#include "labs/shared/units.hpp"
#include "labs/shared/sha1.hpp"

namespace bt::tracker {

std::string printable_id(std::string_view id) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string text;
    for (unsigned char c : id) {
        if (c > ' ' && c < 0x7F && c != '%')
            text += static_cast<char>(c);
        else
            text += {'%', hex[c >> 4], hex[c & 0x0F]};
    }
    return text;
}

namespace {

// "12.345", or "-" for a value that is not known.
std::string number(std::optional<double> value, const char* format = "%.3f") {
    if (!value) return "-";
    char text[64];
    std::snprintf(text, sizeof text, format, *value);
    return text;
}
std::string whole(std::optional<std::int64_t> value) { return value ? std::to_string(*value) : "-"; }

std::optional<double> progress(const swarm& s, const swarm_peer& p) {
    if (p.left == 0) return 100.0;
    if (s.size <= 0) return std::nullopt;
    return 100.0 * static_cast<double>(s.size - p.left) / static_cast<double>(s.size);
}

std::string address(const swarm_peer& p) {
    bool v6 = p.ip.find(':') != std::string::npos;
    return (v6 ? "[" + p.ip + "]" : p.ip) + ":" + std::to_string(p.port);
}

struct counts {
    std::size_t seeds = 0, downloaders = 0, completed = 0;
};
counts count(const swarm& s) {
    counts c;
    for (const swarm_peer& p : s.peers) {
        (p.started_as_seed ? c.seeds : c.downloaders) += 1;
        if (p.completed) ++c.completed;
    }
    return c;
}

}  // namespace

// ---------------------------------------------------------------- /status.txt

std::string status_text(const registry& r, double now) {
    std::size_t peers = 0;
    for (const auto& [info_hash, s] : r.swarms()) peers += s.live();
    std::string text = "tracker interval=" + std::to_string(r.interval()) +
                       " torrents=" + std::to_string(r.swarms().size()) + " peers=" + std::to_string(peers) + "\n";
    for (const auto& [info_hash, s] : r.swarms()) {
        const std::string hash = to_hex(info_hash);
        const counts c = count(s);
        const bounds b = bounds_of(s);
        text += "torrent info_hash=" + hash + " size=" + (s.size > 0 ? std::to_string(s.size) : "-") +
                " peers=" + std::to_string(s.peers.size()) + " live=" + std::to_string(s.live()) +
                " seeds=" + std::to_string(c.seeds) + " downloaders=" + std::to_string(c.downloaders) +
                " completed=" + std::to_string(c.completed) + " elapsed=" + number(s.elapsed(now)) +
                " complete=" + (s.complete() ? "yes" : "no");
        if (b.unknown.empty()) {
            text += " n=" + std::to_string(b.n) + " us=" + number(b.server_upload, "%.0f") +
                    " d_p2p=" + number(b.p2p, "%.6g") + " p2p_limit=" + b.p2p_limit +
                    " d_cs=" + number(b.client_server, "%.6g") + " cs_limit=" + b.client_server_limit + "\n";
        } else {
            text += " n=- us=- d_p2p=- p2p_limit=- d_cs=- cs_limit=-\n# bounds unknown: " + b.unknown + "\n";
        }
        for (const swarm_peer& p : s.peers) {
            text += "peer info_hash=" + hash + " address=" + address(p) + " id=" + printable_id(p.id) +
                    " progress=" + number(progress(s, p), "%.1f") + " left=" + std::to_string(p.left) +
                    " uploaded=" + std::to_string(p.uploaded) + " downloaded=" + std::to_string(p.downloaded) +
                    " up_rate=" + number(p.up_rate, "%.0f") + " down_rate=" + number(p.down_rate, "%.0f") +
                    " upload_limit=" + whole(p.limits.upload) + " download_limit=" + whole(p.limits.download) +
                    " seed=" + (p.left == 0 ? "yes" : "no") + " completed=" + number(p.completed) +
                    " state=" + (p.gone ? "gone" : "live") + " last_seen=" + number(now - p.last_seen, "%.1f") +
                    "\n";
        }
    }
    return text;
}

// ---------------------------------------------------------------- the HTML page

namespace {

std::string seconds(std::optional<double> value) { return value ? number(value, "%.1f") + " s" : "&ndash;"; }
std::string rate(std::optional<double> value) { return value ? format_rate(*value) : "&ndash;"; }
// A limit as announced: none sent at all (aria2c) is not known; one of the two
// sent means the other has no limit.
std::string limit(std::optional<std::int64_t> value, const rate_limits& both, const char* zero) {
    if (!value) return both.announced() ? "no limit" : "&ndash;";
    return *value == 0 ? zero : format_rate(static_cast<double>(*value));
}
std::string total(double rate) { return std::isinf(rate) ? std::string("no limit") : format_rate(rate); }

const char* const page_head =
    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n"
    "<meta http-equiv=\"refresh\" content=\"2\">\n<title>BitTorrent tracker</title>\n"
    "<style>body{font-family:sans-serif;margin:1.5em} table{border-collapse:collapse}"
    " th,td{padding:3px 9px;border-bottom:1px solid #ddd;text-align:right;white-space:nowrap}"
    " .l{text-align:left} tr.gone{color:#999} .clock{font-size:1.6em} .id{font-family:monospace}</style>\n"
    "</head><body>\n<h1>BitTorrent tracker</h1>\n";

// "Elapsed 4.2 s    D_p2p = 3.6 s (total-upload)    D_cs = 6.4 s (server-upload)"
std::string swarm_clock(const swarm& s, double now) {
    const bounds b = bounds_of(s);
    std::string html = "<p class=\"clock\">Elapsed <b>" + seconds(s.elapsed(now)) + "</b>";
    if (b.unknown.empty()) {
        html += " &nbsp;&nbsp; D<sub>p2p</sub> = " + seconds(b.p2p) + " <small>(" + b.p2p_limit + ")</small>" +
                " &nbsp;&nbsp; D<sub>cs</sub> = " + seconds(b.client_server) + " <small>(" +
                b.client_server_limit + ")</small></p>\n<p>The lecture's bounds for F = " +
                format_size(b.file_size) + ", u<sub>s</sub> = " + total(b.server_upload) +
                " and the N = " + std::to_string(b.n) + " peers' announced rates.";
    } else {
        html += "</p>\n<p>D<sub>p2p</sub> and D<sub>cs</sub>: not known (" + plot::escape(b.unknown) + ").";
    }
    const counts c = count(s);
    html += " " + std::to_string(c.completed) + " of " + std::to_string(c.downloaders) + " downloaders complete";
    if (s.complete()) {
        html += ", the last at " + seconds(s.elapsed(now));
        if (b.unknown.empty()) html += " = " + number(*s.elapsed(now) / b.p2p, "%.2f") + " &times; D<sub>p2p</sub>";
    }
    return html + ".</p>\n";
}

std::string peer_row(const swarm& s, const swarm_peer& p, double now) {
    const std::optional<double> done = progress(s, p);
    std::string bar = done ? "<progress value=\"" + number(done, "%.0f") + "\" max=\"100\"></progress> " +
                                 number(done, "%.0f") + "%"
                           : "&ndash;";
    const char* role = p.started_as_seed ? "seed" : p.left == 0 ? "complete" : "downloading";
    return std::string("<tr") + (p.gone ? " class=\"gone\"" : "") + "><td class=\"l\">" + plot::escape(address(p)) +
           "</td><td class=\"l id\">" + plot::escape(printable_id(p.id)) + "</td><td class=\"l\">" + bar +
           "</td><td>" + format_size(static_cast<double>(p.uploaded)) + "</td><td>" +
           format_size(static_cast<double>(p.downloaded)) + "</td><td>" + rate(p.up_rate) + "</td><td>" +
           rate(p.down_rate) + "</td><td>" + limit(p.limits.upload, p.limits, "0 (free rider)") + "</td><td>" +
           limit(p.limits.download, p.limits, "no limit") + "</td><td class=\"l\">" + role + "</td><td>" +
           seconds(p.completed) + "</td><td class=\"l\">" +
           (p.gone ? "left " + seconds(now - *p.gone) + " ago" : seconds(now - p.last_seen) + " ago") + "</td></tr>\n";
}

}  // namespace

std::string status_html(const registry& r, double now, const std::string& announce_host) {
    std::string html = page_head;
    html += "<p>Peers announce every " + std::to_string(r.interval()) + " s; one silent for " +
            std::to_string(2 * r.interval()) + " s leaves the list. Each announce gets at most " +
            std::to_string(list_size) + " other peers, picked at random. This page reloads every 2 s; " +
            "the same in plain text: <a href=\"/status.txt\">/status.txt</a>.";
    if (!announce_host.empty()) html += " Announce URL: <b>http://" + plot::escape(announce_host) + "/announce</b>";
    html += "</p>\n";
    if (r.swarms().empty()) html += "<p>No peer has announced yet.</p>\n";
    for (const auto& [info_hash, s] : r.swarms()) {
        html += "<h2>Torrent <span class=\"id\">" + to_hex(info_hash) + "</span>" +
                (s.size > 0 ? " &nbsp; " + format_size(static_cast<double>(s.size)) : "") + "</h2>\n" +
                swarm_clock(s, now) +
                "<table>\n<tr><th class=\"l\">address</th><th class=\"l\">peer id</th><th class=\"l\">progress</th>"
                "<th>uploaded</th><th>downloaded</th><th>up now</th><th>down now</th><th>upload limit</th>"
                "<th>download limit</th><th class=\"l\">role</th><th>complete at</th><th class=\"l\">last seen</th>"
                "</tr>\n";
        for (const swarm_peer& p : s.peers) html += peer_row(s, p, now);
        html += "</table>\n";
    }
    return html + "</body></html>\n";
}

}  // namespace bt::tracker
