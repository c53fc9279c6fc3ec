// test_cli.cpp - the command-line conventions every program keeps:
// --help, bad arguments (exit 2) and run-time failures (exit 1).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "child.hpp"
#include "peer.hpp"

using proc::program;

namespace {

const std::vector<std::string> all_programs{"udp_server", "tcp_server", "udp_client", "tcp_client"};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct bad_arguments {
    std::vector<std::string> args;
    std::vector<std::string> named;  // what the first stderr line must mention
};

// A bad argument: exit 2, nothing on stdout, and exactly two lines on
// stderr: the problem (naming the offending word), then the usage line.
void check_usage_error(const std::string& name, const bad_arguments& bad) {
    std::vector<std::string> argv{program(name)};
    argv.insert(argv.end(), bad.args.begin(), bad.args.end());
    proc::outcome r = proc::run(argv);
    INFO(name << " with bad arguments: " << r.describe());
    CHECK(r.end.code == 2);
    CHECK(r.out.empty());
    const std::vector<std::string> lines = r.error_lines();
    REQUIRE(lines.size() == 2);
    for (const std::string& word : bad.named) CHECK_MESSAGE(contains(lines[0], word), "does not name '" << word << "'");
    CHECK(lines[1].rfind("usage: " + name, 0) == 0);
}

// A run-time failure: exit 1, nothing on stdout, exactly one line on stderr
// that mentions each of `named`, and no number but those in `allowed`.
void check_runtime_error(const proc::outcome& r, const std::vector<std::string>& named,
                         const std::vector<std::string>& allowed) {
    INFO(r.describe());
    CHECK(r.end.code == 1);
    CHECK(r.out.empty());
    const std::vector<std::string> lines = r.error_lines();
    REQUIRE(lines.size() == 1);
    for (const std::string& word : named) CHECK_MESSAGE(contains(lines[0], word), "does not mention '" << word << "'");
    CHECK_MESSAGE(!proc::has_stray_number(lines[0], allowed), "a number that is not part of the address");
}

}  // namespace

TEST_CASE("cli: --help prints usage on stdout and exits 0, for every program") {
    for (const std::string& name : all_programs) {
        proc::outcome r = proc::run({program(name), "--help"});
        INFO(name << " --help: " << r.describe());
        CHECK(r.end.code == 0);
        CHECK(r.err.empty());
        bool usage = false;
        for (const std::string& line : proc::split_lines(r.out)) usage = usage || line.rfind("usage: " + name, 0) == 0;
        CHECK(usage);
    }
}

TEST_CASE("cli: bad arguments of a server exit 2 with the problem and the usage line") {
    const std::vector<bad_arguments> cases{
        {{"--port", "abc"}, {"abc"}},
        {{"--port", "65536"}, {"65536"}},
        {{"--bogus"}, {"--bogus"}},
        {{"--port"}, {"--port"}},  // the value is missing
    };
    for (const std::string name : {"udp_server", "tcp_server"})
        for (const bad_arguments& bad : cases) check_usage_error(name, bad);
    check_usage_error("udp_server", {{"--loss", "2"}, {"--loss", "2"}});
}

TEST_CASE("cli: bad arguments of a client exit 2 with the problem and the usage line") {
    const std::vector<bad_arguments> cases{
        {{"localhost", "abc"}, {"abc"}},
        {{"localhost", "65536"}, {"65536"}},
        {{"--bogus"}, {"--bogus"}},
        {{"-m"}, {"-m"}},  // the value is missing
    };
    for (const std::string name : {"udp_client", "tcp_client"})
        for (const bad_arguments& bad : cases) check_usage_error(name, bad);
    check_usage_error("udp_client", {{"--timeout", "x"}, {"--timeout", "x"}});
}

TEST_CASE("cli: connection refused names connect, the address and the cause") {
    const std::uint16_t port = peer::closed_tcp_port();
    const std::string where = "127.0.0.1:" + std::to_string(port);
    proc::outcome r = proc::run({program("tcp_client"), "-m", "x", "127.0.0.1", std::to_string(port)});
    check_runtime_error(r, {"connect", where, "refused"}, {where});
}

TEST_CASE("cli: an unknown host is reported as not found") {
    proc::outcome tcp = proc::run({program("tcp_client"), "-m", "x", "nosuchhost.invalid", "9"});
    check_runtime_error(tcp, {"nosuchhost.invalid", "not found"}, {"nosuchhost.invalid:9"});
    proc::outcome udp = proc::run({program("udp_client"), "-m", "x", "nosuchhost.invalid", "9"});
    check_runtime_error(udp, {"nosuchhost.invalid", "not found"}, {"nosuchhost.invalid:9"});
}

TEST_CASE("cli: a second server on a port in use names bind, the port and the cause") {
    for (const std::string name : {"tcp_server", "udp_server"}) {
        CAPTURE(name);
        proc::server first = proc::start_server(name);
        const std::string port = std::to_string(first.port);
        proc::outcome second = proc::run({program(name), "--port", port});
        check_runtime_error(second, {"bind", ":" + port, "in use"}, {":" + port, "0.0.0.0"});
        CHECK(first.process.running());  // the first one is not disturbed
    }
}
