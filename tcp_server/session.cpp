// session.cpp - receive, uppercase, send back, until the client is done.
#include "session.hpp"

#include <memory>

#include "../common/text.hpp"

std::string session_summary::describe() const {
    std::string text = std::to_string(received) + " bytes in, " + std::to_string(sent) + " out";
    if (failure) text += ", " + failure->message();
    return text;
}

session_summary uppercase_stream(net::socket& connectionSocket) {
    session_summary summary;
    text::upper_stream upper;  // keeps a character cut in two by recv() for the next round
    // Not zero-filled: a page of it becomes real memory only when data lands
    // there, so a thousand quiet connections cost little.
    constexpr std::size_t buffer_size = 64 * 1024;
    std::unique_ptr<char[]> sentence(new char[buffer_size]);
    std::string capitalizedSentence;

    auto send_back = [&](std::string_view bytes) {
        net::result<void> sent = connectionSocket.send_all(bytes);
        if (!sent) summary.failure = sent.error();
        else summary.sent += bytes.size();
        return sent.ok();
    };

    while (true) {
        net::result<std::size_t> got = connectionSocket.recv(sentence.get(), buffer_size);
        if (!got) {  // reset by the client, or the server is stopping
            summary.failure = got.error();
            break;
        }
        if (got.value() == 0) {  // the client closed its side: nothing more will come
            capitalizedSentence = upper.finish();
            // Done: half-close, so the client sees the end of our answer. (If the
            // client is already gone there is nobody left to tell.)
            if (send_back(capitalizedSentence)) (void)connectionSocket.shutdown(net::socket::direction::write);
            break;
        }
        summary.received += got.value();
        // Fast path: a piece that is all ASCII is uppercased where it lies and
        // sent from there. Otherwise its ASCII start (already uppercased) and
        // the uppercase of the rest go out together: one send per piece
        // received, as a client that reads once (the lecture's) expects.
        const std::size_t ascii = upper.holding() ? 0 : text::upper_ascii_in_place(sentence.get(), got.value());
        if (ascii == got.value()) {
            if (!send_back({sentence.get(), ascii})) break;
            continue;
        }
        capitalizedSentence.assign(sentence.get(), ascii);
        upper.feed({sentence.get() + ascii, got.value() - ascii}, capitalizedSentence);
        if (!send_back(capitalizedSentence)) break;
    }
    return summary;
}
