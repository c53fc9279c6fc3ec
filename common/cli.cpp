// cli.cpp - argument parsing, usage text, exit codes and log lines.
#include "cli.hpp"

#include <cerrno>
#include <cstring>
#include <iostream>
#include <mutex>

namespace cli {

namespace {
std::string program_name = "program";
bool quiet_logs = false;
std::mutex output_mutex;

// Whole-string number parsing: "12x", "", "-1" and overflow are all errors.
std::optional<unsigned long long> parse_unsigned(const std::string& text, unsigned long long max) {
    if (text.empty() || text.size() > 20) return std::nullopt;
    unsigned long long value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<unsigned>(c - '0');
        if (value > max) return std::nullopt;
    }
    return value;
}

std::optional<double> parse_fraction(const std::string& text) {
    if (text.empty()) return std::nullopt;
    char* end = nullptr;
    errno = 0;
    double value = std::strtod(text.c_str(), &end);
    if (errno != 0 || end != text.c_str() + text.size() || !(value >= 0.0 && value <= 1.0)) return std::nullopt;
    return value;
}

// Walks the argument list; each option that takes a value asks for it here.
class arguments {
public:
    explicit arguments(const std::vector<std::string>& args) : args_(args) {}
    bool done() const { return next_ >= args_.size(); }
    std::string take() { return args_[next_++]; }
    // The value of an option given as "--port 5" or "--port=5".
    bool value(const std::string& option, std::string& out, std::string& error) {
        if (!inline_value_.empty()) {
            out = inline_value_;
            inline_value_.clear();
            return true;
        }
        if (done()) {
            error = "option " + option + " needs a value";
            return false;
        }
        out = take();
        return true;
    }
    // Splits "--port=5" into "--port" with a pending value "5".
    std::string option(const std::string& word) {
        inline_value_.clear();
        std::size_t eq = word.find('=');
        if (word.rfind("--", 0) == 0 && eq != std::string::npos) {
            inline_value_ = word.substr(eq + 1);
            return word.substr(0, eq);
        }
        return word;
    }
    bool has_inline_value() const { return !inline_value_.empty(); }

private:
    const std::vector<std::string>& args_;
    std::size_t next_ = 0;
    std::string inline_value_;
};

bool parse_port(const std::string& text, std::uint16_t& port, std::string& error) {
    auto value = parse_unsigned(text, 65535);
    if (!value) {
        error = "invalid port '" + text + "' (a number from 0 to 65535)";
        return false;
    }
    port = static_cast<std::uint16_t>(*value);
    return true;
}

bool parse_int(const std::string& option, const std::string& text, unsigned long long min, unsigned long long max,
               int& out, std::string& error) {
    auto value = parse_unsigned(text, max);
    if (!value || *value < min) {
        error = "invalid value '" + text + "' for " + option + " (a number from " + std::to_string(min) + " to " +
                std::to_string(max) + ")";
        return false;
    }
    out = static_cast<int>(*value);
    return true;
}

template <class Parsed>
void finish_or_exit(const program& spec, const Parsed& result, bool server) {
    program_name = spec.name;
    if (result.help) {
        std::cout << help_text(spec, server) << std::flush;
        std::exit(success);
    }
    if (!result.error.empty()) {
        std::cerr << spec.name << ": " << result.error << "\n" << usage_line(spec, server) << "\n";
        std::exit(usage_error);
    }
    platform::prepare_stdio();
    // Log lines must reach a redirected stderr at once, on every system
    // (Windows' C library buffers stderr when it is a file).
    std::setvbuf(stderr, nullptr, _IONBF, 0);
}
}  // namespace

std::string usage_line(const program& spec, bool server) {
    std::string line = std::string("usage: ") + spec.name;
    if (server) {
        line += " [--host HOST] [--port PORT]";
        if (spec.backlog) line += " [--backlog N]";
        if (spec.max_clients) line += " [--max-clients N]";
        if (spec.loss) line += " [--loss P] [--seed S]";
        line += " [-q] [--trace]";
    } else {
        line += spec.many_messages ? " [-m TEXT]..." : " [-m TEXT]";
        if (spec.interactive) line += " [-i]";
        if (spec.retries) line += " [--timeout MS] [--retries N]";
        line += " [--trace] [HOST [PORT]]";
    }
    return line;
}

std::string help_text(const program& spec, bool server) {
    std::string text = usage_line(spec, server) + "\n\n" + spec.summary + "\n\noptions:\n";
    if (server) {
        text += "  --host HOST      address to listen on (default: all interfaces, IPv4 and IPv6)\n";
        text += "  --port PORT      port to listen on, 0 for any free port (default: 12000)\n";
        if (spec.backlog)
            text += "  --backlog N      connections the OS may queue for accept() (default: " +
                    std::to_string(spec.default_backlog) + ")\n";
        if (spec.max_clients)
            text += "  --max-clients N  clients served at once; more are told 'server busy' (default: 1024)\n";
        if (spec.loss) {
            text += "  --loss P         drop this fraction of datagrams, 0 to 1 (default: 0)\n";
            text += "  --seed S         seed for --loss: the same seed drops the same datagrams (default: 1)\n";
        }
        text += "  -q               no log line per client on stderr\n";
    } else {
        text += "  HOST             server name or address (default: localhost)\n";
        text += "  PORT             server port (default: 12000)\n";
        text += spec.many_messages ? "  -m TEXT          send TEXT and print the reply; may be repeated\n"
                                   : "  -m TEXT          send TEXT and print the reply\n";
        if (spec.interactive) text += "  -i               one connection, one line after another, until end of input\n";
        if (spec.retries) {
            text += "  --timeout MS     how long to wait for each reply (default: 1000)\n";
            text += "  --retries N      how often to send again when no reply comes (default: 3)\n";
        }
        text += "  without -m: a terminal gets the lecture's prompt; piped input is sent ";
        text += spec.many_messages ? "line by line\n" : "as one stream\n";
    }
    text += "  --trace          print every socket call and its result on stderr\n";
    text += "  -h, --help       show this help\n";
    return text;
}

parsed<server_options> parse_server_args(const program& spec, const std::vector<std::string>& args) {
    parsed<server_options> out;
    out.options.backlog = spec.default_backlog;
    server_options& o = out.options;
    arguments in(args);
    std::string& error = out.error;
    std::string value;
    while (!in.done() && error.empty()) {
        const std::string word = in.take();
        const std::string option = in.option(word);
        if (option == "-h" || option == "--help") {
            out.help = true;
            return out;
        } else if (option == "-q" || option == "--quiet") {
            o.quiet = true;
        } else if (option == "--trace") {
            o.trace = true;
        } else if (option == "--host") {
            if (in.value(option, value, error)) o.host = value;
        } else if (option == "--port" || option == "-p") {
            if (in.value(option, value, error)) parse_port(value, o.port, error);
        } else if (option == "--backlog" && spec.backlog) {
            if (in.value(option, value, error)) parse_int(option, value, 0, 65535, o.backlog, error);
        } else if (option == "--max-clients" && spec.max_clients) {
            if (in.value(option, value, error)) parse_int(option, value, 1, 1000000, o.max_clients, error);
        } else if (option == "--loss" && spec.loss) {
            if (in.value(option, value, error)) {
                auto fraction = parse_fraction(value);
                if (fraction) o.loss = *fraction;
                else error = "invalid value '" + value + "' for --loss (a fraction from 0 to 1, e.g. 0.3)";
            }
        } else if (option == "--seed" && spec.loss) {
            if (in.value(option, value, error)) {
                auto seed = parse_unsigned(value, ~0ULL);
                if (seed) o.seed = *seed;
                else error = "invalid value '" + value + "' for --seed (a whole number)";
            }
        } else if (!option.empty() && option[0] == '-') {
            error = "unknown option '" + word + "'";
        } else {
            error = "unexpected argument '" + word + "' (use --host and --port)";
        }
    }
    return out;
}

parsed<client_options> parse_client_args(const program& spec, const std::vector<std::string>& args) {
    parsed<client_options> out;
    client_options& o = out.options;
    arguments in(args);
    std::string& error = out.error;
    std::string value;
    int positional = 0;
    while (!in.done() && error.empty()) {
        const std::string word = in.take();
        const std::string option = in.option(word);
        if (option == "-h" || option == "--help") {
            out.help = true;
            return out;
        } else if (option == "--trace") {
            o.trace = true;
        } else if (option == "-m" || option == "--message") {
            if (in.value(option, value, error)) {
                if (!o.messages.empty() && !spec.many_messages) error = "-m may be given only once";
                else o.messages.push_back(value);
            }
        } else if ((option == "-i" || option == "--interactive") && spec.interactive) {
            o.interactive = true;
        } else if (option == "--timeout" && spec.retries) {
            if (in.value(option, value, error)) parse_int(option, value, 1, 3600000, o.timeout_ms, error);
        } else if (option == "--retries" && spec.retries) {
            if (in.value(option, value, error)) parse_int(option, value, 0, 1000, o.retries, error);
        } else if (option.size() > 1 && option[0] == '-') {
            error = "unknown option '" + word + "'";
        } else if (positional == 0) {
            if (word.empty()) error = "empty host name";
            else o.host = word;
            ++positional;
        } else if (positional == 1) {
            parse_port(word, o.port, error);
            ++positional;
        } else {
            error = "unexpected argument '" + word + "'";
        }
    }
    if (error.empty() && o.interactive && !o.messages.empty()) error = "-i and -m cannot be used together";
    return out;
}

server_options parse_server(const program& spec, int argc, char* argv[]) {
    parsed<server_options> result = parse_server_args(spec, platform::arguments_utf8(argc, argv));
    finish_or_exit(spec, result, true);
    net::set_trace(result.options.trace);
    set_quiet(result.options.quiet);
    net::install_stop_handler();  // Ctrl-C ends a server cleanly, exit status 0
    return result.options;
}

client_options parse_client(const program& spec, int argc, char* argv[]) {
    parsed<client_options> result = parse_client_args(spec, platform::arguments_utf8(argc, argv));
    finish_or_exit(spec, result, false);
    net::set_trace(result.options.trace);
    return result.options;
}

void fail(const net::error& failure) { fail(failure.message()); }

void fail(const std::string& message) {
    std::fflush(stdout);
    std::string line = program_name + ": " + message + "\n";
    std::fputs(line.c_str(), stderr);
    std::exit(runtime_failure);
}

void announce_ready(const net::socket& serverSocket) {
    net::result<net::address> local = serverSocket.local_address();
    const unsigned port = local ? local->port() : 0;
    std::printf("The server is ready to receive on port %u\n", port);
    std::fflush(stdout);  // whoever started us is waiting for this line
}

void set_quiet(bool quiet) { quiet_logs = quiet; }

bool logging() { return !quiet_logs; }

void log(const std::string& line) {
    if (quiet_logs) return;
    std::lock_guard<std::mutex> lock(output_mutex);
    std::fputs((line + "\n").c_str(), stderr);
}

void print_line(const std::string& text) {
    write_out(text.data(), text.size());
    write_out("\n", 1);
    std::fflush(stdout);
}

void write_out(const char* data, std::size_t size) {
    if (size > 0 && std::fwrite(data, 1, size, stdout) != size) fail("cannot write to standard output");
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

}  // namespace cli
