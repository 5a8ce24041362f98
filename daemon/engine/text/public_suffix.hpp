// The registrable domain (eTLD+1) of a host: the part of a name that one owner registered,
// so that "secure.vcb-xacthuc.com.vn", "vcb-xacthuc.com.vn/..." and "m.vcb-xacthuc.com.vn"
// all hit the list entry "vcb-xacthuc.com.vn", while two different sites on github.io or
// web.app do not collapse into one entry.
//
// Contract of registered_domain(host): host (as url_host gives it) goes through
// host_to_ascii (lower case, no trailing dot, xn-- labels); an IP address (all-numeric
// dotted labels, or any ':') comes back as it is then; otherwise the result is the longest
// suffix from the built-in list that host ends with -- any single label counts as one, as
// the Public Suffix List's default rule "*" says -- plus the label before it. A host that is
// itself a public suffix ("com.vn", "github.io") or a single label comes back whole; an
// empty or undecodable host gives "". The built-in list is a compact subset of the Public
// Suffix List: Vietnam's second-level and provincial suffixes, the common second levels of
// the region and of big markets (co.uk, com.au, com.cn, com.sg, co.th, com.kh, ...), and
// hosting platforms where each subdomain has a different owner (blogspot.com, github.io,
// web.app, vercel.app, pages.dev, ngrok-free.app, translate.goog, ...).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ringfence::engine::text {

std::string registered_domain(std::string_view host);

// The same into out (replaced), for callers that reuse a buffer.
void registered_domain(std::string_view host, std::string& out);

// The length of the longest public suffix that ends ascii_host (lower-case ASCII, no
// trailing dot): the whole host for "com.vn", 6 for "a.com.vn", 2 for "a.vn"; 0 for "".
std::size_t public_suffix_length(std::string_view ascii_host) noexcept;

}  // namespace ringfence::engine::text
