// http.cpp - parsing a request head, building a response (RFC 9112, the small part we need).
#include "http.hpp"

namespace bt::http {

namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool same_name(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

// A header name or method: RFC 9110's "token", letters, digits and a few marks.
bool is_token(std::string_view text) {
    if (text.empty()) return false;
    for (char c : text) {
        bool letter_or_digit = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!letter_or_digit && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) return false;
    }
    return true;
}

// No control characters (tab allowed in header values), no spaces in a target.
bool is_visible(std::string_view text, bool spaces_allowed) {
    for (unsigned char c : text) {
        if (c == 0x7F || (c < 0x20 && c != '\t') || ((c == ' ' || c == '\t') && !spaces_allowed)) return false;
    }
    return true;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

// The next line of `text`, without its "\n" or "\r\n"; `text` moves past it.
std::string_view next_line(std::string_view& text) {
    std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == text.npos ? text.size() : newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

net::result<request> parse_request_line(std::string_view line) {
    // METHOD SP TARGET SP VERSION, one space each.
    std::size_t first = line.find(' ');
    std::size_t second = first == line.npos ? line.npos : line.find(' ', first + 1);
    if (second == line.npos || line.find(' ', second + 1) != line.npos) {
        return net::fail("http: the request line is not 'METHOD TARGET HTTP/1.x'");
    }
    request parsed;
    parsed.method = line.substr(0, first);
    parsed.target = line.substr(first + 1, second - first - 1);
    parsed.version = line.substr(second + 1);
    if (!is_token(parsed.method)) return net::fail("http: '" + parsed.method + "' is not a method");
    if (parsed.target.empty() || parsed.target[0] != '/' || !is_visible(parsed.target, false)) {
        return net::fail("http: the target must be a path starting with '/'");
    }
    if (parsed.version != "HTTP/1.1" && parsed.version != "HTTP/1.0") {
        return net::fail("http: version '" + parsed.version.substr(0, 20) + "' is not HTTP/1.0 or HTTP/1.1");
    }
    return parsed;
}

}  // namespace

std::size_t head_end(std::string_view received) {
    // The first empty line: "\n\n" or "\n\r\n" (covers "\r\n\r\n" too).
    for (std::size_t newline = received.find('\n'); newline != received.npos;
         newline = received.find('\n', newline + 1)) {
        if (received.substr(newline + 1, 1) == "\n") return newline + 2;
        if (received.substr(newline + 1, 2) == "\r\n") return newline + 3;
    }
    return std::string_view::npos;
}

std::string_view request::path() const { return std::string_view(target).substr(0, target.find('?')); }

std::string_view request::query() const {
    std::size_t mark = target.find('?');
    return mark == target.npos ? std::string_view() : std::string_view(target).substr(mark + 1);
}

const std::string* request::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (same_name(key, name)) return &value;
    }
    return nullptr;
}

net::result<request> parse_request(std::string_view head) {
    if (head.size() > max_head)
        return net::fail("http: the request head is longer than " + std::to_string(max_head) + " bytes");
    if (head_end(head) != head.size()) return net::fail("http: the head must end with its blank line, and only there");

    auto parsed = parse_request_line(next_line(head));
    if (!parsed) return parsed.error();
    for (std::string_view line = next_line(head); !line.empty(); line = next_line(head)) {
        // Name: value. A line that starts with a space would continue the one
        // before ("obsolete line folding"): RFC 9112 lets a server refuse it.
        std::size_t colon = line.find(':');
        std::string_view name = line.substr(0, colon);
        if (colon == line.npos || !is_token(name)) return net::fail("http: header line is not 'Name: value'");
        std::string_view value = trim(line.substr(colon + 1));
        if (!is_visible(value, true)) return net::fail("http: header " + std::string(name) + " has a control character");
        parsed->headers.emplace_back(name, value);
    }
    return parsed;
}

std::string_view reason_phrase(int status) {
    switch (status) {
        case 200: return "OK";
        case 400: return "Bad Request";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 413: return "Content Too Large";
        case 431: return "Request Header Fields Too Large";
        case 500: return "Internal Server Error";
        case 503: return "Service Unavailable";
    }
    return "Unknown";
}

std::string response(int status, std::string_view body, std::string_view content_type) {
    std::string reply = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason_phrase(status)) + "\r\n";
    reply += "Content-Type: " + std::string(content_type) + "\r\n";
    reply += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    reply += "Connection: close\r\n\r\n";
    reply += body;
    return reply;
}

}  // namespace bt::http
