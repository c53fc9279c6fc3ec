// svgplot_main.cpp - the plotter as a command: a chart description on stdin,
// the SVG on stdout. The description is in labs/shared/plot/chart_text.hpp.
//
//   printf 'title t\nseries a\n1 1\n2 4\n' | bin/svgplot > a.svg
//
// A description it cannot read: one line on stderr naming the line, exit 2.
#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>

#include "chart.hpp"
#include "chart_text.hpp"

int main(int argc, char* argv[]) {
    for (int i = 1; i < argc; ++i) {
        const std::string word = argv[i];
        if (word == "--help" || word == "-h") {
            std::printf(
                "usage: svgplot < CHART.txt > CHART.svg\n\n"
                "Draws the line chart described on stdin as SVG on stdout.\n"
                "The description, one statement a line (see labs/shared/plot/chart_text.hpp):\n"
                "  title TEXT | xlabel TEXT | xscale linear|log | size WIDTH HEIGHT\n"
                "  panel TITLE | UNIT\n"
                "  series NAME | [#rrggbb] [dashed] [points] [nolines]\n"
                "  X Y     (a point of the current series)\n");
            return 0;
        }
        std::fprintf(stderr, "svgplot: unknown argument '%s' (the chart comes on stdin; see --help)\n", word.c_str());
        return 2;
    }
    const std::string text{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
    const plot::parsed_chart parsed = plot::parse_chart(text);
    if (!parsed.error.empty()) {
        std::fprintf(stderr, "svgplot: %s\n", parsed.error.c_str());
        return 2;
    }
    const std::string svg = plot::render(parsed.result);
    if (std::fwrite(svg.data(), 1, svg.size(), stdout) != svg.size() || std::fflush(stdout) != 0) {
        std::fprintf(stderr, "svgplot: could not write the SVG to stdout\n");
        return 1;
    }
    return 0;
}
