// connection.cpp - one neighbour: handshake, then receive and send messages.
//
// The reader takes each message off the stream (lab 02: a 4-byte length,
// then exactly that many bytes) and hands it to the swarm; the writer sends
// what the swarm gives it. A neighbour that breaks the protocol loses its
// connection, with one log line saying why, and nothing else changes.
#include "connection.hpp"

#include <memory>

#include "common/cli.hpp"

namespace bt {

namespace {
constexpr auto handshake_patience = std::chrono::seconds(10);
constexpr auto silence_limit = std::chrono::seconds(180);    // keep-alives come every 90 s (BEP 3: 2 min)
constexpr auto message_patience = std::chrono::seconds(60);  // for the rest of a message once it began
constexpr auto send_patience = std::chrono::seconds(60);     // a neighbour that stops reading
constexpr auto dial_patience = std::chrono::seconds(5);
constexpr auto keep_alive_every = std::chrono::seconds(90);  // BEP 3: peers drop a link silent for 2 minutes

std::string why_ended(const net::error& e, const char* what) {
    if (e.code == net::errc::closed) return std::string("it closed the connection") + what;
    if (e.code == std::errc::timed_out) return std::string("it sent nothing for too long") + what;
    return e.message();
}

// Receives messages until the connection ends; returns why it ended.
std::string read_messages(swarm& peers, connection& c) {
    const std::uint32_t limit = wire::max_message_length(peers.torrent().piece_count());
    while (true) {
        net::result<std::string> prefix = c.socket.recv_exactly(4, net::clock::now() + silence_limit);
        if (!prefix) return why_ended(prefix.error(), "");
        const std::uint32_t length = wire::read_length(prefix.value());
        if (length == 0) continue;  // a keep-alive
        if (length > limit)
            return "a length prefix of " + std::to_string(length) + " bytes, over the limit of " +
                   std::to_string(limit);
        // The download limit: we read no faster than di, so TCP's flow
        // control makes the neighbour send no faster either.
        if (!peers.download_limit().take(length)) return "we are leaving";
        net::result<std::string> body = c.socket.recv_exactly(length, net::clock::now() + message_patience);
        if (!body) return why_ended(body.error(), " in the middle of a message");
        result<wire::message> message = wire::parse(body.value());
        if (!message) return message.error().message;
        std::string problem = peers.handle(c, *message);
        if (!problem.empty()) return problem;
    }
}

// Sends what the swarm gives it until the connection closes. A block the
// neighbour asked for waits for the upload limit's tokens; the small
// messages (our requests above all) do not wait behind it.
void write_messages(swarm& peers, connection& c) {
    std::optional<wire::block> uploading;  // tokens reserved, sent at `may_send`
    net::deadline may_send{};
    net::deadline keep_alive_at = net::clock::now() + keep_alive_every;
    while (true) {
        swarm::work next = peers.next_work(c, !uploading, uploading ? std::min(may_send, keep_alive_at) : keep_alive_at);
        if (next.done) return;
        if (next.bytes.empty() && !next.serve && !uploading && net::clock::now() >= keep_alive_at)
            next.bytes = wire::keep_alive();
        if (!next.bytes.empty()) {
            if (net::result<void> sent = c.socket.send_all(next.bytes); !sent) return peers.leave(c, sent.error().message());
            keep_alive_at = net::clock::now() + keep_alive_every;
        }
        if (next.serve) {
            uploading = next.serve;
            may_send = peers.upload_limit().reserve(uploading->length);
        }
        if (!uploading || net::clock::now() < may_send) continue;
        const wire::block b = *std::exchange(uploading, std::nullopt);
        result<std::string> data = peers.disk().read(b.piece, b.begin, b.length);
        if (!data) return peers.leave(c, data.error().message);
        if (net::result<void> sent = c.socket.send_all(wire::piece(b.piece, b.begin, *data)); !sent)
            return peers.leave(c, sent.error().message());
        keep_alive_at = net::clock::now() + keep_alive_every;
        peers.served(c, b);
    }
}

// The handshake (BEP 3: the dialer speaks first), then the two threads.
void talk(swarm& peers, const std::shared_ptr<connection>& c) {
    const std::string ours = wire::encode_handshake({peers.torrent().info_hash, peers.settings().peer_id});
    const net::deadline until = net::clock::now() + handshake_patience;
    if (c->outgoing)
        if (net::result<void> sent = c->socket.send_all(ours); !sent)
            return cli::log(c->where, ": handshake failed: ", sent.error());
    net::result<std::string> bytes = c->socket.recv_exactly(wire::handshake_size, until);
    if (!bytes) return cli::log(c->where, ": handshake failed: ", why_ended(bytes.error(), ""));
    result<wire::handshake> theirs = wire::parse_handshake(bytes.value());
    if (!theirs) return cli::log(c->where, ": dropped: ", theirs.error().message);
    if (theirs->info_hash != peers.torrent().info_hash)
        return cli::log(c->where, ": dropped: it wants another torrent (info hash ", to_hex(theirs->info_hash), ")");
    if (!c->outgoing)
        if (net::result<void> sent = c->socket.send_all(ours); !sent)
            return cli::log(c->where, ": handshake failed: ", sent.error());
    c->peer_id = theirs->peer_id;
    if (std::string refused = peers.join(c); !refused.empty()) return cli::log(c->where, ": not taken: ", refused);

    // The writer holds the connection too, so that it may end after the reader.
    if (!peers.spawn_for(c->where, [&peers, c] { write_messages(peers, *c); }))
        return peers.leave(*c, "turned away: no thread for its writer");
    peers.leave(*c, read_messages(peers, *c));  // also wakes the writer, even one blocked in send
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
    auto c = std::make_shared<connection>(std::move(connectionSocket), address_text(from.host(), from.port()), false,
                                          peers.rate_window());
    talk(peers, c);
}

void dial(swarm& peers, const std::string& host, std::uint16_t port) {
    const std::string where = address_text(host, port);
    auto connected = [&]() -> net::result<net::socket> {
        net::result<std::vector<net::address>> addresses = net::resolve(host, port, net::tcp);
        if (!addresses) return addresses.error();
        const net::address& to = addresses.value().front();
        net::result<net::socket> s = net::socket::create(to.family(), net::tcp);
        if (!s) return s;
        // connect() waits as long as a send may: a host that does not answer costs 5 s, not minutes.
        if (auto set = s.value().set_send_timeout(dial_patience); !set) return set.error();
        if (auto done = s.value().connect(to); !done) return done.error();
        if (auto set = s.value().set_send_timeout(send_patience); !set) return set.error();
        return s;
    }();
    if (!connected) {
        cli::log(where, ": ", connected.error());
    } else {
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
