#include "engine/state/key_hash.hpp"

#include <bit>

namespace ringfence::engine::state {
namespace {

constexpr std::uint64_t multiplier_a = 0x9e3779b97f4a7c15ull;
constexpr std::uint64_t multiplier_b = 0xc2b2ae3d27d4eb4full;
constexpr std::uint64_t start = 0x243f6a8885a308d3ull;  // so that seed 0 and "" do not hash to 0

// Little-endian load of n (1..8) bytes, so snapshots move between hosts.
std::uint64_t load_le(const unsigned char* p, std::size_t n) {
    std::uint64_t word = 0;
    for (std::size_t i = 0; i < n; ++i) word |= std::uint64_t{p[i]} << (8 * i);
    return word;
}

}  // namespace

std::uint64_t hash_bytes(std::uint64_t seed, std::string_view bytes) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    std::size_t n = bytes.size();
    std::uint64_t h = seed ^ start ^ (static_cast<std::uint64_t>(n) * multiplier_a);
    while (n >= 8) {
        h = std::rotl(h ^ (load_le(p, 8) * multiplier_b), 31) * multiplier_a;
        p += 8;
        n -= 8;
    }
    if (n > 0) h = std::rotl(h ^ (load_le(p, n) * multiplier_b), 27) * multiplier_a;
    return mix64(h);
}

}  // namespace ringfence::engine::state
