// The first position in s of any of a few delimiter characters, or npos. In place of
// std::string_view::find_first_of, which (libstdc++ 12) calls memchr over the delimiter set
// once for every character it passes: on captured SIP, where every header and URI is split
// at a delimiter or two, that call was the parser's largest single cost. Eight bytes are
// compared at a time (find_byte's word test, once per delimiter), the last word ending at
// the string's end; a string shorter than a word, and a constant evaluation, byte by byte.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "common/find_byte.hpp"

namespace ringfence::common {

template <std::size_t N>
[[gnu::always_inline]] constexpr std::size_t find_any(std::string_view s, const char (&delimiters)[N]) noexcept {
    static_assert(N >= 2, "at least one delimiter");
    if (!std::is_constant_evaluated() && s.size() >= 8) {
        using find_byte_detail::load8;
        using find_byte_detail::match_bits;
        const auto bits_at = [&](std::size_t at) {
            const std::uint64_t word = load8(s.data() + at);
            std::uint64_t bits = 0;
            for (std::size_t k = 0; k + 1 < N; ++k) bits |= match_bits(word, delimiters[k]);
            return bits;
        };
        const std::size_t n = s.size();
        std::size_t i = 0;
        for (; n - i >= 8; i += 8)
            if (const std::uint64_t bits = bits_at(i); bits != 0) return i + static_cast<std::size_t>(std::countr_zero(bits) / 8);
        if (i == n) return std::string_view::npos;
        const std::size_t last = n - 8;  // i - last is 1..7: the bytes before i are masked off
        const std::uint64_t bits = bits_at(last) & (~std::uint64_t{0} << (8 * (i - last)));
        return bits != 0 ? last + static_cast<std::size_t>(std::countr_zero(bits) / 8) : std::string_view::npos;
    }
    for (std::size_t i = 0; i < s.size(); ++i)
        for (std::size_t k = 0; k + 1 < N; ++k)
            if (s[i] == delimiters[k]) return i;
    return std::string_view::npos;
}

}  // namespace ringfence::common
