// SMS texts for the benchmarks (`bench engine`, `bench ingest`): a mix like a carrier's SMS
// traffic, each text different. A handful of fixed texts decided again and again lets the
// processor's branch predictors learn every branch of folding, link reading and keyword
// scanning, which real traffic never allows: code that is fastest there can be slowest on
// varied text.
//
// The mix, by share of texts: balance and top-up notices 20%, one-time codes 15%, chat in
// Vietnamese with diacritics 15%, chat in English 5%, Decree 91 advertising ([QC]) 15%,
// bank-lock phishing with a link 15% (a third of those on a domain of the bench's
// blocked_domains list, scam-N.top), parcel phishing with a link in English 10%, transfer
// requests with a bank account 5%. Numbers, amounts, names, words and links vary; about
// 60-160 bytes a text.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ringfence::cli {

// `count` texts from `seed` (the same seed gives the same texts). blocked_domains: how many
// scam-N.top domains the bench lists (0: phishing links never use one).
std::vector<std::string> generate_sms_texts(std::size_t count, std::uint64_t seed, std::uint64_t blocked_domains);

}  // namespace ringfence::cli
