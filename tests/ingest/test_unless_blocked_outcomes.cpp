// `unless blocked` aggregates follow what happened to a record, not only what the engine
// decided: a passive copy (capture, HEP) went through whatever was decided, so it stays
// counted when blocked; a record the daemon answered with a fail action of its own (the
// decision-log queue full) counts as that answer says. Through the real record processor.
#include <doctest/doctest.h>

#include <string>

#include "decode/sip/call_event.hpp"
#include "engine/rule_engine.hpp"
#include "ingest/capture/passive_decider.hpp"
#include "ingest/record_line_processor.hpp"
#include "store/decision_log_test_support.hpp"
#include "support/inline_pack.hpp"
#include "support/shipped_plan.hpp"

namespace ringfence::test {
namespace {

// At most two calls to a callee in an hour: the third is blocked.
std::unique_ptr<engine::rule_engine> capped_engine() {
    auto e = test_support::load_inline_pack(R"(
- rule: callee_cap
  events: [call.attempt]
  condition: count(call.attempt by callee.e164 within 1h unless blocked) > 2
  action: block
  priority: error
  reason: "callee {callee.e164}"
)");
    REQUIRE(e);
    return e;
}

decode::sip::call_event attempt(const std::string& call_id, std::int64_t offset_s) {
    decode::sip::call_event e;
    e.kind = model::event_kind::call_attempt;
    e.time_us = 1'795'836'000'000'000 + offset_s * 1'000'000;
    e.call_id = call_id;
    e.caller = "+84912345678";
    e.callee = "0987654321";
    return e;
}

std::string line(int i) {
    return R"({"id":"r)" + std::to_string(i) + R"(","kind":"call.attempt","time":)" + std::to_string(1'795'836'000'000 + i * 1000) +
           R"(,"caller":"+84912345678","callee":"0987654321"})";
}

}  // namespace

TEST_CASE("unless blocked, passive: a blocked record of a copy of the traffic still went through and stays counted") {
    auto engine = capped_engine();
    ingest::ingest_counters counters;
    ingest::pipeline_context ctx{test_support::shipped_plan(), *engine, nullptr, false, store::queue_full_policy::backpressure, counters, 0};
    std::string replies;
    ingest::capture::passive_decider decider(ctx, &replies);
    std::string ids[4] = {"c1", "c2", "c3", "c4"};
    for (int i = 0; i < 4; ++i) decider.on_call_event(attempt(ids[i], i));
    // The third is blocked (3) and, passive, kept: the fourth reads 4, where an inline
    // answer would have read 3.
    const std::size_t fourth = replies.find(R"({"id":"c4")");
    REQUIRE(fourth != std::string::npos);
    CHECK(replies.find(R"("value":4)", fourth) != std::string::npos);
    CHECK(replies.find(R"({"id":"c3","action":"block")") != std::string::npos);
}

TEST_CASE("unless blocked, inline: a record answered block by the queue-full fail action does not count") {
    store::test::temp_directory dir;
    auto log = store::decision_log_writer::open(store::test::settings_for(dir.file("decisions.sqlite")));
    REQUIRE(log.value);
    (*log.value)->close();  // every submit fails: the fail action answers
    auto engine = capped_engine();
    ingest::ingest_counters counters;
    ingest::pipeline_context ctx{test_support::shipped_plan(), *engine, log.value->get(), false, store::queue_full_policy::reply_block, counters, 0};
    ingest::record_line_processor processor(ctx);
    std::string reply;
    for (int i = 0; i < 5; ++i) processor.process(line(i), 0, reply, nullptr, 0);
    CHECK(counters.log_queue_full.load() == 5);
    CHECK(reply.find(R"("rule":"callee_cap")") == std::string::npos);  // none let through: none counted

    // The same with the fail action allow: the engine's block of the third is answered allow,
    // so the third reached the callee and counts; the fourth reads 4.
    auto engine2 = capped_engine();
    ingest::pipeline_context allow_ctx{test_support::shipped_plan(), *engine2, log.value->get(), false, store::queue_full_policy::reply_allow, counters, 0};
    ingest::record_line_processor allowing(allow_ctx);
    std::string replies;
    for (int i = 0; i < 4; ++i) allowing.process(line(i), 0, replies, nullptr, 0);
    const std::size_t fourth = replies.find(R"({"id":"r3")");
    REQUIRE(fourth != std::string::npos);
    CHECK(replies.find(R"("value":4)", fourth) != std::string::npos);
}

}  // namespace ringfence::test
