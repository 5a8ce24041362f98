// Local calendar days: what subscriber lifecycles count in, and what `subscribers show`
// takes as today, in engine.time_zone rather than UTC.
#include <doctest/doctest.h>

#include "common/time_zone.hpp"

using ringfence::common::time_zone;

TEST_CASE("local_day: the calendar day in the zone, which differs from UTC's for part of the day") {
    std::string why;
    const auto vn = time_zone::load("Asia/Ho_Chi_Minh", why);
    REQUIRE_MESSAGE(vn, why);
    const auto utc = time_zone::load("UTC", why);
    REQUIRE_MESSAGE(utc, why);
    const std::int64_t evening_utc = 1'796'000'000'000 - 1'796'000'000'000 % 86'400'000 + 20 * 3'600'000;  // 20:00Z
    CHECK(vn->local_day(evening_utc) == utc->local_day(evening_utc) + 1);  // 03:00 the next day in Viet Nam
    CHECK(vn->local_day(evening_utc - 4 * 3'600'000) == utc->local_day(evening_utc));  // 16:00Z = 23:00 local, the same day
    CHECK(utc->local_day(0) == 0);    // 1970-01-01
    CHECK(utc->local_day(-1) == -1);  // 1969-12-31
}
