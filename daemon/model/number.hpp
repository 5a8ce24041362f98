// A telephone number (or alphanumeric sender) as presented, and what the numbering plan
// makes of it: E.164 form, country, number type, and whether it is domestic.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ringfence::model {

enum class number_type : std::uint8_t {
    unknown,
    mobile,
    fixed,
    toll_free,
    premium,
    shared_cost,
    voip,
    satellite,
    short_code,
    alphanumeric,
};
inline constexpr int number_type_count = 10;

std::string_view to_string(number_type t) noexcept;
std::optional<number_type> parse_number_type(std::string_view s) noexcept;

struct number_info {
    bool present = false;     // the record carried this number at all
    std::string raw;          // exactly as presented
    std::string e164;         // "+84912345678"; empty for short codes and alphanumerics
    std::string country;      // ISO 3166-1 alpha-2 ("VN"); empty when unknown
    number_type type = number_type::unknown;
    bool is_home = false;     // belongs to the configured home country

    void clear() {
        present = false;
        raw.clear();
        e164.clear();
        country.clear();
        type = number_type::unknown;
        is_home = false;
    }
};

// Why a raw number could not be normalised. The wire parser reports it per field.
enum class normalize_error : std::uint8_t {
    none,
    empty,          // nothing but spaces and separators
    bad_character,  // a character that is neither a digit, a separator, nor part of an alphanumeric sender
    too_long,       // more than 15 digits after the country code is known (E.164 limit)
    too_short,      // a '+'/00 form with fewer digits than any country code needs
    bad_country_code,  // a '+'/00 form whose digits begin with 0: no country code does
};
std::string_view to_string(normalize_error e) noexcept;

// A number mistyped with letters in it, which the plan reads as a name: "O912345678",
// "0912345678x", "09123ABC". It starts like a number (a digit or '+', or O, o, I or l
// standing for a digit just before one) and holds five digits or more. A SIP user or a
// brandname ("alice", "VCB", "BIDV247", "Shopee123", "8x86") starts with a letter or holds
// fewer digits. The wire parser refuses such a number rather than let it pass as a name
// that no number rule, list or index can match.
bool looks_like_mistyped_number(const number_info& n) noexcept;

}  // namespace ringfence::model
