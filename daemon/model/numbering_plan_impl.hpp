// The compiled numbering plan behind numbering_plan (private to daemon/model): the home
// country's dialling rules and two digit tries. numbering_plan.cpp builds it from the plan
// files; numbering_plan_normalize.cpp reads it on the hot path. numbering_plan::impl only
// wraps it, because impl is a private name that the file-local helpers cannot use.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "model/digit_trie.hpp"
#include "model/number.hpp"
#include "model/numbering_plan.hpp"
#include "model/numbering_plan_reader.hpp"

namespace ringfence::model {

// What one E.164 prefix (digits without '+') says. Several can apply to a number: the
// longest one that has a country gives the country, the longest one with a type the type.
struct e164_prefix_info {
    std::uint8_t country_code_length = 0;  // non-zero: this prefix is an assigned country code
    bool has_country = false;              // country below is meant (it may be empty: +800)
    std::uint8_t country_length = 0;       // 0 or 2
    std::array<char, 2> country{};
    bool has_type = false;
    number_type type = number_type::unknown;
    length_mask lengths = 0;  // NSN lengths `type` holds for; 0 = any
};

// What a string dialled as it is (no '+', no prefix) means in the home country.
struct dialled_info {
    bool is_short_code = false;  // exactly this string is a listed short code
    bool is_service = false;     // this is a service prefix (1800): e164 = +<cc><digits>
    length_mask service_lengths = 0;
};

struct compiled_numbering_plan {
    std::string home_country;            // "VN"
    std::string home_country_code;       // "84"
    std::string trunk_prefix;            // "0", may be empty
    std::string international_prefix;    // "00"
    length_mask nsn_lengths = 0;         // never 0 once loaded
    length_mask short_code_lengths = 0;  // 0: no generic short-code rule
    bool accept_bare_country_code = false;
    digit_trie<e164_prefix_info> e164;
    digit_trie<dialled_info> home_dialled;
};

struct numbering_plan::impl {
    compiled_numbering_plan plan;
};

// Strict membership: unlike length_allowed, an empty mask holds no length.
inline bool mask_has(length_mask mask, std::size_t n) noexcept {
    return n < 16 && (mask & (1u << n)) != 0;
}

}  // namespace ringfence::model
