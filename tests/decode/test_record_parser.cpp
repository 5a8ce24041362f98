// The JSON-lines wire parser: every field of the wire form, and every bad input with its
// exact code and message.
#include <arpa/inet.h>
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "decode/jsonl/record_parser.hpp"
#include "jsonl_test_plan.hpp"

using jsonl_test::parse_line;
using jsonl_test::received_at;
using ringfence::decode::parse_error;
using ringfence::decode::record_json_parser;
using ringfence::model::event_kind;
using ringfence::model::extra_field;
using ringfence::model::number_type;
using ringfence::model::origin_kind;

namespace {

// 2026-11-28T10:00:00.123+07:00
constexpr std::int64_t brief_time_ms = 1795834800123;

const std::string full_call =
    R"({"id":"c-1","kind":"call.attempt","time":"2026-11-28T10:00:00.123+07:00",)"
    R"("caller":"+84912345678","callee":"0987654321","asserted":"+84912345678","diversion":"0281234567",)"
    R"("origin":{"kind":"international","trunk":"INTL-GW-1","ip":"203.0.113.7","user_agent":"UA/1.0"},)"
    R"("call":{"ring_ms":1200,"talk_ms":0,"cause":"no_answer"},)"
    R"("sms":{"sender":"VCB","text":"hello","parts":2}})";

// A minimal valid call record with `extra` spliced in before the closing brace.
std::string call_with(std::string_view extra) {
    std::string line =
        R"({"id":"c-1","kind":"call.attempt","caller":"+84912345678","callee":"0987654321")";
    if (!extra.empty()) {
        line += ',';
        line += extra;
    }
    line += '}';
    return line;
}

void check_error(std::string_view line, parse_error error, std::string_view message) {
    CAPTURE(line);
    const auto p = parse_line(line);
    CHECK_FALSE(p.status.ok);
    CHECK(p.status.error == error);
    CHECK(p.status.message == message);
}

}  // namespace

TEST_CASE("record parser: the full wire form of a call") {
    const auto p = parse_line(full_call);
    REQUIRE(p.status.ok);
    CHECK(p.status.error == parse_error::none);
    CHECK(p.status.code() == "");
    CHECK(p.status.message.empty());
    CHECK_FALSE(p.status.id.has_value());
    const auto& r = p.rec;
    CHECK(r.id == "c-1");
    CHECK(r.kind == event_kind::call_attempt);
    CHECK(r.time_ms == brief_time_ms);
    CHECK_FALSE(r.time_from_receipt);

    CHECK(r.caller.present);
    CHECK(r.caller.raw == "+84912345678");
    CHECK(r.caller.e164 == "+84912345678");
    CHECK(r.caller.country == "VN");
    CHECK(r.caller.type == number_type::mobile);
    CHECK(r.caller.is_home);

    CHECK(r.callee.present);
    CHECK(r.callee.raw == "0987654321");
    CHECK(r.callee.e164 == "+84987654321");
    CHECK(r.callee.type == number_type::mobile);
    CHECK(r.callee.is_home);

    CHECK(r.asserted.present);
    CHECK(r.asserted.e164 == "+84912345678");

    CHECK(r.diversion.present);
    CHECK(r.diversion.raw == "0281234567");
    CHECK(r.diversion.e164 == "+84281234567");

    CHECK(r.origin.kind == origin_kind::international);
    CHECK(r.origin.trunk == "INTL-GW-1");
    CHECK(r.origin.ip == "203.0.113.7");
    CHECK(r.origin.user_agent == "UA/1.0");

    CHECK(r.call.present);
    CHECK(r.call.ring_ms == 1200);
    CHECK(r.call.talk_ms == 0);
    CHECK(r.call.cause == "no_answer");

    CHECK(r.sms.present);
    CHECK(r.sms.sender == "VCB");
    CHECK(r.sms.sender_is_alpha);
    CHECK(r.sms.text == "hello");
    CHECK(r.sms.parts == 2);
    CHECK(r.extra.empty());
}

TEST_CASE("record parser: every event kind") {
    const char* kinds[] = {"call.attempt", "call.answer", "call.end", "sms.submit", "sms.deliver"};
    const event_kind expected[] = {event_kind::call_attempt, event_kind::call_answer,
                                   event_kind::call_end, event_kind::sms_submit,
                                   event_kind::sms_deliver};
    for (int i = 0; i < 5; ++i) {
        const std::string line = std::string(R"({"id":"k","kind":")") + kinds[i] +
                                 R"(","caller":"0912345678","callee":"0987654321"})";
        const auto p = parse_line(line);
        CAPTURE(line);
        REQUIRE(p.status.ok);
        CHECK(p.rec.kind == expected[i]);
    }
}

TEST_CASE("record parser: optional parts left out") {
    const auto p = parse_line(call_with(""));
    REQUIRE(p.status.ok);
    CHECK_FALSE(p.rec.asserted.present);
    CHECK(p.rec.origin.kind == origin_kind::unspecified);
    CHECK(p.rec.origin.trunk.empty());
    CHECK_FALSE(p.rec.call.present);
    CHECK_FALSE(p.rec.call.ring_ms.has_value());
    CHECK_FALSE(p.rec.sms.present);
    CHECK(p.rec.sms.parts == 1);
    // No time: the receipt time stands in, and the record says so.
    CHECK(p.rec.time_ms == received_at);
    CHECK(p.rec.time_from_receipt);
}

TEST_CASE("record parser: an integer id is kept as its decimal text") {
    auto p =
        parse_line(R"({"id":12345,"kind":"call.end","caller":"0912345678","callee":"0987654321"})");
    REQUIRE(p.status.ok);
    CHECK(p.rec.id == "12345");
    p = parse_line(R"({"id": -7 ,"kind":"call.end","caller":"0912345678","callee":"0987654321"})");
    REQUIRE(p.status.ok);
    CHECK(p.rec.id == "-7");
    p = parse_line(
        R"({"id":18446744073709551615,"kind":"call.end","caller":"0912345678","callee":"0987654321"})");
    REQUIRE(p.status.ok);
    CHECK(p.rec.id == "18446744073709551615");
    p = parse_line(R"({"id":"","kind":"call.end","caller":"0912345678","callee":"0987654321"})");
    REQUIRE(p.status.ok);
    CHECK(p.rec.id.empty());
}

TEST_CASE("record parser: strings are unescaped and keys may be escaped") {
    const auto p = parse_line(
        R"({"id":"a\"b\\c\u00e9\ud83d\ude00","kind":"call.attempt","c\u0061ller":"0912345678",)"
        R"("callee":"0987654321","origin":{"user_agent":"line\nbreak\t\/"}})");
    REQUIRE(p.status.ok);
    CHECK(p.rec.id == "a\"b\\c\xC3\xA9\xF0\x9F\x98\x80");
    CHECK(p.rec.caller.e164 == "+84912345678");
    CHECK(p.rec.origin.user_agent == "line\nbreak\t/");
}

TEST_CASE("record parser: SMS with an alphanumeric sender and no caller") {
    const auto p = parse_line(
        R"({"id":"s-1","kind":"sms.submit","callee":"0987654321","sms":{"sender":"VCB","text":"OTP 123456","parts":1}})");
    REQUIRE(p.status.ok);
    CHECK(p.rec.kind == event_kind::sms_submit);
    CHECK(p.rec.caller.present);
    CHECK(p.rec.caller.raw == "VCB");
    CHECK(p.rec.caller.type == number_type::alphanumeric);
    CHECK(p.rec.caller.e164.empty());
    CHECK_FALSE(p.rec.caller.is_home);
    CHECK(p.rec.sms.sender == "VCB");
    CHECK(p.rec.sms.sender_is_alpha);
    CHECK(p.rec.sms.text == "OTP 123456");
}

TEST_CASE("record parser: brandnames with digits in them are brandnames") {
    for (const char* sender : {"BIDV247", "Shopee123", "MOMO247", "Lazada2024", "8x86", "CGV24"}) {
        CAPTURE(sender);
        const auto p = parse_line(std::string(R"({"id":"s-9","kind":"sms.submit","callee":"0987654321","sms":{"sender":")") + sender +
                                  R"(","text":"x"}})");
        REQUIRE(p.status.ok);
        CHECK(p.rec.caller.type == number_type::alphanumeric);
        CHECK(p.rec.sms.sender_is_alpha);
    }
}

TEST_CASE("record parser: a sender marked alphanumeric is a brandname whatever punctuation it holds") {
    for (const char* sender : {"VCB@Bank!", "Tiki*", "Bank(VN)", "Điện Máy"}) {
        CAPTURE(sender);
        const auto p = parse_line(std::string(R"({"id":"s-8","kind":"sms.deliver","callee":"0987654321","sms":{"sender":")") + sender +
                                  R"(","sender_alphanumeric":true,"text":"x"}})");
        REQUIRE(p.status.ok);
        CHECK(p.rec.caller.type == number_type::alphanumeric);
        CHECK(p.rec.caller.raw == sender);
    }
    // Without the mark, the same text is not a sender.
    check_error(R"({"id":"s-8","kind":"sms.deliver","callee":"0987654321","sms":{"sender":"Tiki*","text":"x"}})", parse_error::bad_number,
                "field 'sms.sender': not a telephone number: bad character '*' (a brandname may hold letters, digits, space and - . _ & unless sms.sender_alphanumeric is true)");
    // Marked, digits of a short sender ID are a brandname too (no E.164 form), not a number
    // that "mixes letters and digits".
    // Nor are digits the plan reads in no known range ("123456789": 9 digits, type unknown).
    for (const char* sender : {"12345", "8088", "123456789"}) {
        CAPTURE(sender);
        const auto p = parse_line(std::string(R"({"id":"s-9","kind":"sms.deliver","callee":"0987654321","sms":{"sender":")") + sender +
                                  R"(","sender_alphanumeric":true,"text":"x"}})");
        REQUIRE(p.status.ok);
        CHECK(p.rec.caller.type == number_type::alphanumeric);
        CHECK(p.rec.caller.raw == sender);
    }
    // But digits that are a subscriber's number stay that number, marked or not, and are no
    // brandname: the mark must not take a number out of the lists and windows keyed by
    // caller.e164, nor out of the rules that spare brandnames (`not sms.sender_is_alpha`).
    for (const char* sender : {"0912345678", "+84912345678", "19001234"}) {
        CAPTURE(sender);
        const auto p = parse_line(std::string(R"({"id":"s-9","kind":"sms.deliver","callee":"0987654321","sms":{"sender":")") + sender +
                                  R"(","sender_alphanumeric":true,"text":"x"}})");
        REQUIRE(p.status.ok);
        CHECK(p.rec.caller.type != number_type::alphanumeric);
        CHECK_FALSE(p.rec.caller.e164.empty());
        CHECK_FALSE(p.rec.sms.sender_is_alpha);
    }
    // Unmarked, letters with diacritics are a brandname; ASCII punctuation is not.
    const auto viet = parse_line(R"({"id":"s-10","kind":"sms.deliver","callee":"0987654321","sms":{"sender":"ViệtBank","text":"x"}})");
    REQUIRE(viet.status.ok);
    CHECK(viet.rec.caller.type == number_type::alphanumeric);
    check_error(R"({"id":"s-10","kind":"sms.deliver","callee":"0987654321","sms":{"sender":"Việt*","text":"x"}})", parse_error::bad_number,
                "field 'sms.sender': not a telephone number: bad character '*' (a brandname may hold letters, digits, space and - . _ & unless sms.sender_alphanumeric is true)");
    // Longer than GSM allows (11): refused even when marked.
    check_error(R"({"id":"s-8","kind":"sms.deliver","callee":"0987654321","sms":{"sender":"Vietcombank+","sender_alphanumeric":true,"text":"x"}})",
                parse_error::bad_number, "field 'sms.sender': not a telephone number: bad character '+'");
}

TEST_CASE("record parser: SMS with a numeric sender and no caller") {
    const auto p = parse_line(
        R"({"id":"s-2","kind":"sms.deliver","callee":"0987654321","sms":{"sender":"+84912345678"}})");
    REQUIRE(p.status.ok);
    CHECK(p.rec.caller.e164 == "+84912345678");
    CHECK(p.rec.caller.type == number_type::mobile);
    CHECK_FALSE(p.rec.sms.sender_is_alpha);
    CHECK(p.rec.sms.parts == 1);
}

TEST_CASE("record parser: an explicit caller wins over the sender") {
    const auto p = parse_line(
        R"({"id":"s-3","kind":"sms.submit","caller":"0912345678","callee":"0987654321","sms":{"sender":"MB Bank"}})");
    REQUIRE(p.status.ok);
    CHECK(p.rec.caller.e164 == "+84912345678");
    CHECK(p.rec.sms.sender == "MB Bank");
    CHECK(p.rec.sms.sender_is_alpha);
}

TEST_CASE("record parser: a sender that is not a number or brandname") {
    check_error(
        R"({"id":"s-4","kind":"sms.submit","callee":"0987654321","sms":{"sender":"0912#345"}})",
        parse_error::bad_number, "field 'sms.sender': not a telephone number: bad character '#'");
}

TEST_CASE("record parser: missing required fields") {
    check_error("{}", parse_error::missing_field, "field 'id': missing");
    check_error(R"({"kind":"call.attempt","caller":"0912345678","callee":"0987654321"})",
                parse_error::missing_field, "field 'id': missing");
    check_error(R"({"id":"x","caller":"0912345678","callee":"0987654321"})",
                parse_error::missing_field, "field 'kind': missing");
    check_error(R"({"id":"x","kind":"call.attempt","caller":"0912345678"})",
                parse_error::missing_field, "field 'callee': missing");
    check_error(R"({"id":"x","kind":"call.attempt","callee":"0987654321"})",
                parse_error::missing_field, "field 'caller': missing (required for call.attempt)");
    check_error(R"({"id":"x","kind":"sms.submit","callee":"0987654321","sms":{"text":"hi"}})",
                parse_error::missing_field,
                "field 'caller': missing (required for sms.submit unless sms.sender is present)");
    // A call with an SMS sender still needs its caller.
    check_error(R"({"id":"x","kind":"call.end","callee":"0987654321","sms":{"sender":"VCB"}})",
                parse_error::missing_field, "field 'caller': missing (required for call.end)");
}

TEST_CASE("record parser: null counts as absent") {
    auto p = parse_line(
        call_with(R"("time":null,"asserted":null,"origin":null,"call":null,"sms":null)"));
    REQUIRE(p.status.ok);
    CHECK(p.rec.time_from_receipt);
    CHECK_FALSE(p.rec.asserted.present);
    CHECK_FALSE(p.rec.call.present);
    CHECK_FALSE(p.rec.sms.present);

    p = parse_line(call_with(
        R"("origin":{"kind":null,"trunk":null,"ip":null,"user_agent":null},)"
        R"("call":{"ring_ms":null,"talk_ms":null,"cause":null},"sms":{"sender":null,"text":null,"parts":null})"));
    REQUIRE(p.status.ok);
    CHECK(p.rec.origin.kind == origin_kind::unspecified);
    CHECK(p.rec.origin.trunk.empty());
    CHECK(p.rec.call.present);
    CHECK_FALSE(p.rec.call.ring_ms.has_value());
    CHECK_FALSE(p.rec.call.talk_ms.has_value());
    CHECK(p.rec.sms.present);
    CHECK(p.rec.sms.sender.empty());
    CHECK(p.rec.sms.parts == 1);
    CHECK(p.rec.extra.empty());

    check_error(R"({"id":null,"kind":"call.attempt","caller":"0912345678","callee":"0987654321"})",
                parse_error::missing_field, "field 'id': missing");
    check_error(R"({"id":"x","kind":null,"caller":"0912345678","callee":"0987654321"})",
                parse_error::missing_field, "field 'kind': missing");
    check_error(R"({"id":"x","kind":"call.attempt","caller":"0912345678","callee":null})",
                parse_error::missing_field, "field 'callee': missing");
    check_error(
        R"({"id":"x","kind":"sms.submit","caller":null,"callee":"0987654321","sms":{"sender":null}})",
        parse_error::missing_field,
        "field 'caller': missing (required for sms.submit unless sms.sender is present)");
}

TEST_CASE("record parser: the wrong JSON type for each field") {
    struct wrong {
        const char* field_json;
        const char* message;
    };
    const wrong cases[] = {
        {R"("time":true)", "field 'time': expected a string or an integer, got a boolean"},
        {R"("time":{})", "field 'time': expected a string or an integer, got an object"},
        {R"("asserted":{})", "field 'asserted': expected a string, got an object"},
        {R"("origin":"international")", "field 'origin': expected an object, got a string"},
        {R"("origin":{"kind":1})", "field 'origin.kind': expected a string, got a number"},
        {R"("origin":{"trunk":false})", "field 'origin.trunk': expected a string, got a boolean"},
        {R"("origin":{"ip":[1]})", "field 'origin.ip': expected a string, got an array"},
        {R"("origin":{"user_agent":{}})",
         "field 'origin.user_agent': expected a string, got an object"},
        {R"("call":[])", "field 'call': expected an object, got an array"},
        {R"("call":{"ring_ms":"1200"})", "field 'call.ring_ms': expected an integer, got a string"},
        {R"("call":{"talk_ms":1.5})",
         "field 'call.talk_ms': expected an integer, got a number with a fraction or exponent"},
        {R"("call":{"ring_ms":1e3})",
         "field 'call.ring_ms': expected an integer, got a number with a fraction or exponent"},
        {R"("call":{"cause":16})", "field 'call.cause': expected a string, got a number"},
        {R"("sms":true)", "field 'sms': expected an object, got a boolean"},
        {R"("sms":{"sender":123})", "field 'sms.sender': expected a string, got a number"},
        {R"("sms":{"text":{}})", "field 'sms.text': expected a string, got an object"},
        {R"("sms":{"parts":"1"})", "field 'sms.parts': expected an integer, got a string"},
    };
    for (const wrong& w : cases) {
        // The wrong field comes after the good ones, so it is the first error found.
        check_error(call_with(w.field_json), parse_error::wrong_type, w.message);
    }
    // The required fields, each the one wrong field of an otherwise good record.
    const wrong required[] = {
        {R"({"id":true,"kind":"call.attempt","caller":"0912345678","callee":"0987654321"})",
         "field 'id': expected a string or an integer, got a boolean"},
        {R"({"id":1.5,"kind":"call.attempt","caller":"0912345678","callee":"0987654321"})",
         "field 'id': expected a string or an integer, got a number with a fraction or exponent"},
        {R"({"id":[],"kind":"call.attempt","caller":"0912345678","callee":"0987654321"})",
         "field 'id': expected a string or an integer, got an array"},
        {R"({"id":"c-1","kind":5,"caller":"0912345678","callee":"0987654321"})",
         "field 'kind': expected a string, got a number"},
        {R"({"id":"c-1","kind":"call.attempt","caller":84912345678,"callee":"0987654321"})",
         "field 'caller': expected a string, got a number"},
        {R"({"id":"c-1","kind":"call.attempt","caller":"0912345678","callee":["0987654321"]})",
         "field 'callee': expected a string, got an array"},
    };
    for (const wrong& w : required) check_error(w.field_json, parse_error::wrong_type, w.message);
}

TEST_CASE("record parser: unknown event kind") {
    check_error(
        R"({"id":"c-1","kind":"call.start","caller":"0912345678","callee":"0987654321"})",
        parse_error::unknown_kind,
        "field 'kind': unknown event kind 'call.start' (expected call.attempt, call.answer, "
        "call.end, sms.submit, sms.deliver)");
    check_error(
        R"({"id":"c-1","kind":"","caller":"0912345678","callee":"0987654321"})",
        parse_error::unknown_kind,
        "field 'kind': unknown event kind '' (expected call.attempt, call.answer, call.end, "
        "sms.submit, sms.deliver)");
    const auto p = parse_line(R"({"id":"c-1","kind":"Call.Attempt"})");
    CHECK(p.status.code() == "unknown_kind");
}

TEST_CASE("record parser: bad values") {
    check_error(call_with(R"("origin":{"kind":"satellite"})"), parse_error::bad_value,
                "field 'origin.kind': unknown origin kind 'satellite' (expected home_mobile, "
                "home_fixed, interconnect, international, voip, ott)");
    check_error(call_with(R"("call":{"ring_ms":-1})"), parse_error::bad_value,
                "field 'call.ring_ms': must not be negative, got -1");
    check_error(call_with(R"("call":{"talk_ms":-30000})"), parse_error::bad_value,
                "field 'call.talk_ms': must not be negative, got -30000");
    check_error(call_with(R"("call":{"ring_ms":9223372036854775808})"), parse_error::bad_value,
                "field 'call.ring_ms': out of range, got 9223372036854775808");
    check_error(call_with(R"("sms":{"parts":0})"), parse_error::bad_value,
                "field 'sms.parts': must be between 1 and 255, got 0");
    check_error(call_with(R"("sms":{"parts":256})"), parse_error::bad_value,
                "field 'sms.parts': must be between 1 and 255, got 256");

    auto p = parse_line(
        call_with(R"("sms":{"parts":255},"call":{"ring_ms":0,"talk_ms":9223372036854775807})"));
    REQUIRE(p.status.ok);
    CHECK(p.rec.sms.parts == 255);
    CHECK(p.rec.call.talk_ms == 9223372036854775807);

    // Every origin kind the wire form names.
    const char* origins[] = {"home_mobile",   "home_fixed", "interconnect",
                             "international", "voip",       "ott"};
    const origin_kind expected[] = {origin_kind::home_mobile,  origin_kind::home_fixed,
                                    origin_kind::interconnect, origin_kind::international,
                                    origin_kind::voip,         origin_kind::ott};
    for (int i = 0; i < 6; ++i) {
        p = parse_line(call_with(std::string(R"("origin":{"kind":")") + origins[i] + "\"}"));
        REQUIRE(p.status.ok);
        CHECK(p.rec.origin.kind == expected[i]);
    }
}

TEST_CASE("record parser: numbers the plan rejects") {
    check_error(R"({"id":"c-1","kind":"call.attempt","caller":"0912345678","callee":"0912#345"})",
                parse_error::bad_number, "field 'callee': not a telephone number: bad character '#'");
    check_error(R"({"id":"c-1","kind":"call.attempt","caller":"","callee":"0987654321"})",
                parse_error::bad_number, "field 'caller': not a telephone number: empty");
    check_error(R"({"id":"c-1","kind":"call.attempt","caller":"0912345678","callee":"+84"})",
                parse_error::bad_number, "field 'callee': not a telephone number: too short (fewer digits than any number the numbering plan holds)");
    // What is wrong is named: the letter in a number, a '+' after its digits began.
    check_error(R"({"id":"c-1","kind":"call.attempt","caller":"+84912345678x","callee":"0987654321"})", parse_error::bad_number,
                "field 'caller': not a telephone number: letter 'x' among the digits");
    check_error(R"({"id":"c-1","kind":"call.attempt","caller":"+84912345678;ext=1","callee":"0987654321"})", parse_error::bad_number,
                "field 'caller': not a telephone number: bad character ';'");
    check_error(R"({"id":"c-1","kind":"call.attempt","caller":"++84912345678","callee":"0987654321"})", parse_error::bad_number,
                "field 'caller': not a telephone number: '+' after the number began (only one, before the first digit)");
    check_error(R"({"id":"c-1","kind":"call.attempt","caller":"0084912345678a","callee":"0987654321"})", parse_error::bad_number,
                "field 'caller': not a telephone number: letter 'a' among the digits");
    check_error(
        R"({"id":"c-1","kind":"call.attempt","caller":"+8491234567890123","callee":"0987654321"})",
        parse_error::bad_number, "field 'caller': not a telephone number: too long (more digits than any E.164 number, with its international prefix, can have)");
    check_error(call_with(R"("origin":{"ip":"999.1.1.1"})"), parse_error::bad_value, "field 'origin.ip': not an IP address: '999.1.1.1'");
    check_error(call_with(R"("origin":{"ip":"hello"})"), parse_error::bad_value, "field 'origin.ip': not an IP address: 'hello'");
    // A C library reads up to a zero byte; the value is all of it (a listed address let
    // through otherwise).
    for (const std::string ip : {R"(1.2.3.4\u0000x)", R"(::1\u0000x)", R"(1.2.3.4\u0000)"}) {
        CAPTURE(ip);
        const auto p = parse_line(call_with(R"("origin":{"ip":")" + ip + R"("})"));
        CHECK_FALSE(p.status.ok);
        CHECK(p.status.error == parse_error::bad_value);
        CHECK(p.status.message.find("field 'origin.ip': not an IP address: ") == 0);
        CHECK(p.status.message.find("(it holds a zero byte)") != std::string::npos);
    }
    check_error(call_with(R"("asserted":"09 12 ; 34")"), parse_error::bad_number,
                "field 'asserted': not a telephone number: bad character ';'");
    check_error(R"({"id":"c-1","kind":"call.attempt","caller":"+0912345678","callee":"0987654321"})",
                parse_error::bad_number, "field 'caller': not a telephone number: no country code begins with 0");
    // A letter among digits is a mistyped number, not a name.
    check_error(R"({"id":"c-1","kind":"call.attempt","caller":"O912345678","callee":"0987654321"})",
                parse_error::bad_number, "field 'caller': not a telephone number: 'O912345678' mixes letters and digits");
    check_error(R"({"id":"c-1","kind":"call.attempt","caller":"0912345678","callee":"09123ABC"})",
                parse_error::bad_number, "field 'callee': not a telephone number: '09123ABC' mixes letters and digits");
    check_error(call_with(R"("asserted":"0912345678x")"), parse_error::bad_number,
                "field 'asserted': not a telephone number: '0912345678x' mixes letters and digits");
    // A mistyped sender standing in for the caller is named as the sender.
    check_error(R"({"id":"s-1","kind":"sms.submit","callee":"0987654321","sms":{"sender":"O912345678","text":"x"}})",
                parse_error::bad_number, "field 'sms.sender': not a telephone number: 'O912345678' mixes letters and digits");
    check_error(call_with(R"("diversion":"09 12 ; 34")"), parse_error::bad_number,
                "field 'diversion': not a telephone number: bad character ';'");
    check_error(call_with(R"("diversion":"0912345678x")"), parse_error::bad_number,
                "field 'diversion': not a telephone number: '0912345678x' mixes letters and digits");
    check_error(call_with(R"("diversion":"0912345678","diversion":"0912345679")"), parse_error::bad_value,
                "field 'diversion': appears more than once");
    // The sender is checked whether or not it stands in for the caller.
    check_error(R"({"id":"s-1","kind":"sms.submit","caller":"0912345678","callee":"0987654321","sms":{"sender":"a_b!","text":"x"}})",
                parse_error::bad_number, "field 'sms.sender': not a telephone number: bad character '!' (a brandname may hold letters, digits, space and - . _ & unless sms.sender_alphanumeric is true)");
    check_error(R"({"id":"s-1","kind":"sms.submit","callee":"0987654321","sms":{"sender":"ABCDEFGHIJKLMNOP","text":"x"}})",
                parse_error::bad_number, "field 'sms.sender': not a telephone number: too long (a brandname has at most 11 characters)");
    // An SMSC's TON 5 makes a digits-only sender a brandname.
    {
        auto a = parse_line(R"({"id":"s-2","kind":"sms.submit","callee":"0987654321","sms":{"sender":"8088","sender_alphanumeric":true,"text":"x"}})");
        REQUIRE(a.status.ok);
        CHECK(a.rec.sms.sender_is_alpha);
        auto n = parse_line(R"({"id":"s-3","kind":"sms.submit","callee":"0987654321","sms":{"sender":"8088","text":"x"}})");
        REQUIRE(n.status.ok);
        CHECK_FALSE(n.rec.sms.sender_is_alpha);
        check_error(R"({"id":"s-4","kind":"sms.submit","callee":"0987654321","sms":{"sender":"8088","sender_alphanumeric":"yes"}})",
                    parse_error::wrong_type, "field 'sms.sender_alphanumeric': expected true or false, got a string");
    }
    // Names stay names: SIP users and brandnames.
    auto p = parse_line(R"({"id":"c-1","kind":"call.attempt","caller":"alice","callee":"echo"})");
    REQUIRE(p.status.ok);
    CHECK(p.rec.caller.type == ringfence::model::number_type::alphanumeric);
    p = parse_line(R"({"id":"s-1","kind":"sms.submit","caller":"VCB","callee":"0987654321","sms":{"text":"x"}})");
    REQUIRE(p.status.ok);
}

TEST_CASE("record parser: valid JSON numbers too large to hold: a known field says so, an unknown one keeps the text") {
    check_error(call_with(R"("call":{"ring_ms":18446744073709551616})"), parse_error::bad_value,
                "field 'call.ring_ms': out of range, got 18446744073709551616");
    check_error(call_with(R"("time":99999999999999999999)"), parse_error::bad_value, "field 'time': out of range, got 99999999999999999999");
    check_error(call_with(std::string(R"("call":{"talk_ms":)") + std::string(60, '9') + "}"), parse_error::bad_value,
                "field 'call.talk_ms': out of range, got " + std::string(40, '9') + "…");
    auto p = parse_line(call_with(R"("x":1e999999,"y":{"z":[123456789012345678901234567890]})"));
    REQUIRE(p.status.ok);
    REQUIRE(p.rec.extra.size() == 2);
    CHECK(p.rec.extra[0].text == "1e999999");
}

TEST_CASE("record parser: a line that is not well-formed JSON still echoes an intact id written first") {
    auto p = parse_line("{\"id\":\"c-9\",\"kind\":\"call.attempt\",\"caller\":\"\xff\",\"callee\":\"0987654321\"}");
    REQUIRE_FALSE(p.status.ok);
    CHECK(p.status.error == parse_error::malformed_json);
    REQUIRE(p.status.id);
    CHECK(*p.status.id == "c-9");
    CHECK_FALSE(p.status.id_is_integer);
    p = parse_line("{ \"id\" : 42 , \"kind\":\"call.attempt\",\"caller\":\"unclosed}");
    REQUIRE(p.status.id);
    CHECK(*p.status.id == "42");
    CHECK(p.status.id_is_integer);
    // Not first, escaped, or itself broken: no guess.
    CHECK_FALSE(parse_line("{\"kind\":\"x\",\"id\":\"c-9\",\"caller\":\"\xff\"}").status.id);
    CHECK_FALSE(parse_line("{\"id\":\"c\\\"9\",\"caller\":\"\xff\"}").status.id);
    CHECK_FALSE(parse_line("{\"id\":\"c\xff\",\"caller\":\"x\"}").status.id);
}

TEST_CASE("record parser: times") {
    auto p = parse_line(call_with(R"("time":"2026-11-28T03:00:00.123Z")"));
    REQUIRE(p.status.ok);
    CHECK(p.rec.time_ms == brief_time_ms);
    CHECK_FALSE(p.rec.time_from_receipt);

    p = parse_line(call_with(R"("time":"2026-11-28 10:00:00.123456789+07:00")"));
    REQUIRE(p.status.ok);
    CHECK(p.rec.time_ms == brief_time_ms);

    p = parse_line(call_with(R"("time":"2026-11-27T22:00:00.123-05:00")"));
    REQUIRE(p.status.ok);
    CHECK(p.rec.time_ms == brief_time_ms);

    p = parse_line(call_with(R"("time":1795834800123)"));
    REQUIRE(p.status.ok);
    CHECK(p.rec.time_ms == brief_time_ms);
    CHECK_FALSE(p.rec.time_from_receipt);

    p = parse_line(call_with(R"("time":0)"));
    REQUIRE(p.status.ok);
    CHECK(p.rec.time_ms == 0);

    p = parse_line(call_with(R"("time":"2024-02-29T00:00:00Z")"));
    REQUIRE(p.status.ok);
    CHECK(p.rec.time_ms == 1709164800000);

    struct bad {
        const char* field_json;
        const char* message;
    };
    const bad cases[] = {
        {R"("time":"2026-13-01T00:00:00Z")",
         "field 'time': not RFC 3339 or epoch milliseconds: '2026-13-01T00:00:00Z'"},
        {R"("time":"2026-02-29T00:00:00Z")",
         "field 'time': not RFC 3339 or epoch milliseconds: '2026-02-29T00:00:00Z'"},
        {R"("time":"2026-11-28T10:00:00")",
         "field 'time': not RFC 3339 or epoch milliseconds: '2026-11-28T10:00:00'"},
        {R"("time":"2026-11-28T10:00:00+7:00")",
         "field 'time': not RFC 3339 or epoch milliseconds: '2026-11-28T10:00:00+7:00'"},
        {R"("time":"1795834800123")",
         "field 'time': not RFC 3339 or epoch milliseconds: '1795834800123'"},
        {R"("time":"1969-12-31T23:59:59Z")",
         "field 'time': '1969-12-31T23:59:59Z' is outside 1970-01-01T00:00:00Z .. 9999-12-31T23:59:59.999Z"},
        {R"("time":"")", "field 'time': not RFC 3339 or epoch milliseconds: ''"},
        {R"("time":-5)", "field 'time': -5 is outside 1970-01-01T00:00:00Z .. 9999-12-31T23:59:59.999Z"},
        {R"("time":1795834800123.5)",
         "field 'time': not RFC 3339 or epoch milliseconds: 1795834800123.5"},
        // Microseconds by mistake: past year 9999 as milliseconds.
        {R"("time":1795834800123000)",
         "field 'time': 1795834800123000 is after 9999 as epoch milliseconds (microseconds sent by mistake?)"},
        {R"("time":18446744073709551615)",
         "field 'time': not RFC 3339 or epoch milliseconds: 18446744073709551615"},
    };
    for (const bad& b : cases)
        check_error(call_with(b.field_json), parse_error::bad_value, b.message);

    // Echoed values are cut to 64 bytes and control characters hidden, so the message stays one
    // line.
    check_error(call_with(R"("time":"2026-11-28\nT10:00:00Z")"), parse_error::bad_value,
                "field 'time': not RFC 3339 or epoch milliseconds: '2026-11-28?T10:00:00Z'");
    check_error(
        call_with("\"time\":\"" + std::string(100, '9') + "\""), parse_error::bad_value,
        "field 'time': not RFC 3339 or epoch milliseconds: '" + std::string(64, '9') + "...'");
}

TEST_CASE("record parser: unknown fields are kept in extra with their types") {
    const auto p = parse_line(call_with(
        R"("tenant":"hn-01","score":-1.5e3,"flag":true,"off":false,"gone":null,)"
        R"("tags":[ "a", 1 , {"b":null} ],"meta":{"x":{"y":[]}, "z":"\u0041"},"esc":"tab\there",)"
        R"("origin":{"kind":"voip","vlan":12},"call":{"codec":"G711"},"sms":{"encoding":"ucs2"})"));
    REQUIRE(p.status.ok);
    CHECK(p.rec.origin.kind == origin_kind::voip);
    const std::vector<ringfence::model::extra_field>& extra = p.rec.extra;
    REQUIRE(extra.size() == 11);
    const struct {
        const char* name;
        extra_field::json_type type;
        const char* text;
    } expected[] = {
        {"tenant", extra_field::json_type::string, "hn-01"},
        {"score", extra_field::json_type::number, "-1.5e3"},
        {"flag", extra_field::json_type::boolean, "true"},
        {"off", extra_field::json_type::boolean, "false"},
        {"gone", extra_field::json_type::null, "null"},
        {"tags", extra_field::json_type::array, R"([ "a", 1 , {"b":null} ])"},
        {"meta", extra_field::json_type::object, R"({"x":{"y":[]}, "z":"\u0041"})"},
        {"esc", extra_field::json_type::string, "tab\there"},
        {"origin.vlan", extra_field::json_type::number, "12"},
        {"call.codec", extra_field::json_type::string, "G711"},
        {"sms.encoding", extra_field::json_type::string, "ucs2"},
    };
    for (std::size_t i = 0; i < extra.size(); ++i) {
        CAPTURE(i);
        CHECK(extra[i].name == expected[i].name);
        CHECK(extra[i].type == expected[i].type);
        CHECK(extra[i].text == expected[i].text);
    }
}

TEST_CASE("record parser: an unknown last field with nested values") {
    const auto p = parse_line(call_with(R"("route":{"hops":[1,[2,[3]]]}   )"));
    REQUIRE(p.status.ok);
    REQUIRE(p.rec.extra.size() == 1);
    CHECK(p.rec.extra[0].text == R"({"hops":[1,[2,[3]]]})");
}

TEST_CASE("record parser: at most 64 unknown fields") {
    std::string fields;
    for (int i = 0; i < 64; ++i)
        fields += (i ? ",\"f" : "\"f") + std::to_string(i) + "\":" + std::to_string(i);
    auto p = parse_line(call_with(fields));
    REQUIRE(p.status.ok);
    CHECK(p.rec.extra.size() == 64);
    check_error(call_with(fields + R"(,"f64":1)"), parse_error::bad_value,
                "field 'f64': more than 64 unknown fields");
}

TEST_CASE("record parser: duplicate keys are an error") {
    check_error(call_with(R"("caller":"+12025550100")"), parse_error::bad_value,
                "field 'caller': appears more than once");
    check_error(
        R"({"id":"a","id":"b","kind":"call.attempt","caller":"0912345678","callee":"0987654321"})",
        parse_error::bad_value, "field 'id': appears more than once");
    check_error(call_with(R"("origin":{"kind":"voip","kind":"home_mobile"})"),
                parse_error::bad_value, "field 'origin.kind': appears more than once");
    check_error(call_with(R"("call":{"ring_ms":1,"ring_ms":2})"), parse_error::bad_value,
                "field 'call.ring_ms': appears more than once");
    check_error(call_with(R"("sms":{"text":"a","text":"b"})"), parse_error::bad_value,
                "field 'sms.text': appears more than once");
    check_error(call_with(R"("x":1,"x":2)"), parse_error::bad_value,
                "field 'x': appears more than once");
    check_error(call_with(R"("origin":{"vlan":1,"vlan":2})"), parse_error::bad_value,
                "field 'origin.vlan': appears more than once");
    // An escaped spelling is the same key.
    check_error(call_with(R"("c\u0061llee":"0912345678")"), parse_error::bad_value,
                "field 'callee': appears more than once");
    // Null does not make a repeated key acceptable.
    check_error(call_with(R"("time":null,"time":0)"), parse_error::bad_value,
                "field 'time': appears more than once");
    // Keys inside an unknown object are opaque.
    CHECK(parse_line(call_with(R"("x":{"a":1,"a":2})")).status.ok);
}

TEST_CASE("record parser: malformed JSON") {
    struct bad {
        std::string line;
        const char* message;
    };
    const bad cases[] = {
        {"", "malformed JSON: no JSON value in the line"},
        {"   \r", "malformed JSON: no JSON value in the line"},
        {R"({"id":"c-1",})", "malformed JSON at byte 12: unexpected '}'"},
        {R"({"id" "c-1"})", "malformed JSON at byte 6: unexpected '\"'"},
        {R"({"id":"c-1"  "kind":"call.end"})", "malformed JSON at byte 13: unexpected '\"'"},
        {R"({id:"c-1"})", "malformed JSON at byte 1: unexpected 'i'"},
        {R"({"id":"c-1")", "malformed JSON at byte 11: the line ends inside an object or array"},
        {R"({"id":"c-1","x":[1,2})", "malformed JSON at byte 20: unexpected '}'"},
        {R"({"id":"c-1","x":{"a":1})",
         "malformed JSON at byte 23: the line ends inside an object or array"},
        {R"({"id":"c-1","origin":{"kind":"voip"})",
         "malformed JSON at byte 36: the line ends inside an object or array"},
        {R"({"id":"c-1","x":[{}])",
         "malformed JSON at byte 20: the line ends inside an object or array"},
        {R"({"id":"c-1"} x)", "malformed JSON at byte 13: trailing characters after the object"},
        {R"({"id":"c-1"}})", "malformed JSON at byte 12: trailing characters after the object"},
        {R"({"id":"c-1"}{"id":"c-2"})",
         "malformed JSON at byte 12: trailing characters after the object"},
        {R"({"id":"c-1"},)", "malformed JSON at byte 12: trailing characters after the object"},
        {R"([{"id":"c-1"}])", "malformed JSON at byte 0: expected an object, got an array"},
        {R"(  "c-1")", "malformed JSON at byte 2: expected an object, got a string"},
        {"42", "malformed JSON at byte 0: expected an object, got a number"},
        {"null", "malformed JSON at byte 0: expected an object, got null"},
        {R"({"id":"c-1)", "malformed JSON at byte 6: string is never closed"},
        {"{\"id\":\"c\x01-1\"}",
         "malformed JSON at byte 8: unescaped control character in a string"},
        {"{\"id\":\"c\xC3\x28\"}", "malformed JSON at byte 8: invalid UTF-8"},
        {"{\"id\":\"c-1\",\"sms\":{\"text\":\"\xED\xA0\x80\"}}",
         "malformed JSON at byte 27: invalid UTF-8"},
        {"{\"id\":\"c-1\",\"x\":\"\xC0\xAF\"}", "malformed JSON at byte 17: invalid UTF-8"},
        {"{\"id\":\"c-1\"}\xFF", "malformed JSON at byte 12: invalid UTF-8"},
        {R"({"id":"c\q"})", "malformed JSON at byte 6: bad escape sequence in a string"},
        {R"({"id":"c-1","x":"\ud800"})",
         "malformed JSON at byte 16: bad escape sequence in a string"},
        {R"({"id":"c-1","x":tru})",
         "malformed JSON at byte 16: not a valid literal (true, false or null)"},
        {R"({"id":"c-1","x":nul})",
         "malformed JSON at byte 16: not a valid literal (true, false or null)"},
        {R"({"id":"c-1","x":[1,falsy]})",
         "malformed JSON at byte 19: not a valid literal (true, false or null)"},
        {R"({"id":"c-1","x":01})", "malformed JSON at byte 16: bad or out-of-range number"},
        {R"({"id":"c-1","x":{"y":-}})", "malformed JSON at byte 21: bad or out-of-range number"},
        {R"({"id":"c-1","x":1.})", "malformed JSON at byte 16: bad or out-of-range number"},
        {"not json", "malformed JSON at byte 0: expected an object, got text that is not JSON: 'not json'"},
        {R"({"id":"c-1","call":{"ring_ms":12a}})",
         "malformed JSON at byte 30: bad or out-of-range number"},
    };
    for (const bad& b : cases) check_error(b.line, parse_error::malformed_json, b.message);
}

TEST_CASE("record parser: unknown fields nested too deeply") {
    const std::string deep_ok = std::string(32, '[') + std::string(32, ']');
    CHECK(parse_line(call_with("\"x\":" + deep_ok)).status.ok);
    // A value inside the 32nd level is not a 33rd.
    CHECK(parse_line(call_with("\"x\":" + std::string(32, '[') + "1" + std::string(32, ']'))).status.ok);
    std::string objects;
    for (int i = 0; i < 32; ++i) objects += "{\"a\":";
    objects += "\"v\"" + std::string(32, '}');
    CHECK(parse_line(call_with("\"x\":" + objects)).status.ok);
    const std::string deep_bad = std::string(33, '[') + std::string(33, ']');
    const std::string line = call_with("\"x\":" + deep_bad);
    // Valid JSON, deeper than a record may hold: the field and the limit are named.
    check_error(line, parse_error::bad_value, "field 'x': nested more than 32 levels deep");
}

TEST_CASE("record parser: the status carries the id for the error reply") {
    // Error after the id: the id as read.
    auto p = parse_line(R"({"id":"c-9","kind":"call.start"})");
    CHECK(p.status.code() == "unknown_kind");
    REQUIRE(p.status.id.has_value());
    CHECK(*p.status.id == "c-9");
    REQUIRE(p.status.reply_id() != nullptr);
    CHECK(*p.status.reply_id() == "c-9");

    // Error before the id: the id is found by a second look.
    p = parse_line(R"({"kind":"call.attempt","caller":123,"id":"c-10","callee":"0987654321"})");
    CHECK(p.status.code() == "wrong_type");
    REQUIRE(p.status.id.has_value());
    CHECK(*p.status.id == "c-10");

    p = parse_line(R"({"x":01,"id":4711})");
    CHECK(p.status.code() == "malformed_json");
    REQUIRE(p.status.id.has_value());
    CHECK(*p.status.id == "4711");

    // An integer id that later fails a check is echoed as its text.
    p = parse_line(R"({"id":77,"kind":"call.attempt"})");
    CHECK(p.status.code() == "missing_field");
    REQUIRE(p.status.id.has_value());
    CHECK(*p.status.id == "77");

    // No id, or an unreadable one: null.
    p = parse_line(R"({"kind":"call.attempt"})");
    CHECK(p.status.code() == "missing_field");
    CHECK_FALSE(p.status.id.has_value());
    CHECK(p.status.reply_id() == nullptr);
    p = parse_line(R"({"id":true,"kind":"call.attempt"})");
    CHECK(p.status.code() == "wrong_type");
    CHECK_FALSE(p.status.id.has_value());
    // A line that does not parse echoes an id only when it is intact and written first.
    p = parse_line("{\"id\":\"c-11\",\"x\":\"\xFF\"}");
    CHECK(p.status.code() == "malformed_json");
    REQUIRE(p.status.id.has_value());
    CHECK(*p.status.id == "c-11");
}

TEST_CASE("record parser: line endings and whitespace around the object") {
    auto p = parse_line(full_call + "\r");
    REQUIRE(p.status.ok);
    CHECK(p.rec.id == "c-1");
    p = parse_line(" \t" + full_call + "\r\n");
    REQUIRE(p.status.ok);
    CHECK(p.rec.sms.parts == 2);
}

TEST_CASE("record parser: a 60 KiB text field") {
    std::string text;
    while (text.size() < 60 * 1024) text += "Quý khách vui lòng chuyển tiền ";  // multi-byte UTF-8
    const std::string line =
        R"({"id":"big","kind":"sms.submit","callee":"0987654321","sms":{"sender":"VCB","text":")" +
        text + R"(","parts":200}})";
    const auto p = parse_line(line);
    REQUIRE(p.status.ok);
    CHECK(p.rec.sms.text == text);
    CHECK(p.rec.sms.parts == 200);
}

TEST_CASE("record parser: one parser reused across records and after errors") {
    record_json_parser parser(jsonl_test::shipped_plan());
    ringfence::model::record rec;

    auto st = parser.parse(call_with(R"("tenant":"a","origin":{"kind":"ott"},"sms":{"text":"x"})"),
                           1, rec);
    REQUIRE(st.ok);
    CHECK(rec.extra.size() == 1);

    // A failing line in between must not leak into the next record.
    st = parser.parse(R"({"id":"bad","kind":"nope"})", 2, rec);
    CHECK(st.code() == "unknown_kind");

    // A longer line grows the buffer; the next short line still parses.
    std::string long_line = call_with("\"pad\":\"" + std::string(100000, 'x') + "\"");
    st = parser.parse(long_line, 3, rec);
    REQUIRE(st.ok);

    st = parser.parse(
        R"({"id":"c-2","kind":"call.end","caller":"0912345678","callee":"0987654321"})", 4, rec);
    REQUIRE(st.ok);
    CHECK(rec.id == "c-2");
    CHECK(rec.kind == event_kind::call_end);
    CHECK(rec.extra.empty());
    CHECK(rec.origin.kind == origin_kind::unspecified);
    CHECK_FALSE(rec.sms.present);
    CHECK(rec.time_ms == 4);
    CHECK(rec.time_from_receipt);

    // Moving the parser keeps it working.
    record_json_parser moved = std::move(parser);
    st = moved.parse(full_call, 5, rec);
    REQUIRE(st.ok);
    CHECK(rec.time_ms == brief_time_ms);
}

TEST_CASE("parse_error names are stable") {
    using ringfence::decode::to_string;
    CHECK(to_string(parse_error::none) == "");
    CHECK(to_string(parse_error::malformed_json) == "malformed_json");
    CHECK(to_string(parse_error::missing_field) == "missing_field");
    CHECK(to_string(parse_error::wrong_type) == "wrong_type");
    CHECK(to_string(parse_error::bad_value) == "bad_value");
    CHECK(to_string(parse_error::bad_number) == "bad_number");
    CHECK(to_string(parse_error::unknown_kind) == "unknown_kind");
}

TEST_CASE("record parser: origin.ip is taken exactly when inet_pton takes it") {
    // The dotted-quad fast path must agree with the library on every edge of the form.
    const std::vector<std::string> addresses = {
        "1.2.3.4", "0.0.0.0", "255.255.255.255", "203.0.113.7", "10.0.0.1", "256.1.1.1", "1.2.3.256", "01.2.3.4",
        "1.2.3.04", "1.2.3.00", "1.2.3", "1.2.3.4.5", "1..2.3", "1.2.3.", ".1.2.3", "1.2.3.4 ", " 1.2.3.4", "1.2.3.0004",
        "1.2.3.1000", "1.2.3.+4", "1.2.3.-4", "1.2.3.4x", "1,2,3,4", "999.999.999.999", "0.0.0.0.", "4294967295",
        "::1", "2001:db8::7", "::ffff:1.2.3.4", "1.2.3.4%eth0", "0x1.2.3.4"};
    for (const std::string& ip : addresses) {
        CAPTURE(ip);
        unsigned char bytes[16];
        const bool library = ::inet_pton(AF_INET, ip.c_str(), bytes) == 1 || ::inet_pton(AF_INET6, ip.c_str(), bytes) == 1;
        const auto p = parse_line(call_with(R"("origin":{"ip":")" + ip + R"("})"));
        CHECK(p.status.ok == library);
    }
}
