// test_plot.cpp - the plotter's unit tests: ticks, the log axis, escaping,
// the chart description, and that what is asked for is drawn.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "chart.hpp"
#include "chart_text.hpp"
#include "svg.hpp"

namespace {

int count(const std::string& text, const std::string& part) {
    int n = 0;
    for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
    return n;
}

plot::series line_of(std::string name, std::vector<plot::point> data) {
    plot::series s;
    s.name = std::move(name);
    s.data = std::move(data);
    return s;
}

}  // namespace

TEST_CASE("linear ticks are round numbers covering the data") {
    SUBCASE("the lecture's N axis, 0 to 35, in fives") {
        const plot::axis a = plot::linear_axis(0, 35, 10);
        CHECK(a.step == 5);
        CHECK(a.ticks == std::vector<double>{0, 5, 10, 15, 20, 25, 30, 35});
    }
    SUBCASE("hours up to 3.5, in halves") {
        const plot::axis a = plot::linear_axis(0, 3.5, 8);
        CHECK(a.step == doctest::Approx(0.5));
        CHECK(a.ticks.size() == 8);
        CHECK(a.high == doctest::Approx(3.5));
    }
    SUBCASE("the axis is widened to the next tick") {
        const plot::axis a = plot::linear_axis(0, 109092, 8);
        CHECK(a.step == 20000);
        CHECK(a.low == 0);
        CHECK(a.high == 120000);
    }
    SUBCASE("steps of 2.5 times a power of ten are round too") {
        const plot::axis a = plot::linear_axis(0, 10, 4);
        CHECK(a.step == 2.5);
        CHECK(a.ticks == std::vector<double>{0, 2.5, 5, 7.5, 10});
    }
    SUBCASE("negative values, and a single value, still make an axis") {
        const plot::axis a = plot::linear_axis(-3, 7, 10);
        CHECK(a.low <= -3);
        CHECK(a.high >= 7);
        const plot::axis flat = plot::linear_axis(0, 0);
        CHECK(flat.high > flat.low);
    }
    SUBCASE("never more intervals than asked") {
        for (double high : {0.7, 1.0, 3.3, 17.0, 99.0, 101.0, 12345.0}) {
            const plot::axis a = plot::linear_axis(0, high, 6);
            CHECK(a.ticks.size() <= 7);
            CHECK(a.high >= high);
        }
    }
}

TEST_CASE("a log axis maps decades to equal distances") {
    const plot::axis a = plot::log_axis(1, 1000);
    CHECK(plot::fraction(a, 1) == doctest::Approx(0));
    CHECK(plot::fraction(a, 10) == doctest::Approx(1.0 / 3));
    CHECK(plot::fraction(a, 100) == doctest::Approx(2.0 / 3));
    CHECK(plot::fraction(a, 1000) == doctest::Approx(1));
    CHECK(plot::fraction(a, std::sqrt(10.0)) == doctest::Approx(1.0 / 6));

    SUBCASE("ticks at 1, 2, 5 times the powers of ten, inside the range") {
        const plot::axis b = plot::log_axis(1, 2000);
        CHECK(b.ticks == std::vector<double>{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000});
    }
    SUBCASE("many decades: only powers of ten") {
        const plot::axis b = plot::log_axis(0.001, 1e6);
        for (double t : b.ticks) CHECK(std::log10(t) == doctest::Approx(std::round(std::log10(t))));
    }
    SUBCASE("a linear axis maps linearly") {
        const plot::axis lin = plot::linear_axis(0, 40, 8);
        CHECK(plot::fraction(lin, 10) == doctest::Approx(0.25));
    }
}

TEST_CASE("tick labels: thousands separators, and the decimals the step needs") {
    CHECK(plot::tick_label(0, 5) == "0");
    CHECK(plot::tick_label(2000, 500) == "2,000");
    CHECK(plot::tick_label(120000, 20000) == "120,000");
    CHECK(plot::tick_label(1234567, 1) == "1,234,567");
    CHECK(plot::tick_label(2.5, 0.5) == "2.5");
    CHECK(plot::tick_label(3, 0.5) == "3.0");
    CHECK(plot::tick_label(0.25, 0.25) == "0.25");
    CHECK(plot::tick_label(0.1 + 0.2, 0.1) == "0.3");
    CHECK(plot::tick_label(-5000, 1000) == "-5,000");
    CHECK(plot::tick_label(-0.0, 1) == "0");
}

TEST_CASE("text is escaped, wherever it is written") {
    CHECK(plot::escape("a < b & c > \"d\" 'e'") == "a &lt; b &amp; c &gt; &quot;d&quot; &apos;e&apos;");
    CHECK(plot::escape("plain") == "plain");

    plot::chart c;
    c.title = "<script>";
    c.x_label = "x & y";
    c.panels.push_back({"p<1>", "u&v", {line_of("a<b", {{1, 1}, {2, 2}})}});
    const std::string svg = plot::render(c);
    CHECK(svg.find("<script>") == std::string::npos);
    CHECK(svg.find("&lt;script&gt;") != std::string::npos);
    CHECK(svg.find("x &amp; y") != std::string::npos);
    CHECK(svg.find("p&lt;1&gt;") != std::string::npos);
    CHECK(svg.find("a&lt;b") != std::string::npos);
    // Inside every text element, nothing that could open or close one.
    for (std::size_t at = svg.find("<text"); at != std::string::npos; at = svg.find("<text", at + 1)) {
        const std::size_t open_end = svg.find('>', at);
        const std::size_t close = svg.find("</text>", at);
        CHECK(svg.substr(open_end + 1, close - open_end - 1).find_first_of("<>") == std::string::npos);
    }
}

TEST_CASE("every series is drawn, and named once in the legend") {
    plot::chart c;
    c.title = "two panels";
    plot::series dashed = line_of("floor", {{1, 2}, {10, 3}, {100, 4}});
    dashed.dashed = true;
    dashed.points = true;
    c.panels.push_back({"top", "req/s", {line_of("threaded", {{1, 5}, {10, 6}, {100, 7}}), dashed}});
    c.panels.push_back({"bottom", "MiB", {line_of("threaded", {{1, 1}, {100, 2}}), dashed}});
    plot::series measured = line_of("measured", {{3, 1.5}, {30, 1.7}});
    measured.line = false;
    measured.points = true;
    c.panels[1].lines.push_back(measured);
    c.x_scale = plot::scale::log10;
    REQUIRE_FALSE(plot::problem(c));

    const std::string svg = plot::render(c);
    CHECK(count(svg, "<polyline") == 4);            // threaded and floor, in both panels
    CHECK(count(svg, "<circle") == 3 + 3 + 2 + 2);  // floor's points twice, measured's, and 2 in the legend
    CHECK(count(svg, ">threaded</text>") == 1);     // the legend names each series once
    CHECK(count(svg, ">floor</text>") == 1);
    CHECK(count(svg, ">measured</text>") == 1);
    CHECK(count(svg, "stroke-dasharray") == 3);  // floor in two panels and in the legend
    CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
    CHECK(svg.find("</svg>") == svg.size() - 7);

    SUBCASE("a name keeps its colour in every panel") {
        const std::string first = plot::palette()[0];
        CHECK(count(svg, "stroke=\"" + first + "\" stroke-width=\"2\"") == 3);  // two lines and the legend
    }
}

TEST_CASE("what a log axis cannot show is a problem, not a crash") {
    plot::chart c;
    c.x_scale = plot::scale::log10;
    c.panels.push_back({"", "", {line_of("a", {{0, 1}, {10, 2}})}});
    const auto why = plot::problem(c);
    REQUIRE(why);
    CHECK(why->find("log axis") != std::string::npos);
    CHECK(plot::render(c).find("</svg>") != std::string::npos);  // the other points are still drawn
    CHECK(plot::problem(plot::chart{}));                         // nothing to draw
}

TEST_CASE("the text description") {
    SUBCASE("a complete chart") {
        const plot::parsed_chart p = plot::parse_chart(
            "# the lecture's chart\n"
            "title Minimum distribution time\n"
            "xlabel N\n"
            "panel | hours\n"
            "series client-server | #c03030\n"
            "0 0\n"
            "35 3.5\n"
            "\n"
            "series P2P | #1f5fbf points\n"
            "  0 0\n"
            "35 0.778\n"
            "series measured | nolines\n"
            "10 0.6\n");
        REQUIRE(p.error.empty());
        CHECK(p.result.title == "Minimum distribution time");
        CHECK(p.result.x_label == "N");
        REQUIRE(p.result.panels.size() == 1);
        CHECK(p.result.panels[0].unit == "hours");
        const auto& lines = p.result.panels[0].lines;
        REQUIRE(lines.size() == 3);
        CHECK(lines[0].name == "client-server");
        CHECK(lines[0].colour == "#c03030");
        CHECK(lines[1].points);
        CHECK(lines[1].data.size() == 2);
        CHECK(lines[1].data[1].y == 0.778);
        CHECK_FALSE(lines[2].line);
        CHECK(lines[2].points);
    }
    SUBCASE("panels, log scale and size") {
        const plot::parsed_chart p =
            plot::parse_chart("xscale log\nsize 600 200\npanel A | u1\nseries s\n1 1\npanel B | u2\nseries s\n1 2\n");
        REQUIRE(p.error.empty());
        CHECK(p.result.x_scale == plot::scale::log10);
        CHECK(p.result.plot_width == 600);
        CHECK(p.result.panels.size() == 2);
        CHECK(p.result.panels[1].title == "B");
    }
    SUBCASE("mistakes name their line") {
        CHECK(plot::parse_chart("title t\n1 2\n").error == "line 2: a point before any 'series' line");
        CHECK(plot::parse_chart("series a\n1 2x\n").error == "line 2: a point is two numbers, 'X Y'");
        CHECK(plot::parse_chart("series a\n1 2 3\n").error.rfind("line 2:", 0) == 0);
        CHECK(plot::parse_chart("series a | dashd\n").error.rfind("line 1: unknown style 'dashd'", 0) == 0);
        CHECK(plot::parse_chart("xscale lg\n").error.rfind("line 1:", 0) == 0);
        CHECK(plot::parse_chart("colour red\n").error.rfind("line 1: unknown statement 'colour'", 0) == 0);
        CHECK(plot::parse_chart("series a\nnan 1\n").error.rfind("line 2:", 0) == 0);
        CHECK(plot::parse_chart("xscale log\nseries a\n0 1\n").error.find("log axis") != std::string::npos);
        CHECK_FALSE(plot::parse_chart("# nothing\n").error.empty());
    }
}

TEST_CASE("the SVG primitives, for other diagrams") {
    plot::canvas ring(200, 100, "");
    ring.circle({100, 50}, 40, "none", plot::stroke{"#888888", 1.5, "2 2"});
    ring.line({0, 0}, {10, 10});
    ring.polyline({{1, 1}, {2, 2.126}, {3, 1}}, {"#ff0000"});
    ring.rect({5, 5}, 10, 20, "#eeeeee");
    plot::font small{10, plot::anchor::middle};
    small.rotate = 90;
    ring.text({100, 50}, "peer 12", small);
    const std::string svg = ring.svg();
    CHECK(svg.find("<circle cx=\"100\" cy=\"50\" r=\"40\" fill=\"none\" stroke=\"#888888\" stroke-width=\"1.5\" "
                   "stroke-dasharray=\"2 2\"/>") != std::string::npos);
    CHECK(svg.find("points=\"1,1 2,2.13 3,1\"") != std::string::npos);
    CHECK(svg.find("text-anchor=\"middle\" font-size=\"10\" transform=\"rotate(90 100 50)\">peer 12</text>") !=
          std::string::npos);
    CHECK(svg.find("fill=\"white\"") == std::string::npos);  // no background asked for
    CHECK(plot::number(2.0) == "2");
    CHECK(plot::number(-0.001) == "0");
    CHECK(plot::number(1.5) == "1.5");
}
