// connection.cpp - a new neighbour: the TCP connection, then the handshake.
//
// Dialing (connect() waits for the other side) and the handshake (68 bytes
// each way, 10 s at most) take a thread for a moment; once the neighbour
// has joined the swarm, the event loop (swarm_loop.cpp) does the rest.
#include "connection.hpp"

#include <memory>

#include "common/cli.hpp"

namespace bt {

namespace {
constexpr auto handshake_patience = std::chrono::seconds(10);
constexpr auto send_patience = std::chrono::seconds(60);  // a neighbour that stops reading
constexpr auto dial_patience = std::chrono::seconds(5);
// TCP_NODELAY on every neighbour. Without it Nagle's algorithm holds a
// small message (a 17-byte request, a have) until the last segment is
// acknowledged, and the receiver delays that acknowledgement: each round
// of requests then waits tens of ms. With two threads per neighbour and 4
// requests in flight, 64 MiB over loopback took 2.9-3.0 s without it,
// 0.85-1.09 s with it.
void send_at_once(net::socket& s) { static_cast<void>(s.set_no_delay()); }

std::string why_ended(const net::error& e) {
    if (e.code == net::errc::closed) return "it closed the connection";
    if (e.code == std::errc::timed_out) return "it sent nothing for too long";
    return e.message();
}

// The handshake (BEP 3: the dialer speaks first), then the swarm takes it on.
void talk(swarm& peers, const std::shared_ptr<connection>& c) {
    const std::string ours = wire::encode_handshake({peers.torrent().info_hash, peers.settings().peer_id});
    const net::deadline until = net::clock::now() + handshake_patience;
    if (c->outgoing)
        if (net::result<void> sent = c->socket.send_all(ours); !sent)
            return cli::log(c->where, ": handshake failed: ", sent.error());
    net::result<std::string> bytes = c->socket.recv_exactly(wire::handshake_size, until);
    if (!bytes) return cli::log(c->where, ": handshake failed: ", why_ended(bytes.error()));
    net::result<wire::handshake> theirs = wire::parse_handshake(bytes.value());
    if (!theirs) return cli::log(c->where, ": dropped: ", theirs.error().message());
    if (theirs->info_hash != peers.torrent().info_hash)
        return cli::log(c->where, ": dropped: it wants another torrent (info hash ", to_hex(theirs->info_hash), ")");
    if (!c->outgoing)
        if (net::result<void> sent = c->socket.send_all(ours); !sent)
            return cli::log(c->where, ": handshake failed: ", sent.error());
    c->peer_id = theirs->peer_id;
    // From here on the event loop has it (or, refused, it closes with c).
    if (std::string refused = peers.join(c); !refused.empty()) return cli::log(c->where, ": not taken: ", refused);
}

}  // namespace

std::string address_text(const std::string& host, std::uint16_t port) {
    std::string shown = host;
    if (shown.rfind("::ffff:", 0) == 0 && shown.find('.') != std::string::npos) shown = shown.substr(7);
    if (shown.find(':') != std::string::npos) shown = "[" + shown + "]";
    return shown + ":" + std::to_string(port);
}

void serve_incoming(swarm& peers, net::socket connectionSocket, const net::address& from) {
    static_cast<void>(connectionSocket.set_send_timeout(send_patience));
    send_at_once(connectionSocket);
    auto c = std::make_shared<connection>(std::move(connectionSocket), address_text(from.host(), from.port()), false,
                                          peers.rate_window());
    talk(peers, c);
}

void dial(swarm& peers, const std::string& host, std::uint16_t port) {
    const std::string where = address_text(host, port);
    // A host that does not answer costs dial_patience, not the system's minutes.
    auto connected = net::connect_to(host, port, net::clock::now() + dial_patience);
    if (!connected) {
        cli::log(where, ": ", connected.error());
    } else {
        static_cast<void>(connected.value().set_send_timeout(send_patience));
        send_at_once(connected.value());
        auto c = std::make_shared<connection>(std::move(connected.value()), where, true, peers.rate_window());
        talk(peers, c);
    }
    peers.dial_ended(where);
}

void start_dialing(swarm& peers, const std::string& host, std::uint16_t port) {
    const std::string where = address_text(host, port);
    if (!peers.should_dial(where)) return;
    if (!peers.spawn_for(where, [&peers, host, port] { dial(peers, host, port); })) peers.dial_ended(where);
}

}  // namespace bt
