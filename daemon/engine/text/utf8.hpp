// UTF-8 decoding and encoding for the SMS text analysers: one code point at a time, with
// every malformed sequence (stray continuation byte, truncated or overlong form, surrogate,
// value past U+10FFFF) reported as invalid_code_point after consuming exactly one byte, so a
// caller that treats it as a separator can never loop forever or read past the end.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ringfence::engine::text {

inline constexpr char32_t invalid_code_point = 0xFFFFFFFF;

// Decodes the code point starting at s[i] (i < s.size()) and advances i past it.
inline char32_t decode_utf8(std::string_view s, std::size_t& i) noexcept {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned lead = byte(i);
    if (lead < 0x80) {
        ++i;
        return lead;
    }
    std::size_t length = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2, cp = lead & 0x1F, min = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3, cp = lead & 0x0F, min = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4, cp = lead & 0x07, min = 0x10000;
    } else {
        ++i;
        return invalid_code_point;
    }
    if (s.size() - i < length) {
        ++i;
        return invalid_code_point;
    }
    for (std::size_t k = 1; k < length; ++k) {
        const unsigned b = byte(i + k);
        if ((b & 0xC0) != 0x80) {
            ++i;
            return invalid_code_point;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        ++i;
        return invalid_code_point;
    }
    i += length;
    return cp;
}

// Writes cp (a valid scalar value) as UTF-8 to out, which must have room for 4 bytes;
// returns the number of bytes written.
inline std::size_t encode_utf8(char32_t cp, char* out) noexcept {
    if (cp < 0x80) {
        out[0] = static_cast<char>(cp);
        return 1;
    }
    if (cp < 0x800) {
        out[0] = static_cast<char>(0xC0 | (cp >> 6));
        out[1] = static_cast<char>(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = static_cast<char>(0xE0 | (cp >> 12));
        out[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out[2] = static_cast<char>(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = static_cast<char>(0xF0 | (cp >> 18));
    out[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out[3] = static_cast<char>(0x80 | (cp & 0x3F));
    return 4;
}

inline void append_utf8(char32_t cp, std::string& out) {
    char buffer[4];
    out.append(buffer, encode_utf8(cp, buffer));
}

}  // namespace ringfence::engine::text
