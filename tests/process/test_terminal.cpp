// test_terminal.cpp - the lecture's prompt, when standard input is a terminal.
//
// The clients ask "Input lowercase sentence: " only when a person is typing,
// so the test gives them a pseudo-terminal as stdin and types the answer.
// stdout stays a pipe, so what the program prints is not mixed with the
// terminal's echo of what the test typed.
#include <doctest/doctest.h>

#include <string>

#include "child.hpp"

using proc::program;

namespace {

void check_prompt(const std::string& server, const std::string& client) {
    if (proc::runner()) {
        MESSAGE("skipped: a Windows program under Wine sees no console on a pseudo-terminal");
        return;
    }
    proc::server s = proc::start_server(server);
    proc::child c({program(client), "127.0.0.1", std::to_string(s.port)}, {proc::input::terminal, {}});
    CHECK(c.read_until("Input lowercase sentence: ") == "Input lowercase sentence: ");
    c.write_input("hello\n");
    CHECK(c.read_to_end() == "HELLO\n");
    const proc::ending end = c.wait();
    INFO("stderr: " << c.error_text());
    CHECK(end.code == 0);
}

}  // namespace

TEST_CASE("terminal: udp_client prompts, sends the typed line and prints the reply") {
    check_prompt("udp_server", "udp_client");
}

TEST_CASE("terminal: tcp_client prompts, sends the typed line and prints the reply") {
    check_prompt("tcp_server", "tcp_client");
}
