// RFC 3339 timestamps ("2026-11-28T10:00:00.123+07:00") to Unix epoch milliseconds, as the
// JSON-lines wire form carries record times. Pure and allocation-free.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ringfence::decode {

// Accepts exactly the RFC 3339 date-time production, with these readings:
//   - date and time separated by 'T', 't' or one space (RFC 3339 section 5.6 note);
//   - a fraction of any length (at least one digit) truncated, not rounded, to milliseconds;
//   - offset 'Z', 'z' or +hh:mm / -hh:mm (hh <= 23, mm <= 59; "-00:00" is UTC);
//   - month 01-12, day within the month (Feb 29 only in leap years), hour <= 23,
//     minute <= 59, second <= 60. A leap second (:60) is counted as the first second of
//     the next minute, since Unix time has no leap seconds.
// Years are 0000-9999; times before 1970 give negative results. Returns nullopt for
// anything else (no surrounding whitespace is allowed).
std::optional<std::int64_t> parse_rfc3339_ms(std::string_view text) noexcept;

}  // namespace ringfence::decode
