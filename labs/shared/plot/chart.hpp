// chart.hpp - line charts as SVG: the project's one plotter.
//
// A chart is a title, one or more panels stacked over a shared x axis
// (linear or log10), and a legend. Each panel has its own y axis (from 0,
// or lower if the data go below 0) and holds series; a series is drawn as a
// line, as point markers, or both, so measured points can be shown beside a
// computed curve. A series name that appears in several panels is one
// entry of the legend and has the same colour everywhere.
//
//   plot::chart c;
//   c.title = "Minimum distribution time";
//   c.x_label = "N";
//   c.panels.push_back({"", "hours", {}});      // no title, y axis in hours
//   plot::series cs;
//   cs.name = "client-server";
//   cs.data = {{0, 0}, {35, 3.5}};
//   c.panels[0].lines.push_back(cs);
//   std::string svg = plot::render(c);
//
// The axis helpers are exposed so that tests, and other diagrams, can use
// the same ticks and the same mapping.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "svg.hpp"

namespace plot {

enum class scale { linear, log10 };

struct series {
    std::string name;
    std::string colour;  // empty: the next colour of the palette
    bool dashed = false;
    bool line = true;         // join the points, in the order given
    bool points = false;      // a marker on every point
    std::vector<point> data;  // (x, y)
};

struct panel {
    std::string title;  // written above the panel
    std::string unit;   // the label of its y axis
    std::vector<series> lines;
};

struct chart {
    std::string title;
    std::string x_label;  // under the bottom panel
    scale x_scale = scale::linear;
    double plot_width = 470;  // pixels of one panel's drawing area
    double panel_height = 230;
    std::vector<panel> panels;
};

// Why a chart cannot be drawn as asked (no panel, a value that is not a
// number, x <= 0 on a log axis), or nothing when it can.
std::optional<std::string> problem(const chart& c);

// The chart as an SVG document. Points that cannot be placed (see
// problem()) are left out.
std::string render(const chart& c);

// ---------------------------------------------------------------- axes

struct axis {
    double low = 0;
    double high = 1;
    scale kind = scale::linear;
    std::vector<double> ticks;  // where the grid lines and labels go, low to high
    double step = 1;            // linear: the distance between ticks
};

// A linear axis over [low, high] with round ticks: steps of 1, 2, 2.5 or 5
// times a power of ten, at most `intervals` of them; the axis is widened to
// the first and last tick. [0, 35] gives 0, 5, ..., 35.
axis linear_axis(double low, double high, int intervals = 8);

// A log10 axis over exactly [low, high] (both > 0), ticks at 1, 2 and 5
// times the powers of ten inside it (only the powers when it spans more
// than four decades).
axis log_axis(double low, double high);

// Where `value` lies along the axis: 0 at low, 1 at high.
double fraction(const axis& a, double value);

// A tick's label: thousands separated by commas, as many decimals as the
// step needs. tick_label(2000, 500) == "2,000", tick_label(2.5, 0.5) == "2.5".
std::string tick_label(double value, double step);

// The colours given to series without one, in order.
const std::vector<std::string>& palette();

}  // namespace plot
