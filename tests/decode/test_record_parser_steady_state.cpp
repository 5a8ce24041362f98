// The parser's steady state does not allocate: once a parser and a record have seen a line
// of a given shape, parsing the next such line allocates nothing (tests/support counts
// every operator new of this executable).
#include <doctest/doctest.h>

#include <cstdlib>
#include <new>
#include <string>

#include "decode/jsonl/record_parser.hpp"
#include "jsonl_test_plan.hpp"
#include "support/allocation_counter.hpp"

namespace {

int* volatile sink = nullptr;  // keeps the counter's own check from being optimised away

long allocations_while(const auto& work) {
    const long before = ringfence::testing::allocation_count();
    work();
    return ringfence::testing::allocation_count() - before;
}

}  // namespace

TEST_CASE("record parser: steady-state parsing does not allocate") {
    ringfence::decode::record_json_parser parser(jsonl_test::shipped_plan());
    ringfence::model::record rec;
    const std::string call =
        R"({"id":"c-1000000000000000001","kind":"call.attempt","time":"2026-11-28T10:00:00.123+07:00",)"
        R"("caller":"+84912345678","callee":"0987654321","asserted":"+84912345678",)"
        R"("origin":{"kind":"international","trunk":"INTL-GW-1","ip":"203.0.113.7","user_agent":"friendly-scanner 1.0"},)"
        R"("call":{"ring_ms":1200,"talk_ms":0,"cause":"no_answer"}})";
    const std::string sms =
        R"({"id":"s-1000000000000000002","kind":"sms.submit","callee":"0987654321",)"
        R"("sms":{"sender":"VCB","text":"Quý khách vui lòng xác nhận giao dịch tại https://vcb-secure.example","parts":1}})";

    // Warm up: the buffer, the parser's indexes and the record's strings reach their sizes.
    REQUIRE(parser.parse(call, 1, rec).ok);
    REQUIRE(parser.parse(sms, 1, rec).ok);
    REQUIRE(parser.parse(call, 1, rec).ok);

    ringfence::decode::parse_status st;
    CHECK(allocations_while([&] { st = parser.parse(call, 2, rec); }) == 0);
    CHECK(st.ok);
    CHECK(rec.callee.e164 == "+84987654321");
    CHECK(allocations_while([&] { st = parser.parse(sms, 3, rec); }) == 0);
    CHECK(st.ok);
    CHECK(rec.caller.raw == "VCB");
    CHECK(allocations_while([&] { st = parser.parse(call, 4, rec); }) == 0);
    CHECK(st.ok);

    // The counter itself works.
    CHECK(allocations_while([] {
              sink = new int(1);
              delete sink;
          }) == 1);
}
