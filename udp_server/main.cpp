// udp_server - the lecture's UDPServer.py in C++.
//
//   from socket import *
//   serverPort = 12000
//
//   serverSocket = socket(AF_INET, SOCK_DGRAM)
//   serverSocket.bind(("", serverPort))
//
//   while True:
//       clientMessage, clientAddress = serverSocket.recvfrom(2048)
//       modifiedMessage = clientMessage.decode().upper()
//       serverSocket.sendto(modifiedMessage.encode(), clientAddress)
//
// Differences, each on purpose: the ready line tells which port (--port 0
// picks a free one); the buffer holds the largest datagram there is (2048
// would cut longer ones short); bytes that are not UTF-8 pass through instead
// of crashing decode(); --loss drops datagrams on purpose, to show that UDP
// never promised to deliver them.
#include <cstdint>
#include <string>
#include <vector>

#include "../common/cli.hpp"
#include "../common/net.hpp"
#include "../common/text.hpp"
#include "../labs/shared/loss.hpp"

int main(int argc, char* argv[]) {
    std::string host;  // all interfaces
    std::uint16_t serverPort = cli::default_port;
    double loss = 0.0;
    std::uint64_t seed = 1;
    cli::parse(argc, argv,
               {"udp_server",
                "Receives UDP datagrams, uppercases each one and sends it back to its sender.",
                {cli::host(host), cli::port(serverPort),
                 cli::fraction("--loss", "P", "drop this fraction of datagrams, 0 to 1 (default: 0)", loss),
                 cli::whole("--seed", "S", "seed for --loss: the same seed drops the same datagrams (default: 1)", 0,
                            UINT64_MAX, seed),
                 cli::quiet(), cli::trace()}});

    // serverSocket = socket(AF_INET, SOCK_DGRAM); serverSocket.bind(("", serverPort))
    net::socket serverSocket = cli::check(net::server_socket(net::udp, host, serverPort));
    net::stop_on_ctrl_c(serverSocket);  // Ctrl-C wakes the recvfrom below
    cli::announce_ready(serverSocket);

    loss_simulator losses(loss, seed);
    std::vector<char> clientMessage(net::datagram_room);  // the largest datagram fits whole
    while (true) {
        // clientMessage, clientAddress = serverSocket.recvfrom(2048)
        auto received = serverSocket.recvfrom(clientMessage.data(), clientMessage.size());
        if (net::stop_requested()) break;  // Ctrl-C
        if (!received) {
            cli::log(received.error());  // one bad datagram never stops the server
            continue;
        }
        auto [size, clientAddress] = received.value();
        if (losses.drop()) {
            cli::log(clientAddress, ": ", size, " bytes, dropped (--loss)");
            continue;
        }

        // modifiedMessage = clientMessage.decode().upper()
        const std::string modifiedMessage = text::upper({clientMessage.data(), size});

        // serverSocket.sendto(modifiedMessage.encode(), clientAddress)
        auto sent = serverSocket.sendto(modifiedMessage, clientAddress);
        if (!sent)
            cli::log(sent.error());
        else
            cli::log(clientAddress, ": ", size, " bytes, replied");
    }
    return cli::success;  // the socket closes as serverSocket goes out of scope
}
