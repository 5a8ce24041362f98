#include "model/time_format.hpp"

#include <algorithm>

namespace ringfence::model {

namespace {

struct civil_date {
    std::int64_t year;
    unsigned month;  // 1..12
    unsigned day;    // 1..31
};

// Howard Hinnant's civil_from_days: days since 1970-01-01 to a proleptic Gregorian date.
// Works in 400-year eras (146097 days each) counted from 0000-03-01, so the leap day is
// the last day of its year and needs no special case.
civil_date civil_from_days(std::int64_t days) {
    days += 719468;  // shift the epoch from 1970-01-01 to 0000-03-01
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const auto day_of_era = static_cast<unsigned>(days - era * 146097);  // [0, 146096]
    const unsigned year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) /
        365;  // [0, 399]
    const unsigned day_of_year =
        day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const unsigned month_from_march = (5 * day_of_year + 2) / 153;  // [0, 11]
    const unsigned day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    const unsigned month = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9;
    const std::int64_t year =
        static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0);
    return {year, month, day};
}

void put_digits(char* at, unsigned value, int width) {
    for (int i = width - 1; i >= 0; --i) {
        at[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

}  // namespace

void append_rfc3339_utc(std::string& out, std::int64_t epoch_ms) {
    epoch_ms = std::clamp(epoch_ms, rfc3339_min_epoch_ms, rfc3339_max_epoch_ms);
    constexpr std::int64_t ms_per_day = 86400000;
    const std::int64_t days = epoch_ms / ms_per_day;
    auto ms_of_day = static_cast<unsigned>(epoch_ms % ms_per_day);
    const civil_date date = civil_from_days(days);

    char text[24] = {'0', '0', '0', '0', '-', '0', '0', '-', '0', '0', 'T', '0',
                     '0', ':', '0', '0', ':', '0', '0', '.', '0', '0', '0', 'Z'};
    put_digits(text, static_cast<unsigned>(date.year), 4);
    put_digits(text + 5, date.month, 2);
    put_digits(text + 8, date.day, 2);
    put_digits(text + 20, ms_of_day % 1000, 3);
    ms_of_day /= 1000;
    put_digits(text + 17, ms_of_day % 60, 2);
    ms_of_day /= 60;
    put_digits(text + 14, ms_of_day % 60, 2);
    put_digits(text + 11, ms_of_day / 60, 2);
    out.append(text, sizeof text);
}

}  // namespace ringfence::model
