// ring_svg.cpp - lab 06: the ring as SVG. Identifier 0 is at the top, and
// the identifiers grow clockwise, as on the lecture's slides.
#include "ring_svg.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "../../shared/plot/svg.hpp"

namespace dht {

namespace {

constexpr double width = 640, height = 700, centre_x = 320, centre_y = 330, radius = 240;
const char* const shortcut_colour = "#2a9d4a";
const char* const path_colour = "#1f5fbf";
const char* const key_colour = "#c03030";

// Where identifier i sits on the circle (r: how far from the centre).
plot::point place(id i, int m, double r = radius) {
    const double turn = static_cast<double>(i) / std::ldexp(1.0, m);
    const double angle = 2 * 3.14159265358979323846 * turn;
    return {centre_x + r * std::sin(angle), centre_y - r * std::cos(angle)};
}

// A line from a to b that stops short of both dots, with an arrowhead at b.
void arrow(plot::canvas& c, plot::point a, plot::point b, const plot::stroke& style) {
    const double dx = b.x - a.x, dy = b.y - a.y, length = std::hypot(dx, dy);
    if (length < 20) return;
    const double ux = dx / length, uy = dy / length, gap = 8;
    const plot::point from{a.x + ux * gap, a.y + uy * gap}, tip{b.x - ux * gap, b.y - uy * gap};
    c.line(from, tip, style);
    for (double side : {-1.0, 1.0}) {  // two short strokes, 25 degrees off the line
        const double angle = side * 25 * 3.14159265358979323846 / 180;
        const double bx = -(ux * std::cos(angle) - uy * std::sin(angle)),
                     by = -(ux * std::sin(angle) + uy * std::cos(angle));
        c.line(tip, {tip.x + 11 * bx, tip.y + 11 * by}, plot::stroke{style.colour, style.width});
    }
}

}  // namespace

std::string draw_ring(const ring_picture& p) {
    plot::canvas c(width, height);
    const std::string space = "identifiers 0 to " + std::to_string((std::uint64_t{1} << p.m) - 1);
    c.text({centre_x, 30}, "A circular DHT: " + std::to_string(p.peers.size()) + " peers, " + space,
           plot::font{17, plot::anchor::middle, true});
    c.circle({centre_x, centre_y}, radius, "none", plot::stroke{"#999999"});

    // Which peers get a label: all of a small ring; in a large one, only
    // those the picture is about.
    std::vector<id> named;
    if (p.owner) named.push_back(*p.owner);
    named.insert(named.end(), p.shortcuts.begin(), p.shortcuts.end());
    if (p.lookup) {
        named.insert(named.end(), p.lookup->path.begin(), p.lookup->path.end());
        named.push_back(p.lookup->holder.ident);
    }
    const bool label_all = p.peers.size() <= 40;

    if (p.owner)
        for (id s : p.shortcuts) c.line(place(*p.owner, p.m), place(s, p.m), plot::stroke{shortcut_colour, 1.5, "6 4"});
    if (p.lookup && p.lookup->ok) {
        const std::vector<id>& path = p.lookup->path;
        for (std::size_t i = 1; i < path.size(); ++i)
            arrow(c, place(path[i - 1], p.m), place(path[i], p.m), plot::stroke{path_colour, 2.5});
        // The last peer of the path knows the holder: its successor.
        arrow(c, place(path.back(), p.m), place(p.lookup->holder.ident, p.m), plot::stroke{key_colour, 2, "4 3"});
        c.line(place(p.lookup->key, p.m, radius - 12), place(p.lookup->key, p.m, radius + 12),
               plot::stroke{key_colour, 3});
        plot::font small{12, plot::anchor::middle};
        small.colour = key_colour;
        c.text(place(p.lookup->key, p.m, radius - 28), "key " + std::to_string(p.lookup->key), small);
    }
    for (id i : p.peers) {
        const bool highlighted = std::find(named.begin(), named.end(), i) != named.end();
        c.circle(place(i, p.m), highlighted ? 6 : 4, highlighted ? "#222222" : "#777777");
        if (label_all || highlighted) {
            const plot::point at = place(i, p.m, radius + 20);
            c.text({at.x, at.y + 4}, std::to_string(i), plot::font{13, plot::anchor::middle, highlighted});
        }
    }

    // The legend.
    double y = centre_y + radius + 55;
    plot::font legend{13};
    if (p.owner) {
        c.line({40, y - 4}, {80, y - 4}, plot::stroke{shortcut_colour, 1.5, "6 4"});
        c.text({90, y},
               "the shortcuts of peer " + std::to_string(*p.owner) + " (" + std::to_string(p.shortcuts.size()) + ")",
               legend);
        y += 22;
    }
    if (p.lookup && p.lookup->ok) {
        const int n = p.lookup->messages();
        c.line({40, y - 4}, {80, y - 4}, plot::stroke{path_colour, 2.5});
        c.text({90, y},
               "the query for key " + std::to_string(p.lookup->key) + " from peer " +
                   std::to_string(p.lookup->path.front()) + ": " + std::to_string(n) +
                   (n == 1 ? " message" : " messages"),
               legend);
        y += 22;
        c.line({40, y - 4}, {80, y - 4}, plot::stroke{key_colour, 2, "4 3"});
        c.text({90, y},
               "peer " + std::to_string(p.lookup->path.back()) + " knows its successor " +
                   std::to_string(p.lookup->holder.ident) + " holds the key",
               legend);
    }
    return c.svg();
}

}  // namespace dht
