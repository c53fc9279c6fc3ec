// http_head.cpp - an HTTP request head, as the tracker's page server reads
// it from anyone: no crash, the head's end never past the bytes received,
// and a request's path and query are parts of its target.
#include "../labs/05-swarm/bittorrent/http.hpp"
#include "fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view received = fuzz::bytes(data, size);
    const std::size_t end = bt::http::head_end(received);
    if (end == std::string_view::npos) return 0;
    fuzz::must(end <= received.size(), "the head ends within what was received");
    auto request = bt::http::parse_request(received.substr(0, end));
    if (!request) return 0;
    const bt::http::request& r = request.value();
    fuzz::must(r.target.compare(0, r.path().size(), r.path()) == 0, "the path starts the target");
    fuzz::must(r.target.size() >= r.path().size() + r.query().size(), "path and query fit in the target");
    (void)r.header("host");
    return 0;
}
