// stream.cpp - whole pieces over a TCP byte stream (lab 02, reference solution).
#include "stream.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace stream {

// ---------------------------------------------------------------- task 1
net::result<void> send_all(net::socket& socket, std::string_view data) {
    // send() may take only the first part of the data (the operating system's
    // buffer is full): send the rest, until nothing is left.
    while (!data.empty()) {
        net::result<std::size_t> sent = socket.send(data);
        if (!sent) return sent.error();  // the connection is gone: say so, don't retry
        data.remove_prefix(sent.value());
    }
    return {};
}

// ---------------------------------------------------------------- task 2
net::result<std::string> line_reader::recv_line() {
    std::size_t searched = 0;  // pending_[0, searched) is known to hold no '\n'
    while (true) {
        // A whole line may be here already, left over from an earlier recv().
        const std::size_t newline = pending_.find('\n', searched);
        if (newline != std::string::npos) {
            std::string line = pending_.substr(0, newline);
            pending_.erase(0, newline + 1);  // what follows the '\n' stays for the next call
            return line;
        }
        searched = pending_.size();

        // Not yet: receive whatever comes next (part of a line, or several lines).
        char buffer[4096];
        net::result<std::size_t> got = socket_.recv(buffer, sizeof buffer);
        if (!got) return got.error();
        if (got.value() == 0) {  // the peer closed: no more bytes will ever come
            const errc why = pending_.empty() ? errc::closed : errc::cut_short;
            pending_.clear();
            return failure(why);
        }
        pending_.append(buffer, got.value());
    }
}

// ---------------------------------------------------------------- task 3
net::result<std::string> recv_exactly(net::socket& socket, std::size_t n) {
    std::string data(n, '\0');
    std::size_t have = 0;
    while (have < n) {
        // Ask for what is missing and no more: the bytes after it belong to
        // the next message.
        net::result<std::size_t> got = socket.recv(data.data() + have, n - have);
        if (!got) return got.error();
        if (got.value() == 0) return failure(have == 0 ? errc::closed : errc::cut_short);
        have += got.value();
    }
    return data;
}

net::result<void> send_message(net::socket& socket, std::string_view message) {
    if (message.size() > max_message) return failure(errc::too_long, net::call::send);

    // The length, most significant byte first, whatever order this machine
    // keeps numbers in.
    const auto n = static_cast<std::uint32_t>(message.size());
    const char header[header_size] = {static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
                                      static_cast<char>(n)};

    // Header and message in one send_all: two small send()s in a row can wait
    // for each other on a real network (Nagle's algorithm), one never does.
    std::string frame;
    frame.reserve(header_size + message.size());
    frame.append(header, header_size);
    frame.append(message);
    return send_all(socket, frame);
}

net::result<std::string> recv_message(net::socket& socket) {
    net::result<std::string> header = recv_exactly(socket, header_size);
    if (!header) return header.error();  // closed (a clean end), cut_short, or recv()'s error

    const auto* b = reinterpret_cast<const unsigned char*>(header.value().data());
    const std::uint32_t n =
        (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | std::uint32_t{b[3]};
    if (n > max_message) return failure(errc::too_long);

    net::result<std::string> body = recv_exactly(socket, n);
    // After a header, even a close before the first byte of the body is a cut.
    if (!body && body.error().code == errc::closed) return failure(errc::cut_short);
    return body;
}

// ---------------------------------------------------------------- task 4
// A list on the wire: the number of items as a 4-byte header (big-endian,
// like a message's length), then each item as a message of its own. Every
// item carries its length, so it may hold any byte; the count says where
// the list ends, so an empty list (00 00 00 00) and a list of one empty item
// (00 00 00 01 00 00 00 00) differ, and nothing after the list is read.
namespace {
std::string big_endian(std::uint32_t n) {
    return {static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8), static_cast<char>(n)};
}
}  // namespace

net::result<void> send_list(net::socket& socket, const std::vector<std::string>& items) {
    std::size_t total = header_size;
    for (const std::string& item : items) {
        if (item.size() > max_message) return failure(errc::too_long, net::call::send);
        total += header_size + item.size();
    }
    // All of it in one send_all, for the reason send_message gives.
    std::string frame;
    frame.reserve(total);
    frame += big_endian(static_cast<std::uint32_t>(items.size()));
    for (const std::string& item : items) frame += big_endian(static_cast<std::uint32_t>(item.size())) + item;
    return send_all(socket, frame);
}

net::result<std::vector<std::string>> recv_list(net::socket& socket) {
    net::result<std::string> header = recv_exactly(socket, header_size);
    if (!header) return header.error();  // closed before the list: a clean end
    const auto* b = reinterpret_cast<const unsigned char*>(header.value().data());
    const std::uint32_t count =
        (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | std::uint32_t{b[3]};

    // No reserve(count): the count comes from the network, like a length.
    std::vector<std::string> items;
    for (std::uint32_t i = 0; i < count; ++i) {
        net::result<std::string> item = recv_message(socket);
        // Inside the list even a close between two items is a cut: the count promised more.
        if (!item && item.error().code == errc::closed) return failure(errc::cut_short);
        if (!item) return item.error();
        items.push_back(std::move(item.value()));
    }
    return items;
}

}  // namespace stream
