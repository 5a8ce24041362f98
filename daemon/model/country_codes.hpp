// The ITU-T E.164 table of assigned country codes (Recommendation E.164 Annex to ITU OB,
// "List of ITU-T Recommendation E.164 assigned country codes"), with the ISO 3166-1 alpha-2
// code of the country each one serves. The numbering plan compiles it into its prefix trie;
// plan files then refine shared codes by number range.
//
// Contract:
// - Every code from 1 to 998 that is assigned to a country, a zone or a global service is
//   listed once with is_default = true. Codes are prefix-free, as E.164 guarantees.
// - Global (non-geographic) codes +800 +808 +870 +878 +881 +882 +883 +888 +979 have an empty
//   country.
// - A code shared by several countries lists its default once (US for +1, RU for +7, GB for
//   +44, ...) and every other country it serves with is_default = false; those are the only
//   countries a plan file may refine that code to (+1 876 -> JM).
// - Two codes use ISO "exceptionally reserved"/user-assigned alpha-2 codes because no
//   official one exists and fraud rules need them apart: AC (Ascension, +247) and XK
//   (Kosovo, +383).
#pragma once

#include <span>
#include <string_view>

namespace ringfence::model {

struct country_code_entry {
    std::string_view code;     // digits, no '+': "84"
    std::string_view country;  // ISO 3166-1 alpha-2, empty for global services
    bool is_default = true;    // the country a number with this code gets unless refined
};

// Every entry, sorted by code; the default of a code comes before its other countries.
std::span<const country_code_entry> country_code_table() noexcept;

// The default entry for exactly this code, or nullptr when the code is not assigned.
const country_code_entry* find_country_code(std::string_view code) noexcept;

// The code that serves this country (default or not): "84" for VN, "1" for CA, "7" for KZ.
// Empty when the table has no such country. Vatican City (VA) answers "379", its own code,
// though its numbers are in the Italian plan (+39 06 698).
std::string_view country_code_of(std::string_view country) noexcept;

// Whether code serves country (as default or as one of the countries sharing it).
bool code_serves_country(std::string_view code, std::string_view country) noexcept;

}  // namespace ringfence::model
