// The last 1..7 bytes of a string as one word: what copying them into a zeroed word gives,
// read with loads alone. The string hashes take their last bytes this way. A copy of a
// variable size compiles to byte stores into the stack and one 8-byte load of the word, which
// cannot take its bytes from stores still pending and waits for them to reach the cache (a
// store-forwarding stall): the hash of a Call-ID or a number spent about two thirds of its
// ~12 ns there (docs/performance.md).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ringfence::common {

// [tail, tail + n) ends a string that starts at `start`, n < 8. Reads only inside
// [start, tail + n).
[[gnu::always_inline]] inline std::uint64_t tail_word(const char* start, const char* tail, std::size_t n) noexcept {
    if (n == 0) return 0;
    if constexpr (std::endian::native == std::endian::little) {
        const auto load = [](const char* p, auto word) {
            std::memcpy(&word, p, sizeof word);
            return static_cast<std::uint64_t>(word);
        };
        if (tail + n - start >= 8)  // the 8 bytes that end the string, shifted down to the tail
            return load(tail + n - 8, std::uint64_t{}) >> (8 * (8 - n));
        if (n >= 4)  // two 4-byte loads that overlap: the bytes they share are the same bytes
            return load(tail, std::uint32_t{}) | (load(tail + n - 4, std::uint32_t{}) << (8 * (n - 4)));
        const auto byte = [&](std::size_t i) { return std::uint64_t{static_cast<unsigned char>(tail[i])} << (8 * i); };
        return byte(0) | byte(n / 2) | byte(n - 1);  // n = 1, 2 or 3
    } else {
        std::uint64_t word = 0;
        std::memcpy(&word, tail, n);
        return word;
    }
}

}  // namespace ringfence::common
