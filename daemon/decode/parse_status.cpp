#include "decode/parse_status.hpp"

#include <array>

#include "common/control_chars.hpp"

namespace ringfence::decode {

namespace {

constexpr std::array<std::string_view, parse_error_count> parse_error_names{
    "", "malformed_json", "missing_field", "wrong_type", "bad_value", "bad_number", "unknown_kind"};

}  // namespace

std::string_view to_string(parse_error e) noexcept {
    const auto i = static_cast<std::size_t>(e);
    return i < parse_error_names.size() ? parse_error_names[i] : std::string_view{};
}

std::string echoed(std::string_view s) {
    constexpr std::size_t limit = 64;
    bool cut = false;
    if (s.size() > limit) {
        std::size_t n = limit;
        while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
        s = s.substr(0, n);
        cut = true;
    }
    std::string out;
    out.reserve(s.size() + 5);
    out.push_back('\'');
    for (const char c : s)
        out.push_back(common::is_control_byte(c) ? '?' : c);
    if (cut) out.append("...");
    out.push_back('\'');
    return out;
}

}  // namespace ringfence::decode
