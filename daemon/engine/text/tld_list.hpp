// The top-level domains that make a bare word like "vcb-secure.top" or "bit.ly/abc" count
// as a domain in SMS text (extract_urls). Deliberately compact: the generic TLDs, every
// ISO 3166 country code (plus ac, eu, su, uk), and the cheap new gTLDs that smishing
// campaigns register in bulk. A TLD outside the list still counts after a scheme or "www.".
#pragma once

#include <string_view>

namespace ringfence::engine::text {

// label without dots, any case: "com", "VN", "Top".
bool is_known_tld(std::string_view label) noexcept;

}  // namespace ringfence::engine::text
