// udp_server - the lecture's UDPServer.py in C++.
//
//   from socket import *
//   serverPort = 12000
//   serverSocket = socket(AF_INET, SOCK_DGRAM)
//   serverSocket.bind(('', serverPort))
//   print("The server is ready to receive")
//   while True:
//       message, clientAddress = serverSocket.recvfrom(2048)
//       modifiedMessage = message.decode().upper()
//       serverSocket.sendto(modifiedMessage.encode(), clientAddress)
//
// Differences, each on purpose: the buffer holds the largest datagram there
// is (2048 would cut longer ones short), bytes that are not UTF-8 pass through
// instead of crashing decode(), and --loss drops datagrams on purpose to show
// that UDP never promised to deliver them.
#include <vector>

#include "../common/cli.hpp"
#include "../common/net.hpp"
#include "../common/text.hpp"
#include "loss.hpp"

static const cli::program udp_server{
    .name = "udp_server",
    .summary = "Receives UDP datagrams, uppercases each one and sends it back to its sender.",
    .loss = true};

int main(int argc, char* argv[]) {
    const cli::server_options options = cli::parse_server(udp_server, argc, argv);

    // serverSocket = socket(AF_INET, SOCK_DGRAM); serverSocket.bind(('', serverPort))
    net::socket serverSocket = cli::check(net::server_socket(net::udp, options.host, options.port));
    cli::announce_ready(serverSocket);

    loss_simulator loss(options.loss, options.seed);
    std::vector<char> message(65536);  // the largest datagram fits whole
    std::string modifiedMessage;
    while (true) {
        // message, clientAddress = serverSocket.recvfrom(2048)
        auto received = serverSocket.recvfrom(message.data(), message.size());
        if (!received) {
            if (net::is_stop(received.error())) break;
            cli::log(received.error().message());  // one bad datagram never stops the server
            continue;
        }
        auto [size, clientAddress] = received.value();
        if (loss.drop()) {
            if (cli::logging())
                cli::log(clientAddress.to_string() + ": " + std::to_string(size) + " bytes, dropped (--loss)");
            continue;
        }

        // modifiedMessage = message.decode().upper()
        modifiedMessage.clear();  // the same buffer every time: no allocation per datagram
        text::upper_append({message.data(), size}, modifiedMessage);

        // serverSocket.sendto(modifiedMessage.encode(), clientAddress)
        auto sent = serverSocket.sendto(modifiedMessage, clientAddress);
        if (!sent)
            cli::log(sent.error().message());
        else if (cli::logging())
            cli::log(clientAddress.to_string() + ": " + std::to_string(size) + " bytes, replied");
    }
    return cli::success;  // Ctrl-C: the socket closes as serverSocket goes out of scope
}
