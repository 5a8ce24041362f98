// Shared tests evaluated once per record (node::result_memo): the compiler gives equal tests
// one slot and different ones different slots, and a remembered result never changes what a
// decision says, its evidence included.
#include <doctest/doctest.h>

#include <set>

#include "engine/compiled_ruleset.hpp"
#include "support/inline_pack.hpp"

using namespace ringfence;
using engine::action;

namespace {

constexpr std::int64_t t0 = 1'795'000'000'000;

model::record call(const std::string& id, std::int64_t t_ms, const std::string& caller, const std::string& callee) {
    model::record r;
    r.id = id;
    r.kind = model::event_kind::call_attempt;
    r.time_ms = t_ms;
    r.caller = {true, caller, caller, "VN", model::number_type::mobile, true};
    r.callee = {true, callee, callee, "VN", model::number_type::mobile, true};
    r.origin.kind = model::origin_kind::interconnect;
    r.origin.trunk = "GW-1";
    return r;
}

const engine::compiled_rule& rule_named(const engine::compiled_ruleset& rs, const std::string& name) {
    for (const auto& r : rs.rules)
        if (r.name == name) return r;
    FAIL("no rule " << name);
    return rs.rules.front();
}

// The result slot of a rule's root.
std::uint32_t root_slot(const engine::compiled_ruleset& rs, const std::string& name) { return rs.nodes[rule_named(rs, name).root].result_memo; }

}  // namespace

TEST_CASE("equal tests share a result slot, tests that differ in any literal do not") {
    auto e = test_support::load_inline_pack(R"(
- rule: a1
  events: [call.attempt]
  condition: caller.e164 = "+841" and callee.e164 = "+842"
  action: warn
  priority: notice
- rule: a2
  events: [call.attempt]
  condition: caller.e164 = "+841" and callee.e164 = "+842"
  action: warn
  priority: notice
- rule: b
  events: [call.attempt]
  condition: caller.e164 = "+8412" and callee.e164 = "+842"
  action: warn
  priority: notice
- rule: c1
  events: [call.attempt]
  condition: call.ring_ms > 1 and caller.is_home
  action: warn
  priority: notice
- rule: c2
  events: [call.attempt]
  condition: call.ring_ms > 1.5 and caller.is_home
  action: warn
  priority: notice
- rule: once
  events: [call.attempt]
  condition: callee.e164 = "+849"
  action: warn
  priority: notice
)");
    REQUIRE(e);
    const auto rs = e->current();
    CHECK(root_slot(*rs, "a1") != engine::node::no_memo);
    CHECK(root_slot(*rs, "a1") == root_slot(*rs, "a2"));
    CHECK(root_slot(*rs, "b") == engine::node::no_memo);  // its first test is its own
    CHECK(root_slot(*rs, "c1") == engine::node::no_memo);
    CHECK(root_slot(*rs, "c2") == engine::node::no_memo);
    CHECK(root_slot(*rs, "once") == engine::node::no_memo);
    // `callee.e164 = "+842"` in a1, a2 and b, and `caller.is_home` in c1 and c2, share a slot each.
    const auto& b_root = rs->nodes[rule_named(*rs, "b").root];
    const auto& a_root = rs->nodes[rule_named(*rs, "a1").root];
    CHECK(rs->nodes[b_root.children[1]].result_memo != engine::node::no_memo);
    CHECK(rs->nodes[b_root.children[1]].result_memo == rs->nodes[a_root.children[1]].result_memo);
    CHECK(rs->nodes[b_root.children[0]].result_memo == engine::node::no_memo);
    std::set<std::uint32_t> slots;
    for (const auto& n : rs->nodes)
        if (n.result_memo != engine::node::no_memo) slots.insert(n.result_memo);
    CHECK(slots.size() == rs->result_memo_slots);
    CHECK(rs->result_memo_slots == 4);  // a1's root, a1's first test, "+842", caller.is_home
}

TEST_CASE("a macro with an aggregate in two rules gives both its evidence") {
    auto e = test_support::load_inline_pack(R"(
- macro: frequent
  condition: count(call.attempt by caller.e164 within 1m) > 2
- rule: frequent_warn
  events: [call.attempt]
  condition: frequent
  action: warn
  priority: notice
- rule: frequent_to_home
  events: [call.attempt]
  condition: frequent and callee.is_home
  action: block
  priority: notice
)");
    REQUIRE(e);
    engine::decision d;
    for (int i = 1; i <= 2; ++i) {
        e->decide(call("c" + std::to_string(i), t0 + i * 1000, "+84912345678", "+84987654321"), d);
        CHECK(d.rules.empty());  // false, remembered, and false again in the second rule
    }
    e->decide(call("c3", t0 + 3000, "+84912345678", "+84987654321"), d);
    REQUIRE(d.rules.size() == 2);
    const std::string evidence =
        R"x({"aggregates":[{"aggregate":"count(call.attempt by caller.e164 within 1m)","key":"+84912345678","value":3,"op":">","threshold":2}]})x";
    CHECK(d.rules[0].evidence_json == evidence);
    CHECK(d.rules[1].evidence_json == evidence);
    CHECK(d.final_action == action::block);
}

TEST_CASE("a test found true under `not` still gives its evidence where a rule fires on it") {
    auto e = test_support::load_inline_pack(R"(
- list: watched
  items: ["+84912345678"]
- macro: watched_home_caller
  condition: caller.e164 in watched and caller.is_home
- rule: not_watched
  events: [call.attempt]
  condition: not watched_home_caller and callee.is_home
  action: warn
  priority: notice
- rule: watched_caller
  events: [call.attempt]
  condition: watched_home_caller
  action: block
  priority: notice
)");
    REQUIRE(e);
    const auto rs = e->current();
    CHECK(rs->nodes[rule_named(*rs, "watched_caller").root].result_memo != engine::node::no_memo);
    CHECK_FALSE(rs->nodes[rule_named(*rs, "watched_caller").root].evidence_free);
    engine::decision d;
    e->decide(call("c1", t0, "+84912345678", "+84987654321"), d);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].rule == "watched_caller");
    CHECK(d.rules[0].evidence_json == R"({"lists":[{"list":"watched","field":"caller.e164","value":"+84912345678","entry":"+84912345678"}]})");
    e->decide(call("c2", t0 + 1000, "+84911111111", "+84987654321"), d);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].rule == "not_watched");
}

TEST_CASE("an aggregate's filter shared with a rule counts and decides as written") {
    auto e = test_support::load_inline_pack(R"(
- macro: premium_callee
  condition: callee.e164 startswith "+84190" or callee.e164 startswith "+881"
- rule: premium_burst
  events: [call.attempt]
  condition: premium_callee and count(call.attempt where premium_callee by caller.e164 within 1h) >= 2
  action: block
  priority: notice
- rule: premium_call
  events: [call.attempt]
  condition: premium_callee
  action: warn
  priority: notice
)");
    REQUIRE(e);
    engine::decision d;
    e->decide(call("c1", t0, "+84912345678", "+8419001234"), d);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].rule == "premium_call");
    e->decide(call("c2", t0 + 1000, "+84912345678", "+84987654321"), d);  // not counted
    CHECK(d.rules.empty());
    e->decide(call("c3", t0 + 2000, "+84912345678", "+8816001234"), d);
    REQUIRE(d.rules.size() == 2);
    CHECK(d.rules[0].rule == "premium_burst");
    CHECK(d.final_action == action::block);
}

TEST_CASE("an extra field whose name holds the form's separators shares no slot with another test") {
    // An exception's `fields` may name extra.<anything>; written into the form without its
    // length, this name made r2's exception test the same form as r1's condition.
    auto e = test_support::load_inline_pack(R"(
- rule: r1
  events: [sms.submit]
  condition: extra.a = "Q|x4294967295|k2|t1:Z"
  action: warn
  priority: notice
- rule: r2
  events: [sms.submit]
  condition: sms.sender_is_alpha
  action: block
  priority: critical
  exceptions:
    - name: e
      fields: ["extra.a|x4294967295|k2|t21:Q"]
      values: [["Z"]]
)");
    REQUIRE(e);
    model::record r = call("s1", t0, "+84912345678", "+84987654321");
    r.kind = model::event_kind::sms_submit;
    r.sms.present = true;
    r.sms.sender = "VCB";
    r.sms.sender_is_alpha = true;
    r.sms.text = "x";
    r.extra.push_back({"a", model::extra_field::json_type::string, "Q|x4294967295|k2|t1:Z"});
    engine::decision d;
    e->decide(r, d);
    REQUIRE(d.rules.size() == 2);  // r1 holds; r2's exception (another field) does not
    CHECK(d.rules[0].rule == "r1");
    CHECK(d.rules[1].rule == "r2");
    CHECK(d.final_action == action::block);
}
