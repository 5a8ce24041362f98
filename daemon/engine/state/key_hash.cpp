#include "engine/state/key_hash.hpp"

#include <bit>
#include <cstring>

#include "common/tail_word.hpp"

namespace ringfence::engine::state {
namespace {

constexpr std::uint64_t multiplier_a = 0x9e3779b97f4a7c15ull;
constexpr std::uint64_t multiplier_b = 0xc2b2ae3d27d4eb4full;
constexpr std::uint64_t start = 0x243f6a8885a308d3ull;  // so that seed 0 and "" do not hash to 0

// Little-endian load of 8 bytes, so snapshots move between hosts.
std::uint64_t load_le(const unsigned char* p) {
    std::uint64_t word = 0;
    std::memcpy(&word, p, sizeof word);
    if constexpr (std::endian::native == std::endian::big) word = __builtin_bswap64(word);
    return word;
}

// The same of the last n (1..7) bytes of the key, high bytes zero (common::tail_word: no
// stores for the load to wait on; a key is hashed for every aggregate a record feeds).
std::uint64_t tail_le(std::string_view key, const unsigned char* p, std::size_t n) {
    std::uint64_t word = common::tail_word(key.data(), reinterpret_cast<const char*>(p), n);
    if constexpr (std::endian::native == std::endian::big) word = __builtin_bswap64(word);
    return word;
}

}  // namespace

std::uint64_t hash_bytes(std::uint64_t seed, std::string_view bytes) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    std::size_t n = bytes.size();
    std::uint64_t h = seed ^ start ^ (static_cast<std::uint64_t>(n) * multiplier_a);
    while (n >= 8) {
        h = std::rotl(h ^ (load_le(p) * multiplier_b), 31) * multiplier_a;
        p += 8;
        n -= 8;
    }
    if (n > 0) h = std::rotl(h ^ (tail_le(bytes, p, n) * multiplier_b), 27) * multiplier_a;
    return mix64(h);
}

}  // namespace ringfence::engine::state
