// HyperLogLog arithmetic shared by the windowed sketch: where a hash lands (register and
// rank) and Ertl's improved estimator ("New cardinality estimation algorithms for
// HyperLogLog sketches", 2017), which needs no bias tables and stays unbiased from empty to
// large cardinalities with a relative standard error of about 1.04 / sqrt(registers).
#pragma once

#include <array>
#include <bit>
#include <cstdint>

namespace ringfence::engine::state::hyperloglog {

inline constexpr int precision = 10;  // 2^10 = 1024 one-byte registers: RSE 1.04/32 = 3.25%
inline constexpr std::uint32_t register_count = 1u << precision;
inline constexpr int max_rank = 64 - precision + 1;  // ranks are 0 (empty) .. max_rank

// register value counts: histogram[r] = registers holding rank r
using histogram = std::array<std::uint16_t, max_rank + 1>;

constexpr std::uint32_t register_of(std::uint64_t hash) {
    return static_cast<std::uint32_t>(hash >> (64 - precision));
}

// One plus the leading zeros of the bits below the register index.
constexpr std::uint8_t rank_of(std::uint64_t hash) {
    const std::uint64_t rest = hash << precision;
    if (rest == 0) return max_rank;
    return static_cast<std::uint8_t>(std::countl_zero(rest) + 1);
}

// The cardinality estimate from a register histogram.
double estimate(const histogram& counts);

}  // namespace ringfence::engine::state::hyperloglog
