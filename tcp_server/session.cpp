// session.cpp - receive, uppercase, send back, until the client is done.
#include "session.hpp"

#include <memory>

#include "../common/text.hpp"

std::string session_summary::describe() const {
    std::string text = std::to_string(received) + " bytes in, " + std::to_string(sent) + " out";
    if (stopped) text += ", reset by Ctrl-C";
    else if (failure) text += ", " + failure->message();
    return text;
}

session_summary serve_client(net::socket& connectionSocket) {
    session_summary summary;
    text::upper_stream upper;  // keeps a character cut in two by recv() for the next piece
    // Not zero-filled: a page of it becomes real memory only when data lands
    // there, so a thousand quiet connections cost little.
    constexpr std::size_t buffer_size = 64 * 1024;
    std::unique_ptr<char[]> sentence(new char[buffer_size]);

    auto send_back = [&](std::string_view capitalizedSentence) {
        net::result<void> sent = connectionSocket.send_all(capitalizedSentence);
        if (!sent) summary.failure = sent.error();
        else summary.sent += capitalizedSentence.size();
        return sent.ok();
    };

    bool whole = false;  // the client closed its side and got its whole answer
    while (true) {
        // sentence = connectionSocket.recv(1024)
        net::result<std::size_t> got = connectionSocket.recv(sentence.get(), buffer_size);
        if (net::stop_requested()) break;  // Ctrl-C
        if (!got) {                        // reset by the client
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
        // connectionSocket.send(sentence.decode().upper().encode()): one send
        // per piece received, as a client that reads once (the lecture's) expects.
        if (!send_back(upper.feed({sentence.get(), got.value()}))) break;
    }
    if (net::stop_requested() && !whole) {
        // Ctrl-C cut the session short: what the client still expects will
        // not come. A reset, not an orderly close, so it cannot look whole.
        summary.stopped = true;
        (void)connectionSocket.reset_on_close();
    }
    return summary;
}
