#include "model/brandname.hpp"

namespace ringfence::model {

bool is_brandname_text(std::string_view s) noexcept {
    std::size_t characters = 0;
    for (const char c : s) {
        const auto b = static_cast<unsigned char>(c);
        if (b < 0x20 || b == 0x7F) return false;
        if ((b & 0xC0) != 0x80) ++characters;  // UTF-8: count lead bytes
    }
    return characters >= 1 && characters <= 11;
}

bool holds_letter(std::string_view s) noexcept {
    for (const char c : s) {
        const auto b = static_cast<unsigned char>(c);
        if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || b >= 0x80) return true;
    }
    return false;
}

bool is_unmarked_brandname_with_diacritics(std::string_view s) noexcept {
    bool non_ascii = false;
    for (const char c : s) {
        const auto b = static_cast<unsigned char>(c);
        if (b >= 0x80) {
            non_ascii = true;
            continue;
        }
        const bool allowed = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == ' ' || b == '-' ||
                             b == '.' || b == '_' || b == '&';
        if (!allowed) return false;
    }
    return non_ascii;
}

}  // namespace ringfence::model
