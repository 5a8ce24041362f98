// Calendar dates as days since 1970-01-01 (proleptic Gregorian), by arithmetic alone: the
// record timestamps, the subscriber database's dates and the lifecycle all count in these
// days, so no locale or libc time call sits on any path.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ringfence::model {

struct civil_date {
    std::int64_t year;
    unsigned month;  // 1..12
    unsigned day;    // 1..31
};

bool is_leap_year(std::int64_t year) noexcept;
unsigned days_in_month(std::int64_t year, unsigned month) noexcept;

// Howard Hinnant's algorithms: exact for every proleptic Gregorian date.
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) noexcept;
civil_date civil_from_days(std::int64_t days) noexcept;

// "YYYY-MM-DD" (exactly that shape, a real date, years 1900-9999) to days since the epoch.
std::optional<std::int32_t> parse_iso_date(std::string_view text) noexcept;
// Appends "YYYY-MM-DD".
void append_iso_date(std::string& out, std::int64_t days);
std::string iso_date(std::int64_t days);

}  // namespace ringfence::model
