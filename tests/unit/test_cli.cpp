// Unit tests of command-line parsing: defaults, every option, every mistake.
#include <doctest/doctest.h>

#include "../../common/cli.hpp"

namespace {
const cli::program server{.name = "udp_server", .summary = "test", .backlog = true, .loss = true};
const cli::program udp_client{.name = "udp_client", .summary = "test", .many_messages = true, .retries = true};
const cli::program tcp_client{.name = "tcp_client", .summary = "test", .interactive = true};

std::string server_error(std::vector<std::string> args) { return cli::parse_server_args(server, args).error; }
std::string client_error(const cli::program& spec, std::vector<std::string> args) {
    return cli::parse_client_args(spec, args).error;
}
}  // namespace

TEST_CASE("server defaults: all interfaces, port 12000, listen(1), no loss") {
    auto p = cli::parse_server_args(server, {});
    CHECK(p.error.empty());
    CHECK_FALSE(p.help);
    CHECK(p.options.host.empty());
    CHECK(p.options.port == 12000);
    CHECK(p.options.backlog == 1);
    CHECK(p.options.loss == 0.0);
    CHECK_FALSE(p.options.quiet);
    CHECK_FALSE(p.options.trace);
}

TEST_CASE("server options, both as '--port 5' and '--port=5'") {
    auto p = cli::parse_server_args(server, {"--host", "::1", "--port=0", "-q", "--trace", "--backlog", "5", "--loss",
                                             "0.3", "--seed", "42"});
    REQUIRE(p.error.empty());
    CHECK(p.options.host == "::1");
    CHECK(p.options.port == 0);
    CHECK(p.options.quiet);
    CHECK(p.options.trace);
    CHECK(p.options.backlog == 5);
    CHECK(p.options.loss == doctest::Approx(0.3));
    CHECK(p.options.seed == 42);
    CHECK(cli::parse_server_args(server, {"--port", "65535"}).options.port == 65535);
}

TEST_CASE("--help is noticed wherever it is") {
    CHECK(cli::parse_server_args(server, {"--port", "5", "--help"}).help);
    CHECK(cli::parse_client_args(tcp_client, {"-h"}).help);
}

TEST_CASE("bad server arguments name the problem") {
    CHECK(server_error({"--port", "abc"}) == "invalid port 'abc' (a number from 0 to 65535)");
    CHECK(server_error({"--port", "65536"}).find("invalid port '65536'") == 0);
    CHECK(server_error({"--port", "-1"}).find("invalid port '-1'") == 0);
    CHECK(server_error({"--port", ""}).find("invalid port ''") == 0);
    CHECK(server_error({"--port", "99999999999999999999999"}).find("invalid port") == 0);
    CHECK(server_error({"--port"}) == "option --port needs a value");
    CHECK(server_error({"--bogus"}) == "unknown option '--bogus'");
    CHECK(server_error({"stray"}).find("unexpected argument 'stray'") == 0);
    CHECK(server_error({"--loss", "2"}).find("invalid value '2' for --loss") == 0);
    CHECK(server_error({"--loss", "0.5x"}).find("invalid value '0.5x' for --loss") == 0);
    CHECK(server_error({"--seed", "x"}).find("invalid value 'x' for --seed") == 0);
    CHECK(server_error({"--backlog", "x"}).find("invalid value 'x' for --backlog") == 0);
}

TEST_CASE("options a program does not have are unknown to it") {
    const cli::program tcp_server{.name = "tcp_server", .summary = "test", .backlog = true};
    CHECK(cli::parse_server_args(tcp_server, {"--loss", "0.1"}).error == "unknown option '--loss'");
    CHECK(client_error(tcp_client, {"--timeout", "5"}) == "unknown option '--timeout'");
    CHECK(client_error(udp_client, {"-i"}) == "unknown option '-i'");
}

TEST_CASE("client defaults and positional HOST PORT") {
    auto p = cli::parse_client_args(udp_client, {});
    REQUIRE(p.error.empty());
    CHECK(p.options.host == "localhost");
    CHECK(p.options.port == 12000);
    CHECK(p.options.timeout_ms == 1000);
    CHECK(p.options.retries == 3);
    CHECK(p.options.messages.empty());

    auto q = cli::parse_client_args(udp_client, {"-m", "a", "example.org", "-m", "b", "5000", "--timeout", "250",
                                                 "--retries=0"});
    REQUIRE(q.error.empty());
    CHECK(q.options.host == "example.org");
    CHECK(q.options.port == 5000);
    CHECK(q.options.messages == std::vector<std::string>{"a", "b"});
    CHECK(q.options.timeout_ms == 250);
    CHECK(q.options.retries == 0);
}

TEST_CASE("bad client arguments name the problem") {
    CHECK(client_error(udp_client, {"localhost", "abc"}).find("invalid port 'abc'") == 0);
    CHECK(client_error(udp_client, {"localhost", "70000"}).find("invalid port '70000'") == 0);
    CHECK(client_error(udp_client, {"a", "1", "extra"}) == "unexpected argument 'extra'");
    CHECK(client_error(udp_client, {"-m"}) == "option -m needs a value");
    CHECK(client_error(udp_client, {"--timeout", "x"}).find("invalid value 'x' for --timeout") == 0);
    CHECK(client_error(udp_client, {"--timeout", "0"}).find("invalid value '0' for --timeout") == 0);
    CHECK(client_error(tcp_client, {"-m", "a", "-m", "b"}) == "-m may be given only once");
    CHECK(client_error(tcp_client, {"-i", "-m", "a"}) == "-i and -m cannot be used together");
    CHECK(client_error(tcp_client, {""}) == "empty host name");
    // "-" alone is not an option: it is taken as a (strange) host name.
    CHECK(client_error(tcp_client, {"-"}).empty());
}

TEST_CASE("usage lines list what each program takes") {
    CHECK(cli::usage_line(server, true) ==
          "usage: udp_server [--host HOST] [--port PORT] [--backlog N] [--loss P] [--seed S] [-q] [--trace]");
    CHECK(cli::usage_line(tcp_client, false) == "usage: tcp_client [-m TEXT] [-i] [--trace] [HOST [PORT]]");
    const std::string help = cli::help_text(udp_client, false);
    CHECK(help.find("--retries N") != std::string::npos);
    CHECK(help.find("may be repeated") != std::string::npos);
}
