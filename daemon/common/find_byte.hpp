// The first position at or after `from` of one byte in s, or npos: std::string_view::find
// for one character, inlined. libstdc++ calls memchr for it; on a SIP header of 20-60 bytes
// the call and its dispatch cost more than the search, and the parser makes several per
// header line. Sixteen bytes compared at a time (SSE2, part of baseline x86-64), the tail
// one by one; no read past the end of s.
#pragma once

#include <cstddef>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ringfence::common {

inline std::size_t find_byte(std::string_view s, char c, std::size_t from = 0) noexcept {
    const char* p = s.data();
    const std::size_t n = s.size();
    if (from >= n) return std::string_view::npos;  // as find: any start past the end finds nothing
    std::size_t i = from;
#if defined(__SSE2__)
    const __m128i needle = _mm_set1_epi8(c);
    for (; n - i >= 16; i += 16) {
        const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
        const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, needle)));
        if (mask != 0) return i + static_cast<std::size_t>(__builtin_ctz(mask));
    }
#endif
    for (; i < n; ++i)
        if (p[i] == c) return i;
    return std::string_view::npos;
}

}  // namespace ringfence::common
