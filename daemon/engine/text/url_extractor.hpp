// The URLs in SMS text (sms.urls), including the forms scammers use to slip past filters.
//
// Contract of extract_urls(text, out): out is replaced by the URLs found in text, in order
// of appearance, one entry per occurrence. Recognised:
//   - a scheme URL: http:// https:// and the defanged hxxp:// hxxps:// (any case, also
//     with "[:]//"), whose host has a dot or is a bracketed IPv6 address;
//   - a "www." URL (www, a name and any alphabetic last label);
//   - a bare domain whose last label is a known TLD (tld_list.hpp), followed by a path,
//     query or port ("bit.ly/abc", "vcb-secure.top:8080/x") or standing alone
//     ("Gezne.de"); standing alone, these are taken for two sentences run together and
//     skipped: a Capitalised TLD ("home.It"), and a two-label host whose TLD is also a
//     common word (so, it, in, me, to, co, la, ...: "car.so") or whose first label is all
//     digits ("2.IM"); an e-mail domain ("@gmail.com") is skipped;
//   - a bare IPv4 address followed by a path or port ("203.0.113.7/login").
// Host labels may hold non-ASCII letters (IDN look-alikes). Inside the host, the dot may be
// written "[.]", "(.)", "{.}", "[dot]" or "(dot)"; in a scheme URL's authority (user info
// and host) also "%2E", and letters, digits and '-' may be percent-encoded ("%6F" for 'o'),
// as browsers decode them in a host. A URL ends at whitespace, a control
// character, one of `"<>\`{}|^`, or a non-ASCII character after the host; trailing
// `.,;:!?'"` and `>` are dropped, and `)`, `]`, `}` when not balanced inside the URL.
// Each entry is the URL as written except that it is refanged: hxxp/hxxps become
// http/https (the scheme lower-cased), the bracketed and percent-encoded dots in the host
// become ".", and its other percent escapes the characters they stand for.
// Existing strings in out are reused, so a steady state does not allocate for short URLs.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ringfence::engine::text {

void extract_urls(std::string_view text, std::vector<std::string>& out);

// The same, and starts[i] is the offset in text where out[i] begins as written (its scheme,
// or its host when it has none). A URL never spans ASCII whitespace or a control character,
// so the offset says which word of the text holds it.
void extract_urls(std::string_view text, std::vector<std::string>& out, std::vector<std::size_t>& starts);

// out = text with each word (a run of characters other than space, tab, CR and LF) that
// holds a URL replaced by the word "link"; url_starts are the URLs' offsets from the
// extract_urls above, ascending. The same as extracting the URLs of each word on its own,
// without scanning the words again.
void replace_link_words(std::string_view text, std::span<const std::size_t> url_starts, std::string& out);

// The host part of a URL as extract_urls returns it: without scheme, user info, port,
// path, query and fragment, and without the brackets of an IPv6 literal. Not lower-cased.
std::string_view url_host(std::string_view url) noexcept;

}  // namespace ringfence::engine::text
