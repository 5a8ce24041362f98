#include "decode/jsonl/rfc3339.hpp"

#include "model/civil_date.hpp"

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

}  // namespace

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
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > static_cast<int>(model::days_in_month(year, static_cast<unsigned>(month))) ||
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
    // Second 60 is a leap second, which only ever follows 23:59:59 UTC (RFC 3339 5.7);
    // anywhere else it is a mistake, not 00 of the next minute.
    if (second == 60 && ((hour * 60 + minute - offset_minutes) % 1440 + 1440) % 1440 != 1439) return std::nullopt;

    const std::int64_t days =
        model::days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    // Local time minus the offset is UTC.
    const std::int64_t seconds =
        days * 86400 + hour * 3600 + minute * 60 + second - std::int64_t{offset_minutes} * 60;
    return seconds * 1000 + millis;
}

}  // namespace ringfence::decode
