// Renders Unix epoch milliseconds as an RFC 3339 UTC timestamp with milliseconds
// ("2026-11-28T03:00:00.123Z"), by calendar arithmetic alone: no locale, no time zone
// database, no libc time calls, so it is cheap and gives the same text on every host.
#pragma once

#include <cstdint>
#include <string>

namespace ringfence::model {

// The range the text form covers: 1970-01-01T00:00:00.000Z .. 9999-12-31T23:59:59.999Z.
inline constexpr std::int64_t rfc3339_min_epoch_ms = 0;
inline constexpr std::int64_t rfc3339_max_epoch_ms = 253402300799999;

// Appends exactly 24 characters. A value outside the range above is clamped to its
// nearest end, so the output always has the fixed four-digit-year shape (callers that
// need the exact value also log the number itself).
void append_rfc3339_utc(std::string& out, std::int64_t epoch_ms);

}  // namespace ringfence::model
