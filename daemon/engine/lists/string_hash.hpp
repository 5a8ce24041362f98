// The hash the list structures use for strings (common::hash_string with seed 0: list
// contents come from the operator, and a collision only costs probes, never a wrong answer).
#pragma once

#include <cstdint>
#include <string_view>

#include "common/string_hash.hpp"

namespace ringfence::engine::lists {

inline std::uint64_t hash_string(std::string_view s) noexcept { return common::hash_string(s); }

}  // namespace ringfence::engine::lists
