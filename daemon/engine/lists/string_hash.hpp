// The hash the list structures use for strings: 8 bytes at a time with multiply-xorshift
// mixing and a splitmix64 finish. Fast on the short keys lists hold (E.164 numbers,
// domains, IP text); not keyed, so it is not meant to resist chosen collisions -- list
// contents come from the operator, and a collision only costs probes, never a wrong answer.
#pragma once

#include <cstdint>

#include "common/mix64.hpp"
#include <cstring>
#include <string_view>

namespace ringfence::engine::lists {

inline std::uint64_t hash_string(std::string_view s) noexcept {
    constexpr std::uint64_t k = 0x9E3779B97F4A7C15ull;
    std::uint64_t h = k ^ (s.size() * 0xC2B2AE3D27D4EB4Full);
    const char* p = s.data();
    std::size_t n = s.size();
    while (n >= 8) {
        std::uint64_t v;
        std::memcpy(&v, p, 8);
        h = (h ^ v) * k;
        h ^= h >> 29;
        p += 8;
        n -= 8;
    }
    if (n > 0) {
        std::uint64_t v = 0;
        std::memcpy(&v, p, n);
        h = (h ^ v) * k;
        h ^= h >> 29;
    }
    return common::mix64(h);
}

}  // namespace ringfence::engine::lists
