// Where text stops being UTF-8: for the readers of files and lines that must be UTF-8 (JSON
// records, the subscriber CSV), so their errors say where the bytes go wrong, and for the
// JSON writer, which replaces what is not UTF-8.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ringfence::common {

// Length of the valid UTF-8 sequence starting at s[i] (1 for ASCII), or 0 when it is not
// valid: overlong forms, surrogates, code points past U+10FFFF and cut sequences are not.
// Inline: the JSON writer calls it for every non-ASCII character it writes.
inline std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t len;
    std::uint32_t cp;
    if (b0 < 0x80) return 1;
    if ((b0 & 0xE0) == 0xC0) {
        len = 2;
        cp = b0 & 0x1F;
    } else if ((b0 & 0xF0) == 0xE0) {
        len = 3;
        cp = b0 & 0x0F;
    } else if ((b0 & 0xF8) == 0xF0) {
        len = 4;
        cp = b0 & 0x07;
    } else {
        return 0;  // a continuation byte or 0xF8-0xFF cannot start a sequence
    }
    if (i + len > s.size()) return 0;
    for (std::size_t k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (b & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return 0;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

// The offset of the first byte that does not start or continue a valid UTF-8 sequence;
// nullopt if none.
std::optional<std::size_t> first_invalid_utf8(std::string_view text) noexcept;

// How many characters text holds as UTF-8 counts them: every byte but a continuation byte
// (for columns in messages and lengths of texts; a byte that is not UTF-8 counts as one).
inline std::size_t utf8_characters(std::string_view text) noexcept {
    std::size_t n = 0;
    for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

}  // namespace ringfence::common
