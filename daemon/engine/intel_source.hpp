// Intelligence lists as the rule compiler sees them: lists a pack declares with
// `intel: KIND` instead of `items:`, whose entries live outside the rule packs (the intel
// store, daemon/intel) and change while the daemon runs. The engine knows only this
// interface, so it stays free of SQLite: the compiler asks the source for a matcher once per
// (list, use) at load time; the matcher reads the list's current entries at every match.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "engine/list_matcher.hpp"

namespace ringfence::engine {

// What the entries of an intelligence list are, and so how rules may use it:
//   number         exact E.164 numbers       caller.e164 | callee.e164 | asserted.e164 | diversion.e164 in LIST
//   number_prefix  E.164 number prefixes     caller.e164 | callee.e164 | asserted.e164 | diversion.e164 prefix_in LIST
//   domain         registered domains        sms.domains in LIST
//   url            URLs                      sms.urls in LIST
//   ip             addresses and CIDR ranges origin.ip in LIST
//   bank_account   "CODE:digits" or "digits" sms.bank_accounts in LIST
enum class intel_kind : std::uint8_t { number, number_prefix, domain, url, ip, bank_account };

inline constexpr intel_kind all_intel_kinds[] = {intel_kind::number, intel_kind::number_prefix, intel_kind::domain,
                                                 intel_kind::url,    intel_kind::ip,            intel_kind::bank_account};

std::string_view to_string(intel_kind k) noexcept;
std::optional<intel_kind> parse_intel_kind(std::string_view s) noexcept;
// "number, number_prefix, domain, url, ip, bank_account" for messages.
std::string_view intel_kind_names() noexcept;

class intel_source {
public:
    virtual ~intel_source() = default;
    // A matcher over the live entries of list `name`, declared with `kind` in a pack. Null
    // with why set when the source cannot serve it (the store holds the list as another kind).
    virtual std::unique_ptr<list_matcher> matcher(const std::string& name, intel_kind kind, std::string& why) = 0;
    // The rule set just installed reads these lists only: the source stops serving (and
    // checking) any other, so a list a reload dropped no longer holds refreshes back. A rule
    // set still deciding records keeps the last entries of the lists it had.
    virtual void retain(const std::set<std::string>& names) { (void)names; }
};

}  // namespace ringfence::engine
