// bencode.cpp - the encoder, and a strict decoder that says where input is wrong.
#include "bencode.hpp"

#include <charconv>

namespace bt::bencode {

const value* find(const dict& entries, std::string_view key) {
    auto found = entries.find(std::string(key));
    return found == entries.end() ? nullptr : &found->second;
}

// ---------------------------------------------------------------- encoding

namespace {

void encode_bytes(std::string_view bytes, std::string& out) {
    out += std::to_string(bytes.size());
    out += ':';
    out += bytes;
}

void encode_into(const value& v, std::string& out) {
    if (auto number = v.as_integer()) {
        out += 'i' + std::to_string(*number) + 'e';
    } else if (auto bytes = v.as_string()) {
        encode_bytes(*bytes, out);
    } else if (auto items = v.as_list()) {
        out += 'l';
        for (const value& item : *items) encode_into(item, out);
        out += 'e';
    } else {
        out += 'd';  // the map hands out its keys already sorted
        for (const auto& [key, item] : *v.as_dict()) {
            encode_bytes(key, out);
            encode_into(item, out);
        }
        out += 'e';
    }
}

}  // namespace

std::string encode(const value& v) {
    std::string out;
    encode_into(v, out);
    return out;
}

// ---------------------------------------------------------------- decoding

namespace {

// A byte string for an error message: short, and readable even when binary.
std::string printable(std::string_view bytes) {
    std::string text;
    for (unsigned char c : bytes.substr(0, 40)) {
        static constexpr char hex[] = "0123456789abcdef";
        if (c >= 0x20 && c < 0x7F && c != '\\') {
            text += static_cast<char>(c);
        } else {
            text += {'\\', 'x', hex[c >> 4], hex[c & 0x0F]};
        }
    }
    return bytes.size() > 40 ? "'" + text + "'..." : "'" + text + "'";
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads one value at a time from the input, moving `pos` past it.
class decoder {
public:
    explicit decoder(std::string_view input) : input_(input) {}

    std::size_t pos = 0;

    net::result<value> next_value(int depth);
    net::result<std::string> next_string();

    net::error failure(std::size_t at, const std::string& what) const {
        return net::fail("bencode: byte " + std::to_string(at) + ": " + what, at);
    }

private:
    net::result<integer> next_number(const char* what, char terminator, bool may_be_negative);
    net::result<value> next_list(int depth);
    net::result<value> next_dict(int depth);

    std::string_view input_;
};

// Digits up to `terminator`: "42e" of an integer, "4:" of a string's length.
net::result<integer> decoder::next_number(const char* what, char terminator, bool may_be_negative) {
    std::size_t start = pos;
    if (may_be_negative && pos < input_.size() && input_[pos] == '-') ++pos;
    std::size_t first_digit = pos;
    while (pos < input_.size() && is_digit(input_[pos])) ++pos;
    std::string_view digits = input_.substr(first_digit, pos - first_digit);

    if (digits.empty()) return failure(start, std::string("expected a digit in ") + what);
    if (digits.size() > 1 && digits[0] == '0') return failure(start, std::string("leading zero in ") + what);
    if (digits == "0" && first_digit != start) return failure(start, "-0 is not an integer (write 0)");
    if (pos == input_.size()) {
        return failure(start, std::string(what) + " has no '" + terminator + "' after it: the input ends");
    }
    if (input_[pos] != terminator) {
        return failure(pos, std::string("expected '") + terminator + "' after " + what + ", found " +
                                printable(input_.substr(pos, 1)));
    }
    integer number = 0;
    auto [end, problem] = std::from_chars(input_.data() + start, input_.data() + pos, number);
    if (problem == std::errc::result_out_of_range) return failure(start, std::string(what) + " is too large");
    ++pos;  // past the terminator
    return number;
}

net::result<std::string> decoder::next_string() {
    std::size_t start = pos;
    auto length = next_number("a string's length", ':', false);
    if (!length) return length.error();
    std::size_t left = input_.size() - pos;
    if (static_cast<std::uint64_t>(*length) > left) {
        return failure(start, "a string of " + std::to_string(*length) + " bytes runs past the end of the input (" +
                                  std::to_string(left) + " bytes left)");
    }
    std::string bytes(input_.substr(pos, static_cast<std::size_t>(*length)));
    pos += bytes.size();
    return bytes;
}

net::result<value> decoder::next_value(int depth) {
    if (pos == input_.size()) return failure(pos, "the input ends where a value should start");
    char kind = input_[pos];
    if (kind == 'i') {
        ++pos;  // past the 'i'
        auto number = next_number("an integer", 'e', true);
        if (!number) return number.error();
        return value(*number);
    }
    if (is_digit(kind)) {
        auto bytes = next_string();
        if (!bytes) return bytes.error();
        return value(std::move(*bytes));
    }
    if (kind == 'l' || kind == 'd') {
        if (depth >= max_depth)
            return failure(pos, "lists and dictionaries nested more than " + std::to_string(max_depth) + " deep");
        return kind == 'l' ? next_list(depth + 1) : next_dict(depth + 1);
    }
    return failure(pos,
                   "unexpected byte " + printable(input_.substr(pos, 1)) + ": a value starts with i, l, d or a digit");
}

net::result<value> decoder::next_list(int depth) {
    std::size_t start = pos++;
    list items;
    while (pos < input_.size() && input_[pos] != 'e') {
        auto item = next_value(depth);
        if (!item) return item.error();
        items.push_back(std::move(*item));
    }
    if (pos == input_.size()) return failure(start, "the list that starts here has no 'e' at its end");
    ++pos;
    return value(std::move(items));
}

net::result<value> decoder::next_dict(int depth) {
    std::size_t start = pos++;
    dict entries;
    const std::string* previous = nullptr;
    while (pos < input_.size() && input_[pos] != 'e') {
        std::size_t key_at = pos;
        if (!is_digit(input_[pos])) return failure(pos, "a dictionary key must be a byte string");
        auto key = next_string();
        if (!key) return key.error();
        // BEP 3: "Keys must be strings and appear in sorted order (sorted as
        // raw strings, not alphanumerics)." We refuse anything else, though
        // lenient decoders exist: every client we trade with (ours, aria2c,
        // Transmission, mktorrent) writes sorted keys, and a decoder that
        // accepts only the one way of writing a value guarantees that encode
        // gives back the input, byte for byte. A duplicate key would make the
        // value ambiguous: which one counts?
        if (previous && *key == *previous) return failure(key_at, "duplicate dictionary key " + printable(*key));
        if (previous && *key < *previous) {
            return failure(key_at, "dictionary key " + printable(*key) + " comes after " + printable(*previous) +
                                       ": keys must be sorted");
        }
        auto item = next_value(depth);
        if (!item) return item.error();
        previous = &entries.emplace(std::move(*key), std::move(*item)).first->first;
    }
    if (pos == input_.size()) return failure(start, "the dictionary that starts here has no 'e' at its end");
    ++pos;
    return value(std::move(entries));
}

}  // namespace

net::result<value> decode(std::string_view input) {
    decoder reader(input);
    auto v = reader.next_value(0);
    if (!v) return v.error();
    if (reader.pos != input.size()) {
        return reader.failure(reader.pos,
                              std::to_string(input.size() - reader.pos) + " bytes after the end of the value");
    }
    return v;
}

net::result<std::string_view> raw_entry(std::string_view input, std::string_view key) {
    // Check all of it first, so that the walk below meets only good input.
    auto whole = decode(input);
    if (!whole) return whole.error();
    if (!whole->as_dict()) return net::fail("bencode: the input is not a dictionary");

    decoder reader(input);
    reader.pos = 1;  // past the 'd'
    while (input[reader.pos] != 'e') {
        auto name = reader.next_string();
        if (!name) return name.error();
        std::size_t start = reader.pos;
        auto item = reader.next_value(1);
        if (!item) return item.error();
        if (*name == key) return input.substr(start, reader.pos - start);
    }
    return net::fail("bencode: the dictionary has no key " + printable(key));
}

}  // namespace bt::bencode
