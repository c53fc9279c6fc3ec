// tracker_client.cpp - announcing to the tracker over HTTP, and dialing the
// peers it lists.
#include "tracker_client.hpp"

#include <cmath>
#include <system_error>

#include "common/cli.hpp"
#include "connection.hpp"
#include "bittorrent/http.hpp"

namespace bt {

namespace {
constexpr auto tracker_patience = std::chrono::seconds(5);
constexpr std::int64_t retry_after = 15;  // seconds, when the tracker did not answer

// GET path?query, read the whole reply (HTTP/1.0: the server closes when done).
net::result<std::string> http_get(const tracker_url& url, const std::string& target) {
    const std::string where = address_text(url.host, url.port);
    net::result<net::socket> s = net::connect_to(url.host, url.port, net::clock::now() + tracker_patience);
    if (!s) return net::fail("tracker: " + s.error().message());
    net::socket& trackerSocket = s.value();
    static_cast<void>(trackerSocket.set_send_timeout(tracker_patience));
    const std::string request = "GET " + target + " HTTP/1.0\r\nHost: " + where +
                                "\r\nUser-Agent: lab05-peer\r\nConnection: close\r\n\r\n";
    if (auto sent = trackerSocket.send_all(request); !sent) return net::fail("tracker: " + sent.error().message());
    std::string reply;
    const net::deadline until = net::clock::now() + tracker_patience;
    char buffer[4096];
    while (reply.size() < (1u << 20)) {
        net::result<std::size_t> got = trackerSocket.recv(buffer, sizeof buffer, until);
        if (!got) return net::fail("tracker: " + got.error().message());
        if (got.value() == 0) return reply;
        reply.append(buffer, got.value());
    }
    return net::fail("tracker " + where + ": a reply over 1 MiB");
}
}  // namespace

net::result<tracker_url> parse_tracker_url(const std::string& url) {
    const std::string scheme = "http://";
    if (url.rfind(scheme, 0) != 0) return net::fail("the tracker's URL '" + url + "' is not http:// (the only kind we speak)");
    const std::string rest = url.substr(scheme.size());
    const std::size_t slash = rest.find('/');
    const std::string authority = rest.substr(0, slash);
    tracker_url out;
    out.path = slash == std::string::npos ? "/" : rest.substr(slash);
    std::size_t colon = authority.rfind(':');
    if (!authority.empty() && authority[0] == '[') {  // [IPv6]:port
        const std::size_t close = authority.find(']');
        if (close == std::string::npos) return net::fail("the tracker's URL '" + url + "' has a '[' without ']'");
        out.host = authority.substr(1, close - 1);
        colon = authority.find(':', close);
    } else {
        out.host = authority.substr(0, colon);
    }
    if (colon != std::string::npos) {
        std::optional<std::uint64_t> port = cli::parse_whole(authority.substr(colon + 1), 1, 65535);
        if (!port) return net::fail("the tracker's URL '" + url + "' has a bad port");
        out.port = static_cast<std::uint16_t>(*port);
    }
    if (out.host.empty()) return net::fail("the tracker's URL '" + url + "' has no host");
    return out;
}

net::result<tracker::announce_reply> announce(const tracker_url& url, const tracker::announce_request& request,
                                         const std::string& extra, bool* answered) {
    const char separator = url.path.find('?') == std::string::npos ? '?' : '&';
    net::result<std::string> reply = http_get(url, url.path + separator + tracker::announce_query(request) + extra);
    if (answered) *answered = reply.ok();
    if (!reply) return reply.error();
    const std::size_t end = http::head_end(*reply);
    if (end == std::string::npos) return net::fail("tracker: a reply without a complete HTTP head");
    if (reply->compare(0, 9, "HTTP/1.1 ") != 0 && reply->compare(0, 9, "HTTP/1.0 ") != 0)
        return net::fail("tracker: not an HTTP reply");
    if (reply->compare(9, 3, "200") != 0)
        return net::fail("tracker: HTTP status " + reply->substr(9, reply->find_first_of("\r\n") - 9));
    return tracker::parse_reply(std::string_view(*reply).substr(end));
}

// ------------------------------------------------------------------ the announcer thread

announcer::announcer(swarm& peers, tracker_url url, std::uint16_t listen_port, bool seed)
    : peers_(peers), url_(std::move(url)), port_(listen_port), started_complete_(seed) {}

tracker::announce_request announcer::request(tracker::announce_event event) {
    const swarm::status now = peers_.snapshot();
    tracker::announce_request r;
    r.info_hash = peers_.torrent().info_hash;
    r.peer_id = peers_.settings().peer_id;
    r.port = port_;
    r.uploaded = static_cast<std::int64_t>(now.uploaded);
    r.downloaded = static_cast<std::int64_t>(now.downloaded);
    r.left = now.left;
    r.event = event;
    // The list with peer ids (BEP 3's form, not BEP 23's compact one): a
    // neighbour that dialed us is known by its id, not by the port it
    // listens on, and is not dialed again (a second connection, closed at
    // once, for every neighbour that came after us).
    r.compact = compact_;
    return r;
}

bool announcer::send(tracker::announce_event event) {
    std::string extra;  // our limits, whole bytes per second; none when unlimited
    const peer_settings& limits = peers_.settings();
    if (std::isfinite(limits.upload_rate)) extra += "&upload_rate=" + std::to_string(std::llround(limits.upload_rate));
    if (std::isfinite(limits.download_rate))
        extra += "&download_rate=" + std::to_string(std::llround(limits.download_rate));
    bool answered = false;
    net::result<tracker::announce_reply> reply = announce(url_, request(event), extra, &answered);
    if (!reply && answered && !compact_) {  // a tracker that sends only the compact list refuses compact=0
        compact_ = true;
        net::result<tracker::announce_reply> again = announce(url_, request(event), extra);
        if (again) {
            cli::log(reply.error().message(), ": the tracker answers compact=1, asked so from now on");
            reply = std::move(again);
        } else {
            compact_ = false;  // not the list's form that it refused
        }
    }
    if (!reply) {
        cli::log(reply.error().message());
        return false;
    }
    interval_ = std::max<std::int64_t>(1, reply->interval);
    // A seed dials the peers it is given too, as libtorrent's do: a
    // downloader that announced before the seed would otherwise wait a whole
    // interval, its next announce, to hear of it.
    if (event == tracker::announce_event::stopped) return true;
    for (const tracker::peer& p : reply->peers)
        if (p.port != 0) start_dialing(peers_, p.ip, p.port, p.id);
    return true;
}

bool announcer::start() {
    try {
        thread_ = std::thread(&announcer::run, this);
    } catch (const std::system_error&) {  // the system has no thread to give (a process limit)
        return false;
    }
    return true;
}

void announcer::run() {
    std::unique_lock<std::mutex> lock(mutex_);
    bool started = false, failed = false;
    std::int64_t wait = 0;  // seconds until the next announce
    // `completed` is due when the file became whole; it wakes the wait at once
    // (unless the last try failed: then it waits its turn like any retry).
    auto completed_due = [this] { return complete_ && !started_complete_ && !completed_sent_; };
    while (true) {
        wake_.wait_for(lock, std::chrono::seconds(wait), [&] { return finishing_ || (completed_due() && !failed); });
        if (finishing_) break;
        const tracker::announce_event event = !started       ? tracker::announce_event::started
                                              : completed_due() ? tracker::announce_event::completed
                                                                : tracker::announce_event::none;
        lock.unlock();
        const bool answered = send(event);
        lock.lock();
        failed = !answered;
        started = started || (answered && event == tracker::announce_event::started);
        completed_sent_ = completed_sent_ || (answered && event == tracker::announce_event::completed);
        wait = answered ? interval_ : retry_after;
    }
}

void announcer::file_complete() {
    std::lock_guard<std::mutex> lock(mutex_);
    complete_ = true;
    wake_.notify_all();
}

void announcer::finish() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        finishing_ = true;
        wake_.notify_all();
    }
    if (thread_.joinable()) thread_.join();
    if (complete_ && !started_complete_ && !completed_sent_) completed_sent_ = send(tracker::announce_event::completed);
    send(tracker::announce_event::stopped);
}

}  // namespace bt
