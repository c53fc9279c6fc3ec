// wire.cpp - the peer wire protocol, as a peer reads it from any neighbour:
// a handshake, a length prefix, a message body and a bitfield, none of which
// may crash the peer or make it read past what arrived.
#include "../labs/05-swarm/bittorrent/wire.hpp"
#include "fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = fuzz::bytes(data, size);
    (void)bt::wire::parse_handshake(input);
    if (input.size() >= 4) (void)bt::wire::read_length(input.substr(0, 4));
    auto message = bt::wire::parse(input);
    if (message && message.value().id == bt::wire::message_id::piece)
        fuzz::must(message.value().data.size() + 9 == input.size(), "a piece's data is the rest of the body");
    // A bitfield for a torrent of 0 .. 2,047 pieces, the count from the first two bytes.
    if (input.size() >= 2) {
        const std::size_t pieces = (static_cast<unsigned char>(input[0]) << 8 | static_cast<unsigned char>(input[1])) % 2048;
        auto field = bt::wire::parse_bitfield(input.substr(2), pieces);
        if (field) fuzz::must(field.value().size() == pieces, "a bitfield has one bit per piece");
    }
    return 0;
}
