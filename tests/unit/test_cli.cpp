// Unit tests of command-line parsing: one option table drives the parsing,
// the usage line and --help; defaults, every kind of option, every mistake.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>

#include <unistd.h>

#include "../../common/cli.hpp"

namespace {

// What udp_server's table holds.
struct server_table {
    std::string host;
    std::uint16_t port = cli::default_port;
    int backlog = 1;
    double loss = 0.0;
    std::uint64_t seed = 1;
    cli::program spec{"udp_server",
                      "test",
                      {cli::host(host), cli::port(port),
                       cli::whole("--backlog", "N", "queue", 0, 65535, backlog),
                       cli::fraction("--loss", "P", "drop", loss),
                       cli::whole("--seed", "S", "seed", 0, UINT64_MAX, seed)}};
    std::string error(std::vector<std::string> args) { return cli::parse_args(spec, args).error; }
};

// What the clients' tables hold.
struct client_table {
    std::string host = "localhost";
    std::uint16_t port = cli::default_port;
    std::vector<std::string> messages;
    std::string message;
    bool interactive = false;
    int timeout_ms = 1000;
    int retries = 3;
    cli::program udp{"udp_client",
                     "test",
                     {cli::texts("-m", "TEXT", "send", messages),
                      cli::whole("--timeout", "MS", "wait", 1, 3600000, timeout_ms),
                      cli::whole("--retries", "N", "again", 0, 1000, retries), cli::host_argument(host),
                      cli::port_argument(port)}};
    cli::program tcp{"tcp_client",
                     "test",
                     {cli::text("-m", "TEXT", "send", message), cli::flag("-i", "lines", interactive),
                      cli::trace(), cli::host_argument(host), cli::port_argument(port)},
                     "",
                     [this] { return interactive && !message.empty() ? "-i and -m cannot be used together" : ""; }};
};

// What the calls in `write` put on stderr (the log lines), at most 255 bytes.
template <class Write>
std::string stderr_of(Write write) {
    std::fflush(stderr);
    FILE* capture = std::tmpfile();
    REQUIRE(capture != nullptr);
    const int saved = dup(2);
    dup2(fileno(capture), 2);
    write();
    std::fflush(stderr);
    dup2(saved, 2);
    close(saved);
    std::rewind(capture);
    char text[256] = {};
    const std::size_t n = std::fread(text, 1, sizeof text - 1, capture);
    std::fclose(capture);
    return std::string(text, n);
}

}  // namespace

TEST_CASE("server defaults stay as they are when nothing is given") {
    server_table t;
    auto p = cli::parse_args(t.spec, {});
    CHECK(p.error.empty());
    CHECK_FALSE(p.help);
    CHECK(t.host.empty());
    CHECK(t.port == 12000);
    CHECK(t.backlog == 1);
    CHECK(t.loss == 0.0);
}

TEST_CASE("server options, both as '--port 5' and '--port=5'") {
    server_table t;
    auto p = cli::parse_args(t.spec, {"--host", "::1", "--port=0", "--backlog", "5", "--loss", "0.3", "--seed", "42"});
    REQUIRE(p.error.empty());
    CHECK(t.host == "::1");
    CHECK(t.port == 0);
    CHECK(t.backlog == 5);
    CHECK(t.loss == doctest::Approx(0.3));
    CHECK(t.seed == 42);
    server_table u;
    CHECK(u.error({"--port", "65535"}).empty());
    CHECK(u.port == 65535);
}

TEST_CASE("--help is noticed wherever it is") {
    server_table t;
    CHECK(cli::parse_args(t.spec, {"--port", "5", "--help"}).help);
    client_table c;
    CHECK(cli::parse_args(c.tcp, {"-h"}).help);
}

TEST_CASE("bad server arguments name the problem") {
    server_table t;
    CHECK(t.error({"--port", "abc"}) == "invalid port 'abc' (a number from 0 to 65535)");
    CHECK(t.error({"--port", "65536"}).find("invalid port '65536'") == 0);
    CHECK(t.error({"--port", "-1"}).find("invalid port '-1'") == 0);
    CHECK(t.error({"--port", ""}).find("invalid port ''") == 0);
    CHECK(t.error({"--port", "99999999999999999999999"}).find("invalid port") == 0);
    CHECK(t.error({"--port"}) == "option --port needs a value");
    CHECK(t.error({"--bogus"}) == "unknown option '--bogus'");
    CHECK(t.error({"stray"}).find("unexpected argument 'stray'") == 0);
    CHECK(t.error({"--loss", "2"}).find("invalid value '2' for --loss") == 0);
    CHECK(t.error({"--loss", "0.5x"}).find("invalid value '0.5x' for --loss") == 0);
    CHECK(t.error({"--seed", "x"}).find("invalid value 'x' for --seed") == 0);
    CHECK(t.error({"--backlog", "x"}).find("invalid value 'x' for --backlog") == 0);
}

TEST_CASE("numbers past the largest are refused, not wrapped around") {
    server_table t;
    CHECK(t.error({"--seed", "18446744073709551615"}).empty());
    CHECK(t.seed == UINT64_MAX);
    CHECK(t.error({"--seed", "18446744073709551616"}).find("invalid value '18446744073709551616' for --seed") == 0);
    CHECK(t.error({"--seed", "99999999999999999999"}).find("invalid value") == 0);
    CHECK(t.error({"--backlog", "65536"}).find("invalid value '65536' for --backlog (a number from 0 to 65535)") ==
          0);
}

TEST_CASE("a switch takes no value, and an empty value is a value") {
    client_table c;
    CHECK(cli::parse_args(c.tcp, {"--trace=off"}).error == "option --trace takes no value");
    client_table d;
    CHECK(cli::parse_args(d.udp, {"--m="}).error == "unknown option '--m='");
    client_table e;
    cli::program with_long{"x", "test", {cli::texts("-m, --message", "TEXT", "send", e.messages)}};
    REQUIRE(cli::parse_args(with_long, {"--message=", "--message", "b"}).error.empty());
    CHECK(e.messages == std::vector<std::string>{"", "b"});  // the next argument is not taken for the empty value
}

TEST_CASE("an option given twice is refused unless it may be repeated") {
    client_table c;
    CHECK(cli::parse_args(c.tcp, {"-m", "a", "-m", "b"}).error == "-m may be given only once");
    server_table t;
    CHECK(t.error({"--port", "1", "--port", "2"}) == "--port may be given only once");
    client_table d;
    CHECK(cli::parse_args(d.udp, {"-m", "a", "-m", "b"}).error.empty());
}

TEST_CASE("options a program does not have are unknown to it") {
    client_table c;
    CHECK(cli::parse_args(c.tcp, {"--timeout", "5"}).error == "unknown option '--timeout'");
    CHECK(cli::parse_args(c.udp, {"-i"}).error == "unknown option '-i'");
}

TEST_CASE("client defaults and positional HOST PORT") {
    client_table c;
    REQUIRE(cli::parse_args(c.udp, {}).error.empty());
    CHECK(c.host == "localhost");
    CHECK(c.port == 12000);
    CHECK(c.timeout_ms == 1000);
    CHECK(c.retries == 3);
    CHECK(c.messages.empty());

    client_table q;
    REQUIRE(cli::parse_args(q.udp, {"-m", "a", "example.org", "-m", "b", "5000", "--timeout", "250", "--retries=0"})
                .error.empty());
    CHECK(q.host == "example.org");
    CHECK(q.port == 5000);
    CHECK(q.messages == std::vector<std::string>{"a", "b"});
    CHECK(q.timeout_ms == 250);
    CHECK(q.retries == 0);
}

TEST_CASE("bad client arguments name the problem") {
    auto error = [](std::vector<std::string> args, bool tcp = false) {
        client_table c;
        return cli::parse_args(tcp ? c.tcp : c.udp, args).error;
    };
    CHECK(error({"localhost", "abc"}).find("invalid port 'abc'") == 0);
    CHECK(error({"localhost", "70000"}).find("invalid port '70000'") == 0);
    CHECK(error({"a", "1", "extra"}) == "unexpected argument 'extra'");
    CHECK(error({"-m"}) == "option -m needs a value");
    CHECK(error({"--timeout", "x"}).find("invalid value 'x' for --timeout") == 0);
    CHECK(error({"--timeout", "0"}).find("invalid value '0' for --timeout") == 0);
    CHECK(error({"-i", "-m", "a"}, true) == "-i and -m cannot be used together");
    CHECK(error({""}, true) == "empty host name");
    // "-" alone is not an option: it is taken as a (strange) host name.
    CHECK(error({"-"}, true).empty());
}

TEST_CASE("usage lines and --help come from the same table") {
    server_table t;
    CHECK(cli::usage_line(t.spec) == "usage: udp_server [--host HOST] [--port PORT] [--backlog N] [--loss P] [--seed S]");
    client_table c;
    CHECK(cli::usage_line(c.tcp) == "usage: tcp_client [-m TEXT] [-i] [--trace] [HOST [PORT]]");
    CHECK(cli::usage_line(c.udp) == "usage: udp_client [-m TEXT]... [--timeout MS] [--retries N] [HOST [PORT]]");
    const std::string help = cli::help_text(c.udp);
    CHECK(help.find("  --retries N      again\n") != std::string::npos);
    CHECK(help.find("may be repeated") != std::string::npos);
    CHECK(help.find("  -h, --help       show this help\n") != std::string::npos);
}

TEST_CASE("log lines: pieces of any kind, one line each, none with -q") {
    auto resolved = net::resolve("127.0.0.1", 5000, net::tcp);
    REQUIRE(resolved.ok());
    const net::address client = resolved.value().front();
    const std::string written = stderr_of([&client] {
        cli::set_quiet(true);
        cli::log("quiet ", client);
        cli::set_quiet(false);
        cli::log("connected ", client, " (", 3, " active)");
    });
    CHECK(written == "connected 127.0.0.1:5000 (3 active)\n");
}

TEST_CASE("log lines: a client's bytes reach the terminal as text, never as its commands") {
    // ESC ] 0 ; ... BEL retitles a terminal window, ESC [ 2 J clears the screen.
    CHECK(cli::log_text("event '\x1b]0;pwned\x07\x1b[2J'") == "event '\\x1B]0;pwned\\x07\\x1B[2J'");
    CHECK(cli::log_text(std::string("a\nb\rc\td\0e\x7f", 10)) == "a\\x0Ab\\x0Dc\\x09d\\x00e\\x7F");
    // Printable text stays as it is: UTF-8 of every length, and a backslash.
    CHECK(cli::log_text("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80 C:\\tmp ~") ==
          "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80 C:\\tmp ~");
    // Bytes that are not UTF-8: a stray byte, an overlong '/', a surrogate, a
    // character cut short, past U+10FFFF; and U+009B, a control character
    // that some terminals take as ESC [.
    CHECK(cli::log_text("\xff \xc0\xaf \xed\xa0\x80 \xe2\x82") == "\\xFF \\xC0\\xAF \\xED\\xA0\\x80 \\xE2\\x82");
    CHECK(cli::log_text("\xf4\x90\x80\x80 \xc2\x9b" "2J \xc2\xa0") == "\\xF4\\x90\\x80\\x80 \\xC2\\x9B2J \xc2\xa0");
}

TEST_CASE("log lines: at most max_log_line bytes, never cut inside a character or an escape") {
    CHECK(cli::log_text(std::string(5000, 'a')) == std::string(cli::max_log_line, 'a'));
    const std::string almost(cli::max_log_line - 2, 'a');
    CHECK(cli::log_text(almost + "\x1b") == almost);                          // \x1B takes 4: it does not fit
    CHECK(cli::log_text(almost + "\xe6\x97\xa5") == almost);                  // neither does a 3-byte character
    CHECK(cli::log_text(almost + "\xc3\xa9") == almost + "\xc3\xa9");         // a 2-byte one does
}

TEST_CASE("log lines: what write_log writes is escaped, one line per call") {
    const std::string written = stderr_of([] {
        cli::set_quiet(false);
        cli::log("refused: event '", "\x1b[2J\nfake line", "'");
    });
    CHECK(written == "refused: event '\\x1B[2J\\x0Afake line'\n");
}
