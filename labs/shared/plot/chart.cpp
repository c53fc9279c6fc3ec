// chart.cpp - axes with round ticks, and a chart drawn panel by panel.
#include "chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace plot {

// ---------------------------------------------------------------- axes

axis linear_axis(double low, double high, int intervals) {
    if (!std::isfinite(low) || !std::isfinite(high)) low = 0, high = 1;
    if (low > high) std::swap(low, high);
    if (low == high) {  // one value: give it room on both sides
        const double room = low == 0 ? 1 : std::abs(low) / 2;
        low -= low == 0 ? 0 : room;
        high += room;
    }
    intervals = std::max(1, intervals);
    // The smallest round step that covers [low, high] in at most `intervals`
    // steps; a small tolerance keeps 35 / 5 from becoming 7.000001 steps.
    const double raw = (high - low) / intervals;
    double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (;;) {
        for (double m : {1.0, 2.0, 2.5, 5.0}) {
            const double step = m * magnitude;
            const double first = std::floor(low / step + 1e-9);
            const double last = std::ceil(high / step - 1e-9);
            if (last - first > intervals) continue;
            axis a;
            a.kind = scale::linear;
            a.step = step;
            a.low = first * step;
            a.high = last * step;
            for (double i = first; i <= last; ++i) a.ticks.push_back(i * step == 0 ? 0 : i * step);
            return a;
        }
        magnitude *= 10;
    }
}

axis log_axis(double low, double high) {
    if (!(low > 0) || !(high > 0) || !std::isfinite(low) || !std::isfinite(high)) low = 1, high = 10;
    if (low > high) std::swap(low, high);
    if (low == high) low /= 2, high *= 2;
    axis a;
    a.kind = scale::log10;
    a.low = low;
    a.high = high;
    const double decades = std::log10(high / low);
    const std::vector<double> mantissas = decades <= 4 ? std::vector<double>{1, 2, 5} : std::vector<double>{1};
    // Over many decades, label every second or third power only.
    const int every = decades > 10 ? static_cast<int>(std::ceil(decades / 8)) : 1;
    const int first = static_cast<int>(std::floor(std::log10(low)));
    const int last = static_cast<int>(std::ceil(std::log10(high)));
    for (int power = first; power <= last; ++power) {
        if (power % every != 0) continue;
        for (double m : mantissas) {
            const double value = m * std::pow(10.0, power);
            if (value >= low * (1 - 1e-9) && value <= high * (1 + 1e-9)) a.ticks.push_back(value);
        }
    }
    return a;
}

double fraction(const axis& a, double value) {
    if (a.kind == scale::log10)
        return (std::log10(value) - std::log10(a.low)) / (std::log10(a.high) - std::log10(a.low));
    return (value - a.low) / (a.high - a.low);
}

std::string tick_label(double value, double step) {
    // Enough decimals to tell ticks `step` apart: 0 for 5, 1 for 2.5, 2 for 0.25.
    int decimals = 0;
    step = std::abs(step);
    while (decimals < 9 && step > 0) {
        const double scaled = step * std::pow(10.0, decimals);
        if (std::abs(scaled - std::round(scaled)) < 1e-6 * std::max(1.0, scaled)) break;
        ++decimals;
    }
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, std::abs(value));
    std::string digits = text;
    const std::size_t dot = std::min(digits.find('.'), digits.size());
    for (std::size_t at = dot; at > 3; at -= 3) digits.insert(at - 3, ",");
    const bool zero = digits.find_first_not_of("0.,") == std::string::npos;
    return (value < 0 && !zero ? "-" : "") + digits;
}

const std::vector<std::string>& palette() {
    static const std::vector<std::string> colours = {"#1f5fbf", "#c03030", "#2a8a3a", "#888888",
                                                     "#8e44ad", "#d07a00", "#1a9a9a", "#555555"};
    return colours;
}

// ---------------------------------------------------------------- checks

namespace {

bool placeable(const point& p, scale x_scale) {
    return std::isfinite(p.x) && std::isfinite(p.y) && (x_scale == scale::linear || p.x > 0);
}

}  // namespace

std::optional<std::string> problem(const chart& c) {
    if (c.panels.empty()) return "no panel to draw";
    for (const panel& p : c.panels)
        for (const series& s : p.lines)
            for (const point& at : s.data) {
                if (!std::isfinite(at.x) || !std::isfinite(at.y))
                    return "series '" + s.name + "' has a point that is not a finite number";
                if (c.x_scale == scale::log10 && at.x <= 0)
                    return "series '" + s.name + "' has x = " + number(at.x) + ", which a log axis cannot show";
            }
    return std::nullopt;
}

// ---------------------------------------------------------------- drawing

namespace {

// The page: margins around the panels, in pixels.
constexpr double left_margin = 80;    // y tick labels and the y axis label
constexpr double first_top = 60;      // the chart's title and the first panel's
constexpr double panel_gap = 70;      // x tick labels, then the next panel's title
constexpr double bottom_margin = 50;  // x tick labels and the x axis label
constexpr double char_width = 7;      // a 12px sans-serif character, roughly

// How one legend entry (one series name) is drawn.
struct look {
    std::string colour;
    bool dashed = false;
    bool line = true;
    bool points = false;
};

const char* dash_pattern = "6 4";

// One look per series name, in the order the names first appear: the same
// name in two panels is the same thing, so it keeps its colour.
std::vector<std::pair<std::string, look>> looks_of(const chart& c) {
    std::vector<std::pair<std::string, look>> looks;
    std::size_t next_colour = 0;
    for (const panel& p : c.panels)
        for (const series& s : p.lines) {
            auto known = std::find_if(looks.begin(), looks.end(), [&](const auto& l) { return l.first == s.name; });
            if (known != looks.end()) continue;
            look l{s.colour, s.dashed, s.line, s.points};
            if (l.colour.empty()) l.colour = palette()[next_colour++ % palette().size()];
            looks.emplace_back(s.name, l);
        }
    return looks;
}

axis x_axis_of(const chart& c) {
    double low = std::numeric_limits<double>::infinity(), high = -low;
    for (const panel& p : c.panels)
        for (const series& s : p.lines)
            for (const point& at : s.data)
                if (placeable(at, c.x_scale)) low = std::min(low, at.x), high = std::max(high, at.x);
    if (c.x_scale == scale::log10) return low <= high ? log_axis(low, high) : log_axis(1, 10);
    return low <= high ? linear_axis(low, high, 10) : linear_axis(0, 1, 10);
}

// The y axis starts at 0 (or lower): a chart of times or rates that starts
// anywhere else exaggerates the differences.
axis y_axis_of(const panel& p, scale x_scale) {
    double low = 0, high = 0;
    for (const series& s : p.lines)
        for (const point& at : s.data)
            if (placeable(at, x_scale)) low = std::min(low, at.y), high = std::max(high, at.y);
    return linear_axis(low, high, 8);
}

struct frame {
    double left, top, width, height;
    point at(const axis& x, const axis& y, point value) const {
        return {left + fraction(x, value.x) * width, top + height - fraction(y, value.y) * height};
    }
};

void draw_axes(canvas& out, const frame& f, const axis& x, const axis& y, const panel& p) {
    if (!p.title.empty()) out.text({f.left, f.top - 12}, p.title, font{12, anchor::start, true});
    for (double tick : y.ticks) {
        const double at = f.top + f.height - fraction(y, tick) * f.height;
        out.line({f.left, at}, {f.left + f.width, at}, {"#e4e4e4"});
        out.text({f.left - 8, at + 4}, tick_label(tick, y.step), font{12, anchor::end});
    }
    for (double tick : x.ticks) {
        const double at = f.left + fraction(x, tick) * f.width;
        out.line({at, f.top}, {at, f.top + f.height}, {"#f0f0f0"});
        const double step = x.kind == scale::log10 ? tick : x.step;
        out.text({at, f.top + f.height + 16}, tick_label(tick, step), font{12, anchor::middle});
    }
    out.rect({f.left, f.top}, f.width, f.height, "none", stroke{"#444444"});
    if (!p.unit.empty()) {
        font vertical{12, anchor::middle};
        vertical.rotate = -90;
        out.text({f.left - 62, f.top + f.height / 2}, p.unit, vertical);
    }
}

void draw_series(canvas& out, const frame& f, const axis& x, const axis& y, const series& s, const look& l,
                 scale x_scale) {
    std::vector<point> placed;
    for (const point& value : s.data)
        if (placeable(value, x_scale)) placed.push_back(f.at(x, y, value));
    if (s.line && placed.size() > 1) out.polyline(placed, {l.colour, 2, s.dashed ? dash_pattern : ""});
    if (s.points)
        for (const point& at : placed) out.circle(at, s.line ? 3 : 3.5, l.colour);
}

void draw_legend(canvas& out, point top_left, const std::vector<std::pair<std::string, look>>& looks) {
    double y = top_left.y;
    for (const auto& [name, l] : looks) {
        if (name.empty()) continue;
        const point from{top_left.x, y}, to{top_left.x + 26, y};
        if (l.line) out.line(from, to, {l.colour, 2, l.dashed ? dash_pattern : ""});
        if (l.points) out.circle({top_left.x + 13, y}, l.line ? 3 : 3.5, l.colour);
        out.text({top_left.x + 32, y + 4}, name);
        y += 20;
    }
}

}  // namespace

std::string render(const chart& c) {
    const auto looks = looks_of(c);
    std::size_t longest = 0;
    for (const auto& entry : looks) longest = std::max(longest, entry.first.size());
    const double legend_width = longest > 0 ? 15 + 32 + char_width * static_cast<double>(longest) + 15 : 30;
    const double width = left_margin + c.plot_width + legend_width;
    const std::size_t panels = std::max<std::size_t>(1, c.panels.size());
    const double height = first_top + static_cast<double>(panels) * c.panel_height +
                          static_cast<double>(panels - 1) * panel_gap + bottom_margin;

    canvas out(width, height);
    if (!c.title.empty()) out.text({width / 2, 22}, c.title, font{15, anchor::middle, true});

    const axis x = x_axis_of(c);
    for (std::size_t i = 0; i < c.panels.size(); ++i) {
        const panel& p = c.panels[i];
        const frame f{left_margin, first_top + static_cast<double>(i) * (c.panel_height + panel_gap), c.plot_width,
                      c.panel_height};
        const axis y = y_axis_of(p, c.x_scale);
        draw_axes(out, f, x, y, p);
        for (const series& s : p.lines) {
            auto l = std::find_if(looks.begin(), looks.end(), [&](const auto& entry) { return entry.first == s.name; });
            draw_series(out, f, x, y, s, l->second, c.x_scale);
        }
    }
    if (!c.x_label.empty())
        out.text({left_margin + c.plot_width / 2, height - 12}, c.x_label, font{12, anchor::middle});
    draw_legend(out, {left_margin + c.plot_width + 15, first_top + 20}, looks);
    return out.svg();
}

}  // namespace plot
