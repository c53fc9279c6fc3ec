// tcp_client - the lecture's TCPClient.py in C++.
//
//   from socket import *
//   serverName = 'hostname'
//   serverPort = 12000
//
//   clientSocket = socket(AF_INET, SOCK_STREAM)
//   clientSocket.connect((serverName, serverPort))
//
//   message = input("Enter a message: ")
//
//   clientSocket.send(message.encode())
//   modifiedMessage = clientSocket.recv(2048)
//   print(modifiedMessage.decode())
//
//   clientSocket.close()
//
// Differences, on purpose: the answer is read until the server closes (one
// recv(2048) may return only part of it) and printed as it comes; every
// address of the server's name is tried; and besides one message it can
// stream a whole file (from a pipe) or, with -i, keep one connection open
// for line after line.
#include <cstdint>
#include <string>

#include "../common/cli.hpp"
#include "../common/net.hpp"
#include "conversation.hpp"

int main(int argc, char* argv[]) {
    std::string serverName = "localhost";
    std::uint16_t serverPort = cli::default_port;
    std::string message;
    bool has_message = false, interactive = false;
    cli::parse(argc, argv,
               {"tcp_client",
                "Connects to the server, sends a message (or all of its input) and prints what comes back.",
                {{"-m", "TEXT", "send TEXT and print the reply",
                  [&](const std::string& text) {
                      message = text, has_message = true;
                      return std::string();
                  }},
                 cli::flag("-i", "one connection, one line after another, until end of input", interactive),
                 cli::trace(), cli::host_argument(serverName), cli::port_argument(serverPort)},
                "  without -m: a terminal gets the lecture's prompt; piped input is sent as one stream\n",
                [&] { return has_message && interactive ? "-i and -m cannot be used together" : ""; }});

    // clientSocket = socket(AF_INET, SOCK_STREAM); clientSocket.connect((serverName, serverPort))
    net::socket clientSocket = cli::check(net::connect_to(serverName, serverPort));

    if (interactive) return exchange_lines(clientSocket);                     // tcp_client -i
    if (!has_message && !platform::stdin_is_terminal()) return stream_through(clientSocket);  // ... < file

    // message = input("Enter a message: ")
    if (!has_message) {
        std::optional<std::string> typed = cli::prompt("Input lowercase sentence: ");
        if (!typed) return cli::success;  // end of input before a message: nothing to send
        message = *typed;
    }
    // send, receive until the server closes, print; the socket closes itself at the end
    return send_message(clientSocket, message);
}
