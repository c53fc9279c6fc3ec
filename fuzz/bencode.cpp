// bencode.cpp - the bencode decoder (every .torrent and tracker reply goes
// through it): no crash on any bytes, and since there is one way to write
// each value, what it accepts it writes back byte for byte.
#include "../labs/05-swarm/bittorrent/bencode.hpp"
#include "fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = fuzz::bytes(data, size);
    auto decoded = bt::bencode::decode(input);
    if (decoded) fuzz::must(bt::bencode::encode(decoded.value()) == input, "decode then encode gives the input back");
    auto info = bt::bencode::raw_entry(input, "info");
    if (info)
        fuzz::must(info.value().data() >= input.data() &&
                       info.value().data() + info.value().size() <= input.data() + input.size(),
                   "raw_entry is a view inside the input");
    return 0;
}
