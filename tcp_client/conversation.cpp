// conversation.cpp - sending and receiving at once over one TCP connection.
#include "conversation.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "../common/cli.hpp"

namespace {

// What tcp_server_threaded says to a client it turns away. It can never be
// an answer: an answer is in upper case, and these letters are not.
constexpr std::string_view busy_notice = "server busy\n";

bool could_be_busy(std::string_view so_far) {
    return so_far.size() <= busy_notice.size() && busy_notice.substr(0, so_far.size()) == so_far;
}

// The state both threads of a conversation share.
struct conversation {
    explicit conversation(net::socket& s) : socket(s) {}
    net::socket& socket;
    std::atomic<bool> input_done{false};  // all input read: what is left is to send it and half-close
    std::mutex mutex;
    std::condition_variable changed;
    std::size_t lines_back = 0;  // -i: answers (lines) that have come back
    bool ended = false;          // the server closed, or the connection failed
    bool sender_done = false;    // send_input has returned
    std::optional<net::error> send_failure;
};

// Sends the last of the input and half-closes, so the server knows the
// input has ended. The input is all known from here on: if the server closes
// now, only the send can still fail, and that failure is the one to report.
// (Marked before the send: a server that answers and closes at once may be
// seen closing before send_all has returned.)
void send_and_finish(conversation& c, std::string_view input) {
    c.input_done = true;
    net::result<void> sent = c.socket.send_all(input);
    if (sent) sent = c.socket.shutdown(net::socket::direction::write);
    if (!sent) c.send_failure = sent.error();
}

// Runs send_input in a thread of its own, while this thread receives until
// the server closes and writes what comes to stdout as it arrives. Any
// failure ends the program with one line and exit status 1.
void converse(conversation& c, const std::function<void()>& send_input) {
    // The sender is let go (detached): if the program has to end while it
    // waits for input that never comes, nothing must wait for it. On the
    // way out when all went well, this thread waits for it to finish.
    std::thread([&c, &send_input] {
        send_input();
        std::lock_guard<std::mutex> lock(c.mutex);
        c.sender_done = true;
        c.changed.notify_all();  // under the lock: c may be gone once it is released
    }).detach();
    std::vector<char> buffer(64 * 1024);
    std::string held;  // what came first, while it still reads like busy_notice
    bool printed_any = false;
    std::optional<net::error> receive_failure;
    while (true) {
        net::result<std::size_t> got = c.socket.recv(buffer.data(), buffer.size());
        if (!got) {
            receive_failure = got.error();
            break;
        }
        if (got.value() == 0) break;  // the server closed: that was all
        std::string_view piece(buffer.data(), got.value());
        if (!printed_any) {
            held.append(piece);
            if (could_be_busy(held)) continue;  // wait for the rest before printing anything
            piece = held;
            printed_any = true;
        }
        cli::write_out(piece);
        cli::flush_out();
        std::size_t lines = 0;
        for (char ch : piece) lines += ch == '\n';
        if (lines > 0) {
            std::lock_guard<std::mutex> lock(c.mutex);
            c.lines_back += lines;
        }
        c.changed.notify_all();
    }
    {
        std::lock_guard<std::mutex> lock(c.mutex);
        c.ended = true;
    }
    c.changed.notify_all();
    auto wait_for_sender = [&c] {
        std::unique_lock<std::mutex> lock(c.mutex);
        c.changed.wait(lock, [&c] { return c.sender_done; });
    };
    // A sender that has all of its input is only sending the last of it and
    // half-closing, which ends soon now that the server has closed: the
    // program does not end under it while it is inside a socket call.
    if (c.input_done) wait_for_sender();
    if (held == busy_notice) cli::fail("server busy: it serves as many clients as it can; try again later");
    if (receive_failure) cli::fail(*receive_failure);
    if (!c.input_done) {
        // The server closed before our input ended: what we still had to say
        // would go nowhere. (The sender may be waiting for input: not waited for.)
        (void)c.socket.shutdown(net::socket::direction::both);
        cli::fail("the server closed the connection before all the input was sent");
    }
    if (!printed_any) cli::write_out(held);  // a short answer that only looked like the notice
    wait_for_sender();
    if (c.send_failure) cli::fail(*c.send_failure);
}

}  // namespace

int send_message(net::socket& clientSocket, const std::string& message) {
    conversation c(clientSocket);
    // clientSocket.send(message.encode()), then tell the server we are done;
    // modifiedMessage = clientSocket.recv(2048), repeated until the server closes
    converse(c, [&] { send_and_finish(c, message); });
    // print(modifiedMessage.decode()): the answer, then a newline
    cli::print_line("");
    return cli::success;
}

int stream_through(net::socket& clientSocket) {
    conversation c(clientSocket);
    converse(c, [&] {
        std::vector<char> chunk(64 * 1024);
        std::size_t n;
        while ((n = std::fread(chunk.data(), 1, chunk.size(), stdin)) > 0) {
            if (net::result<void> sent = clientSocket.send_all({chunk.data(), n}); !sent) {
                c.send_failure = sent.error();
                return;
            }
        }
        send_and_finish(c, {});  // end of input: half-close
    });
    return cli::success;
}

int exchange_lines(net::socket& clientSocket) {
    conversation c(clientSocket);
    const bool terminal = platform::stdin_is_terminal();
    converse(c, [&] {
        std::size_t lines_sent = 0;
        while (auto line = terminal ? cli::prompt("Input lowercase sentence: ") : cli::read_line()) {
            if (net::result<void> sent = clientSocket.send_all(*line + "\n"); !sent) {
                c.send_failure = sent.error();
                return;
            }
            ++lines_sent;
            // The answer to a line is a line: wait for it before the next one.
            std::unique_lock<std::mutex> lock(c.mutex);
            c.changed.wait(lock, [&] { return c.lines_back >= lines_sent || c.ended; });
            if (c.ended) return;
        }
        send_and_finish(c, {});
    });
    return cli::success;
}
