// A bijective 64-bit finaliser (splitmix64): spreads a weak hash, or nearby keys such as
// consecutive phone numbers, over every bit without adding collisions. Shared by the
// window store's keys, the list hash sets and the subscriber index.
#pragma once

#include <cstdint>

namespace ringfence::common {

constexpr std::uint64_t mix64(std::uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

}  // namespace ringfence::common
