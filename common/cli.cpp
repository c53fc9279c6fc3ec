// cli.cpp - option tables, usage text, exit codes and log lines.
#include "cli.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace cli {

namespace {
std::string program_name = "program";
std::atomic<bool> quiet_logs{false};
bool quiet_logs_option = false, trace_option = false;  // -q and --trace, taken at parse()
std::mutex log_mutex;

// "-m, --message" -> "-m": the name usage lines and messages use.
std::string first_name(const std::string& names) { return names.substr(0, names.find(',')); }

bool has_name(const option& o, const std::string& word) {
    return !o.positional && (", " + o.names + ", ").find(", " + word + ", ") != std::string::npos;
}

}  // namespace

// ---------------------------------------------------------------- the usual entries
std::optional<std::uint64_t> parse_whole(const std::string& text, std::uint64_t min, std::uint64_t max) {
    if (text.empty()) return std::nullopt;
    std::uint64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        const unsigned digit = static_cast<unsigned>(c - '0');
        if (value > (max - digit) / 10) return std::nullopt;  // value * 10 + digit would pass max
        value = value * 10 + digit;
    }
    if (value < min) return std::nullopt;
    return value;
}

std::string invalid_number(const std::string& names, const std::string& text, std::uint64_t min, std::uint64_t max) {
    return "invalid value '" + text + "' for " + first_name(names) + " (a number from " + std::to_string(min) +
           " to " + std::to_string(max) + ")";
}

option host(std::string& host) {
    return text("--host", "HOST", "address to listen on (default: all interfaces, IPv4 and IPv6)", host);
}

option port(std::uint16_t& port) {
    return {"--port", "PORT", "port to listen on, 0 for any free port (default: 12000)", [&port](const std::string& text) {
                std::optional<std::uint64_t> number = parse_whole(text, 0, 65535);
                if (number) port = static_cast<std::uint16_t>(*number);
                return number ? "" : "invalid port '" + text + "' (a number from 0 to 65535)";
            }};
}

option quiet() { return flag("-q", "no log line per client on stderr", quiet_logs_option); }
option trace() { return flag("--trace", "print every socket call and its result on stderr", trace_option); }

option flag(const std::string& names, const std::string& help, bool& on) {
    return {names, "", help, [&on](const std::string&) { on = true; return std::string(); }};
}

option text(const std::string& names, const std::string& value, const std::string& help, std::string& out) {
    return {names, value, help, [&out](const std::string& text) { out = text; return std::string(); }};
}

option texts(const std::string& names, const std::string& value, const std::string& help,
             std::vector<std::string>& out) {
    return {names, value, help, [&out](const std::string& text) { out.push_back(text); return std::string(); }, true};
}

option fraction(const std::string& names, const std::string& value, const std::string& help, double& out) {
    return {names, value, help, [&out, names](const std::string& text) {
                char* end = nullptr;
                errno = 0;
                const double number = std::strtod(text.c_str(), &end);
                const bool good = !text.empty() && errno == 0 && end == text.c_str() + text.size() && number >= 0.0 &&
                                  number <= 1.0;
                if (good) out = number;
                return good ? "" : "invalid value '" + text + "' for " + first_name(names) + " (a fraction from 0 to 1, e.g. 0.3)";
            }};
}

option host_argument(std::string& host) {
    return {"HOST", "", "server name or address (default: localhost)", [&host](const std::string& text) {
                if (!text.empty()) host = text;
                return text.empty() ? "empty host name" : "";
            }, false, true};
}

option port_argument(std::uint16_t& port) {
    return {"PORT", "", "server port (default: 12000)", cli::port(port).take, false, true};
}

// ---------------------------------------------------------------- parsing
parsed parse_args(const program& spec, const std::vector<std::string>& args) {
    parsed out;
    std::vector<const option*> seen;
    std::size_t positional = 0;  // how many positional arguments were taken
    auto take = [&](const option& o, const std::string& value) {
        for (const option* before : seen)
            if (before == &o && !o.repeatable) return first_name(o.names) + " may be given only once";
        seen.push_back(&o);
        return o.take(value);
    };
    for (std::size_t i = 0; i < args.size() && out.error.empty(); ++i) {
        const std::string& word = args[i];
        if (word == "-h" || word == "--help") {
            out.help = true;
            return out;
        }
        if (word.size() < 2 || word[0] != '-') {  // HOST, PORT ("-" alone is a strange host name)
            const option* next = nullptr;
            std::size_t count = 0;
            for (const option& o : spec.options)
                if (o.positional && count++ == positional) next = &o;
            if (next == nullptr) {
                bool takes_any = count > 0;
                out.error = "unexpected argument '" + word + "'" + (takes_any ? "" : " (use --host and --port)");
            } else {
                ++positional;
                out.error = take(*next, word);
            }
            continue;
        }
        // "--port=5" is "--port" with the value "5" (which may be empty).
        const std::size_t equals = word.rfind("--", 0) == 0 ? word.find('=') : std::string::npos;
        const std::string name = word.substr(0, equals);
        const option* match = nullptr;
        for (const option& o : spec.options)
            if (has_name(o, name)) match = &o;
        if (match == nullptr) {
            out.error = "unknown option '" + word + "'";
        } else if (match->value.empty()) {
            out.error = equals == std::string::npos ? take(*match, "") : "option " + name + " takes no value";
        } else if (equals != std::string::npos) {
            out.error = take(*match, word.substr(equals + 1));
        } else if (i + 1 == args.size()) {
            out.error = "option " + name + " needs a value";
        } else {
            out.error = take(*match, args[++i]);
        }
    }
    if (out.error.empty() && spec.check) out.error = spec.check();
    return out;
}

std::string usage_line(const program& spec) {
    std::string line = "usage: " + spec.name, positionals, closing;
    for (const option& o : spec.options) {
        if (o.positional) {
            positionals += " [" + o.names;
            closing += "]";
        } else {
            line += " [" + first_name(o.names) + (o.value.empty() ? "" : " " + o.value) + "]";
            if (o.repeatable) line += "...";
        }
    }
    return line + positionals + closing;
}

std::string help_text(const program& spec) {
    std::string text = usage_line(spec) + "\n\n" + spec.summary + "\n\noptions:\n";
    auto row = [&text](std::string left, const std::string& help) {
        left = "  " + left;
        left.resize(std::max<std::size_t>(left.size() + 2, 19), ' ');
        text += left + help + "\n";
    };
    for (const option& o : spec.options)
        row(o.names + (o.value.empty() ? "" : " " + o.value), o.help + (o.repeatable ? "; may be repeated" : ""));
    row("-h, --help", "show this help");
    return text + spec.notes;
}

void parse(int argc, char* argv[], const program& spec) {
    platform::prepare_stdio();  // before anything else writes or opens
    program_name = spec.name;
    const parsed result = parse_args(spec, platform::arguments_utf8(argc, argv));
    if (result.help) {
        std::fputs(help_text(spec).c_str(), stdout);
        std::exit(success);
    }
    if (!result.error.empty()) {
        std::fprintf(stderr, "%s: %s\n%s\n", spec.name.c_str(), result.error.c_str(), usage_line(spec).c_str());
        std::exit(usage_error);
    }
    set_quiet(quiet_logs_option);
    net::set_trace(trace_option);
    // Log lines must reach a redirected stderr at once, on every system
    // (Windows' C library buffers stderr when it is a file).
    std::setvbuf(stderr, nullptr, _IONBF, 0);
}

// ---------------------------------------------------------------- reporting
void fail(const net::error& failure) { fail(failure.message()); }

void fail(const std::string& message) {
    std::fflush(stdout);
    std::fputs((program_name + ": " + message + "\n").c_str(), stderr);
    std::exit(runtime_failure);
}

void announce_ready(const net::socket& serverSocket) {
    const net::result<net::address> local = serverSocket.local_address();
    std::printf("The server is ready to receive on port %u\n", local ? local.value().port() : 0u);
    std::fflush(stdout);  // whoever started us is waiting for this line
}

void set_quiet(bool quiet) { quiet_logs = quiet; }
bool is_quiet() { return quiet_logs; }

namespace {

// How many bytes the UTF-8 character at the start of `text` takes (2 to 4),
// or 0 when these bytes are not one. Strict UTF-8 (RFC 3629): what the lead
// byte allows as the second byte rules out overlong forms (E0 80..9F, F0
// 80..8F), UTF-16 surrogates (ED A0..BF) and code points past U+10FFFF.
std::size_t utf8_length(std::string_view text) {
    auto byte = [&text](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(0);
    if (lead < 0xC2 || lead > 0xF4) return 0;  // 80..BF continue a character, C0, C1 and F5.. start none
    const std::size_t length = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    unsigned char low = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
    unsigned char high = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
    if (text.size() < length) return 0;
    for (std::size_t i = 1; i < length; ++i) {
        if (byte(i) < low || byte(i) > high) return 0;
        low = 0x80, high = 0xBF;  // only the second byte has a narrower range
    }
    return length;
}

}  // namespace

std::string log_text(std::string_view line) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string text;
    for (std::size_t at = 0; at < line.size();) {
        const auto c = static_cast<unsigned char>(line[at]);
        std::size_t length = c >= 0x20 && c < 0x7F ? 1 : c >= 0x80 ? utf8_length(line.substr(at)) : 0;
        // U+0080..U+009F (C2 80..9F) are control characters too: some terminals take U+009B as ESC [.
        if (length == 2 && c == 0xC2 && static_cast<unsigned char>(line[at + 1]) < 0xA0) length = 0;
        const std::string piece = length > 0 ? std::string(line.substr(at, length))
                                             : std::string{'\\', 'x', hex[c >> 4], hex[c & 0x0F]};
        if (text.size() + piece.size() > max_log_line) break;
        text += piece;
        at += length > 0 ? length : 1;
    }
    return text;
}

void write_log(const std::string& line) {
    // A log nobody reads (stderr a full pipe) must not stop the server:
    // lines that cannot go at once are counted, and said when they can.
    static std::size_t dropped = 0;
    std::lock_guard<std::mutex> lock(log_mutex);
    if (!platform::stderr_ready()) {
        ++dropped;
        return;
    }
    std::string text = log_text(line) + "\n";
    if (dropped > 0) text = "(" + std::to_string(std::exchange(dropped, 0)) + " log lines dropped: stderr was full)\n" + text;
    std::fputs(text.c_str(), stderr);
}

void print_line(std::string_view text) {
    write_out(text);
    write_out("\n");
    flush_out();
}

void write_out(std::string_view bytes) {
    if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), stdout) != bytes.size())
        fail("cannot write to standard output: " + std::generic_category().message(errno));
}

void flush_out() {
    if (std::fflush(stdout) != 0) fail("cannot write to standard output: " + std::generic_category().message(errno));
}

std::optional<std::string> read_line() {
    std::string line;
    int c;
    bool any = false;
    while ((c = std::getchar()) != EOF) {
        any = true;
        if (c == '\n') break;
        line.push_back(static_cast<char>(c));
    }
    if (!any) return std::nullopt;
    if (!line.empty() && line.back() == '\r') line.pop_back();  // a Windows line ending
    return line;
}

std::optional<std::string> prompt(const char* question) {
    std::fputs(question, stdout);
    std::fflush(stdout);
    return read_line();
}

bool stdin_is_terminal() { return platform::stdin_is_terminal(); }

}  // namespace cli
