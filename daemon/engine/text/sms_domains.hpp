// sms.domains: the domains a rule compares with domain lists, derived from sms.urls.
//
// Contract of collect_sms_domains(urls, out): out is replaced by, for each URL in order,
// its registered domain (registered_domain(url_host(url))) and then, when it differs, the
// registered domain of the host's look-alike skeleton (unfold_lookalike, applied to the
// whole host so a look-alike suffix unfolds too: "vietcombank.corn.vn" gives "corn.vn" and
// "vietcombank.com.vn"), each string once (first occurrence wins). So "https://secure.vietc0mbank.com.vn/x" gives "vietc0mbank.com.vn" and
// "vietcombank.com.vn": a blocklist entry matches the real registered domain, and a brand
// list (written as skeletons) matches the imitation. An IP-address host gives the address;
// a URL whose host cannot be decoded gives nothing.
#pragma once

#include <span>
#include <string>
#include <vector>

namespace ringfence::engine::text {

// written (when given) is replaced by the registered domains alone, as written, each once:
// what aggregates keyed or counted by sms.domains count, so that one link is one key;
// lookalikes (when given) is replaced by sms.lookalike_domains: for each URL whose registered
// domain differs from the registered domain of its host's look-alike skeleton (written with
// characters that can imitate others: "vietc0mbank.com.vn", "vietcornbank.com.vn", Cyrillic
// letters; digits too, so "kenh14.vn" gives "kenhl4.vn"), that skeleton, and when a label of
// three letters or more holds a digit read as a letter (unfold_lookalike's letter readings),
// those skeletons too ("b1dv-secure.top": "bldv-secure.top" and "bidv-secure.top"), each once.
// A domain written in plain letters gives nothing, so such an official domain is never there.
// hosts (when given) is replaced by sms.hosts: each URL's whole host in ASCII (IDNA), lower
// case, each once ("vietcombank.com.vn.dang-nhap.net": the bank's name before a registered
// domain of someone else's), with the user info the URL writes before it, if any
// ("vietcombank.com.vn@evil.net").
void collect_sms_domains(std::span<const std::string> urls, std::vector<std::string>& out,
                         std::vector<std::string>* written = nullptr, std::vector<std::string>* lookalikes = nullptr,
                         std::vector<std::string>* hosts = nullptr);

}  // namespace ringfence::engine::text
