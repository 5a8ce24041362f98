// Names of number types and normalisation errors. The number-type names are what plan
// files, rule conditions and the decision log use, so they never change once shipped.
#include "model/number.hpp"

#include <array>

namespace ringfence::model {

namespace {
constexpr std::array<std::string_view, number_type_count> number_type_names{
    "unknown",     "mobile", "fixed",     "toll_free",  "premium",
    "shared_cost", "voip",   "satellite", "short_code", "alphanumeric"};

constexpr std::array<std::string_view, 6> normalize_error_names{"none", "empty", "bad_character",
                                                                "too_long", "too_short", "bad_country_code"};
}  // namespace

std::string_view to_string(number_type t) noexcept {
    const auto i = static_cast<std::size_t>(t);
    return i < number_type_names.size() ? number_type_names[i] : std::string_view{};
}

std::optional<number_type> parse_number_type(std::string_view s) noexcept {
    for (std::size_t i = 0; i < number_type_names.size(); ++i)
        if (number_type_names[i] == s) return static_cast<number_type>(i);
    return std::nullopt;
}

std::string_view to_string(normalize_error e) noexcept {
    const auto i = static_cast<std::size_t>(e);
    return i < normalize_error_names.size() ? normalize_error_names[i] : std::string_view{};
}

bool looks_like_mistyped_number(const number_info& n) noexcept {
    if (n.type != number_type::alphanumeric) return false;
    std::string_view s = n.raw;
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    if (s.empty()) return false;
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    const bool lookalike = (s[0] == 'O' || s[0] == 'o' || s[0] == 'I' || s[0] == 'l') && s.size() > 1 && digit(s[1]);
    if (!digit(s[0]) && s[0] != '+' && !lookalike) return false;
    int digits = 0;
    for (const char c : s) digits += digit(c);
    return digits >= 5;
}

}  // namespace ringfence::model
