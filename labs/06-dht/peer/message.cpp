// message.cpp - lab 06: the peers' messages to bytes and back.
//
// decode() trusts nothing: a datagram may come from anyone, cut short, with
// an unknown type or a number too large. It says what is wrong instead of
// reading past the end, and the peer ignores that datagram.
#include "message.hpp"

#include <array>
#include <cstring>
#include <string>

namespace dht {

namespace {

constexpr std::size_t header_size = 9;

// ---------------------------------------------------------------- writing

class writer {
public:
    void u8(std::uint8_t v) { bytes_.push_back(static_cast<char>(v)); }
    void u16(std::uint16_t v) {
        u8(static_cast<std::uint8_t>(v >> 8));
        u8(static_cast<std::uint8_t>(v));
    }
    void u32(std::uint32_t v) {
        u16(static_cast<std::uint16_t>(v >> 16));
        u16(static_cast<std::uint16_t>(v));
    }
    void raw(const void* data, std::size_t n) { bytes_.append(static_cast<const char*>(data), n); }
    void text(const std::string& t) {
        const std::size_t n = std::min(t.size(), max_text);
        u16(static_cast<std::uint16_t>(n));
        bytes_.append(t, 0, n);
    }
    void ids(const std::vector<id>& path) {
        const std::size_t n = std::min(path.size(), max_path);
        u16(static_cast<std::uint16_t>(n));
        for (std::size_t i = 0; i < n; ++i) u32(path[i]);
    }
    // A peer, or 23 zero-ish bytes with family 0 for "nobody".
    void peer(const std::optional<node>& n) {
        std::array<std::uint8_t, 16> address{};
        std::uint8_t family = 0;
        std::uint16_t port = 0;
        if (n && n->where.family() == AF_INET) {
            const auto* v4 = reinterpret_cast<const sockaddr_in*>(n->where.raw());
            std::memcpy(address.data(), &v4->sin_addr, 4);
            family = 4;
            port = n->where.port();
        } else if (n && n->where.family() == AF_INET6) {
            const auto* v6 = reinterpret_cast<const sockaddr_in6*>(n->where.raw());
            std::memcpy(address.data(), &v6->sin6_addr, 16);
            family = 6;
            port = n->where.port();
        }
        u32(n ? n->ident : 0);
        u8(family);
        raw(address.data(), address.size());
        u16(port);
    }
    std::string bytes() && { return std::move(bytes_); }

private:
    std::string bytes_;
};

// ---------------------------------------------------------------- reading

// Reads left to right; past the end, every read gives 0 and short() is true.
class reader {
public:
    explicit reader(std::string_view bytes) : rest_(bytes) {}

    std::uint8_t u8() {
        if (rest_.empty()) return fail(), 0;
        const auto v = static_cast<std::uint8_t>(rest_.front());
        rest_.remove_prefix(1);
        return v;
    }
    std::uint16_t u16() {
        const std::uint16_t high = u8();  // two statements: the order of the reads is fixed
        return static_cast<std::uint16_t>(high << 8 | u8());
    }
    std::uint32_t u32() {
        const std::uint32_t high = u16();
        return high << 16 | u16();
    }
    std::string_view raw(std::size_t n) {
        if (rest_.size() < n) return fail(), std::string_view();
        std::string_view taken = rest_.substr(0, n);
        rest_.remove_prefix(n);
        return taken;
    }
    std::string text() {
        const std::size_t n = u16();
        if (n > max_text) return fail(), std::string();
        return std::string(raw(n));
    }
    std::vector<id> ids() {
        const std::size_t n = u16();
        std::vector<id> path;
        if (n > max_path || rest_.size() < 4 * n) return fail(), path;
        for (std::size_t i = 0; i < n; ++i) path.push_back(u32());
        return path;
    }
    // A peer; nothing for family 0. A family other than 0, 4 or 6 is an error.
    std::optional<node> peer(std::string& problem) {
        const id ident = u32();
        const std::uint8_t family = u8();
        const std::string_view address = raw(16);
        const std::uint16_t port = u16();
        if (short_ || family == 0) return std::nullopt;
        node n{ident, {}};
        if (family == 4) {
            sockaddr_in v4{};
            v4.sin_family = AF_INET;
            std::memcpy(&v4.sin_addr, address.data(), 4);
            v4.sin_port = htons(port);
            n.where = net::address(reinterpret_cast<const sockaddr*>(&v4), sizeof v4);
        } else if (family == 6) {
            sockaddr_in6 v6{};
            v6.sin6_family = AF_INET6;
            std::memcpy(&v6.sin6_addr, address.data(), 16);
            v6.sin6_port = htons(port);
            n.where = net::address(reinterpret_cast<const sockaddr*>(&v6), sizeof v6);
        } else if (problem.empty()) {
            problem = "unknown address family " + std::to_string(family) + " (4 or 6)";
        }
        return n;
    }
    bool is_short() const { return short_; }
    std::size_t left() const { return rest_.size(); }

private:
    void fail() { short_ = true; }
    std::string_view rest_;
    bool short_ = false;
};

// The identifiers a message carries, to check that each is on the circle.
std::vector<id> identifiers(const message& m) {
    std::vector<id> all{m.sender, m.key};
    for (const std::optional<node>& n : {m.about, m.successor, m.predecessor})
        if (n) all.push_back(n->ident);
    for (const node& n : m.later) all.push_back(n.ident);
    all.insert(all.end(), m.path.begin(), m.path.end());
    return all;
}

}  // namespace

const char* kind_name(kind k) {
    static const char* const names[] = {"QUERY", "ACK",  "ANSWER",        "PUT",       "STORED", "GET",    "VALUE",
                                        "PING",  "PONG", "GET_SUCCESSOR", "SUCCESSOR", "NOTIFY", "REPLICA"};
    const int index = static_cast<int>(k) - 1;
    return index >= 0 && index < kind_count ? names[index] : "?";
}

bool is_reply(kind k) {
    return k == kind::ack || k == kind::answer || k == kind::stored || k == kind::value || k == kind::pong ||
           k == kind::successor;
}

std::string encode(const message& m) {
    writer w;
    w.u8(static_cast<std::uint8_t>(m.kind));
    w.u32(m.request);
    w.u32(m.sender);
    switch (m.kind) {
        case kind::query:
            w.u32(m.lookup);
            w.u32(m.key);
            w.peer(m.about);
            w.ids(m.path);
            break;
        case kind::answer:
            w.u32(m.key);
            w.peer(m.about);
            w.ids(m.path);
            break;
        case kind::put:
        case kind::replica:
            w.u32(m.key);
            w.text(m.name);
            w.text(m.value);
            break;
        case kind::get:
            w.u32(m.key);
            w.text(m.name);
            break;
        case kind::value:
            w.u8(m.found ? 1 : 0);
            w.text(m.value);
            break;
        case kind::successor:
            w.peer(m.successor);
            w.peer(m.predecessor);
            // Chord's successor list: a count and the nodes, only when there
            // are any (with the lecture's two successors, nothing more).
            if (!m.later.empty()) {
                const std::size_t n = std::min(m.later.size(), max_successors);
                w.u8(static_cast<std::uint8_t>(n));
                for (std::size_t i = 0; i < n; ++i) w.peer(m.later[i]);
            }
            break;
        case kind::ack:
        case kind::stored:
        case kind::ping:
        case kind::pong:
        case kind::get_successor:
        case kind::notify: break;
    }
    return std::move(w).bytes();
}

decoded decode(std::string_view datagram, int m) {
    decoded out;
    if (datagram.size() < header_size) {
        out.problem = "too short: " + std::to_string(datagram.size()) + " bytes, a header is 9";
        return out;
    }
    reader r(datagram);
    const std::uint8_t type = r.u8();
    if (type < 1 || type > kind_count) {
        out.problem = "unknown message type " + std::to_string(type);
        return out;
    }
    message& msg = out.msg;
    msg.kind = static_cast<kind>(type);
    msg.request = r.u32();
    msg.sender = r.u32();
    std::string problem;
    switch (msg.kind) {
        case kind::query:
            msg.lookup = r.u32();
            msg.key = r.u32();
            msg.about = r.peer(problem);
            msg.path = r.ids();
            if (!r.is_short() && !msg.about && problem.empty()) problem = "a QUERY without its origin";
            break;
        case kind::answer:
            msg.key = r.u32();
            msg.about = r.peer(problem);
            msg.path = r.ids();
            if (!r.is_short() && !msg.about && problem.empty()) problem = "an ANSWER without its holder";
            break;
        case kind::put:
        case kind::replica:
            msg.key = r.u32();
            msg.name = r.text();
            msg.value = r.text();
            break;
        case kind::get:
            msg.key = r.u32();
            msg.name = r.text();
            break;
        case kind::value: {
            const std::uint8_t found = r.u8();
            msg.value = r.text();
            if (found > 1 && problem.empty()) problem = "a VALUE whose 'found' byte is " + std::to_string(found);
            msg.found = found == 1;
            break;
        }
        case kind::successor: {
            msg.successor = r.peer(problem);
            msg.predecessor = r.peer(problem);
            if (r.left() == 0) break;  // the lecture's SUCCESSOR: no list after it
            const std::size_t n = r.u8();
            if ((n == 0 || n > max_successors) && problem.empty()) {
                problem = "a SUCCESSOR that lists " + std::to_string(n) + " later successors (1 to " +
                          std::to_string(max_successors) + ")";
                break;
            }
            for (std::size_t i = 0; i < n && !r.is_short(); ++i) {
                std::optional<node> later = r.peer(problem);
                if (later)
                    msg.later.push_back(*later);
                else if (!r.is_short() && problem.empty())
                    problem = "a SUCCESSOR whose list of later successors names nobody";
            }
            break;
        }
        case kind::ack:
        case kind::stored:
        case kind::ping:
        case kind::pong:
        case kind::get_successor:
        case kind::notify: break;
    }
    const std::string name = kind_name(msg.kind);
    if (r.is_short()) {
        out.problem = "a " + name + " cut short (" + std::to_string(datagram.size()) + " bytes)";
    } else if (r.left() > 0) {
        out.problem = std::to_string(r.left()) + " bytes too many for a " + name;
    } else if (!problem.empty()) {
        out.problem = problem;
    } else {
        const std::uint64_t circle = std::uint64_t{1} << m;
        for (id i : identifiers(msg))
            if (i >= circle) {
                out.problem = "identifier " + std::to_string(i) + " out of range in a " + name +
                              " (m = " + std::to_string(m) + ": 0 to " + std::to_string(circle - 1) + ")";
                break;
            }
    }
    return out;
}

std::string describe(const message& m) {
    std::string text =
        std::string(kind_name(m.kind)) + " #" + std::to_string(m.request) + " from " + std::to_string(m.sender);
    auto path = [&m] {
        std::string p;
        for (id i : m.path) p += " " + std::to_string(i);
        return p;
    };
    switch (m.kind) {
        case kind::query: text += ": key " + std::to_string(m.key) + ", path" + path(); break;
        case kind::answer:
            text += ": key " + std::to_string(m.key) + " at " + std::to_string(m.about ? m.about->ident : 0) +
                    ", path" + path();
            break;
        case kind::put:
        case kind::replica:
        case kind::get: text += ": key " + std::to_string(m.key) + " '" + m.name + "'"; break;
        case kind::value: text += m.found ? ": '" + m.value + "'" : ": not found"; break;
        case kind::successor:
            text += ": successor " + (m.successor ? std::to_string(m.successor->ident) : std::string("unknown")) +
                    ", predecessor " + (m.predecessor ? std::to_string(m.predecessor->ident) : std::string("unknown"));
            if (!m.later.empty()) {
                text += ", then";
                for (const node& n : m.later) text += " " + std::to_string(n.ident);
            }
            break;
        default: break;
    }
    return text;
}

}  // namespace dht
