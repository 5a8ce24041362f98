// numbering_plan::normalize, the hot path: scan the raw string, decide which dialled form
// it is in (international, national with trunk prefix, or bare digits), write the E.164
// form into out.e164 and classify it with one walk over the prefix trie. The rules are
// documented in numbering_plan.hpp. Nothing here allocates except out's strings growing.
#include <bit>

#include "model/dial_string.hpp"
#include "model/numbering_plan.hpp"
#include "model/numbering_plan_impl.hpp"

namespace ringfence::model {

namespace {

constexpr std::size_t max_e164_digits = 15;
constexpr std::size_t longest_country_code = 3;

class normalizer {
  public:
    normalizer(const compiled_numbering_plan& plan, number_info& out) : p_(plan), out_(out) {}

    normalize_error dialled(std::string_view d, bool plus) {
        if (plus) return international(d);
        const std::string& intl = p_.international_prefix;
        if (!intl.empty() && d.starts_with(intl)) return international(d.substr(intl.size()));
        const std::string& trunk = p_.trunk_prefix;
        if (!trunk.empty() && d.starts_with(trunk)) return national(d.substr(trunk.size()));
        return bare(d);
    }

  private:
    // d: the digits after '+' or the international prefix.
    normalize_error international(std::string_view d) {
        if (d.size() > max_e164_digits) return normalize_error::too_long;
        if (!d.empty() && d.front() == '0') return normalize_error::bad_country_code;
        out_.e164.push_back('+');
        out_.e164.append(d);
        return classify();
    }

    // nsn: the national significant number, after the trunk prefix or dialled bare.
    normalize_error national(std::string_view nsn) {
        if (nsn.empty()) return normalize_error::too_short;
        if (p_.home_country_code.size() + nsn.size() > max_e164_digits)
            return normalize_error::too_long;
        out_.e164.push_back('+');
        out_.e164.append(p_.home_country_code);
        out_.e164.append(nsn);
        return classify();
    }

    normalize_error bare(std::string_view d) {
        const std::string& cc = p_.home_country_code;
        if (p_.accept_bare_country_code && d.size() > cc.size() && d.starts_with(cc)) {
            if (mask_has(p_.nsn_lengths, d.size() - cc.size())) return international(d);
            // A service number after the country code ("8418001234": 1800 1234, toll free)
            // has no subscriber length; the plan types it, where the same digits read as a
            // home number would match no range.
            if (international(d) == normalize_error::none && out_.type != number_type::unknown) return normalize_error::none;
            out_.e164.clear();
            out_.country.clear();
            out_.type = number_type::unknown;
            out_.is_home = false;
        }

        bool listed_short_code = false;
        bool service = false;
        p_.home_dialled.for_each_prefix(d, [&](std::size_t length, const dialled_info& info) {
            if (info.is_short_code && length == d.size()) listed_short_code = true;
            if (info.is_service && length_allowed(info.service_lengths, d.size())) service = true;
        });
        if (listed_short_code) return short_code();
        if (service) return national(d);
        if (mask_has(p_.short_code_lengths, d.size())) return short_code();
        if (mask_has(p_.nsn_lengths, d.size())) return national(d);
        const auto longest_nsn = static_cast<std::size_t>(std::bit_width(p_.nsn_lengths) - 1);
        if (d.size() <= longest_nsn) return normalize_error::too_short;
        if (p_.accept_bare_country_code && d.front() != '0') return bare_foreign(d);
        return normalize_error::too_long;
    }

    // Too long for a home number, with accept_bare_country_code: a foreign number written
    // with its country code and nothing before it ("12025550123", as international trunks
    // often present callers). Only a known country code reads so; anything else stays
    // too_long rather than get an E.164 form no real number has.
    normalize_error bare_foreign(std::string_view d) {
        const normalize_error e = international(d);
        if (e != normalize_error::none) return e;
        if (country_code_length_ != 0 && plausible_length(d)) return normalize_error::none;
        out_.e164.clear();
        out_.country.clear();
        out_.type = number_type::unknown;
        out_.is_home = false;
        return normalize_error::too_long;
    }

    // A bare foreign reading must have a length that country's numbers have: the zones of +1
    // and +7 number with exactly ten digits after the code, so "1780912345678" (a carrier
    // selection code, 178, before a home number) is no North American number. Other codes
    // have no such table here; the digits are already longer than any home number and at
    // most 15.
    static bool plausible_length(std::string_view digits) {
        if (digits.front() == '1' || digits.front() == '7') return digits.size() == 11;
        return true;
    }

    normalize_error short_code() {
        out_.type = number_type::short_code;
        out_.country.assign(p_.home_country);
        out_.is_home = true;
        return normalize_error::none;
    }

    // out_.e164 holds '+' and the digits; find the country code, country and type.
    normalize_error classify() {
        const std::string_view digits = std::string_view(out_.e164).substr(1);
        std::size_t cc_length = 0;
        const e164_prefix_info* country = nullptr;
        const e164_prefix_info* typed = nullptr;
        p_.e164.for_each_prefix(digits, [&](std::size_t, const e164_prefix_info& info) {
            if (cc_length == 0) cc_length = info.country_code_length;
            if (info.has_country) country = &info;
            if (info.has_type) typed = &info;
        });
        country_code_length_ = cc_length;
        const std::size_t needed = cc_length == 0 ? longest_country_code : cc_length;
        if (digits.size() <= needed) {
            out_.e164.clear();
            return normalize_error::too_short;
        }
        const bool home_code = cc_length != 0 && digits.substr(0, cc_length) == p_.home_country_code;
        const std::string& trunk = p_.trunk_prefix;
        if (home_code && !trunk.empty() && digits.substr(cc_length).starts_with(trunk)) {
            // "+84 0912…": the trunk prefix written after the country code (as "(0)" is). No
            // home number begins with it, so it is left out, and the number classified again.
            out_.e164.erase(1 + cc_length, trunk.size());
            return classify();
        }
        if (country != nullptr)
            out_.country.assign(country->country.data(), country->country_length);
        const std::size_t nsn_length = digits.size() - cc_length;
        const bool typed_fits = typed != nullptr && cc_length != 0 && length_allowed(typed->lengths, nsn_length);
        if (typed_fits) out_.type = typed->type;
        const auto longest_nsn = static_cast<std::size_t>(std::bit_width(p_.nsn_lengths) - 1);
        if (home_code && !typed_fits && nsn_length > longest_nsn) {
            // Longer than any home number ("084912345678" read as 0 + 84912345678): refused
            // rather than given an E.164 form no real number has. A shorter one stays, typed
            // unknown: a partly dialled number is still a call to decide and log.
            out_.e164.clear();
            out_.country.clear();
            out_.type = number_type::unknown;
            return normalize_error::too_long;
        }
        out_.is_home = !out_.country.empty() && out_.country == p_.home_country;
        return normalize_error::none;
    }

    const compiled_numbering_plan& p_;
    number_info& out_;
    std::size_t country_code_length_ = 0;  // of the last classify(); 0: no known country code
};

}  // namespace

normalize_error numbering_plan::normalize(std::string_view raw, number_info& out) const {
    out.present = true;
    out.raw.assign(raw.data(), raw.size());
    out.e164.clear();
    out.country.clear();
    out.type = number_type::unknown;
    out.is_home = false;

    const dial_string s = dial_string::scan(raw);
    if (const normalize_error e = s.error(); e != normalize_error::none) return e;
    if (s.kind == dial_string::form::alphanumeric) {
        out.type = number_type::alphanumeric;
        return normalize_error::none;
    }
    return normalizer(impl_->plan, out).dialled(s.digits(), s.plus);
}

}  // namespace ringfence::model
