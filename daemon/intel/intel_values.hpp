// Entry values of intelligence lists in the one form the matcher compares, per kind, so an
// entry matches what the record's field holds however the operator wrote it:
//   number         the numbering plan's E.164 ("0912345678", "+84912345678" and
//                  "0084912345678" are all "+84912345678")
//   number_prefix  "+" and 1-15 digits; written "+84190", "0084190" or nationally "0190"
//   domain         a registered domain, lower-case ASCII, IDNA (Punycode) for non-ASCII
//                  labels, as sms.domains yields ("Vietcombаnk.com" with a Cyrillic а ->
//                  "xn--vietcombnk-6qi.com"); a subdomain is refused since sms.domains never
//                  holds one; an IP address is kept as its address
//   url            url_key() of the one URL the text holds
//   ip             an address ("203.0.113.7", "2001:db8::1") or a CIDR range
//                  ("203.0.113.0/24"), as inet_ntop writes it; a range with host bits set
//                  is refused; a single host is written without /32 or /128
//   bank_account   "CODE:digits" or "digits": CODE the bank's short code (upper-case letters
//                  and digits, as sms.bank_accounts writes it: VCB, ICB, TCB, MB, ...),
//                  digits 6-19 of them; spaces, dots and dashes between digits are dropped
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/intel_source.hpp"
#include "engine/lists/ip_address.hpp"
#include "model/numbering_plan.hpp"

namespace ringfence::intel {

struct normalised_value {
    std::string value;
    std::string bank_code;  // bank_account entries that name a bank
};

// The normalised form of text as an entry of kind k, or nullopt with why set (one line that
// says what is wrong and how to write it).
std::optional<normalised_value> normalise_value(engine::intel_kind k, std::string_view text, const model::numbering_plan& plan,
                                                std::string& why);

// URLs are compared in engine::text::url_key's form (engine/text/url_key.hpp).

// An IP range as the snapshot indexes it: the address with the bits past len cleared.
struct ip_range {
    engine::lists::ip_address address;
    int length = 0;  // 0-32 for IPv4, 0-128 for IPv6
};
std::optional<ip_range> parse_ip_range(std::string_view text, std::string& why);
engine::lists::ip_address mask_address(const engine::lists::ip_address& a, int length) noexcept;

}  // namespace ringfence::intel
