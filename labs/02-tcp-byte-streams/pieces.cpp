// pieces - a TCP client that sends a sentence in pieces, with a pause
// between them, and shows every send() and every recv() as it happens.
// (Given, for the first part of lab 02: nothing to change here.)
//
//   pieces [--pause MS] HOST PORT PIECE...
//   e.g.  pieces localhost 12000 'hello, ' $'world\n'
//
// A pause of a second between two pieces is what a slow network, or a slow
// typist, looks like from the server's side: the first piece arrives alone.
// Watch what a server that calls recv() only once makes of that.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/net.hpp"

namespace {

using clock_type = std::chrono::steady_clock;
const clock_type::time_point started = clock_type::now();
std::mutex output;

// One line of the conversation, with the time since the start:
// what we sent on the left, what came back on the right.
void show(const std::string& what, bool from_server) {
    const double seconds = std::chrono::duration<double>(clock_type::now() - started).count();
    std::lock_guard<std::mutex> lock(output);
    std::printf("[%5.2f s] %s%s\n", seconds, from_server ? "                     " : "", what.c_str());
    std::fflush(stdout);
}

// "hello\n" as  "hello\n"  with the invisible bytes spelled out, cut short if long.
std::string quoted(std::string_view bytes) {
    std::string out = "\"";
    for (unsigned char c : bytes.substr(0, 60)) {
        if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (c < 0x20 || c == 0x7f)
            out += "?";
        else
            out += static_cast<char>(c);
    }
    return out + (bytes.size() > 60 ? "...\"" : "\"");
}

[[noreturn]] void usage(const char* problem) {
    std::fprintf(stderr, "pieces: %s\nusage: pieces [--pause MS] HOST PORT PIECE...\n", problem);
    std::exit(2);
}

}  // namespace

int main(int argc, char* argv[]) {
    std::vector<std::string> args(argv + 1, argv + argc);
    int pause_ms = 1000;
    if (args.size() >= 2 && args[0] == "--pause") {
        pause_ms = std::atoi(args[1].c_str());
        args.erase(args.begin(), args.begin() + 2);
    }
    if (args.size() < 3) usage("give the server's HOST and PORT, then one or more PIECEs to send");
    const int port = std::atoi(args[1].c_str());
    if (port <= 0 || port > 65535) usage("the PORT is a number from 1 to 65535");

    net::result<net::socket> connected = net::connect_to(args[0], static_cast<std::uint16_t>(port));
    if (!connected) {
        std::fprintf(stderr, "pieces: %s\n", connected.error().message().c_str());
        return 1;
    }
    net::socket clientSocket = std::move(connected.value());
    show("connected to " + args[0] + " port " + args[1] + "   (replies on the right)", false);

    // Receive in a thread of its own, so every reply shows the moment it comes.
    std::thread receiver([&clientSocket] {
        char buffer[65536];
        while (true) {
            net::result<std::size_t> got = clientSocket.recv(buffer, sizeof buffer);
            if (!got) {
                show("recv: " + got.error().message(), true);
                return;
            }
            if (got.value() == 0) {
                show("recv -> 0 bytes: the server closed the connection", true);
                return;
            }
            show("recv -> " + std::to_string(got.value()) + " bytes " + quoted({buffer, got.value()}), true);
        }
    });

    for (std::size_t i = 2; i < args.size(); ++i) {
        if (i > 2) std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
        net::result<void> sent = clientSocket.send_all(args[i]);
        if (!sent) {
            show("send: " + sent.error().message(), false);
            break;
        }
        show("send " + quoted(args[i]) + " (" + std::to_string(args[i].size()) + " bytes)", false);
    }
    // Done sending: tell the server (it sees recv() return 0), keep receiving.
    (void)clientSocket.shutdown(net::socket::direction::write);
    show("shutdown(SHUT_WR): no more from us", false);
    receiver.join();
    return 0;
}
