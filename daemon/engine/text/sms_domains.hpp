// sms.domains: the domains a rule compares with domain lists, derived from sms.urls.
//
// Contract of collect_sms_domains(urls, out): out is replaced by, for each URL in order,
// its registered domain (registered_domain(url_host(url))) and then, when it differs, that
// domain's look-alike skeleton (unfold_lookalike), each string once (first occurrence
// wins). So "https://secure.vietc0mbank.com.vn/x" gives "vietc0mbank.com.vn" and
// "vietcombank.com.vn": a blocklist entry matches the real registered domain, and a brand
// list (written as skeletons) matches the imitation. An IP-address host gives the address;
// a URL whose host cannot be decoded gives nothing.
#pragma once

#include <span>
#include <string>
#include <vector>

namespace ringfence::engine::text {

void collect_sms_domains(std::span<const std::string> urls, std::vector<std::string>& out);

// sms.lookalike_domains: out is replaced by, for each URL in order whose registered domain
// differs from its look-alike skeleton (it is written with characters that imitate others:
// "vietc0mbank.com.vn", "vietcornbank.com.vn", Cyrillic letters), that skeleton, each once.
// A domain written plainly gives nothing, so an official domain is never here.
void collect_lookalike_domains(std::span<const std::string> urls, std::vector<std::string>& out);

}  // namespace ringfence::engine::text
