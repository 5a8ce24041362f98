// Captured SIP decided passively: a SIP event is built into its record and decided through the
// same processor as a socket line, with no reply rendered. An event the wire form would refuse
// is counted under the same reason, except for a number the plan rejects or that looks
// mistyped, which is kept as written and decided (a mirror has nobody to answer with an
// error); an accepted one is counted under its action and logged
// (a real SQLite decision log); with the log closed the decision is still counted, as the
// queue-full fail action says, and nothing needs a reply line. `ringfence replay --output
// decisions` gets the lines a socket client would.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <string>
#include <tuple>

#include "decode/sip/call_event.hpp"
#include "decode/smpp/smpp_decoder.hpp"
#include "decode/smpp_test_pdus.hpp"
#include "engine/rule_engine.hpp"
#include "ingest/capture/passive_decider.hpp"
#include "ingest/capture/smpp_capture.hpp"
#include "store/decision_log_test_support.hpp"
#include "support/inline_pack.hpp"
#include "support/shipped_plan.hpp"

namespace ringfence::test {
namespace {

std::unique_ptr<engine::rule_engine> blocking_engine() {
    auto e = test_support::load_inline_pack(R"(
- rule: block_one_callee
  events: [call.attempt]
  condition: callee.e164 = "+84987654321"
  action: block
  priority: critical
  reason: "callee {callee.e164}"
)");
    REQUIRE(e);
    return e;
}

decode::sip::call_event attempt(std::string_view call_id, std::string_view caller, std::string_view origin_ip = "203.0.113.7") {
    decode::sip::call_event e;
    e.kind = model::event_kind::call_attempt;
    e.time_us = 1'795'836'000'000'000;
    e.call_id = call_id;
    e.caller = caller;
    e.callee = "0987654321";
    e.origin_ip = origin_ip;
    return e;
}

std::uint64_t error_count(const ingest::ingest_counters& c, ingest::error_reason r) {
    return c.errors[static_cast<std::size_t>(r)].load();
}

std::uint64_t decision_count(const ingest::ingest_counters& c, engine::action a) {
    return c.decisions[static_cast<std::size_t>(a)].load();
}

TEST_CASE("passive decisions: refused events counted by reason, decided ones by action and logged, no reply needed") {
    store::test::temp_directory dir;
    auto log = store::decision_log_writer::open(store::test::settings_for(dir.file("decisions.sqlite")));
    REQUIRE(log.value);
    auto engine = blocking_engine();
    ingest::ingest_counters counters;
    ingest::pipeline_context ctx{test_support::shipped_plan(), *engine, log.value->get(), false, store::queue_full_policy::backpressure, counters, 0};
    {
        ingest::capture::passive_decider decider(ctx);
        decider.on_call_event(attempt("call-1@example", "+84912345678"));               // blocked by the rule
        decider.on_call_event(attempt("call-2@example", "+84912345678", "203.0.113.999"));  // no IP address
        decider.on_call_event(attempt("call-3@example", "a_b!"));         // no telephone number: kept as written
        decider.on_call_event(attempt("call-4@example", "O912345678"));   // mistyped: kept as written
    }
    CHECK(counters.lines.load() == 4);
    CHECK(error_count(counters, ingest::error_reason::bad_value) == 1);
    CHECK(counters.total_errors() == 1);
    CHECK(decision_count(counters, engine::action::block) == 3);
    CHECK(counters.numbers_kept_raw.load() == 2);
    (*log.value)->close();

    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(dir.file("decisions.sqlite").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT record_id, action, coalesce(caller_e164, ''), caller_raw FROM decisions ORDER BY rowid", -1, &st, nullptr) ==
            SQLITE_OK);
    for (const auto& [id, e164, raw] : {std::tuple<const char*, const char*, const char*>{"call-1@example", "+84912345678", "+84912345678"},
                                        {"call-3@example", "", "a_b!"},
                                        {"call-4@example", "", "O912345678"}}) {
        REQUIRE(sqlite3_step(st) == SQLITE_ROW);
        CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) == id);
        CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 1))) == "block");
        CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 2))) == e164);
        CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 3))) == raw);
    }
    CHECK(sqlite3_step(st) == SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(db);

    // The log closed (the daemon shutting down): the decision is counted with the fail
    // action and not logged; no reply line is asked for, none is rendered.
    {
        ingest::capture::passive_decider decider(ctx);
        decider.on_call_event(attempt("call-3@example", "+84912345678"));
    }
    CHECK(counters.log_queue_full.load() == 1);
    CHECK(decision_count(counters, engine::action::allow) == 1);
}

TEST_CASE("passive decisions given a reply buffer get the lines a socket client would") {
    auto engine = blocking_engine();
    ingest::ingest_counters counters;
    ingest::pipeline_context ctx{test_support::shipped_plan(), *engine, nullptr, false, store::queue_full_policy::backpressure, counters, 0};
    std::string replies;
    ingest::capture::passive_decider decider(ctx, &replies);
    decider.on_call_event(attempt("call-1@example", "+84912345678"));
    decider.on_call_event(attempt("call-2@example", "+84912345678", "203.0.113.999"));
    const std::size_t first_end = replies.find('\n');
    REQUIRE(first_end != std::string::npos);
    const std::string first = replies.substr(0, first_end);
    const std::string second = replies.substr(first_end + 1);
    CHECK(first.find(R"({"id":"call-1@example","action":"block","rules":[{"rule":"block_one_callee")") == 0);
    CHECK(second == R"({"id":"call-2@example","error":{"code":"bad_value","message":"field 'origin.ip': not an IP address: '203.0.113.999'"}})" "\n");
}

// What the SMPP decoder makes of a bound ESME's submit_sm PDUs, one record each.
std::vector<model::record> smpp_records(const std::vector<std::pair<smpp_test::address, smpp_test::address>>& messages, std::uint64_t& unparsed) {
    using namespace decode::smpp;
    smpp_settings settings;
    settings.origin_kind = model::origin_kind::interconnect;
    std::vector<model::record> out;
    smpp_decoder decoder(settings, test_support::shipped_plan(), [&](model::record& r) { out.push_back(r); });
    smpp_session session(decoder, tcp_connection_info{"192.0.2.10", 40000, "198.51.100.5", 2775});
    const std::int64_t t = 1'795'834'800'000'000;
    session.on_bytes(stream_side::initiator, smpp_test::bind(command::bind_transceiver, "bulk-1", 1), t);
    session.on_bytes(stream_side::responder, smpp_test::bind_resp(command::bind_transceiver, "SMSC", 1), t);
    std::uint32_t seq = 2;
    for (const auto& [src, dst] : messages)
        session.on_bytes(stream_side::initiator, smpp_test::message(command::submit_sm, seq++, src, dst, 0, 0, smpp_test::text("Xin chao")), t);
    unparsed = decoder.counters().numbers_unparsed;
    return out;
}

TEST_CASE("captured SMPP with an address the numbering plan rejects is decided and logged, the address kept raw") {
    std::uint64_t unparsed = 0;
    // An ESME sending national digits as international (TON 1), and digits too long for any number.
    // And a destination_addr left empty.
    const auto records = smpp_records(
        {{{1, 1, "84912345678"}, {1, 1, "0987654321"}}, {{0, 1, "0912345678"}, {0, 1, "0987654321123456789"}}, {{0, 1, "0912345678"}, {0, 1, ""}}},
        unparsed);
    CHECK(unparsed == 2);  // an empty address is no number to read, not one the plan refused
    REQUIRE(records.size() == 3);
    // The empty destination is in the record line (`replay --output records`), empty.
    std::string line;
    ingest::capture::append_sms_record_line(line, records[2]);
    CHECK(line.find(R"("callee":"")") != std::string::npos);
    store::test::temp_directory dir;
    auto log = store::decision_log_writer::open(store::test::settings_for(dir.file("decisions.sqlite")));
    REQUIRE(log.value);
    auto engine = test_support::load_inline_pack(R"(
- rule: unknown_destination
  events: [sms.submit]
  condition: callee.type = unknown
  action: warn
  priority: warning
)");
    REQUIRE(engine);
    ingest::ingest_counters counters;
    ingest::pipeline_context ctx{test_support::shipped_plan(), *engine, log.value->get(), false, store::queue_full_policy::backpressure, counters, 0};
    std::string replies;
    {
        ingest::capture::passive_decider decider(ctx, &replies);
        for (const auto& r : records) decider.on_sms_record(r);
    }
    CHECK(counters.total_errors() == 0);
    CHECK(decision_count(counters, engine::action::warn) == 3);
    CHECK(replies.find(R"("action":"warn","rules":[{"rule":"unknown_destination")") != std::string::npos);
    (*log.value)->close();

    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(dir.file("decisions.sqlite").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT coalesce(callee_raw, ''), action FROM decisions ORDER BY rowid", -1, &st, nullptr) == SQLITE_OK);
    for (const char* raw : {"+0987654321", "0987654321123456789", ""}) {
        REQUIRE(sqlite3_step(st) == SQLITE_ROW);
        CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) == raw);
        CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 1))) == "warn");
    }
    CHECK(sqlite3_step(st) == SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

}  // namespace
}  // namespace ringfence::test
