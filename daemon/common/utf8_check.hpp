// Where text stops being UTF-8: for the readers of files and lines that must be UTF-8 (JSON
// records, the subscriber CSV), so their errors say where the bytes go wrong.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace ringfence::common {

// The offset of the first byte that does not start or continue a valid UTF-8 sequence
// (overlong forms, surrogates and code points past U+10FFFF are invalid); nullopt if none.
std::optional<std::size_t> first_invalid_utf8(std::string_view text) noexcept;

}  // namespace ringfence::common
