// The first position in s of any of a few delimiter characters, or npos. In place of
// std::string_view::find_first_of, which (libstdc++ 12) calls memchr over the delimiter set
// once for every character it passes: on captured SIP, where every header and URI is split
// at a delimiter or two, that call was the parser's largest single cost.
#pragma once

#include <cstddef>
#include <string_view>

namespace ringfence::common {

template <std::size_t N>
constexpr std::size_t find_any(std::string_view s, const char (&delimiters)[N]) noexcept {
    static_assert(N >= 2, "at least one delimiter");
    for (std::size_t i = 0; i < s.size(); ++i)
        for (std::size_t k = 0; k + 1 < N; ++k)
            if (s[i] == delimiters[k]) return i;
    return std::string_view::npos;
}

}  // namespace ringfence::common
