// A call to an emergency number whose caller is missing or unreadable (a phone with no SIM,
// an IMEI for an identity) is decided and allowed, not refused: a switch that reads an
// error reply as a refusal would turn the call away. Any other record with such a number
// still gets its error. Through the real record processor, as the socket and `decide` use it.
#include <doctest/doctest.h>

#include <string>

#include "engine/rule_engine.hpp"
#include "ingest/record_line_processor.hpp"
#include "support/inline_pack.hpp"
#include "store/decision_log_test_support.hpp"
#include "support/shipped_plan.hpp"

namespace ringfence::test {
namespace {

// Blocks every call attempt, so an allowed emergency call shows the engine's override.
std::unique_ptr<engine::rule_engine> block_all_calls() {
    auto e = test_support::load_inline_pack(R"(
- rule: block_every_call
  events: [call.attempt]
  condition: callee.raw exists
  action: block
  priority: error
  reason: "every call"
)");
    REQUIRE(e);
    return e;
}

struct harness {
    std::unique_ptr<engine::rule_engine> engine = block_all_calls();
    ingest::ingest_counters counters;
    ingest::pipeline_context ctx{test_support::shipped_plan(), *engine, nullptr, false, store::queue_full_policy::backpressure, counters, 0};
    ingest::record_line_processor processor{ctx};

    std::string reply_to(const std::string& line, std::string* explain = nullptr) {
        std::string reply;
        processor.process(line, 1'795'836'000'000, reply, nullptr, 0, explain);
        return reply;
    }
};

}  // namespace

TEST_CASE("emergency call with no caller or an unreadable one: decided, allowed, kept as written, counted") {
    harness h;
    const char* lines[] = {
        R"({"id":"e1","kind":"call.attempt","callee":"112"})",                                  // no caller at all
        R"({"id":"e2","kind":"call.attempt","caller":"","callee":"113"})",                      // empty
        R"({"id":"e3","kind":"call.attempt","caller":"IMEI:35-209900-176148-1","callee":"114"})",  // not a number
        R"({"id":"e4","kind":"call.attempt","caller":"O912345678","callee":"115"})",          // mistyped
        R"({"id":"e5","kind":"call.attempt","caller":"+84912345678","asserted":"anonymous!","callee":"112"})",
        // numbers of another JSON type are as unreadable
        R"({"id":"e6","kind":"call.attempt","caller":12345,"callee":"115"})",
        R"({"id":"e7","kind":"call.attempt","caller":"0912345678","asserted":5,"diversion":{"x":1},"callee":"112"})",
        R"({"id":"e8","kind":"call.attempt","caller":true,"callee":"112"})",
        R"({"id":"e9","kind":"call.attempt","caller":123456789012345678901,"callee":"112"})",  // past any integer type
    };
    for (const char* line : lines) {
        std::string explain;
        const std::string reply = h.reply_to(line, &explain);
        INFO(line, " -> ", reply);
        CHECK(reply.find(R"("action":"allow")") != std::string::npos);
        CHECK(reply.find(R"("rule":"block_every_call")") != std::string::npos);
        CHECK(reply.find(std::string(R"("rule":")") + std::string(engine::emergency_override_rule) + "\"") != std::string::npos);
        CHECK(reply.find(R"("error":{)") == std::string::npos);
        CHECK_FALSE(explain.empty());  // a record was made
    }
    CHECK(h.counters.emergency_kept_raw.load() == 9);
    CHECK(h.counters.total_errors() == 0);
    CHECK(h.counters.decisions[static_cast<std::size_t>(engine::action::allow)].load() == 9);

    // The unreadable caller is in the record as it came, with no E.164 form.
    std::string explain;
    h.reply_to(lines[2], &explain);
    CHECK(explain.find(R"("raw":"IMEI:35-209900-176148-1")") != std::string::npos);
    h.reply_to(lines[5], &explain);
    CHECK(explain.find(R"("raw":"12345")") != std::string::npos);
}

TEST_CASE("any other record with a missing or unreadable number still gets its error") {
    harness h;
    const std::string cases[][2] = {
        {R"({"id":"n1","kind":"call.attempt","callee":"0987654321"})", R"("code":"missing_field")"},
        {R"({"id":"n2","kind":"call.attempt","caller":"IMEI:35-209900-176148-1","callee":"0987654321"})", R"("code":"bad_number")"},
        {R"({"id":"n3","kind":"call.attempt","caller":"0912345678","callee":"O987654321"})", R"("code":"bad_number")"},
        // an error that is not about a number is not looked past, emergency or not
        {R"({"id":"n4","kind":"call.attempt","time":"yesterday","callee":"112"})", R"("code":"bad_value")"},
        // ... and is the error named, not the number a call to 112 may lack
        {R"({"id":"n5","kind":"call.attempt","caller":"IMEI:1","callee":"112","call":{"ring_ms":-1}})", R"("code":"bad_value","message":"field 'call.ring_ms')"},
        {R"({"id":"n7","kind":"call.attempt","caller":"","callee":"112","call":{"ring_ms":"x"}})", R"("code":"wrong_type","message":"field 'call.ring_ms')"},
        // a number of another JSON type, on a call that is not for help
        {R"({"id":"n8","kind":"call.attempt","caller":12345,"callee":"0987654321"})", R"("code":"wrong_type","message":"field 'caller')"},
        // an SMS is no call for help: its sender is checked as ever
        {R"({"id":"n6","kind":"sms.submit","caller":"IMEI:1","callee":"112","sms":{"text":"help"}})", R"("code":"bad_number")"},
    };
    for (const auto& [line, code] : cases) {
        const std::string reply = h.reply_to(line);
        INFO(line, " -> ", reply);
        CHECK(reply.find(code) != std::string::npos);
        CHECK(reply.find(R"("action")") == std::string::npos);
    }
    CHECK(h.counters.emergency_kept_raw.load() == 0);
    CHECK(h.counters.total_errors() == 8);
}

TEST_CASE("an emergency call answered by the queue-full fail action names the emergency override once") {
    store::test::temp_directory dir;
    auto log = store::decision_log_writer::open(store::test::settings_for(dir.file("decisions.sqlite")));
    REQUIRE(log.value);
    (*log.value)->close();  // every submit fails: the fail action answers
    auto engine = block_all_calls();
    ingest::ingest_counters counters;
    ingest::pipeline_context ctx{test_support::shipped_plan(), *engine, log.value->get(), false, store::queue_full_policy::reply_block, counters, 0};
    ingest::record_line_processor processor(ctx);
    std::string reply;
    processor.process(R"({"id":"q1","kind":"call.attempt","caller":"+84912345678","callee":"112"})", 0, reply, nullptr, 0);
    INFO(reply);
    CHECK(reply.find(R"("action":"allow")") != std::string::npos);
    const std::string rule = std::string(R"("rule":")") + std::string(engine::emergency_override_rule) + "\"";
    const std::size_t first = reply.find(rule);
    REQUIRE(first != std::string::npos);
    CHECK(reply.find(rule, first + 1) == std::string::npos);
    CHECK(counters.log_queue_full.load() == 1);
}

}  // namespace ringfence::test
