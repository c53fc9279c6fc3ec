// session.cpp - receive, uppercase, send back, until the client is done.
#include "session.hpp"

#include <memory>

#include "../common/text.hpp"

std::string session_summary::describe() const {
    std::string text = std::to_string(received) + " bytes in, " + std::to_string(sent) + " out";
    if (stopped) text += ", reset by Ctrl-C";
    else if (idle) text += ", reset: idle too long";
    else if (failure) text += ", " + failure->message();
    return text;
}

session_summary serve_client(net::socket& connectionSocket, std::chrono::seconds idle) {
    session_summary summary;
    // A client that reads nothing makes send() wait: bounded too.
    if (idle.count() > 0) (void)connectionSocket.set_send_timeout(idle);
    auto until = [idle] { return idle.count() > 0 ? net::clock::now() + idle : net::no_deadline; };
    text::upper_stream upper;  // keeps a character cut in two by recv() for the next piece
    // Not zero-filled: a page of it becomes real memory only when data lands
    // there, so a thousand quiet connections cost little.
    constexpr std::size_t buffer_size = 64 * 1024;
    std::unique_ptr<char[]> clientMessage(new char[buffer_size]);

    auto send_back = [&](std::string_view modifiedMessage) {
        net::result<void> sent = connectionSocket.send_all(modifiedMessage);
        if (!sent) summary.failure = sent.error();
        else summary.sent += modifiedMessage.size();
        return sent.ok();
    };

    bool whole = false;  // the client closed its side and got its whole answer
    while (true) {
        // connectionSocket.recv(2048)
        net::result<std::size_t> got = connectionSocket.recv(clientMessage.get(), buffer_size, until());
        if (net::stop_requested()) break;  // Ctrl-C
        if (!got) {                        // reset by the client, or idle too long
            summary.failure = got.error();
            break;
        }
        if (got.value() == 0) {  // the client closed its side: nothing more will come
            // Answer the rest, then half-close, so the client sees the end of
            // our answer. (If the client is already gone, nobody is left to tell.)
            whole = send_back(upper.finish()) && connectionSocket.shutdown(net::socket::direction::write).ok();
            break;
        }
        summary.received += got.value();
        // modifiedMessage = ....decode().upper(); connectionSocket.send(modifiedMessage.encode()):
        // one send per piece received, as a client that reads once (the lecture's) expects.
        if (!send_back(upper.feed({clientMessage.get(), got.value()}))) break;
    }
    summary.idle = summary.failure && summary.failure->code == std::errc::timed_out;
    summary.stopped = net::stop_requested() && !whole;
    if (summary.stopped || summary.idle) {
        // Cut short: what the client still expects will not come. A reset,
        // not an orderly close, so that it cannot look whole.
        (void)connectionSocket.reset_on_close();
    }
    return summary;
}
