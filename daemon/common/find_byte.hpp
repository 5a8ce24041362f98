// The first position at or after `from` of one byte in s, or npos: std::string_view::find
// for one character, inlined. libstdc++ calls memchr for it; on a SIP header of 20-60 bytes
// the call and its dispatch cost more than the search, and the parser makes several per
// header line. Sixteen bytes compared at a time (SSE2, part of baseline x86-64); what is left
// of a string of 16 bytes or more is one more block that ends at the string's end (it
// overlaps bytes already passed, which are masked off), and a shorter string is read eight
// bytes at a time the same way: most searches end without a byte-by-byte loop, which on
// header-sized strings cost as much as the blocks. Never a read outside s.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ringfence::common {

namespace find_byte_detail {

// Bit 7 of each byte of the result is set exactly where word holds c (no carry crosses a
// byte, so bytes masked off after do not disturb the others).
[[gnu::always_inline]] inline std::uint64_t match_bits(std::uint64_t word, char c) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101ull;
    constexpr std::uint64_t lows = 0x7f7f7f7f7f7f7f7full;
    const std::uint64_t x = word ^ (ones * static_cast<unsigned char>(c));
    return ~(((x & lows) + lows) | x | lows);
}

[[gnu::always_inline]] inline std::uint64_t load8(const char* p) noexcept {
    std::uint64_t word;
    std::memcpy(&word, p, sizeof word);
    if constexpr (std::endian::native == std::endian::big) word = __builtin_bswap64(word);
    return word;
}

}  // namespace find_byte_detail

[[gnu::always_inline]] inline std::size_t find_byte(std::string_view s, char c, std::size_t from = 0) noexcept {
    const char* p = s.data();
    const std::size_t n = s.size();
    if (from >= n) return std::string_view::npos;  // as find: any start past the end finds nothing
    std::size_t i = from;
#if defined(__SSE2__)
    if (n >= 16) {
        const __m128i needle = _mm_set1_epi8(c);
        for (; n - i >= 16; i += 16) {
            const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
            const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, needle)));
            if (mask != 0) return i + static_cast<std::size_t>(__builtin_ctz(mask));
        }
        if (i == n) return std::string_view::npos;
        const std::size_t last = n - 16;  // i - last is 1..15: the bytes before i are masked off
        const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + last));
        const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, needle))) & (~0u << (i - last));
        return mask != 0 ? last + static_cast<std::size_t>(__builtin_ctz(mask)) : std::string_view::npos;
    }
#endif
    if (n >= 8) {
        using find_byte_detail::load8;
        using find_byte_detail::match_bits;
        for (; n - i >= 8; i += 8)
            if (const std::uint64_t bits = match_bits(load8(p + i), c); bits != 0) return i + static_cast<std::size_t>(std::countr_zero(bits) / 8);
        if (i == n) return std::string_view::npos;
        const std::size_t last = n - 8;  // i - last is 1..7
        const std::uint64_t bits = match_bits(load8(p + last), c) & (~std::uint64_t{0} << (8 * (i - last)));
        return bits != 0 ? last + static_cast<std::size_t>(std::countr_zero(bits) / 8) : std::string_view::npos;
    }
    for (; i < n; ++i)
        if (p[i] == c) return i;
    return std::string_view::npos;
}

}  // namespace ringfence::common
