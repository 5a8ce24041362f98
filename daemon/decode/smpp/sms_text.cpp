#include "decode/smpp/sms_text.hpp"

#include "decode/smpp/gsm7.hpp"

namespace ringfence::decode::smpp {

namespace {

constexpr char32_t replacement = 0xFFFD;

void append_utf16be(std::string_view bytes, std::string& out) {
    const auto unit = [&](std::size_t i) {
        return static_cast<char32_t>((static_cast<std::uint8_t>(bytes[i]) << 8) | static_cast<std::uint8_t>(bytes[i + 1]));
    };
    std::size_t i = 0;
    for (; i + 1 < bytes.size(); i += 2) {
        const char32_t u = unit(i);
        if (u >= 0xD800 && u <= 0xDBFF && i + 3 < bytes.size()) {
            const char32_t low = unit(i + 2);
            if (low >= 0xDC00 && low <= 0xDFFF) {
                append_utf8(0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00), out);
                i += 2;
                continue;
            }
        }
        append_utf8(u, out);  // a lone surrogate becomes U+FFFD there
    }
    if (i < bytes.size()) append_utf8(replacement, out);  // an odd byte at the end
}

}  // namespace

std::string_view to_string(text_coding c) noexcept {
    switch (c) {
        case text_coding::gsm7: return "gsm7";
        case text_coding::ascii: return "ascii";
        case text_coding::latin1: return "latin1";
        case text_coding::ucs2: return "ucs2";
        case text_coding::binary: return "binary";
        case text_coding::unsupported: return "unsupported";
    }
    return "unsupported";
}

text_coding classify_data_coding(std::uint8_t dc) noexcept {
    if (dc < 0x10) {
        switch (dc) {
            case 0x00: return text_coding::gsm7;
            case 0x01: return text_coding::ascii;
            case 0x02: case 0x04: return text_coding::binary;
            case 0x03: return text_coding::latin1;
            case 0x08: return text_coding::ucs2;
            default: return text_coding::unsupported;  // JIS, Cyrillic, Hebrew, pictogram, Kanji, KS C 5601
        }
    }
    // GSM 03.38 section 4: 00xx xxxx general data coding and 01xx xxxx the same with
    // automatic deletion; bit 5 marks compressed text, bits 3-2 the alphabet.
    if (dc < 0x80) {
        if (dc & 0x20) return text_coding::unsupported;
        switch ((dc >> 2) & 0x03) {
            case 0: return text_coding::gsm7;
            case 1: return text_coding::binary;
            case 2: return text_coding::ucs2;
            default: return text_coding::unsupported;
        }
    }
    if (dc >= 0xC0 && dc <= 0xDF) return text_coding::gsm7;  // message waiting, discard or store
    if (dc >= 0xE0 && dc <= 0xEF) return text_coding::ucs2;  // message waiting, store, UCS-2
    if (dc >= 0xF0) return (dc & 0x04) ? text_coding::binary : text_coding::gsm7;  // message class
    return text_coding::unsupported;  // 0x80-0xBF reserved
}

void append_hex(std::string_view bytes, std::string& out) {
    static constexpr char digits[] = "0123456789abcdef";
    for (const char ch : bytes) {
        const auto b = static_cast<std::uint8_t>(ch);
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0x0F]);
    }
}

void append_text_utf8(text_coding coding, std::string_view units, std::string& out) {
    switch (coding) {
        case text_coding::gsm7:
            append_gsm7_utf8(units, out);
            return;
        case text_coding::ascii:
            for (const char ch : units) append_utf8(static_cast<std::uint8_t>(ch) < 0x80 ? static_cast<char32_t>(ch) : replacement, out);
            return;
        case text_coding::latin1:
            for (const char ch : units) append_utf8(static_cast<std::uint8_t>(ch), out);
            return;
        case text_coding::ucs2:
            append_utf16be(units, out);
            return;
        case text_coding::binary:
        case text_coding::unsupported:
            append_hex(units, out);
            return;
    }
}

}  // namespace ringfence::decode::smpp
