// Host names in the form DNS and blocklists use (IDNA ToASCII, compact): what turns the
// host of a URL found in an SMS ("Vietcombаnk.com" with a Cyrillic а, "bücher.example")
// into the lower-case ASCII that list entries are written in ("xn--vietcombnk-6qi.com").
//
// Contract of host_to_ascii(host, out): out is replaced by host with
//   - labels split at "." and at the ideographic and full-width full stops (U+3002, U+FF0E,
//     U+FF61); a trailing dot removed;
//   - full-width ASCII mapped to ASCII, invisible characters (zero-width, soft hyphen,
//     variation selectors) removed, letters lower-cased (lower_code_point);
//   - every label that still holds a non-ASCII code point written "xn--" + Punycode.
// Not done (and not needed to match lists written by the same rules): NFC normalisation,
// the full UTS-46 mapping table, bidi and joiner validity checks. Returns false (out
// unspecified) on malformed UTF-8 or a label Punycode cannot encode.
#pragma once

#include <string>
#include <string_view>

namespace ringfence::engine::text {

bool host_to_ascii(std::string_view host, std::string& out);

// The lower-case form of a letter of ASCII, Latin-1, Latin Extended-A, the Vietnamese
// horned letters (Ơ Ư), Latin Extended Additional, Greek and Cyrillic; cp itself otherwise.
char32_t lower_code_point(char32_t cp) noexcept;

}  // namespace ringfence::engine::text
