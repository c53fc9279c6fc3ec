// loss.hpp - drops a chosen fraction of datagrams, the same ones for the same seed.
//
// A real network loses datagrams now and then; on loopback it never does. To
// see what that means for a UDP program, `udp_server --loss 0.3 --seed 7`
// throws away 30% of what arrives. The generator is written out here (not
// taken from <random>) so that a seed gives the same losses on every system.
#pragma once

#include <cstdint>

class loss_simulator {
public:
    loss_simulator(double fraction, std::uint64_t seed) : fraction_(fraction), state_(seed) {}

    bool drop() {
        if (fraction_ <= 0.0) return false;
        return next_fraction() < fraction_;
    }

private:
    // splitmix64: small, fast and well mixed; 53 random bits make a double in [0, 1).
    double next_fraction() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        z ^= z >> 31;
        return static_cast<double>(z >> 11) * (1.0 / 9007199254740992.0);
    }

    double fraction_;
    std::uint64_t state_;
};
