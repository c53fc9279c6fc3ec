// test_lecture_peers.cpp - our programs and the lecture's Python programs
// talk to each other: same protocol, same uppercase, either side.
#include <doctest/doctest.h>

#include <unistd.h>

#include <optional>
#include <string>
#include <vector>

#include "child.hpp"

using proc::program;

namespace {

// python3 and the lecture folder, or a reason to skip.
struct lecture {
    std::optional<std::string> python = proc::find_in_path("python3");
    std::string dir = proc::lecture_dir();

    bool available() const {
        if (!python) MESSAGE("skipped: python3 is not installed");
        return python.has_value();
    }
    std::string script(const std::string& name) const {
        const std::string path = dir + "/" + name;
        REQUIRE_MESSAGE(::access(path.c_str(), R_OK) == 0, "cannot read " << path << " (set LECTURE_DIR?)");
        return path;
    }
    // UTF-8 on every stream whatever the locale, and no __pycache__ in the repo.
    proc::options python_options() const {
        return proc::options{proc::input::pipe,
                             {{"PYTHONUTF8", "1"}, {"PYTHONIOENCODING", "utf-8"}, {"PYTHONDONTWRITEBYTECODE", "1"}}};
    }
    proc::outcome run(const std::string& name, std::vector<std::string> args) const {
        args.insert(args.begin(), {*python, script(name)});
        return proc::run(std::move(args), {}, python_options());
    }
    proc::server start(const std::string& name) const {
        return proc::start_ready({*python, script(name), "0"}, python_options());
    }
};

}  // namespace

TEST_CASE("lecture: our udp_client against UDPServer.py") {
    lecture py;
    if (!py.available()) return;
    proc::server s = py.start("UDPServer.py");
    proc::outcome r =
        proc::run({program("udp_client"), "-m", "hello", "-m", "grüße", "127.0.0.1", std::to_string(s.port)});
    INFO(r.describe());
    CHECK(r.end.code == 0);
    CHECK(r.out == "HELLO\nGRÜSSE\n");
}

TEST_CASE("lecture: UDPClient.py against our udp_server") {
    lecture py;
    if (!py.available()) return;
    proc::server s = proc::start_server("udp_server");
    for (const auto& [sent, expected] : {std::pair{"hello", "HELLO\n"}, std::pair{"grüße", "GRÜSSE\n"}}) {
        proc::outcome r = py.run("UDPClient.py", {"127.0.0.1", std::to_string(s.port), sent});
        INFO(r.describe());
        CHECK(r.end.code == 0);
        CHECK(r.out == expected);
    }
}

TEST_CASE("lecture: TCPClient.py against our tcp_server") {
    lecture py;
    if (!py.available()) return;
    proc::server s = proc::start_server("tcp_server");
    for (const auto& [sent, expected] : {std::pair{"hello", "HELLO\n"}, std::pair{"grüße", "GRÜSSE\n"}}) {
        proc::outcome r = py.run("TCPClient.py", {"127.0.0.1", std::to_string(s.port), sent});
        INFO(r.describe());
        CHECK(r.end.code == 0);
        CHECK(r.out == expected);
    }
}

TEST_CASE("lecture: our tcp_client against TCPServer.py") {
    lecture py;
    if (!py.available()) return;
    proc::server s = py.start("TCPServer.py");
    for (const auto& [sent, expected] : {std::pair{"hello", "HELLO\n"}, std::pair{"grüße", "GRÜSSE\n"}}) {
        proc::outcome r = proc::run({program("tcp_client"), "-m", sent, "127.0.0.1", std::to_string(s.port)});
        INFO(r.describe());
        CHECK(r.end.code == 0);
        CHECK(r.out == expected);
    }
}
