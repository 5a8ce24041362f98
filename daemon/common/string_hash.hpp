// A fast hash of short strings: 8 bytes at a time with multiply-xorshift mixing and a
// splitmix64 finish (E.164 numbers, domains, IP text, SIP Call-IDs). Not a keyed hash in the
// cryptographic sense: the lists hash what the operator wrote, where a collision only costs
// probes; a table of strings from the wire starts from a seed of its process's own
// (random_seed), so that the Call-IDs that would collide are not the same in every process.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "common/mix64.hpp"
#include "common/tail_word.hpp"

namespace ringfence::common {

inline std::uint64_t hash_string(std::string_view s, std::uint64_t seed = 0) noexcept {
    constexpr std::uint64_t k = 0x9E3779B97F4A7C15ull;
    std::uint64_t h = seed ^ k ^ (s.size() * 0xC2B2AE3D27D4EB4Full);
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
        h = (h ^ tail_word(s.data(), p, n)) * k;
        h ^= h >> 29;
    }
    return mix64(h);
}

// A seed drawn once per process from the system's random source.
std::uint64_t random_seed();

}  // namespace ringfence::common
