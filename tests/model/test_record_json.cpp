// The record_json rendering and its RFC 3339 time formatter: exact text for a full and a
// minimal record, escaping, and calendar dates around leap years and the range ends.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "model/record.hpp"
#include "model/record_json.hpp"
#include "model/time_format.hpp"

using namespace ringfence;

namespace {

std::string rfc3339(std::int64_t epoch_ms) {
    std::string out;
    model::append_rfc3339_utc(out, epoch_ms);
    return out;
}

std::string render(const model::record& r) {
    std::string out;
    model::append_record_json(out, r);
    return out;
}

void set_number(model::number_info& n, std::string raw, std::string e164, std::string country,
                model::number_type type, bool is_home) {
    n.present = true;
    n.raw = std::move(raw);
    n.e164 = std::move(e164);
    n.country = std::move(country);
    n.type = type;
    n.is_home = is_home;
}

model::extra_field extra(std::string name, model::extra_field::json_type type, std::string text) {
    model::extra_field f;
    f.name = std::move(name);
    f.type = type;
    f.text = std::move(text);
    return f;
}

}  // namespace

TEST_CASE("rfc3339: the example from the log schema") {
    CHECK(rfc3339(1795834800123) == "2026-11-28T03:00:00.123Z");
}

TEST_CASE("rfc3339: the epoch and the last representable millisecond") {
    CHECK(rfc3339(0) == "1970-01-01T00:00:00.000Z");
    CHECK(rfc3339(model::rfc3339_max_epoch_ms) == "9999-12-31T23:59:59.999Z");
}

TEST_CASE("rfc3339: values outside 1970..9999 are clamped to the range ends") {
    CHECK(rfc3339(-1) == "1970-01-01T00:00:00.000Z");
    CHECK(rfc3339(INT64_MIN) == "1970-01-01T00:00:00.000Z");
    CHECK(rfc3339(model::rfc3339_max_epoch_ms + 1) == "9999-12-31T23:59:59.999Z");
    CHECK(rfc3339(INT64_MAX) == "9999-12-31T23:59:59.999Z");
}

TEST_CASE("rfc3339: dates around leap days") {
    CHECK(rfc3339(68169600001) == "1972-02-29T00:00:00.001Z");    // first leap day after the epoch
    CHECK(rfc3339(951827696789) == "2000-02-29T12:34:56.789Z");   // divisible by 400: leap
    CHECK(rfc3339(1677628799999) == "2023-02-28T23:59:59.999Z");  // common year
    CHECK(rfc3339(1677628800000) == "2023-03-01T00:00:00.000Z");
    CHECK(rfc3339(1709251199999) == "2024-02-29T23:59:59.999Z");  // leap year
    CHECK(rfc3339(1709251200000) == "2024-03-01T00:00:00.000Z");
    CHECK(rfc3339(1735689599999) == "2024-12-31T23:59:59.999Z");  // day 366
    CHECK(rfc3339(4107542399999) == "2100-02-28T23:59:59.999Z");  // divisible by 100 only: common
    CHECK(rfc3339(4107542400000) == "2100-03-01T00:00:00.000Z");
}

TEST_CASE("rfc3339: every day from 1970 to 9999 matches a day-by-day calendar walk") {
    // An independent count: step one day at a time with the textbook leap-year rule.
    auto is_leap = [](int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; };
    auto month_days = [&](int y, int m) {
        static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        return m == 2 && is_leap(y) ? 29 : days[m - 1];
    };
    int y = 1970, m = 1, d = 1;
    std::int64_t day = 0;
    int mismatches = 0;
    char expected[64];
    for (; y <= 9999; ++day) {
        // Noon plus a day-dependent millisecond, so the time-of-day digits move too.
        const std::int64_t ms = day * 86400000 + 43200000 + day % 1000;
        std::snprintf(expected, sizeof expected, "%04d-%02d-%02dT12:00:00.%03dZ", y, m, d,
                      static_cast<int>(day % 1000));
        if (rfc3339(ms) != expected && ++mismatches <= 5) CHECK(rfc3339(ms) == expected);
        if (++d > month_days(y, m)) {
            d = 1;
            if (++m > 12) {
                m = 1;
                ++y;
            }
        }
    }
    CHECK(mismatches == 0);
    CHECK(day == 2932897);  // days from 1970-01-01 to 10000-01-01
}

TEST_CASE("rfc3339: appends to what is already in the buffer") {
    std::string out = "at ";
    model::append_rfc3339_utc(out, 1000);
    CHECK(out == "at 1970-01-01T00:00:01.000Z");
}

TEST_CASE("record_json: a minimal record has only the fixed keys") {
    model::record r;
    CHECK(
        render(r) ==
        R"({"id":"","kind":"call.attempt","time":"1970-01-01T00:00:00.000Z","time_ms":0,"time_from_receipt":false})");

    r.id = "m-1";
    r.kind = model::event_kind::sms_submit;
    r.time_ms = 1795834800123;
    r.time_from_receipt = true;
    CHECK(
        render(r) ==
        R"({"id":"m-1","kind":"sms.submit","time":"2026-11-28T03:00:00.123Z","time_ms":1795834800123,"time_from_receipt":true})");
}

TEST_CASE("record_json: an id the sender gave as an integer stays an integer, as the reply echoes it") {
    model::record r;
    r.id = "-42";
    r.id_is_integer = true;
    CHECK(render(r).rfind(R"({"id":-42,"kind":)", 0) == 0);
    r.id_is_integer = false;
    CHECK(render(r).rfind(R"({"id":"-42","kind":)", 0) == 0);
}

TEST_CASE("record_json: a full record, every section in order") {
    model::record r;
    r.id = "r-42";
    r.kind = model::event_kind::call_end;
    r.time_ms = 1795834800123;
    set_number(r.caller, "0912 345 678", "+84912345678", "VN", model::number_type::mobile, true);
    set_number(r.callee, "+44 20 7946 0000", "+442079460000", "GB", model::number_type::fixed,
               false);
    set_number(r.asserted, "1900", "", "", model::number_type::short_code, true);
    set_number(r.diversion, "0281234567", "+84281234567", "VN", model::number_type::fixed, true);
    r.origin.kind = model::origin_kind::international;
    r.origin.trunk = "TRK-7";
    r.origin.ip = "203.0.113.9";
    r.origin.user_agent = "Asterisk PBX 18";
    r.call.present = true;
    r.call.ring_ms = 4200;
    r.call.cause = "normal clearing";
    r.sms.present = true;
    r.sms.sender = "VCB";
    r.sms.sender_is_alpha = true;
    r.sms.text = "OTP 123456";
    r.sms.parts = 2;
    using jt = model::extra_field::json_type;
    r.extra.push_back(extra("origin.vlan", jt::number, "42"));
    r.extra.push_back(extra("note", jt::string, "left \"as is\""));
    r.extra.push_back(extra("flags", jt::array, "[1,\"a\"]"));
    r.extra.push_back(extra("meta", jt::object, "{\"k\":true}"));
    r.extra.push_back(extra("ok", jt::boolean, "false"));
    r.extra.push_back(extra("none", jt::null, "null"));

    CHECK(
        render(r) ==
        R"({"id":"r-42","kind":"call.end","time":"2026-11-28T03:00:00.123Z","time_ms":1795834800123,)"
        R"("time_from_receipt":false,)"
        R"("caller":{"raw":"0912 345 678","e164":"+84912345678","country":"VN","type":"mobile","is_home":true},)"
        R"("callee":{"raw":"+44 20 7946 0000","e164":"+442079460000","country":"GB","type":"fixed","is_home":false},)"
        R"("asserted":{"raw":"1900","e164":null,"country":null,"type":"short_code","is_home":true},)"
        R"("diversion":{"raw":"0281234567","e164":"+84281234567","country":"VN","type":"fixed","is_home":true},)"
        R"("origin":{"kind":"international","trunk":"TRK-7","ip":"203.0.113.9","user_agent":"Asterisk PBX 18"},)"
        R"("call":{"ring_ms":4200,"talk_ms":null,"cause":"normal clearing"},)"
        R"("sms":{"sender":"VCB","sender_is_alpha":true,"text":"OTP 123456","parts":2},)"
        R"("extra":{"origin.vlan":42,"note":"left \"as is\"","flags":[1,"a"],"meta":{"k":true},"ok":false,"none":null}})");
}

TEST_CASE("record_json: only the origin fields that are set, no origin when none is") {
    model::record r;
    r.origin.ip = "198.51.100.7";
    CHECK(
        render(r) ==
        R"({"id":"","kind":"call.attempt","time":"1970-01-01T00:00:00.000Z","time_ms":0,"time_from_receipt":false,)"
        R"("origin":{"ip":"198.51.100.7"}})");
    r.origin.ip.clear();
    r.origin.kind = model::origin_kind::ott;
    r.origin.user_agent = "WhatsApp";
    CHECK(
        render(r) ==
        R"({"id":"","kind":"call.attempt","time":"1970-01-01T00:00:00.000Z","time_ms":0,"time_from_receipt":false,)"
        R"("origin":{"kind":"ott","user_agent":"WhatsApp"}})");
}

TEST_CASE("record_json: a call with every value unset renders nulls") {
    model::record r;
    r.call.present = true;
    r.call.talk_ms = 0;
    CHECK(
        render(r) ==
        R"({"id":"","kind":"call.attempt","time":"1970-01-01T00:00:00.000Z","time_ms":0,"time_from_receipt":false,)"
        R"("call":{"ring_ms":null,"talk_ms":0,"cause":null}})");
}

TEST_CASE("record_json: text is escaped and invalid UTF-8 replaced") {
    model::record r;
    r.id = "a\"b\\c";
    r.sms.present = true;
    r.sms.sender = "+84912345678";
    r.sms.text =
        "Qu\xC3\xBD kh\xC3\xA1"
        "ch\n\t\"OTP\" \x01\xFF";
    r.extra.push_back(extra("new\nline", model::extra_field::json_type::string, "\x1F"));
    r.extra.push_back(extra("empty_number", model::extra_field::json_type::number, ""));
    CHECK(render(r) ==
          "{\"id\":\"a\\\"b\\\\c\",\"kind\":\"call.attempt\",\"time\":\"1970-01-01T00:00:00.000Z\","
          "\"time_ms\":0,"
          "\"time_from_receipt\":false,"
          "\"sms\":{\"sender\":\"+84912345678\",\"sender_is_alpha\":false,"
          "\"text\":\"Qu\xC3\xBD kh\xC3\xA1"
          "ch\\n\\t\\\"OTP\\\" \\u0001\xEF\xBF\xBD\",\"parts\":1},"
          "\"extra\":{\"new\\nline\":\"\\u001f\",\"empty_number\":null}}");
}

TEST_CASE("record_json: appends without clearing the buffer") {
    std::string out = "prefix ";
    model::record r;
    r.id = "x";
    model::append_record_json(out, r);
    CHECK(out.rfind("prefix {\"id\":\"x\",", 0) == 0);
    CHECK(out.back() == '}');
}
