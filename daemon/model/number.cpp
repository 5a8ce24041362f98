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

}  // namespace ringfence::model
