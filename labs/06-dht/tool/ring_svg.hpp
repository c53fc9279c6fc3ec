// ring_svg.hpp - lab 06: the ring as a picture, drawn with the project's SVG
// writer (labs/shared/plot/svg.hpp): the peers on the circle, one peer's
// shortcuts, and the path of one query, as on the lecture's slides.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "../peer/peer.hpp"
#include "../routing.hpp"

namespace dht {

struct ring_picture {
    int m = 6;
    std::vector<id> peers;                // the live peers
    std::optional<id> owner;              // whose shortcuts are drawn
    std::vector<id> shortcuts;            // ... and they
    std::optional<lookup_result> lookup;  // a query: its path, and the holder it found
};

// The SVG document.
std::string draw_ring(const ring_picture& picture);

}  // namespace dht
