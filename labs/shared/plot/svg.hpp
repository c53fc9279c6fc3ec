// svg.hpp - a small SVG writer: text, lines, polylines, circles and
// rectangles on a canvas, written out as plain, readable SVG.
//
// The charts (chart.hpp) are drawn with it, and so can any other diagram of
// the labs (a ring of DHT peers, a swarm): the same writer, the same look.
//
//   plot::canvas ring(400, 400);
//   ring.circle({200, 200}, 150, "none", plot::stroke{"#888888"});
//   ring.text({200, 40}, "peer 12", plot::font{12, plot::anchor::middle});
//   std::string svg = ring.svg();
//
// Coordinates are SVG's: pixels, x to the right, y downwards.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace plot {

struct point {
    double x = 0;
    double y = 0;
};

// How a line or an outline is drawn: stroke{"#888888"}, stroke{"#c03030", 2, "6 4"}.
struct stroke {
    stroke(std::string colour_ = "#000000", double width_ = 1, std::string dash_ = {})
        : colour(std::move(colour_)), width(width_), dash(std::move(dash_)) {}
    std::string colour;
    double width;
    std::string dash;  // SVG's stroke-dasharray, e.g. "6 4"; empty: a solid line
};

enum class anchor { start, middle, end };

// How a text is written: font{}, font{15, anchor::middle, true}.
struct font {
    font(double size_ = 12, anchor align_ = anchor::start, bool bold_ = false)
        : size(size_), align(align_), bold(bold_) {}
    double size;
    anchor align;  // where the text's point is: its start, middle or end
    bool bold;
    double rotate = 0;   // degrees, clockwise, around that point
    std::string colour;  // empty: black
};

// Text made safe inside SVG or HTML, as text or an attribute: & < > " ' become entities.
std::string escape(std::string_view text);

// A number for an SVG attribute: at most two decimals, no trailing zeros.
std::string number(double value);

class canvas {
public:
    canvas(double width, double height, std::string background = "white");

    void line(point from, point to, const stroke& style = {});
    void polyline(const std::vector<point>& points, const stroke& style = {});
    void circle(point centre, double radius, const std::string& fill, std::optional<stroke> outline = {});
    void rect(point corner, double width, double height, const std::string& fill, std::optional<stroke> outline = {});
    void text(point at, std::string_view text, const font& style = {});

    double width() const { return width_; }
    double height() const { return height_; }

    // The whole document, from <svg ...> to </svg>.
    std::string svg() const;

private:
    double width_;
    double height_;
    std::string background_;
    std::string body_;  // one element per line
};

}  // namespace plot
