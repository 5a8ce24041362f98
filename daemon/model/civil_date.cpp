#include "model/civil_date.hpp"

namespace ringfence::model {

bool is_leap_year(std::int64_t year) noexcept { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

unsigned days_in_month(std::int64_t year, unsigned month) noexcept {
    static constexpr unsigned days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && is_leap_year(year)) return 29;
    return days[month - 1];
}

std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) noexcept {
    year -= month <= 2 ? 1 : 0;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const auto year_of_era = static_cast<unsigned>(year - era * 400);
    const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

// Works in 400-year eras (146097 days each) counted from 0000-03-01, so the leap day is
// the last day of its year and needs no special case.
civil_date civil_from_days(std::int64_t days) noexcept {
    days += 719468;  // shift the epoch from 1970-01-01 to 0000-03-01
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const auto day_of_era = static_cast<unsigned>(days - era * 146097);  // [0, 146096]
    const unsigned year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const unsigned month_from_march = (5 * day_of_year + 2) / 153;  // [0, 11]
    const unsigned day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    const unsigned month = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9;
    const std::int64_t year = static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0);
    return {year, month, day};
}

std::optional<std::int32_t> parse_iso_date(std::string_view t) noexcept {
    if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
    unsigned v[3] = {0, 0, 0};
    const int starts[3] = {0, 5, 8}, lengths[3] = {4, 2, 2};
    for (int f = 0; f < 3; ++f)
        for (int i = 0; i < lengths[f]; ++i) {
            const char c = t[static_cast<std::size_t>(starts[f] + i)];
            if (c < '0' || c > '9') return std::nullopt;
            v[f] = v[f] * 10 + static_cast<unsigned>(c - '0');
        }
    if (v[0] < 1900 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > days_in_month(v[0], v[1])) return std::nullopt;
    return static_cast<std::int32_t>(days_from_civil(v[0], v[1], v[2]));
}

void append_iso_date(std::string& out, std::int64_t days) {
    const civil_date d = civil_from_days(days);
    char text[10] = {'0', '0', '0', '0', '-', '0', '0', '-', '0', '0'};
    auto put = [&](int at, unsigned value, int width) {
        for (int i = width - 1; i >= 0; --i) {
            text[at + i] = static_cast<char>('0' + value % 10);
            value /= 10;
        }
    };
    put(0, static_cast<unsigned>(d.year < 0 ? 0 : d.year > 9999 ? 9999 : d.year), 4);
    put(5, d.month, 2);
    put(8, d.day, 2);
    out.append(text, sizeof text);
}

std::string iso_date(std::int64_t days) {
    std::string s;
    append_iso_date(s, days);
    return s;
}

}  // namespace ringfence::model
