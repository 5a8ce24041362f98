// The first position in s of any of a few delimiter characters, or npos. In place of
// std::string_view::find_first_of, which (libstdc++ 12) calls memchr over the delimiter set
// once for every character it passes: on captured SIP, where every header and URI is split
// at a delimiter or two, that call was the parser's largest single cost. Past three
// delimiters they are two 64-bit masks (the compiler works them out from a literal), so a
// character costs one bit test however many there are; a delimiter byte >= 0x80 is compared
// as it is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ringfence::common {

template <std::size_t N>
constexpr std::size_t find_any(std::string_view s, const char (&delimiters)[N]) noexcept {
    static_assert(N >= 2, "at least one delimiter");
    if constexpr (N - 1 <= 3) {
        // A comparison per delimiter: for the parsers' one to three delimiters, cheaper than
        // the masks below.
        for (std::size_t i = 0; i < s.size(); ++i)
            for (std::size_t k = 0; k + 1 < N; ++k)
                if (s[i] == delimiters[k]) return i;
        return std::string_view::npos;
    } else {
        std::uint64_t low = 0, high = 0;  // delimiters 0x00-0x3F and 0x40-0x7F
        bool wide = false;                // a delimiter >= 0x80
        for (std::size_t k = 0; k + 1 < N; ++k) {
            const auto d = static_cast<unsigned char>(delimiters[k]);
            if (d < 64)
                low |= std::uint64_t{1} << d;
            else if (d < 128)
                high |= std::uint64_t{1} << (d - 64);
            else
                wide = true;
        }
        for (std::size_t i = 0; i < s.size(); ++i) {
            const auto c = static_cast<unsigned char>(s[i]);
            if (c < 128) {
                if ((((c < 64 ? low : high) >> (c & 63)) & 1) != 0) return i;
            } else if (wide) {
                for (std::size_t k = 0; k + 1 < N; ++k)
                    if (s[i] == delimiters[k]) return i;
            }
        }
        return std::string_view::npos;
    }
}

}  // namespace ringfence::common
