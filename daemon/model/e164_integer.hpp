// An E.164 number as the integer the decision log indexes it by: "+84912345678" becomes
// 84912345678. An integer key is shorter and cheaper to compare than the text, so the
// random-order caller and callee indexes take fewer pages per commit. The mapping loses
// nothing: E.164 country codes never begin with 0, so '+' followed by the integer's decimal
// digits gives the text back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ringfence::model {

// E.164 allows at most 15 digits; 10^15 - 1 fits an int64 with room to spare.
inline constexpr std::size_t e164_max_digits = 15;

// '+' then 1 to 15 digits, the first not 0: the digits as an integer. Anything else (an
// empty string for a short code or an alphanumeric sender, a malformed text): nullopt,
// which the log stores as NULL.
std::optional<std::int64_t> e164_to_integer(std::string_view e164) noexcept;

}  // namespace ringfence::model
