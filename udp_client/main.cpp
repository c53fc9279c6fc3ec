// udp_client - the lecture's UDPClient.py in C++.
//
//   from socket import *
//   serverName = 'hostname'
//   serverPort = 12000
//   clientSocket = socket(AF_INET, SOCK_DGRAM)
//   message = input('Input lowercase sentence:')
//   clientSocket.sendto(message.encode(), (serverName, serverPort))
//   modifiedMessage, serverAddress = clientSocket.recvfrom(2048)
//   print(modifiedMessage.decode())
//   clientSocket.close()
//
// Differences, each on purpose: UDP may lose the datagram or its reply, so the
// client waits --timeout ms and sends again up to --retries times instead of
// waiting for ever; it ignores datagrams from anyone but the server; and it
// takes its messages from -m or, line by line, from a pipe.
#include <vector>

#include "../common/cli.hpp"
#include "../common/net.hpp"
#include "exchange.hpp"

static const cli::program udp_client{
    .name = "udp_client",
    .summary = "Sends each line as one UDP datagram and prints the server's reply.",
    .many_messages = true, .retries = true};

int main(int argc, char* argv[]) {
    const cli::client_options options = cli::parse_client(udp_client, argc, argv);

    // (serverName, serverPort): the DNS lookup, done once
    std::vector<net::address> serverAddresses = cli::check(net::resolve(options.host, options.port, net::udp));
    // clientSocket = socket(AF_INET, SOCK_DGRAM), with a timeout for lost datagrams
    udp_exchange clientSocket(serverAddresses, options.timeout_ms, options.retries);

    auto exchange = [&](const std::string& message) {
        // clientSocket.sendto(message.encode(), (serverName, serverPort))
        // modifiedMessage, serverAddress = clientSocket.recvfrom(2048)
        std::string modifiedMessage = cli::check(clientSocket.sendto_recvfrom(message));
        // print(modifiedMessage.decode())
        cli::print_line(modifiedMessage);
    };

    if (!options.messages.empty()) {
        for (const std::string& message : options.messages) exchange(message);
    } else if (platform::stdin_is_terminal()) {
        // message = input('Input lowercase sentence:')
        if (auto message = cli::prompt("Input lowercase sentence: ")) exchange(*message);
    } else {
        while (auto message = cli::read_line()) exchange(*message);  // one datagram per line
    }
    return cli::success;  // clientSocket.close(): the socket closes itself here
}
