// tcp_client - the lecture's TCPClient.py in C++.
//
//   from socket import *
//   serverName = 'servername'
//   serverPort = 12000
//   clientSocket = socket(AF_INET, SOCK_STREAM)
//   clientSocket.connect((serverName, serverPort))
//   sentence = input('Input lowercase sentence:')
//   clientSocket.send(sentence.encode())
//   modifiedSentence = clientSocket.recv(1024)
//   print('From Server:', modifiedSentence.decode())
//   clientSocket.close()
//
// Differences, on purpose: the reply is read until the server closes (one
// recv(1024) may return only part of it), every address of the server's name
// is tried, and besides one sentence it can stream a whole file (from a pipe)
// or, with -i, keep one connection open for line after line.
#include "../common/cli.hpp"
#include "../common/net.hpp"
#include "stream.hpp"

static const cli::program tcp_client{
    .name = "tcp_client",
    .summary = "Connects to the server, sends a sentence (or all of its input) and prints "
               "what comes back.",
    .interactive = true};

int main(int argc, char* argv[]) {
    const cli::client_options options = cli::parse_client(tcp_client, argc, argv);

    // clientSocket = socket(AF_INET, SOCK_STREAM); clientSocket.connect((serverName, serverPort))
    net::socket clientSocket = cli::check(net::connect_to(options.host, options.port));

    if (options.interactive) return exchange_lines(clientSocket);           // tcp_client -i
    if (options.messages.empty() && !platform::stdin_is_terminal())
        return stream_through(clientSocket);                                 // ... < file

    // sentence = input('Input lowercase sentence:')
    auto sentence = options.messages.empty() ? cli::prompt("Input lowercase sentence: ")
                                             : std::optional<std::string>(options.messages.front());
    if (!sentence) return cli::success;  // end of input before a sentence: nothing to send

    // clientSocket.send(sentence.encode()), then tell the server we are done
    cli::check(clientSocket.send_all(*sentence));
    cli::check(clientSocket.shutdown(net::socket::direction::write));
    // modifiedSentence = clientSocket.recv(1024), repeated until the server closes
    std::string modifiedSentence = cli::check(receive_all(clientSocket));
    // print(modifiedSentence.decode())
    cli::print_line(modifiedSentence);
    return cli::success;  // clientSocket.close(): the socket closes itself here
}
