// chart_text.cpp - reading a chart description, line by line (format in chart_text.hpp).
#include "chart_text.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <vector>

namespace plot {

namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    return text;
}

std::vector<std::string_view> words(std::string_view text) {
    std::vector<std::string_view> out;
    for (;;) {
        text = trim(text);
        if (text.empty()) return out;
        std::size_t end = 0;
        while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end]))) ++end;
        out.push_back(text.substr(0, end));
        text.remove_prefix(end);
    }
}

// A whole word that is a finite number, or nothing ("12x", "nan" and "" are not).
std::optional<double> to_number(std::string_view word) {
    const std::string text(word);
    if (text.empty()) return std::nullopt;
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size() || !std::isfinite(value)) return std::nullopt;
    return value;
}

bool is_colour(std::string_view word) {
    if (word.size() != 4 && word.size() != 7) return false;
    if (word[0] != '#') return false;
    for (char c : word.substr(1))
        if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

// "NAME | REST" -> (NAME, REST); without '|', REST is empty.
std::pair<std::string_view, std::string_view> split_bar(std::string_view text) {
    const std::size_t bar = text.find('|');
    if (bar == std::string_view::npos) return {trim(text), {}};
    return {trim(text.substr(0, bar)), trim(text.substr(bar + 1))};
}

// One statement; an error message, or nothing when it was good.
std::optional<std::string> apply(chart& c, std::string_view keyword, std::string_view rest) {
    if (keyword == "title") {
        c.title = std::string(rest);
    } else if (keyword == "xlabel") {
        c.x_label = std::string(rest);
    } else if (keyword == "xscale") {
        if (rest == "linear")
            c.x_scale = scale::linear;
        else if (rest == "log")
            c.x_scale = scale::log10;
        else
            return "xscale is 'linear' or 'log', not '" + std::string(rest) + "'";
    } else if (keyword == "size") {
        const auto sizes = words(rest);
        const auto w = sizes.size() == 2 ? to_number(sizes[0]) : std::nullopt;
        const auto h = sizes.size() == 2 ? to_number(sizes[1]) : std::nullopt;
        if (!w || !h || *w < 50 || *h < 50 || *w > 10000 || *h > 10000)
            return "size is two numbers of pixels from 50 to 10000, WIDTH HEIGHT";
        c.plot_width = *w;
        c.panel_height = *h;
    } else if (keyword == "panel") {
        const auto [title, unit] = split_bar(rest);
        c.panels.push_back({std::string(title), std::string(unit), {}});
    } else if (keyword == "series") {
        const auto [name, style] = split_bar(rest);
        series s;
        s.name = std::string(name);
        for (std::string_view word : words(style)) {
            if (word == "dashed")
                s.dashed = true;
            else if (word == "points")
                s.points = true;
            else if (word == "nolines")
                s.line = false, s.points = true;
            else if (is_colour(word))
                s.colour = std::string(word);
            else
                return "unknown style '" + std::string(word) + "' (a colour #rrggbb, dashed, points or nolines)";
        }
        if (c.panels.empty()) c.panels.push_back({});
        c.panels.back().lines.push_back(std::move(s));
    } else {
        return "unknown statement '" + std::string(keyword) +
               "' (title, xlabel, xscale, size, panel, series, or a point 'X Y')";
    }
    return std::nullopt;
}

// "X Y": a point of the current series.
std::optional<std::string> add_point(chart& c, const std::vector<std::string_view>& numbers) {
    const auto x = numbers.size() == 2 ? to_number(numbers[0]) : std::nullopt;
    const auto y = numbers.size() == 2 ? to_number(numbers[1]) : std::nullopt;
    if (!x || !y) return "a point is two numbers, 'X Y'";
    if (c.panels.empty() || c.panels.back().lines.empty()) return "a point before any 'series' line";
    c.panels.back().lines.back().data.push_back({*x, *y});
    return std::nullopt;
}

}  // namespace

parsed_chart parse_chart(std::string_view text) {
    parsed_chart out;
    int number = 0;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        const std::string_view line = trim(text.substr(0, end));
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        ++number;
        if (line.empty() || line.front() == '#') continue;

        const auto all = words(line);
        std::optional<std::string> wrong;
        if (std::isalpha(static_cast<unsigned char>(all[0][0]))) {
            wrong = apply(out.result, all[0], trim(line.substr(all[0].size())));
        } else {
            wrong = add_point(out.result, all);
        }
        if (wrong) {
            out.error = "line " + std::to_string(number) + ": " + *wrong;
            return out;
        }
    }
    if (auto why = problem(out.result)) out.error = *why;
    return out;
}

}  // namespace plot
