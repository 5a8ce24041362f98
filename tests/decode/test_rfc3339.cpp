// RFC 3339 timestamps to epoch milliseconds: every accepted form and every rejected one.
#include <doctest/doctest.h>

#include <optional>

#include "decode/jsonl/rfc3339.hpp"
#include "model/civil_date.hpp"

using ringfence::model::days_from_civil;
using ringfence::decode::parse_rfc3339_ms;

namespace {
constexpr std::int64_t hour_ms = 3600 * 1000;
// 2026-11-28T00:00:00Z
constexpr std::int64_t day_2026_11_28 = 1795824000000;
}  // namespace

TEST_CASE("days_from_civil: known dates") {
    CHECK(days_from_civil(1970, 1, 1) == 0);
    CHECK(days_from_civil(1970, 1, 2) == 1);
    CHECK(days_from_civil(1969, 12, 31) == -1);
    CHECK(days_from_civil(2000, 3, 1) == 11017);
    CHECK(days_from_civil(2026, 11, 28) * 86400000 == day_2026_11_28);
}

TEST_CASE("rfc3339: UTC with Z and z") {
    CHECK(parse_rfc3339_ms("1970-01-01T00:00:00Z") == std::optional<std::int64_t>(0));
    CHECK(parse_rfc3339_ms("2026-11-28T00:00:00Z") == day_2026_11_28);
    CHECK(parse_rfc3339_ms("2026-11-28t00:00:00z") == day_2026_11_28);
    CHECK(parse_rfc3339_ms("2026-11-28 00:00:00Z") == day_2026_11_28);
    CHECK(parse_rfc3339_ms("2026-11-28T03:04:05Z") ==
          day_2026_11_28 + 3 * hour_ms + 4 * 60000 + 5000);
}

TEST_CASE("rfc3339: offsets move the instant to UTC") {
    CHECK(parse_rfc3339_ms("2026-11-28T10:00:00.123+07:00") == day_2026_11_28 + 3 * hour_ms + 123);
    CHECK(parse_rfc3339_ms("2026-11-27T21:00:00-03:00") == day_2026_11_28);
    CHECK(parse_rfc3339_ms("2026-11-28T05:30:00+05:30") == day_2026_11_28);
    CHECK(parse_rfc3339_ms("2026-11-28T00:00:00-00:00") == day_2026_11_28);
    CHECK(parse_rfc3339_ms("2026-11-28T00:00:00+23:59") == day_2026_11_28 - (23 * 60 + 59) * 60000);
    // Crossing the date line backwards into the previous year.
    CHECK(parse_rfc3339_ms("2026-01-01T01:00:00+02:00") ==
          days_from_civil(2025, 12, 31) * 86400000 + 23 * hour_ms);
}

TEST_CASE("rfc3339: fractions of any length truncate to milliseconds") {
    CHECK(parse_rfc3339_ms("2026-11-28T00:00:00.1Z") == day_2026_11_28 + 100);
    CHECK(parse_rfc3339_ms("2026-11-28T00:00:00.12Z") == day_2026_11_28 + 120);
    CHECK(parse_rfc3339_ms("2026-11-28T00:00:00.123Z") == day_2026_11_28 + 123);
    CHECK(parse_rfc3339_ms("2026-11-28T00:00:00.1239Z") == day_2026_11_28 + 123);
    CHECK(parse_rfc3339_ms("2026-11-28T00:00:00.999999999Z") == day_2026_11_28 + 999);
    CHECK(parse_rfc3339_ms("2026-11-28T00:00:00.000000000000000000001Z") == day_2026_11_28);
    CHECK_FALSE(parse_rfc3339_ms("2026-11-28T00:00:00.Z"));
    CHECK_FALSE(parse_rfc3339_ms("2026-11-28T00:00:00,5Z"));
}

TEST_CASE("rfc3339: calendar validation") {
    CHECK(parse_rfc3339_ms("2024-02-29T00:00:00Z") == days_from_civil(2024, 2, 29) * 86400000);
    CHECK(parse_rfc3339_ms("2000-02-29T00:00:00Z"));        // divisible by 400: leap
    CHECK_FALSE(parse_rfc3339_ms("2026-02-29T00:00:00Z"));  // not a leap year
    CHECK_FALSE(parse_rfc3339_ms("1900-02-29T00:00:00Z"));  // divisible by 100: not leap
    CHECK_FALSE(parse_rfc3339_ms("2026-02-30T00:00:00Z"));
    CHECK_FALSE(parse_rfc3339_ms("2026-04-31T00:00:00Z"));
    CHECK(parse_rfc3339_ms("2026-12-31T23:59:59Z"));
    CHECK_FALSE(parse_rfc3339_ms("2026-13-01T00:00:00Z"));
    CHECK_FALSE(parse_rfc3339_ms("2026-00-01T00:00:00Z"));
    CHECK_FALSE(parse_rfc3339_ms("2026-01-00T00:00:00Z"));
    CHECK_FALSE(parse_rfc3339_ms("2026-01-32T00:00:00Z"));
    CHECK_FALSE(parse_rfc3339_ms("2026-01-01T24:00:00Z"));
    CHECK_FALSE(parse_rfc3339_ms("2026-01-01T00:60:00Z"));
    CHECK_FALSE(parse_rfc3339_ms("2026-01-01T00:00:61Z"));
}

TEST_CASE("rfc3339: a leap second counts as the next minute's first second") {
    CHECK(parse_rfc3339_ms("2016-12-31T23:59:60Z") == days_from_civil(2017, 1, 1) * 86400000);
    CHECK(parse_rfc3339_ms("2016-12-31T23:59:60.500Z") ==
          days_from_civil(2017, 1, 1) * 86400000 + 500);
    // In local time too: 06:59:60+07:00 is 23:59:60 UTC.
    CHECK(parse_rfc3339_ms("2017-01-01T06:59:60+07:00") == days_from_civil(2017, 1, 1) * 86400000);
    // Anywhere but after 23:59:59 UTC, second 60 is a mistake, not the next minute.
    CHECK_FALSE(parse_rfc3339_ms("2026-06-30T10:00:60Z"));
    CHECK_FALSE(parse_rfc3339_ms("2016-12-31T23:59:60+07:00"));
}

TEST_CASE("rfc3339: years before 1970 are negative") {
    CHECK(parse_rfc3339_ms("1969-12-31T23:59:59.500Z") == -500);
    CHECK(parse_rfc3339_ms("0000-01-01T00:00:00Z") == days_from_civil(0, 1, 1) * 86400000);
    CHECK(parse_rfc3339_ms("9999-12-31T23:59:59.999Z") == 253402300799999);
}

TEST_CASE("rfc3339: malformed shapes") {
    const char* bad[] = {
        "",
        "2026-11-28",
        "2026-11-28T10:00:00",        // no offset
        "2026-11-28T10:00Z",          // no seconds
        "2026-11-28T10:00:00+07",     // offset without minutes
        "2026-11-28T10:00:00+0700",   // offset without colon
        "2026-11-28T10:00:00+24:00",  // offset hour out of range
        "2026-11-28T10:00:00+07:60",  // offset minute out of range
        "2026-11-28X10:00:00Z",       // bad separator
        "2026-11-28T10:00:00Z ",      // trailing space
        " 2026-11-28T10:00:00Z",      // leading space
        "2026-11-28T10:00:00ZZ",      // trailing garbage
        "26-11-28T10:00:00Z",         // two-digit year
        "2026-1-28T10:00:00Z",        // one-digit month
        "2026-11-28T1:00:00Z",        // one-digit hour
        "+2026-11-28T10:00:00Z",
        "2026/11/28T10:00:00Z",
        "2026-11-28T10:00:00.12a3Z",
        "1795834800123",
    };
    for (const char* text : bad) {
        CAPTURE(text);
        CHECK_FALSE(parse_rfc3339_ms(text));
    }
}
