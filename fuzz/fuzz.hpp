// fuzz.hpp - what every fuzz target shares: the input as a string_view, and
// a property that must hold whatever the bytes were.
//
// libFuzzer calls LLVMFuzzerTestOneInput with one input at a time. A crash,
// an AddressSanitizer or UBSan report, or a property broken (abort below) is
// a finding: libFuzzer writes the input that caused it to a file, and
// `build/fuzz/NAME that-file` runs it again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace fuzz {

inline std::string_view bytes(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// A property of the parser that holds for every input: a round trip gives
// the same thing back, a name taken from a file stays a plain name, ...
inline void must(bool holds, const char* property) {
    if (holds) return;
    std::fprintf(stderr, "property broken: %s\n", property);
    std::abort();
}

}  // namespace fuzz
