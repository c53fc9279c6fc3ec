// test_commands.cpp - lab 06: the dht tool's commands, read from a pipe, with
// what they print taken from stdout.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "../peer/host.hpp"
#include "../peer/keys.hpp"
#include "../tool/commands.hpp"

using namespace dht;

namespace {

// Runs `script` through read_commands() on a ring of the lecture's peers and
// returns what it printed.
std::string run_script(const std::string& script) {
    settings s;
    s.m = 6;
    s.upkeep = false;
    host ring(s, [](const std::string&) {});
    for (id i : {1u, 12u, 13u, 25u, 32u, 40u, 48u, 60u}) REQUIRE(ring.start(i).ok());
    ring.settle_ring();

    int commands[2];
    REQUIRE(::pipe(commands) == 0);
    REQUIRE(::write(commands[1], script.data(), script.size()) == static_cast<ssize_t>(script.size()));
    ::close(commands[1]);
    std::FILE* printed = std::tmpfile();
    REQUIRE(printed != nullptr);
    std::fflush(stdout);
    const int saved = ::dup(STDOUT_FILENO);
    ::dup2(::fileno(printed), STDOUT_FILENO);
    read_commands(ring, true, commands[0]);
    std::fflush(stdout);
    ::dup2(saved, STDOUT_FILENO);
    ::close(saved);
    ::close(commands[0]);

    std::string text;
    std::rewind(printed);
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, printed)) > 0;) text.append(buffer, n);
    std::fclose(printed);
    return text;
}

}  // namespace

TEST_CASE("lookup, put and get of a name each say which key the name is") {
    const id key = key_of("Xiaoming Liu", 6);
    const std::string line = "'Xiaoming Liu' is key " + std::to_string(key) + " (the first 6 bits of its SHA-1)";
    const std::string printed = run_script(
        "lookup \"Xiaoming Liu\"\nput \"Xiaoming Liu\" 385-41-0902\nget \"Xiaoming Liu\" at 48\nlookup 53 at 1\n");
    INFO(printed);
    std::size_t times = 0;
    for (std::size_t at = printed.find(line); at != std::string::npos; at = printed.find(line, at + 1)) ++times;
    CHECK(times == 3);
    CHECK(printed.find("is key 53") == std::string::npos);  // a number is the key itself
    CHECK(printed.find("key 53 is at peer 60: 2 messages") != std::string::npos);
}
