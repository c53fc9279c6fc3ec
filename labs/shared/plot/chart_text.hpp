// chart_text.hpp - a chart described in plain text, one statement a line:
// what the `svgplot` tool reads, so that scripts in any language draw with
// the same plotter.
//
//   # a comment; blank lines are skipped too
//   title TEXT                  the chart's title
//   xlabel TEXT                 the x axis label, under the bottom panel
//   xscale linear|log           the x axis (shared by every panel); linear by default
//   size WIDTH HEIGHT           one panel's drawing area in pixels (470 230 by default)
//   panel TITLE | UNIT          a new panel below the previous ones; UNIT labels its
//                               y axis (TITLE and "| UNIT" may both be left out)
//   series NAME | STYLE...      a new series in the current panel (the first
//                               series starts a panel if there is none). STYLE
//                               words, in any order, all optional:
//                                 #1f5fbf      its colour (#rgb or #rrggbb); without
//                                              one, the next colour of the palette
//                                 dashed       a dashed line
//                                 points       a marker on every point
//                                 nolines      markers only, no line (implies points)
//   X Y                         one point of the current series, two numbers
//
// Example, the benchmark's two panels:
//
//   title tcp_server_threaded: throughput and memory
//   xlabel concurrent clients (log scale)
//   xscale log
//   panel Throughput | requests / s
//   series tcp_server_threaded | #1f5fbf points
//   1 38838
//   10 107485
//   panel Memory | MiB
//   series tcp_server_threaded | #1f5fbf points
//   1 3.5
//   10 3.6
#pragma once

#include <string>
#include <string_view>

#include "chart.hpp"

namespace plot {

// Either the chart, or (error not empty) what is wrong: "line 7: ...".
struct parsed_chart {
    chart result;
    std::string error;
};

parsed_chart parse_chart(std::string_view text);

}  // namespace plot
