// Control characters in text that reaches logs, messages, audit rows and terminals: a C0
// control or DEL starts what reads as another line or drives the terminal, and so does a
// C1 control (U+0080-U+009F, CSI among them) once UTF-8 decodes it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>

namespace ringfence::common {

// A C0 control (below 0x20) or DEL.
constexpr bool is_control_byte(char c) noexcept {
    const auto b = static_cast<unsigned char>(c);
    return b < 0x20 || b == 0x7F;
}

inline bool holds_control_byte(std::string_view s) noexcept { return std::any_of(s.begin(), s.end(), is_control_byte); }

// A C1 control written as UTF-8 ("\xC2\x80".."\xC2\x9F") begins at s[i].
constexpr bool c1_control_at(std::string_view s, std::size_t i) noexcept {
    return i + 1 < s.size() && static_cast<unsigned char>(s[i]) == 0xC2 && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
           static_cast<unsigned char>(s[i + 1]) <= 0x9F;
}

}  // namespace ringfence::common
