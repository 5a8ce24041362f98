#include "decode/jsonl/rfc3339.hpp"

namespace ringfence::decode {

namespace {

// The value of the two (or four) ASCII digits at p, or -1 when one is not a digit. The
// fixed-position reads keep this cheap: it runs once per record.
int two_digits(const char* p) noexcept {
    const unsigned hi = static_cast<unsigned char>(p[0]) - unsigned{'0'};
    const unsigned lo = static_cast<unsigned char>(p[1]) - unsigned{'0'};
    return hi <= 9 && lo <= 9 ? static_cast<int>(hi * 10 + lo) : -1;
}

int four_digits(const char* p) noexcept {
    const int hi = two_digits(p);
    const int lo = two_digits(p + 2);
    return hi >= 0 && lo >= 0 ? hi * 100 + lo : -1;
}

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

bool is_leap_year(int year) noexcept {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) noexcept {
    static constexpr int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && is_leap_year(year)) return 29;
    return days[month - 1];
}

}  // namespace

// Howard Hinnant's days_from_civil: exact for every proleptic Gregorian date.
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) noexcept {
    year -= month <= 2 ? 1 : 0;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const auto year_of_era = static_cast<unsigned>(year - era * 400);
    const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const unsigned day_of_era =
        year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

std::optional<std::int64_t> parse_rfc3339_ms(std::string_view text) noexcept {
    // "YYYY-MM-DDTHH:MM:SS" is fixed width; the fraction and the offset follow.
    constexpr std::size_t fixed_length = 19;
    if (text.size() < fixed_length + 1) return std::nullopt;
    const char* p = text.data();
    if (p[4] != '-' || p[7] != '-' || p[13] != ':' || p[16] != ':') return std::nullopt;
    if (p[10] != 'T' && p[10] != 't' && p[10] != ' ') return std::nullopt;
    const int year = four_digits(p);
    const int month = two_digits(p + 5);
    const int day = two_digits(p + 8);
    const int hour = two_digits(p + 11);
    const int minute = two_digits(p + 14);
    const int second = two_digits(p + 17);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) ||
        hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60)
        return std::nullopt;
    std::size_t pos = fixed_length;

    int millis = 0;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        const std::size_t first = pos;
        while (pos < text.size() && is_digit(text[pos])) {
            // Only the first three digits count: truncation to milliseconds.
            if (pos - first < 3) millis = millis * 10 + (text[pos] - '0');
            ++pos;
        }
        const std::size_t count = pos - first;
        if (count == 0) return std::nullopt;
        for (std::size_t k = count; k < 3; ++k) millis *= 10;
    }

    int offset_minutes = 0;
    if (pos >= text.size()) return std::nullopt;
    const char zone = text[pos++];
    if (zone == '+' || zone == '-') {
        // Exactly "hh:mm" must remain.
        if (text.size() - pos != 5 || p[pos + 2] != ':') return std::nullopt;
        const int offset_hour = two_digits(p + pos);
        const int offset_minute = two_digits(p + pos + 3);
        if (offset_hour < 0 || offset_hour > 23 || offset_minute < 0 || offset_minute > 59)
            return std::nullopt;
        pos += 5;
        offset_minutes = offset_hour * 60 + offset_minute;
        if (zone == '-') offset_minutes = -offset_minutes;
    } else if (zone != 'Z' && zone != 'z') {
        return std::nullopt;
    }
    if (pos != text.size()) return std::nullopt;

    const std::int64_t days =
        days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    // Local time minus the offset is UTC.
    const std::int64_t seconds =
        days * 86400 + hour * 3600 + minute * 60 + second - std::int64_t{offset_minutes} * 60;
    return seconds * 1000 + millis;
}

}  // namespace ringfence::decode
