// udp_client - the lecture's UDPClient.py in C++.
//
//   from socket import *
//   serverName = 'hostname'
//   serverPort = 12000
//
//   clientSocket = socket(AF_INET, SOCK_DGRAM)
//
//   message = input("Enter a message: ")
//
//   clientSocket.sendto(message.encode(),
//   (serverName, serverPort))
//   modifiedMessage, serverAddress =
//   clientSocket.recvfrom(2048)
//   print(modifiedMessage.decode())
//
//   clientSocket.close()
//
// Differences, each on purpose: UDP may lose the datagram or its reply, so the
// client waits --timeout ms and sends again up to --retries times instead of
// waiting for ever; it ignores datagrams from anyone but the server, and late
// replies to earlier messages; and it takes its messages from -m or, line by
// line, from a pipe.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "../common/cli.hpp"
#include "../common/net.hpp"
#include "../common/text.hpp"
#include "exchange.hpp"

int main(int argc, char* argv[]) {
    std::string serverName = "localhost";
    std::uint16_t serverPort = cli::default_port;
    std::vector<std::string> messages;
    int timeout_ms = 1000;
    int retries = 3;
    cli::parse(argc, argv,
               {"udp_client",
                "Sends each line as one UDP datagram and prints the server's reply.",
                {cli::texts("-m", "TEXT", "send TEXT and print the reply", messages),
                 cli::whole("--timeout", "MS", "how long to wait for each reply (default: 1000)", 1, 3600000,
                            timeout_ms),
                 cli::whole("--retries", "N", "how often to send again when no reply comes (default: 3)", 0, 1000,
                            retries),
                 cli::trace(), cli::host_argument(serverName), cli::port_argument(serverPort)},
                "  without -m: a terminal gets the lecture's prompt; piped input is sent line by line\n"});

    // (serverName, serverPort): the DNS lookup, done once
    std::vector<net::address> serverAddresses = cli::check(net::resolve(serverName, serverPort, net::udp));
    // clientSocket = socket(AF_INET, SOCK_DGRAM), with a timeout for lost datagrams
    udp_exchange clientSocket(serverAddresses, std::chrono::milliseconds(timeout_ms), retries);

    auto exchange = [&](const std::string& message) {
        // The reply is the uppercase, which may be longer than the message
        // ("ŉ" -> "ʼN"): if it cannot fit in a datagram, the server cannot
        // send it, and waiting for it would end in a misleading "timed out".
        const std::size_t reply_size = text::upper(message).size();
        const std::size_t largest = serverAddresses.front().family() == AF_INET6 ? 65527 : 65507;
        if (reply_size > largest && message.size() <= largest)
            cli::fail("the reply to this message would be " + std::to_string(reply_size) +
                      " bytes (its uppercase is longer), more than one UDP datagram can carry (" +
                      std::to_string(largest) + "): the server cannot send it back");
        // clientSocket.sendto(message.encode(), (serverName, serverPort))
        // modifiedMessage, serverAddress = clientSocket.recvfrom(2048)
        const std::string modifiedMessage = cli::check(clientSocket.sendto_recvfrom(message));
        // print(modifiedMessage.decode())
        cli::print_line(modifiedMessage);
    };

    if (!messages.empty()) {
        for (const std::string& message : messages) exchange(message);
    } else if (platform::stdin_is_terminal()) {
        // message = input("Enter a message: "), with the course's own prompt
        if (auto message = cli::prompt("Input lowercase sentence: ")) exchange(*message);
    } else {
        while (auto message = cli::read_line()) exchange(*message);  // one datagram per line
    }
    return cli::success;  // clientSocket.close(): the socket closes itself here
}
