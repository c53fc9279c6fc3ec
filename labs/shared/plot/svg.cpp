// svg.cpp - the SVG writer: each shape is one line of SVG text.
#include "svg.hpp"

#include <cmath>
#include <cstdio>
#include <utility>

namespace plot {

std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            default: out += c; break;
        }
    }
    return out;
}

std::string number(double value) {
    if (!std::isfinite(value)) return "0";  // never write "nan" into a document
    char text[64];
    std::snprintf(text, sizeof text, "%.2f", value);
    std::string out = text;
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
    return out == "-0" ? "0" : out;
}

namespace {

// stroke="..." stroke-width="..." stroke-dasharray="..."
std::string stroke_attributes(const stroke& style) {
    std::string out = " stroke=\"" + escape(style.colour) + "\"";
    if (style.width != 1) out += " stroke-width=\"" + number(style.width) + "\"";
    if (!style.dash.empty()) out += " stroke-dasharray=\"" + escape(style.dash) + "\"";
    return out;
}

std::string xy(const char* x_name, const char* y_name, point p) {
    return std::string(" ") + x_name + "=\"" + number(p.x) + "\" " + y_name + "=\"" + number(p.y) + "\"";
}

}  // namespace

canvas::canvas(double width, double height, std::string background)
    : width_(width), height_(height), background_(std::move(background)) {}

void canvas::line(point from, point to, const stroke& style) {
    body_ += "<line" + xy("x1", "y1", from) + xy("x2", "y2", to) + stroke_attributes(style) + "/>\n";
}

void canvas::polyline(const std::vector<point>& points, const stroke& style) {
    if (points.empty()) return;
    std::string coordinates;
    for (const point& p : points) coordinates += (coordinates.empty() ? "" : " ") + number(p.x) + "," + number(p.y);
    body_ += "<polyline points=\"" + coordinates + "\" fill=\"none\"" + stroke_attributes(style) + "/>\n";
}

void canvas::circle(point centre, double radius, const std::string& fill, std::optional<stroke> outline) {
    body_ += "<circle" + xy("cx", "cy", centre) + " r=\"" + number(radius) + "\" fill=\"" + escape(fill) + "\"" +
             (outline ? stroke_attributes(*outline) : "") + "/>\n";
}

void canvas::rect(point corner, double width, double height, const std::string& fill, std::optional<stroke> outline) {
    body_ += "<rect" + xy("x", "y", corner) + " width=\"" + number(width) + "\" height=\"" + number(height) +
             "\" fill=\"" + escape(fill) + "\"" + (outline ? stroke_attributes(*outline) : "") + "/>\n";
}

void canvas::text(point at, std::string_view text, const font& style) {
    std::string element = "<text" + xy("x", "y", at);
    if (style.align == anchor::middle) element += " text-anchor=\"middle\"";
    if (style.align == anchor::end) element += " text-anchor=\"end\"";
    if (style.size != 12) element += " font-size=\"" + number(style.size) + "\"";
    if (style.bold) element += " font-weight=\"bold\"";
    if (!style.colour.empty()) element += " fill=\"" + escape(style.colour) + "\"";
    if (style.rotate != 0)
        element += " transform=\"rotate(" + number(style.rotate) + " " + number(at.x) + " " + number(at.y) + ")\"";
    body_ += element + ">" + escape(text) + "</text>\n";
}

std::string canvas::svg() const {
    // 12px sans-serif is the default every text above is written against.
    std::string head = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + number(width_) + "\" height=\"" +
                       number(height_) + "\" viewBox=\"0 0 " + number(width_) + " " + number(height_) +
                       "\" font-family=\"sans-serif\" font-size=\"12\">\n";
    if (!background_.empty())
        head += "<rect width=\"" + number(width_) + "\" height=\"" + number(height_) + "\" fill=\"" +
                escape(background_) + "\"/>\n";
    return head + body_ + "</svg>\n";
}

}  // namespace plot
