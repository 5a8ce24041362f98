// Plain ASCII passed eight bytes at a time. Nearly every byte the engine reads (numbers,
// hosts, most SMS texts) is ASCII, and the text steps that look for something rarer (a
// multi-byte character, a masked one) or lower-case letters spent a test per byte on it.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace ringfence::common {

// The eight-byte steps here and in their callers read a word's first byte as its lowest.
static_assert(std::endian::native == std::endian::little, "the eight-byte text steps assume a little-endian machine");

// The first position at or after `from` of a byte >= 0x80 in s, or s.size(); `from` itself
// when it is past the end.
inline std::size_t ascii_run_end(std::string_view s, std::size_t from = 0) noexcept {
    if (from >= s.size()) return from;
    std::size_t i = from;
    for (std::uint64_t x; s.size() - i >= 8; i += 8) {
        std::memcpy(&x, s.data() + i, 8);
        if ((x & 0x8080808080808080ULL) != 0) break;
    }
    while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80) ++i;
    return i;
}

// Copies n ASCII bytes (each < 0x80) from in to out with A-Z lower-cased. In each byte,
// adding 0x80 - 'A' sets the high bit from 'A' up and adding 0x80 - 'Z' - 1 from past 'Z' up,
// without carrying into the next byte (the bytes are below 0x80); the letters' high bit,
// moved down to 0x20, is what lower-casing adds.
inline void copy_ascii_lowered(const char* in, std::size_t n, char* out) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    std::size_t i = 0;
    for (std::uint64_t x; i + 8 <= n; i += 8) {
        std::memcpy(&x, in + i, 8);
        const std::uint64_t upper = (x + (0x80 - 'A') * ones) & ~(x + (0x80 - 'Z' - 1) * ones) & highs;
        x |= upper >> 2;
        std::memcpy(out + i, &x, 8);
    }
    for (; i < n; ++i) out[i] = (in[i] >= 'A' && in[i] <= 'Z') ? static_cast<char>(in[i] + 32) : in[i];
}

// The high bit of every byte of x that is an ASCII digit: in each byte with its high bit
// cleared, adding 0x50 sets the high bit from '0' (0x30) up and adding 0x46 from ':' (0x3A)
// up, without carrying into the next byte; a byte with its own high bit set is no digit.
constexpr std::uint64_t digit_bytes(std::uint64_t x) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL, low7 = 0x7F7F7F7F7F7F7F7FULL;
    const std::uint64_t lo = x & low7;
    return (lo + 0x50 * ones) & ~(lo + 0x46 * ones) & ~x & highs;
}

// The first ASCII digit of s at or after i, or s.size(); eight bytes at a time, since most
// of a message is words.
inline std::size_t next_digit(std::string_view s, std::size_t i) noexcept {
    for (; i + 8 <= s.size(); i += 8) {
        std::uint64_t x;
        std::memcpy(&x, s.data() + i, 8);
        if (const std::uint64_t d = digit_bytes(x); d != 0) return i + static_cast<std::size_t>(std::countr_zero(d) >> 3);
    }
    while (i < s.size() && static_cast<unsigned char>(s[i] - '0') >= 10) ++i;
    return i;
}

}  // namespace ringfence::common
