// The numbering plan: the ITU-T E.164 country-code table plus the number ranges of the
// plan files (config/numbering/*.yaml), compiled into one digit trie. normalize() is on the
// hot path: no regex and no allocation beyond the caller's reused number_info strings.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostic.hpp"
#include "model/number.hpp"

namespace ringfence::model {

struct numbering_settings {
    std::string home_country = "VN";      // ISO alpha-2; its plan gives country code, trunk and international prefixes
    std::vector<std::string> plan_files;  // YAML plan files, loaded in order
    // Accept a bare country-code form ("84912345678" with no + or 00) when the digits
    // start with the home country code and are too long to be a national number, and a
    // foreign one ("12025550123") when they are longer than any home number.
    bool accept_bare_country_code = false;
};

class numbering_plan {
public:
    static common::loaded<numbering_plan> load(const numbering_settings& settings);

    // Fills out.raw/e164/country/type/is_home from raw (out.present is set true).
    // Returns normalize_error::none on success; on error out.raw is set and the rest is cleared.
    //
    // The rules, in order (home values from the home country's plan; VN: cc 84, trunk 0,
    // international 00, NSN lengths 9 and 10, short-code lengths 3 to 5):
    // 1. A leading "tel:" is dropped. A string with an ASCII letter is an alphanumeric
    //    sender if it is at most 11 characters of letters, digits, space and - . _ & (type
    //    alphanumeric, e164 and country empty, is_home false); otherwise bad_character.
    //    Separators (space - . ( ) /) are dropped; any other non-digit is bad_character;
    //    nothing left is empty (see dial_string.hpp).
    // 2. '+' then digits, or the international prefix then digits: international. More than
    //    15 digits is too_long; no more digits than the country code (or, when no assigned
    //    code matches, than 3 digits) is too_short. An unassigned code is accepted with an
    //    empty country and type unknown.
    // 3. The trunk prefix then digits: national, e164 = +<cc><digits>. No digits is
    //    too_short; more than 15 digits with the cc is too_long.
    // 4. Bare digits:
    //    a. accept_bare_country_code, the digits start with the home cc, and the rest has a
    //       home NSN length, or is a number the home plan types ("8418001234", toll free):
    //       international ("84912345678").
    //    b. exactly a listed short code: short code (type short_code, e164 empty,
    //       country home, is_home true).
    //    c. a service prefix of the home plan (1800, 1900) with a length the service allows:
    //       national, e164 = +<cc><digits> ("18001091" -> "+8418001091", toll_free).
    //    d. a home short-code length (3 to 5 digits): short code.
    //    e. a home NSN length: national (SIP user parts often carry "912345678").
    //    f. accept_bare_country_code and longer than the longest NSN length: a foreign
    //       number with its country code ("12025550123" -> "+12025550123") when the digits
    //       start with a known country code and, for +1 and +7, have exactly 11 digits.
    //    g. otherwise too_long when longer than the longest NSN length, else too_short.
    // 5. Classification over the E.164 digits: the country is the one of the longest prefix
    //    that names one (the country code's default, or a plan refinement such as +1 876 ->
    //    JM); the type is the one of the longest range that has a type, and unknown when
    //    that range restricts NSN lengths and the number's length is not one of them, or
    //    when no range types it. is_home = (country == home country).
    // 6. Home numbers (the home country code): the trunk prefix written after the code is
    //    left out ("+840912345678", "00840912345678" -> "+84912345678", as "+84 (0)912..."),
    //    since no home number begins with it; an NSN longer than the longest home NSN
    //    length, that no service range allows, is too_long ("084912345678"). A shorter one
    //    is kept, type unknown (a partly dialled number is still a call to decide).
    // The wire parser also refuses a name that looks like a mistyped number
    // (looks_like_mistyped_number in number.hpp); normalize itself reads it as a name.
    normalize_error normalize(std::string_view raw, number_info& out) const;

    const std::string& home_country() const noexcept;
    const std::string& home_country_code() const noexcept;  // "84"

    numbering_plan(numbering_plan&&) noexcept;
    numbering_plan& operator=(numbering_plan&&) noexcept;
    ~numbering_plan();

private:
    struct impl;
    explicit numbering_plan(std::unique_ptr<impl> p);
    std::unique_ptr<impl> impl_;
};

}  // namespace ringfence::model
