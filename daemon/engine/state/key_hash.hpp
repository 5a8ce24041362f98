// The stable 64-bit hashes the window state is keyed by. An entry is identified only by
// hash(spec seed, key bytes): the key text is not stored, so show/reset recompute the hash
// for every spec. The functions are fixed (no per-process seed) because snapshots store the
// hashes; two different keys of one spec sharing a 64-bit hash would share state (about
// n^2 / 2^65 for n keys: 3e-8 for a million keys).
#pragma once

#include <cstdint>

#include "common/mix64.hpp"
#include <string_view>

namespace ringfence::engine::state {

using common::mix64;

// Hash of bytes under seed; the bytes are read as little-endian words on every platform.
std::uint64_t hash_bytes(std::uint64_t seed, std::string_view bytes);

}  // namespace ringfence::engine::state
