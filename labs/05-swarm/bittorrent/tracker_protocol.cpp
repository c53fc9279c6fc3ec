// tracker_protocol.cpp - announce queries and tracker replies, built and parsed.
#include "tracker_protocol.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <map>

#include "bencode.hpp"
#include "ip_address.hpp"

namespace bt::tracker {

// ---------------------------------------------------------------- URL encoding

std::string url_encode(std::string_view bytes) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string text;
    for (unsigned char c : bytes) {
        bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                     c == '.' || c == '_' || c == '~';
        if (plain) {
            text += static_cast<char>(c);
        } else {
            text += {'%', hex[c >> 4], hex[c & 0x0F]};
        }
    }
    return text;
}

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

net::result<std::string> url_decode(std::string_view text) {
    std::string bytes;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            bytes += text[i];
            continue;
        }
        if (i + 2 >= text.size() || hex_value(text[i + 1]) < 0 || hex_value(text[i + 2]) < 0) {
            return net::fail("'%' at character " + std::to_string(i) + " is not followed by two hex digits");
        }
        bytes += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
        i += 2;
    }
    return bytes;
}

// ---------------------------------------------------------------- the announce

const char* event_name(announce_event event) {
    switch (event) {
        case announce_event::started: return "started";
        case announce_event::completed: return "completed";
        case announce_event::stopped: return "stopped";
        case announce_event::none: break;
    }
    return "";
}

namespace {

using query_fields = std::map<std::string, std::string, std::less<>>;

// A whole decimal number from min to max, nothing else (no sign, no spaces).
net::result<std::int64_t> number_field(const query_fields& fields, const std::string& key, std::int64_t min,
                                  std::int64_t max) {
    auto found = fields.find(key);
    if (found == fields.end()) return net::fail("announce: " + key + " is missing");
    const std::string& text = found->second;
    std::int64_t number = 0;
    auto [end, problem] = std::from_chars(text.data(), text.data() + text.size(), number);
    bool whole = !text.empty() && text[0] != '-' && problem == std::errc() && end == text.data() + text.size();
    if (!whole || number < min || number > max) {
        return net::fail("announce: " + key + " '" + text + "' is not a number from " + std::to_string(min) + " to " +
                    std::to_string(max));
    }
    return number;
}

net::result<std::string> twenty_bytes(const query_fields& fields, const std::string& key) {
    auto found = fields.find(key);
    if (found == fields.end()) return net::fail("announce: " + key + " is missing");
    if (found->second.size() != 20) {
        return net::fail("announce: " + key + " must be 20 bytes, not " + std::to_string(found->second.size()) +
                    " (each byte URL-encoded)");
    }
    return found->second;
}

// key=value&key=value..., each side URL-encoded. A key given twice keeps its
// last value, as other trackers do: a client appends its own parameters to
// the announce URL of the .torrent, which may hold some already (libtorrent
// adds compact=1 to a URL that ends in ?compact=0), and what the client
// appends is what it means.
net::result<query_fields> split_query(std::string_view query) {
    query_fields fields;
    while (!query.empty()) {
        std::string_view pair = query.substr(0, query.find('&'));
        query.remove_prefix(std::min(query.size(), pair.size() + 1));
        if (pair.empty()) continue;
        std::size_t equals = pair.find('=');
        auto key = url_decode(pair.substr(0, equals));
        auto value = url_decode(equals == pair.npos ? "" : pair.substr(equals + 1));
        if (!key) return net::fail("announce: " + key.error().message());
        if (!value) return net::fail("announce: " + *key + ": " + value.error().message());
        fields[*key] = *value;
    }
    return fields;
}

// No event, or an empty one, is a regular announce.
net::result<announce_event> event_field(const query_fields& fields) {
    auto found = fields.find("event");
    if (found == fields.end() || found->second.empty()) return announce_event::none;
    for (auto event : {announce_event::started, announce_event::completed, announce_event::stopped}) {
        if (found->second == event_name(event)) return event;
    }
    return net::fail("announce: event '" + found->second + "' is not started, completed or stopped");
}

}  // namespace

std::string announce_query(const announce_request& request) {
    std::string query = "info_hash=" + url_encode(as_bytes(request.info_hash)) +
                        "&peer_id=" + url_encode(request.peer_id) + "&port=" + std::to_string(request.port) +
                        "&uploaded=" + std::to_string(request.uploaded) +
                        "&downloaded=" + std::to_string(request.downloaded) + "&left=" + std::to_string(request.left);
    if (request.event != announce_event::none) query += std::string("&event=") + event_name(request.event);
    query += request.compact ? "&compact=1" : "&compact=0";
    query += "&numwant=" + std::to_string(request.numwant);
    if (!request.ip.empty()) query += "&ip=" + url_encode(request.ip);
    return query;
}

net::result<announce_request> parse_announce_query(std::string_view query) {
    auto fields = split_query(query);
    if (!fields) return fields.error();

    announce_request request;
    auto info_hash = twenty_bytes(*fields, "info_hash");
    if (!info_hash) return info_hash.error();
    std::copy(info_hash->begin(), info_hash->end(), request.info_hash.begin());
    auto peer_id = twenty_bytes(*fields, "peer_id");
    if (!peer_id) return peer_id.error();
    request.peer_id = *peer_id;

    auto port = number_field(*fields, "port", 1, 65535);
    if (!port) return port.error();
    request.port = static_cast<std::uint16_t>(*port);
    constexpr std::int64_t most = std::numeric_limits<std::int64_t>::max();
    auto uploaded = number_field(*fields, "uploaded", 0, most);
    if (!uploaded) return uploaded.error();
    request.uploaded = *uploaded;
    auto downloaded = number_field(*fields, "downloaded", 0, most);
    if (!downloaded) return downloaded.error();
    request.downloaded = *downloaded;
    auto left = number_field(*fields, "left", 0, most);
    if (!left) return left.error();
    request.left = *left;

    auto event = event_field(*fields);
    if (!event) return event.error();
    request.event = *event;
    if (fields->count("compact")) {
        auto compact = number_field(*fields, "compact", 0, 1);
        if (!compact) return compact.error();
        request.compact = *compact == 1;
    }
    if (fields->count("numwant")) {
        auto numwant = number_field(*fields, "numwant", 0, std::numeric_limits<int>::max());
        if (!numwant) return numwant.error();
        request.numwant = static_cast<int>(*numwant);
    }
    return request;  // and ip= is not read: see tracker_peers.hpp
}

// ---------------------------------------------------------------- the reply

namespace {

std::string port_bytes(std::uint16_t port) { return {static_cast<char>(port >> 8), static_cast<char>(port & 0xFF)}; }

// Compact peers: `address_size` bytes of address then 2 of port, again and again.
net::result<std::vector<peer>> compact_peers(std::string_view bytes, std::size_t address_size, const char* key) {
    std::size_t entry = address_size + 2;
    if (bytes.size() % entry != 0) {
        return net::fail("tracker reply: '" + std::string(key) + "' holds " + std::to_string(bytes.size()) +
                    " bytes, not a multiple of " + std::to_string(entry));
    }
    std::vector<peer> peers;
    for (std::size_t at = 0; at < bytes.size(); at += entry) {
        auto high = static_cast<unsigned char>(bytes[at + address_size]);
        auto low = static_cast<unsigned char>(bytes[at + address_size + 1]);
        peers.push_back({ip_to_text(bytes.substr(at, address_size)), static_cast<std::uint16_t>(high << 8 | low), ""});
    }
    return peers;
}

// Dictionary peers: a list of {"ip": text, "port": number, "peer id": 20 bytes (optional)}.
net::result<std::vector<peer>> dictionary_peers(const bencode::list& entries) {
    std::vector<peer> peers;
    for (const bencode::value& entry : entries) {
        const bencode::dict* fields = entry.as_dict();
        const bencode::value* ip = fields ? bencode::find(*fields, "ip") : nullptr;
        const bencode::value* port = fields ? bencode::find(*fields, "port") : nullptr;
        const bencode::value* id = fields ? bencode::find(*fields, "peer id") : nullptr;
        if (!ip || !ip->as_string() || !port || !port->as_integer() || *port->as_integer() < 0 ||
            *port->as_integer() > 65535 || (id && !id->as_string())) {
            return net::fail("tracker reply: a peer is not a dictionary of 'ip' (string), 'port' (0-65535), 'peer id'");
        }
        peers.push_back(
            {*ip->as_string(), static_cast<std::uint16_t>(*port->as_integer()), id ? *id->as_string() : std::string()});
    }
    return peers;
}

// "peers" in either form: a byte string is compact, a list is BEP 3's.
net::result<std::vector<peer>> read_peers(const bencode::value* peers) {
    if (!peers) return net::fail("tracker reply: 'peers' is missing");
    if (peers->as_string()) return compact_peers(*peers->as_string(), 4, "peers");
    if (peers->as_list()) return dictionary_peers(*peers->as_list());
    return net::fail("tracker reply: 'peers' is neither a byte string nor a list");
}

}  // namespace

std::string encode_reply(const announce_reply& reply, bool compact) {
    bencode::dict answer{{"interval", reply.interval}};
    if (compact) {
        std::string ipv4, ipv6;
        for (const peer& p : reply.peers) {
            auto address = ip_to_bytes(p.ip);
            if (!address) continue;  // a host name: no compact form for it
            if (is_v4_mapped(*address)) *address = address->substr(12);
            (address->size() == 4 ? ipv4 : ipv6) += *address + port_bytes(p.port);
        }
        answer["peers"] = ipv4;
        if (!ipv6.empty()) answer["peers6"] = ipv6;
    } else {
        bencode::list peers;
        for (const peer& p : reply.peers) {
            bencode::dict entry{{"ip", p.ip}, {"port", p.port}};
            if (!p.id.empty()) entry["peer id"] = p.id;
            peers.push_back(std::move(entry));
        }
        answer["peers"] = std::move(peers);
    }
    return bencode::encode(answer);
}

std::string failure_reply(std::string_view reason) {
    return bencode::encode(bencode::dict{{"failure reason", reason}});
}

net::result<announce_reply> parse_reply(std::string_view body) {
    auto decoded = bencode::decode(body);
    if (!decoded) return net::fail("tracker reply: " + decoded.error().message());
    const bencode::dict* fields = decoded->as_dict();
    if (!fields) return net::fail("tracker reply: not a bencoded dictionary");
    if (auto reason = bencode::find(*fields, "failure reason")) {
        return net::fail("the tracker refused: " + (reason->as_string() ? *reason->as_string() : "(no reason given)"));
    }

    announce_reply reply;
    const bencode::value* interval = bencode::find(*fields, "interval");
    if (!interval || !interval->as_integer() || *interval->as_integer() < 0) {
        return net::fail("tracker reply: 'interval' is missing or not a number of seconds");
    }
    reply.interval = *interval->as_integer();

    auto found = read_peers(bencode::find(*fields, "peers"));
    if (!found) return found.error();
    reply.peers = std::move(*found);

    if (const bencode::value* peers6 = bencode::find(*fields, "peers6"); peers6 && peers6->as_string()) {
        auto more = compact_peers(*peers6->as_string(), 16, "peers6");
        if (!more) return more.error();
        reply.peers.insert(reply.peers.end(), more->begin(), more->end());
    }
    return reply;
}

}  // namespace bt::tracker
