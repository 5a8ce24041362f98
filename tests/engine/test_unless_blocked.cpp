// `unless blocked` aggregates: the state keeps only the records the engine let through, the
// record being decided counts itself, and whatever unblocks a record (an allow rule, a
// shadow rule, the emergency override) lets it count; settle_last moves a record in or out
// when the daemon answered otherwise; records decided at once on several threads never let
// more through than the cap. Records built in code, packs inline.
#include <doctest/doctest.h>

#include <atomic>
#include <latch>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/rule_engine.hpp"
#include "support/inline_pack.hpp"

using namespace ringfence;
using engine::action;

namespace {

constexpr std::int64_t t0 = 1'795'000'000'000;
constexpr std::int64_t minute = 60'000;

model::record sms(const std::string& id, std::int64_t t_ms, const std::string& callee, const std::string& text) {
    model::record r;
    r.id = id;
    r.kind = model::event_kind::sms_submit;
    r.time_ms = t_ms;
    r.caller = {true, "+84987000001", "+84987000001", "VN", model::number_type::mobile, true};
    r.callee = {true, callee, callee, "VN", model::number_type::mobile, true};
    r.sms.present = true;
    r.sms.sender = "SHOP";
    r.sms.text = text;
    return r;
}

std::unique_ptr<engine::rule_engine> load(const std::string& yaml, std::vector<common::diagnostic>* diags = nullptr) {
    return test_support::load_inline_pack(yaml, diags, "UTC");
}

std::string texts(const std::vector<common::diagnostic>& d) { return test_support::diagnostics_text(d); }

// A cap on SMS (its condition given) beside a rule that blocks "casino" for another reason.
std::string cap_pack_with(const std::string& cap_condition) {
    return "- rule: cap\n  events: [sms.submit]\n  condition: " + cap_condition +
           "\n  action: block\n  priority: error\n"
           "- rule: banned_word\n  events: [sms.submit]\n  condition: sms.text contains \"casino\"\n  action: block\n  priority: error\n";
}

const std::string cap_pack =
    cap_pack_with(R"(count(sms.submit where sms.text startswith "[QC]" by callee.e164 within 1h unless blocked) > 2)");

}  // namespace

TEST_CASE("unless blocked: a blocked record is not kept, the record decided counts itself") {
    auto e = load(cap_pack);
    REQUIRE(e);
    engine::decision d;
    const std::string to = "+84912000001";
    e->decide(sms("a1", t0, to, "[QC] one"), d);
    CHECK(d.final_action == action::allow);
    // Blocked for another rule: not kept, so it does not use up the cap.
    e->decide(sms("a2", t0 + minute, to, "[QC] casino"), d);
    CHECK(d.final_action == action::block);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].rule == "banned_word");
    e->decide(sms("a3", t0 + 2 * minute, to, "[QC] two"), d);
    CHECK(d.final_action == action::allow);
    // The third let through would be one too many: it sees 3 (the two kept and itself).
    e->decide(sms("a4", t0 + 3 * minute, to, "[QC] three"), d);
    CHECK(d.final_action == action::block);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].rule == "cap");
    CHECK(d.rules[0].evidence_json.find(R"("value":3)") != std::string::npos);
    // Blocked by the cap itself: not kept either, so the next one still sees 3, not 4.
    e->decide(sms("a5", t0 + 4 * minute, to, "[QC] four"), d);
    CHECK(d.final_action == action::block);
    CHECK(d.rules[0].evidence_json.find(R"("value":3)") != std::string::npos);
    // Once a1 is out of the hour, one more goes through.
    e->decide(sms("a6", t0 + 60 * minute + 1, to, "[QC] five"), d);
    CHECK(d.final_action == action::allow);
    // A record the filter does not take is neither counted nor kept.
    e->decide(sms("other", t0 + 61 * minute, to, "hello"), d);
    CHECK(d.final_action == action::allow);
    e->decide(sms("a7", t0 + 61 * minute + 30'000, to, "[QC] six"), d);
    CHECK(d.final_action == action::block);  // a3, a6 and itself
}

TEST_CASE("unless blocked: a record an allow rule or a shadow rule leaves through is kept") {
    std::vector<common::diagnostic> diags;
    auto e = load(cap_pack + R"(
- rule: vip
  events: [sms.submit]
  condition: sms.text contains "vip"
  action: allow
  priority: informational
- rule: trial
  events: [sms.submit]
  mode: shadow
  condition: sms.text contains "trial"
  action: block
  priority: informational
)", &diags);
    REQUIRE_MESSAGE(e, texts(diags));
    engine::decision d;
    const std::string to = "+84912000002";
    e->decide(sms("v1", t0, to, "[QC] casino vip"), d);  // banned word, but allow wins: kept
    CHECK(d.final_action == action::allow);
    e->decide(sms("s1", t0 + 1, to, "[QC] trial"), d);  // a shadow block changes nothing: kept
    CHECK(d.final_action == action::allow);
    e->decide(sms("x", t0 + 2, to, "[QC] third"), d);
    CHECK(d.final_action == action::block);
}

TEST_CASE("unless blocked: an emergency callee is never blocked, so its record is kept") {
    auto e = load(R"(
- rule: calls_cap
  events: [call.attempt]
  condition: count(call.attempt by caller.e164 within 1h unless blocked) > 1
  action: block
  priority: error
)");
    REQUIRE(e);
    engine::decision d;
    model::record r;
    r.kind = model::event_kind::call_attempt;
    r.caller = {true, "+84987000009", "+84987000009", "VN", model::number_type::mobile, true};
    r.callee = {true, "+84912000003", "+84912000003", "VN", model::number_type::mobile, true};
    r.time_ms = t0;
    e->decide(r, d);
    CHECK(d.final_action == action::allow);
    r.callee = {true, "113", "", "", model::number_type::unknown, false};
    r.time_ms = t0 + 1;
    e->decide(r, d);
    CHECK(d.final_action == action::allow);  // the cap fired, the emergency override let it through
    r.callee = {true, "+84912000003", "+84912000003", "VN", model::number_type::mobile, true};
    r.time_ms = t0 + 2;
    e->decide(r, d);
    CHECK(d.final_action == action::block);
    REQUIRE_FALSE(d.rules.empty());
    CHECK(d.rules[0].evidence_json.find(R"("value":3)") != std::string::npos);
}

TEST_CASE("unless blocked: sum adds the record's amount, 'for' reads see the record, other state is apart") {
    std::vector<common::diagnostic> diags;
    auto e = load(R"(
- rule: talk_cap
  events: [call.end]
  condition: sum(call.talk_ms of call.end by caller.e164 within 1h unless blocked) > 5000
  action: block
  priority: error
- rule: every_end
  events: [call.end]
  condition: count(call.end by caller.e164 within 1h) > 100
  action: warn
  priority: informational
- rule: read_elsewhere
  events: [call.attempt]
  condition: sum(call.talk_ms of call.end by caller.e164 within 1h for callee.e164 unless blocked) >= 3000
  action: warn
  priority: informational
)", &diags);
    REQUIRE_MESSAGE(e, texts(diags));
    engine::decision d;
    model::record r;
    r.kind = model::event_kind::call_end;
    r.caller = {true, "+84987000010", "+84987000010", "VN", model::number_type::mobile, true};
    r.callee = {true, "+84912000004", "+84912000004", "VN", model::number_type::mobile, true};
    r.call.present = true;
    r.call.talk_ms = 3000;
    r.time_ms = t0;
    e->decide(r, d);
    CHECK(d.final_action == action::allow);  // 3000
    r.time_ms = t0 + 1;
    e->decide(r, d);
    CHECK(d.final_action == action::block);  // 6000 with itself: not kept
    r.call.talk_ms = 2000;
    r.time_ms = t0 + 2;
    e->decide(r, d);
    CHECK(d.final_action == action::allow);  // 3000 kept + 2000 = 5000: kept
    // Read at another key: the caller's kept sum is 5000.
    model::record a = r;
    a.kind = model::event_kind::call_attempt;
    a.call = {};
    a.caller = r.callee;
    a.callee = r.caller;
    a.time_ms = t0 + 3;
    e->decide(a, d);
    CHECK(d.final_action == action::warn);
}

TEST_CASE("unless blocked: load errors for distinct, ratio and outgoing_share") {
    for (const char* agg : {"distinct(callee.e164 of call.attempt by caller.e164 within 1h unless blocked) > 3",
                            "ratio(call.attempt where caller.is_home by caller.e164 within 1h unless blocked) > 0.5",
                            "outgoing_share(call.attempt by caller.e164 within 1h unless blocked) > 0.5"}) {
        CAPTURE(agg);
        std::vector<common::diagnostic> diags;
        CHECK_FALSE(load(std::string("- rule: r\n  events: [call.attempt]\n  condition: ") + agg + "\n  action: block\n  priority: error\n", &diags));
        const std::string t = texts(diags);
        CHECK(t.find("RULES_BAD_AGGREGATE") != std::string::npos);
        CHECK(t.find("'unless blocked' keeps the records let through for a cap: it applies to count and sum") != std::string::npos);
        CHECK(t.find("pack.yaml:3:") != std::string::npos);
    }
}

TEST_CASE("unless blocked: settle_last takes a record out when it was answered block, puts it back when let through") {
    auto e = load(cap_pack);
    REQUIRE(e);
    engine::decision d;
    const std::string to = "+84912000005";
    e->decide(sms("s1", t0, to, "[QC] one"), d);
    CHECK(d.final_action == action::allow);
    e->settle_last(action::allow, action::block);  // the daemon answered block instead: not kept
    e->decide(sms("s2", t0 + 1, to, "[QC] two"), d);
    CHECK(d.final_action == action::allow);
    e->decide(sms("s3", t0 + 2, to, "[QC] three"), d);
    CHECK(d.final_action == action::allow);  // s2, s3 kept: 2
    e->decide(sms("s4", t0 + 3, to, "[QC] four"), d);
    CHECK(d.final_action == action::block);  // 3
    e->settle_last(action::block, action::allow);  // let through after all (a passive copy): kept
    e->decide(sms("s5", t0 + 4, to, "[QC] five"), d);
    CHECK(d.final_action == action::block);
    CHECK(d.rules[0].evidence_json.find(R"("value":4)") != std::string::npos);
    // Same outcome as decided: nothing changes.
    e->settle_last(action::block, action::block);
    e->decide(sms("s6", t0 + 5, to, "[QC] six"), d);
    CHECK(d.rules[0].evidence_json.find(R"("value":4)") != std::string::npos);
}

TEST_CASE("unless blocked: records for one recipient decided at once on four threads never pass the cap") {
    auto e = load(cap_pack);
    REQUIRE(e);
    constexpr int recipients = 50;
    constexpr int per_thread = 400;
    std::mutex mu;
    std::map<std::string, int> allowed;
    std::atomic<int> blocked{0};
    std::vector<std::thread> threads;
    std::latch start(4);  // all four begin together, so their records overlap
    for (int th = 0; th < 4; ++th) {
        threads.emplace_back([&, th] {
            engine::decision d;
            start.arrive_and_wait();
            for (int i = 0; i < per_thread; ++i) {
                const std::string to = "+849120100" + std::to_string(10 + i % recipients);
                // One time for all: records out of time order see only the older ones (the
                // window ends at each record's own time), which is not what this checks.
                e->decide(sms("t" + std::to_string(th) + "-" + std::to_string(i), t0, to, "[QC] offer"), d);
                if (d.final_action == action::allow) {
                    std::lock_guard lock(mu);
                    ++allowed[to];
                } else {
                    ++blocked;
                }
            }
        });
    }
    for (auto& t : threads) t.join();
    CHECK(allowed.size() == recipients);  // every recipient got one at least
    for (const auto& [to, n] : allowed) {
        CAPTURE(to);
        CHECK(n <= 2);  // `> 2` blocks the third: at most two let through within the hour
    }
    CHECK(blocked.load() >= 4 * per_thread - 2 * recipients);
}

TEST_CASE("unless blocked: a blocked record stamped ahead does not move its key's clock, nor leave an empty entry") {
    auto e = load(cap_pack_with("count(sms.submit by callee.e164 within 1m unless blocked) > 2"));
    REQUIRE(e);
    engine::decision d;
    const std::string to = "+84912000006";
    const std::size_t keys_before = e->windows().stats().keys;
    // Blocked by another rule, four minutes ahead of the records that follow: taken back,
    // and with it the only event of its key.
    e->decide(sms("ahead", t0 + 4 * minute, to, "casino"), d);
    CHECK(d.final_action == action::block);
    CHECK(e->windows().stats().keys == keys_before);
    for (int i = 1; i <= 2; ++i) {
        e->decide(sms("b" + std::to_string(i), t0 + i * 1000, to, "hello"), d);
        CHECK(d.final_action == action::allow);
    }
    // Had the key's clock stayed four minutes ahead, this one would be "too late" for the
    // window and counted alone (1): it sees 3.
    e->decide(sms("b3", t0 + 3000, to, "hello"), d);
    CHECK(d.final_action == action::block);

    // A key with events kept: a blocked record 100 s ahead (within the window and its minute
    // of grace, so it prunes nothing) is taken back with its clock. A record 30 s behind the
    // kept one is then not "late" (it would be, 130 s behind the blocked one's clock): stored,
    // it counts for the record after it.
    const std::string other = "+84912000007";
    e->decide(sms("k1", t0, other, "hello"), d);
    e->decide(sms("ahead", t0 + 100'000, other, "casino"), d);
    CHECK(d.final_action == action::block);
    e->decide(sms("behind", t0 - 30'000, other, "hello"), d);
    CHECK(d.final_action == action::allow);
    e->decide(sms("k2", t0 + 1000, other, "hello"), d);  // k1, behind and itself
    CHECK(d.final_action == action::block);
}
