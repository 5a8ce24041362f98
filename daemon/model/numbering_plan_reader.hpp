// Reads one numbering-plan YAML file into plain structs that remember where each item came
// from, checking everything that can be checked inside one file. Cross-file checks (which
// file holds the home country, whether a prefix starts with an assigned country code, which
// countries a shared code may be refined to) belong to numbering_plan::load, which compiles
// the files.
//
// The schema is documented for operators at the top of config/numbering/vn.yaml. Codes of
// the diagnostics this reader and the compiler emit (all errors unless marked):
//   PLAN_FILE_READ            the file cannot be opened or read
//   PLAN_YAML_PARSE           the file is not valid YAML (location of the parser error)
//   PLAN_EMPTY_FILE           warning: the file holds no document
//   PLAN_BAD_TYPE             a node has the wrong YAML kind, or `type:` is not a number type
//                             usable for a range (alphanumeric and short_code are not)
//   PLAN_UNKNOWN_KEY          a key the schema does not define
//   PLAN_DUPLICATE_KEY        the same key twice in one mapping
//   PLAN_MISSING_KEY          a required key is absent (located at the enclosing mapping)
//   PLAN_BAD_VALUE            a scalar of the right kind with an unusable value
//   PLAN_BAD_PREFIX           a prefix or code that is not of the form the schema asks,
//                             or (compiler) does not start with an assigned country code
//   PLAN_BAD_COUNTRY          not two upper-case letters, or (compiler) not a country the
//                             prefix's country code serves
//   PLAN_BAD_LENGTH           a length outside 1..15, or one that the prefix cannot fit in
//   PLAN_DUPLICATE_PREFIX     the same range, service prefix or short code twice in one file
//   PLAN_UNKNOWN_COUNTRY_CODE (compiler) country_code is not an assigned E.164 code
//   PLAN_DUPLICATE_COUNTRY    (compiler) two files describe the same country's national plan
//   PLAN_UNKNOWN_HOME_COUNTRY (compiler) no file describes the configured home country
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/diagnostic.hpp"
#include "model/number.hpp"

namespace ringfence::model {

// Bit n set: length n allowed (n in 1..15). Zero means "any length".
using length_mask = std::uint16_t;

inline bool length_allowed(length_mask mask, std::size_t n) noexcept {
    return mask == 0 || (n < 16 && (mask & (1u << n)) != 0);
}

struct plan_location {
    int line = 0;  // 1-based, 0 when unknown
    int column = 0;
};

// `ranges:` item: an E.164 prefix that gives numbers a type, a country, or both.
struct plan_range {
    std::string prefix;  // E.164 digits without '+': "8432"
    std::optional<number_type> type;
    std::string country;      // refinement of a shared country code; empty when not given
    length_mask lengths = 0;  // allowed national significant number lengths for `type`
    plan_location where;
};

// `services:` item: national numbers dialled as they are (no trunk prefix), e.g. 1800...
struct plan_service {
    std::string prefix;  // dialled digits: "1800"
    number_type type = number_type::unknown;
    length_mask lengths = 0;  // allowed lengths of the whole dialled number (= its NSN length)
    plan_location where;
};

// `short_codes:` item: a number dialled as it is that has no E.164 form (112, 5656).
struct plan_short_code {
    std::string code;
    plan_location where;
};

// The national part of a plan file: how numbers of `country` are dialled inside it.
struct national_plan {
    std::string country;               // ISO alpha-2
    std::string country_code;          // "84"
    std::string trunk_prefix;          // "0"; empty when the country has none
    std::string international_prefix;  // "00"
    length_mask nsn_lengths = 0;
    length_mask short_code_lengths = 0;  // dialled strings of these lengths are short codes
    std::vector<plan_service> services;
    std::vector<plan_short_code> short_codes;
    plan_location where;               // of the `country:` value
    plan_location country_code_where;  // of the `country_code:` value
};

struct plan_file {
    std::string path;
    std::optional<national_plan> national;
    std::vector<plan_range> ranges;
};

// Reads and checks path; every problem is appended to diagnostics. The returned struct
// holds whatever was valid, so the caller can keep checking other files.
plan_file read_plan_file(const std::string& path, std::vector<common::diagnostic>& diagnostics);

}  // namespace ringfence::model
