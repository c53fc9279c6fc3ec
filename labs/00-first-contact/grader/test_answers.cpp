// test_answers.cpp - the grader of lab 00: checks answers.txt.
//
// Each answer is something the student saw by running the programs. The
// grader finds the right answer the same way: it runs the real programs
// (bin/udp_server, bin/tcp_client, the lecture's Python server, ...) and reads
// their traces and output. So the answers stay right when the programs
// change, and a machine where things differ (no IPv6, say) gets the answers
// that are true on it. Only the TCP handshake, which needs a packet capture,
// is counted in the capture that comes with the lab (first-contact.pcap).
//
// A wrong answer is reported without the right one: go back and look.
#include <doctest/doctest.h>

#include "../../grader/line_reader.hpp"

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../../../tests/process/child.hpp"
#include "../../../tests/process/peer.hpp"

using proc::program;

namespace {

// ------------------------------------------------------------------ answers.txt

std::string answers_path() {
    const char* path = std::getenv("LAB_ANSWERS");
    return path != nullptr && *path != '\0' ? path : "labs/00-first-contact/answers.txt";
}

std::string trim(const std::string& s) {
    const auto space = [](unsigned char c) { return std::isspace(c) != 0; };
    auto begin = std::find_if_not(s.begin(), s.end(), space);
    auto end = std::find_if_not(s.rbegin(), s.rend(), space).base();
    return begin < end ? std::string(begin, end) : std::string();
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// How answers are compared: trimmed, in lower case (ASCII only, so "straße"
// stays different from "strasse"), without quotes or a trailing "()".
std::string normal(std::string s) {
    s = lower(trim(s));
    while (!s.empty() && (s.front() == '\'' || s.front() == '"' || s.front() == '`')) s.erase(s.begin());
    while (!s.empty() && (s.back() == '\'' || s.back() == '"' || s.back() == '`')) s.pop_back();
    if (s.size() > 2 && s.compare(s.size() - 2, 2, "()") == 0) s.resize(s.size() - 2);
    return trim(s);
}

// "key: value" lines; '#' starts a comment line.
std::optional<std::map<std::string, std::string>> read_answers() {
    std::ifstream file(answers_path());
    if (!file) return std::nullopt;
    std::map<std::string, std::string> answers;
    std::string line;
    while (std::getline(file, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const std::string t = trim(line);
        if (t.empty() || t[0] == '#') continue;
        const std::size_t colon = t.find(':');
        if (colon == std::string::npos) continue;
        const std::string key = lower(trim(t.substr(0, colon)));
        if (answers.count(key) == 0) answers[key] = trim(t.substr(colon + 1));
    }
    return answers;
}

// The answer given to one question, if there is one.
std::optional<std::string> answer_to(const std::string& key) {
    const auto answers = read_answers();
    if (!answers) return std::nullopt;
    const auto found = answers->find(key);
    if (found == answers->end()) return std::nullopt;
    return found->second;
}

// What kind of answer a question takes, so that an answer in the wrong form
// is told what form to use (whether or not its value is right).
enum class form {
    number,  // digits only: 65536
    word,    // one name, as the programs print it: accept, AF_INET6
    yes_no,  // yes or no
    text,    // exactly what a program printed
};

// What is wrong with the form of `answer`, or "" if the form is right.
std::string form_problem(const std::string& answer, form kind) {
    const std::string a = normal(answer);
    const auto all_of = [&a](auto allowed) { return !a.empty() && std::all_of(a.begin(), a.end(), allowed); };
    switch (kind) {
        case form::number:
            if (all_of([](unsigned char c) { return std::isdigit(c) != 0; })) return "";
            return "write the number alone, in digits, as the programs print it: no thousands separator "
                   "(1234, not 1,234), no dot at the end, no unit or words";
        case form::word:
            if (all_of([](unsigned char c) { return std::isalnum(c) != 0 || c == '_'; })) return "";
            return "write the name alone, one word exactly as the programs print it (for example listen or "
                   "AF_INET): no dot at the end, no explanation";
        case form::yes_no:
            if (a == "yes" || a == "no") return "";
            return "write yes or no, and nothing else (no dot at the end, no explanation)";
        case form::text: return "";
    }
    return "";
}

// The verdict on one answer. `truth` is what the programs do on this
// machine; nothing means the grader could not find out, and `why` says why.
void check_answer(const std::string& key, form kind, const std::optional<std::string>& truth,
                  const std::string& why = "") {
    const auto answers = read_answers();
    if (!answers) {
        FAIL_CHECK("cannot read " << answers_path() << ": it should be there, with one 'key: value' line per question");
        return;
    }
    const auto found = answers->find(key);
    if (found == answers->end() || found->second.empty()) {
        FAIL_CHECK("no answer yet: fill in the line '" << key << ":' in " << answers_path());
        return;
    }
    if (const std::string problem = form_problem(found->second, kind); !problem.empty()) {
        FAIL_CHECK("your answer '" << found->second << "' is not in the form this question takes: " << problem);
        return;
    }
    if (!truth) {
        FAIL_CHECK("the grader could not check this answer here: " << why);
        return;
    }
    if (normal(found->second) != normal(*truth)) {
        FAIL_CHECK("your answer '" << found->second << "' is not what the programs do on this machine: run them "
                                   << "again and look closely");
    }
}

// ------------------------------------------------------------------ running the programs

// Ends a server with Ctrl-C and waits, so that everything it traced is in its stderr.
std::vector<std::string> stop_and_read(proc::server& s) {
    s.process.send_signal(SIGINT);
    s.process.wait();
    return s.process.error_lines();
}

using grading::reader;  // reads a line of a known form, step by step

// The first line for which `read` (a reader chain that stores what it found)
// succeeds, and what it found.
template <class Read>
std::optional<std::string> first_found(const std::vector<std::string>& lines, Read read) {
    for (const std::string& line : lines) {
        std::string found;
        if (read(line, found)) return found;
    }
    return std::nullopt;
}

std::size_t count_starting(const std::vector<std::string>& lines, const std::string& start) {
    return static_cast<std::size_t>(
        std::count_if(lines.begin(), lines.end(), [&](const std::string& l) { return l.rfind(start, 0) == 0; }));
}

// One exchange, both sides traced: udp_server --trace and udp_client --trace -m hello.
struct udp_traces {
    std::vector<std::string> server;
    std::vector<std::string> client;
};
const udp_traces& udp_exchange_traced() {
    static std::optional<udp_traces> cached;
    if (!cached) {
        proc::server s = proc::start_server("udp_server", {"--trace"});
        proc::outcome c =
            proc::run({program("udp_client"), "--trace", "-m", "hello", "127.0.0.1", std::to_string(s.port)});
        if (c.end.code != 0) FAIL("bin/udp_client -m hello got no reply from bin/udp_server: " << c.describe());
        cached = udp_traces{stop_and_read(s), c.error_lines()};
    }
    return *cached;
}

// tcp_client -m hello with no server: what fails, and the exit status.
const proc::outcome& tcp_client_without_server() {
    static std::optional<proc::outcome> cached;
    if (!cached) {
        cached =
            proc::run({program("tcp_client"), "-m", "hello", "127.0.0.1", std::to_string(peer::closed_tcp_port())});
    }
    return *cached;
}

// ------------------------------------------------------------------ the capture of part 5

std::string capture_path() {
    const char* path = std::getenv("LAB_CAPTURE");
    return path != nullptr && *path != '\0' ? path : "labs/00-first-contact/first-contact.pcap";
}

// How many TCP segments of the capture come before the first one that
// carries data: the handshake. The capture is a classic pcap file (what
// tshark -F pcap writes) of Ethernet, Linux "cooked" or raw IP packets.
std::optional<std::string> handshake_in_capture(std::string& why) {
    std::ifstream file(capture_path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    const auto byte = [&bytes](std::size_t at) { return static_cast<unsigned char>(bytes[at]); };
    const auto big16 = [&byte](std::size_t at) { return static_cast<unsigned>(byte(at) << 8 | byte(at + 1)); };
    if (bytes.size() < 24) {
        why = "cannot read the capture " + capture_path();
        return std::nullopt;
    }
    // The file's own byte order: its magic number reads a1b2c3d4 (or a1b23c4d) in it.
    const bool little = byte(0) == 0xd4 || byte(0) == 0x4d;
    const auto word = [&](std::size_t at) {
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v |= std::uint32_t{byte(at + static_cast<std::size_t>(little ? i : 3 - i))} << (8 * i);
        return v;
    };
    const std::uint32_t link = word(20);
    int segments = 0;
    for (std::size_t at = 24; at + 16 <= bytes.size();) {
        const std::size_t length = word(at + 8);
        const std::size_t packet = at + 16;
        at = packet + length;
        if (at > bytes.size()) break;
        // Where the IP packet starts, after the link layer's header.
        std::size_t ip = packet;
        unsigned type = (byte(packet) >> 4) == 6 ? 0x86dd : 0x0800;  // raw IP (link type 101)
        if (link == 1) {  // Ethernet (what tshark -i lo captures on Linux)
            type = big16(packet + 12);
            ip += 14;
        } else if (link == 113) {  // Linux "cooked" (tshark -i any)
            type = big16(packet + 14);
            ip += 16;
        } else if (link == 276) {  // Linux "cooked", version 2
            type = big16(packet);
            ip += 20;
        }
        std::size_t tcp = 0, end = 0;
        if (type == 0x0800 && ip + 20 <= at && byte(ip + 9) == 6) {
            tcp = ip + (byte(ip) & 15u) * 4;
            end = ip + big16(ip + 2);
        } else if (type == 0x86dd && ip + 40 <= at && byte(ip + 6) == 6) {
            tcp = ip + 40;
            end = tcp + big16(ip + 4);
        } else {
            continue;  // not TCP (the UDP exchange)
        }
        if (tcp + 20 > at || end > at) continue;
        const std::size_t data = end - tcp - (byte(tcp + 12) >> 4) * 4u;
        if (data > 0) return std::to_string(segments);
        ++segments;
    }
    why = "the capture " + capture_path() + " has no TCP segment that carries data";
    return std::nullopt;
}

}  // namespace

// ================================================================== the questions

TEST_CASE("udp_server_family: the address family of udp_server's socket" *
          doctest::description("part 2: run bin/udp_server --trace and read its socket(...) line; the lecture "
                               "writes socket(AF_INET, SOCK_DGRAM)")) {
    const udp_traces& t = udp_exchange_traced();
    // The socket that was bound: the last socket(...) before the first bind that worked.
    std::optional<std::string> family;
    for (const std::string& line : t.server) {
        std::string name, handle;
        if (reader(line).text("socket(").word(name).text(", SOCK_DGRAM) -> ").number(handle).at_end()) family = name;
        if (line.rfind("bind(", 0) == 0 && line.size() > 6 && line.compare(line.size() - 6, 6, " -> ok") == 0) break;
    }
    // Graded on another machine than the one the student ran the programs on
    // (a class graded in batch, Gradescope): whether that one had IPv6 is
    // not known, and either family is right.
    const char* elsewhere = std::getenv("LAB_GRADED_ELSEWHERE");
    if (family && elsewhere != nullptr && *elsewhere != '\0') {
        const std::optional<std::string> given = answer_to("udp_server_family");
        if (given && (normal(*given) == "af_inet" || normal(*given) == "af_inet6")) family = *given;
    }
    check_answer("udp_server_family", form::word, family, "no socket(...) line in the trace of bin/udp_server --trace");
}

TEST_CASE("udp_server_recvfrom_size: how many bytes udp_server's recvfrom asks for" *
          doctest::description("part 2: send the server a message while it runs with --trace, and read its "
                               "recvfrom(3, N) line; the lecture asks for 2048")) {
    // recvfrom(HANDLE, SIZE) -> ...
    const auto recvfrom_size = [](const std::string& line, std::string& size) {
        std::string handle;
        return reader(line).text("recvfrom(").number(handle).text(", ").number(size).text(") -> ").ok();
    };
    check_answer("udp_server_recvfrom_size", form::number, first_found(udp_exchange_traced().server, recvfrom_size),
                 "no recvfrom(...) line in the trace of bin/udp_server --trace");
}

TEST_CASE("udp_client_calls_bind: whether udp_client calls bind (yes or no)" *
          doctest::description("part 2: run bin/udp_client --trace -m hello and read every call it makes; compare "
                               "with the lecture: 'we are not specifying the port number of the client socket'")) {
    const udp_traces& t = udp_exchange_traced();
    check_answer("udp_client_calls_bind", form::yes_no, count_starting(t.client, "bind(") > 0 ? "yes" : "no");
}

TEST_CASE("tcp_new_socket_call: the call that returns a new socket in tcp_server" *
          doctest::description("part 3: run bin/tcp_server --trace, connect a client, and find the call on the "
                               "welcoming socket whose result is a new socket number")) {
    proc::server s = proc::start_server("tcp_server", {"--trace"});
    proc::outcome c = proc::run({program("tcp_client"), "-m", "hello", "127.0.0.1", std::to_string(s.port)});
    const std::vector<std::string> trace = stop_and_read(s);
    // The welcoming socket is the one that listens; the call we look for takes
    // it and returns another socket number.
    const std::optional<std::string> welcoming = first_found(trace, [](const std::string& line, std::string& handle) {
        return reader(line).text("listen(").number(handle).text(", ").ok();
    });
    std::optional<std::string> call;
    if (welcoming) {
        // CALL(WELCOMING) -> NEW from ADDRESS
        call = first_found(trace, [&](const std::string& line, std::string& name) {
            std::string handle;
            return reader(line).word(name).text("(" + *welcoming + ") -> ").number(handle).text(" from ").ok();
        });
    }
    check_answer("tcp_new_socket_call", form::word, call,
                 "bin/tcp_server --trace showed no such call (client: " + c.describe() + ")");
}

TEST_CASE("tcp_client_strasse: what tcp_client prints for 'straße'" *
          doctest::description("part 3: bin/tcp_client -m 'straße' against bin/tcp_server; copy the reply exactly")) {
    proc::server s = proc::start_server("tcp_server", {"-q"});
    proc::outcome c = proc::run({program("tcp_client"), "-m", "straße", "127.0.0.1", std::to_string(s.port)});
    std::optional<std::string> reply;
    if (c.end.code == 0) reply = trim(c.out);
    check_answer("tcp_client_strasse", form::text, reply, "bin/tcp_client -m straße failed: " + c.describe());
}

TEST_CASE("python_udp_reply_letters: how many letters come back from the lecture's UDPServer.py for 3000" *
          doctest::description("part 4: python3 tests/lecture/UDPServer.py, then send 3000 letters with "
                               "bin/udp_client and count the letters of the reply (the handout has the command)")) {
    const std::optional<std::string> python = proc::find_in_path("python3");
    if (!python) {
        check_answer("python_udp_reply_letters", form::number, std::nullopt, "python3 is not installed (part 4 needs it)");
        return;
    }
    proc::server s = proc::start_ready({*python, proc::lecture_dir() + "/UDPServer.py", "0"});
    proc::outcome c =
        proc::run({program("udp_client"), "127.0.0.1", std::to_string(s.port)}, std::string(3000, 'x') + "\n");
    std::optional<std::string> letters;
    if (c.end.code == 0) letters = std::to_string(std::count(c.out.begin(), c.out.end(), 'X'));
    check_answer("python_udp_reply_letters", form::number, letters, "bin/udp_client got no reply from UDPServer.py: " + c.describe());
}

TEST_CASE("nc_hello_bytes: how many bytes udp_server receives when you type hello into nc -u" *
          doctest::description("part 4: bin/udp_server (without -q) logs each datagram's size; type hello and "
                               "press Enter in nc -u 127.0.0.1 12000")) {
    proc::server s = proc::start_server("udp_server");
    peer::udp nc;
    nc.exchange("hello\n", s.port);  // what nc sends when you type hello and press Enter
    const std::vector<std::string> log = stop_and_read(s);
    // ADDRESS: N bytes, replied
    const auto size = first_found(log, [](const std::string& line, std::string& bytes) {
        std::string from;
        return reader(line).until(": ", from).text(": ").number(bytes).text(" bytes, replied").at_end();
    });
    check_answer("nc_hello_bytes", form::number, size, "bin/udp_server logged no 'N bytes, replied' line");
}

TEST_CASE("udp_packets_per_exchange: how many datagrams one udp_client -m hello exchange puts on the wire" *
          doctest::description("part 5: capture port 12000 with tshark (or count the sendto lines in both traces) "
                               "while bin/udp_client -m hello runs once")) {
    const udp_traces& t = udp_exchange_traced();
    const std::size_t datagrams = count_starting(t.client, "sendto(") + count_starting(t.server, "sendto(");
    check_answer("udp_packets_per_exchange", form::number, std::to_string(datagrams));
}

TEST_CASE("tcp_handshake_segments: how many TCP segments the handshake takes" *
          doctest::description("part 5: capture port 12000 with tshark while bin/tcp_client -m hello runs (or "
                               "read the capture first-contact.pcap), and count the segments before the first one "
                               "that carries data")) {
    // SYN, SYN-ACK, ACK: TCP itself. Capturing needs administrator rights,
    // so the grader counts them in the capture that comes with the lab.
    std::string why;
    const std::optional<std::string> segments = handshake_in_capture(why);
    check_answer("tcp_handshake_segments", form::number, segments, why);
}

TEST_CASE("no_server_tcp_call: the call that fails when tcp_client runs with no server" *
          doctest::description("part 6: stop every server, run bin/tcp_client -m hello, and read its message "
                               "(or its --trace)")) {
    const proc::outcome& c = tcp_client_without_server();
    const std::optional<std::string> call =
        first_found(c.error_lines(), [](const std::string& line, std::string& name) {
            return reader(line).text("tcp_client: ").word(name).text(" ").ok();
        });
    check_answer("no_server_tcp_call", form::word, call, "bin/tcp_client printed no 'tcp_client: CALL ...' line: " + c.describe());
}

TEST_CASE("no_server_exit_status: tcp_client's exit status when no server runs" *
          doctest::description("part 6: right after bin/tcp_client -m hello fails, run: echo $?")) {
    const proc::outcome& c = tcp_client_without_server();
    std::optional<std::string> status;
    if (c.end.signal == 0) status = std::to_string(c.end.code);
    check_answer("no_server_exit_status", form::number, status, "bin/tcp_client did not exit normally: " + c.describe());
}

TEST_CASE("udp_tries_without_server: how many times udp_client sends its datagram when no server answers" *
          doctest::description("part 6: stop every server, run bin/udp_client --trace -m hello, wait for it to "
                               "give up, and count its sendto lines")) {
    peer::bound_udp nobody;  // a port where nothing ever answers
    proc::outcome c =
        proc::run({program("udp_client"), "--trace", "-m", "hello", "127.0.0.1", std::to_string(nobody.port)});
    std::optional<std::string> tries;
    if (c.end.code != 0) tries = std::to_string(count_starting(c.error_lines(), "sendto("));
    check_answer("udp_tries_without_server", form::number, tries, "bin/udp_client did not give up: " + c.describe());
}

TEST_CASE("port_in_use_call: the call that fails when a second server takes the same port" *
          doctest::description("part 6: start bin/udp_server in two terminals at once and read the second one's "
                               "message")) {
    proc::server first = proc::start_server("udp_server", {"-q"});
    proc::outcome second = proc::run({program("udp_server"), "--port", std::to_string(first.port)});
    const std::optional<std::string> call =
        first_found(second.error_lines(), [](const std::string& line, std::string& name) {
            return reader(line).text("udp_server: ").word(name).text(" ").ok();
        });
    check_answer("port_in_use_call", form::word, call, "the second bin/udp_server did not fail as expected: " + second.describe());
}
