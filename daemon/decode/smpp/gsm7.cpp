#include "decode/smpp/gsm7.hpp"

namespace ringfence::decode::smpp {

namespace {

// 23.038 section 6.2.1, the default alphabet; 0x1B is the escape to the extension table.
constexpr char32_t default_alphabet[128] = {
    U'@', U'£', U'$', U'¥', U'è', U'é', U'ù', U'ì', U'ò', U'Ç', U'\n', U'Ø', U'ø', U'\r', U'Å', U'å',
    U'Δ', U'_', U'Φ', U'Γ', U'Λ', U'Ω', U'Π', U'Ψ', U'Σ', U'Θ', U'Ξ', 0x1B, U'Æ', U'æ', U'ß', U'É',
    U' ', U'!', U'"', U'#', U'¤', U'%', U'&', U'\'', U'(', U')', U'*', U'+', U',', U'-', U'.', U'/',
    U'0', U'1', U'2', U'3', U'4', U'5', U'6', U'7', U'8', U'9', U':', U';', U'<', U'=', U'>', U'?',
    U'¡', U'A', U'B', U'C', U'D', U'E', U'F', U'G', U'H', U'I', U'J', U'K', U'L', U'M', U'N', U'O',
    U'P', U'Q', U'R', U'S', U'T', U'U', U'V', U'W', U'X', U'Y', U'Z', U'Ä', U'Ö', U'Ñ', U'Ü', U'§',
    U'¿', U'a', U'b', U'c', U'd', U'e', U'f', U'g', U'h', U'i', U'j', U'k', U'l', U'm', U'n', U'o',
    U'p', U'q', U'r', U's', U't', U'u', U'v', U'w', U'x', U'y', U'z', U'ä', U'ö', U'ñ', U'ü', U'à',
};

// 23.038 section 6.2.1.1, the extension table; 0 where nothing is defined.
char32_t extension(std::uint8_t septet) noexcept {
    switch (septet) {
        case 0x0A: return U'\f';
        case 0x14: return U'^';
        case 0x28: return U'{';
        case 0x29: return U'}';
        case 0x2F: return U'\\';
        case 0x3C: return U'[';
        case 0x3D: return U'~';
        case 0x3E: return U']';
        case 0x40: return U'|';
        case 0x65: return U'€';
        default: return 0;
    }
}

constexpr char32_t replacement = 0xFFFD;

}  // namespace

void append_utf8(char32_t cp, std::string& out) {
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) cp = replacement;
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

void unpack_septets(std::string_view packed, std::size_t bit_offset, std::string& septets) {
    const std::size_t total_bits = packed.size() * 8;
    if (bit_offset >= total_bits) return;
    const std::size_t count = (total_bits - bit_offset) / 7;
    const std::size_t first = septets.size();
    for (std::size_t k = 0; k < count; ++k) {
        const std::size_t bit = bit_offset + k * 7;  // septets fill each octet from its low bit up
        const std::size_t byte = bit / 8;
        const unsigned shift = bit % 8;
        unsigned v = static_cast<std::uint8_t>(packed[byte]) >> shift;
        if (shift > 1 && byte + 1 < packed.size()) v |= static_cast<unsigned>(static_cast<std::uint8_t>(packed[byte + 1])) << (8 - shift);
        septets.push_back(static_cast<char>(v & 0x7F));
    }
    // When the septets end seven bits short of an octet boundary, the encoder filled those
    // bits with a padding septet (CR by the spec, zero by many encoders): not text.
    if ((total_bits - bit_offset) % 7 == 0 && septets.size() > first) {
        const char last = septets.back();
        if (last == 0x00 || last == 0x0D) septets.pop_back();
    }
}

void append_gsm7_utf8(std::string_view septets, std::string& out) {
    for (std::size_t i = 0; i < septets.size(); ++i) {
        const auto s = static_cast<std::uint8_t>(septets[i]);
        if (s > 0x7F) {
            append_utf8(replacement, out);
            continue;
        }
        if (s != 0x1B) {
            append_utf8(default_alphabet[s], out);
            continue;
        }
        if (i + 1 == septets.size()) {  // a lone escape at the end: shown as a space
            out.push_back(' ');
            break;
        }
        const auto next = static_cast<std::uint8_t>(septets[++i]);
        if (next > 0x7F) {
            append_utf8(replacement, out);
        } else if (const char32_t e = extension(next); e != 0) {
            append_utf8(e, out);
        } else {
            append_utf8(next == 0x1B ? U' ' : default_alphabet[next], out);
        }
    }
}

}  // namespace ringfence::decode::smpp
