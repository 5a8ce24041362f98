// Tests compiled to a bit test (fast_leaf.hpp) give what the general path gives, for every
// value their field can take, and a test on an intelligence list is never one of them.
#include <doctest/doctest.h>

#include <string>
#include <utility>

#include "engine/eval_context.hpp"
#include "engine/fast_leaf.hpp"
#include "support/inline_pack.hpp"

using namespace ringfence;

namespace {

// One rule per test: each operator the compiler reduces, on each field it reduces.
std::string pack() {
    const std::pair<const char*, const char*> rules[] = {
        {"kind_in_list", "origin.kind in foreign_kinds"},
        {"kind_in_values", "origin.kind in (voip, home_fixed)"},
        {"kind_eq", "origin.kind = international"},
        {"kind_ne", "origin.kind != international"},
        {"caller_type_in", "caller.type in (mobile, fixed)"},
        {"callee_type_list", "callee.type in costly_types"},
        {"asserted_type_ne", "asserted.type != mobile"},
        {"diversion_type_eq", "diversion.type = satellite"},
        {"caller_home", "caller.is_home"},
        {"callee_not_home", "callee.is_home = false"},
        {"asserted_home_ne", "asserted.is_home != true"},
        {"alpha_sender", "sms.sender_is_alpha and not sms.sender_is_alpha = false"},
    };
    std::string out = "- list: foreign_kinds\n  items: [international, voip, ott]\n- list: costly_types\n  items: [premium, satellite]\n";
    for (const auto& [name, condition] : rules)
        out += std::string("- rule: ") + name + "\n  events: [call.attempt, sms.submit]\n  condition: " + condition + "\n  action: warn\n  priority: notice\n";
    return out;
}

// Each value a fast field can take (and absent parties and SMS parts), one record each.
std::vector<model::record> every_value() {
    std::vector<model::record> out;
    for (int kind = 0; kind < model::origin_kind_count; ++kind)
        for (int type = 0; type < model::number_type_count; ++type)
            for (int present = 0; present < 2; ++present)
                for (int flag = 0; flag < 2; ++flag) {
                    model::record r;
                    r.kind = flag ? model::event_kind::sms_submit : model::event_kind::call_attempt;
                    r.time_ms = 1'795'000'000'000;
                    r.origin.kind = static_cast<model::origin_kind>(kind);
                    const auto t = static_cast<model::number_type>(type);
                    r.caller = {present == 1, "x", "+84912345678", "VN", t, flag == 1};
                    r.callee = {present == 1, "y", "+84987654321", "VN", static_cast<model::number_type>((type + 3) % model::number_type_count), flag == 0};
                    r.asserted = {present == 1, "z", "+84911111111", "VN", t, flag == 1};
                    r.diversion = {present == 0, "w", "+84922222222", "VN", t, flag == 0};
                    r.sms.present = present == 1;
                    r.sms.sender_is_alpha = flag == 1;
                    out.push_back(r);
                }
    return out;
}

// An evaluation context over a rule set a test owns (UTC, empty window state).
struct context_over {
    common::time_zone tz = utc();
    engine::state::window_store windows{{}};
    engine::eval_context ctx;
    explicit context_over(const engine::compiled_ruleset& rs) : ctx(rs, tz, windows) {}
    static common::time_zone utc() {
        std::string why;
        auto tz = common::time_zone::load("UTC", why);
        REQUIRE(tz);
        return std::move(*tz);
    }
};

}  // namespace

TEST_CASE("a test compiled to a bit test gives the general path's result for every value of its field") {
    std::vector<common::diagnostic> diags;
    auto e = test_support::load_inline_pack(pack(), &diags);
    REQUIRE_MESSAGE(e, test_support::diagnostics_text(diags));
    // This test owns the rule set (the engine decides nothing meanwhile): each fast node is
    // switched back to the general path to compare the two.
    auto& rs = const_cast<engine::compiled_ruleset&>(*e->current());
    context_over c(rs);
    engine::eval_context& ctx = c.ctx;
    std::size_t fast_nodes = 0, compared = 0, held = 0;
    for (std::uint32_t i = 0; i < rs.nodes.size(); ++i) {
        engine::node& n = rs.nodes[i];
        if (n.fast.f == engine::fast_test::field::none) continue;
        ++fast_nodes;
        const engine::node fast = n;
        for (const model::record& r : every_value()) {
            ctx.begin(r);
            const bool quick = engine::evaluate(ctx, i);
            n.fast.f = engine::fast_test::field::none;
            ctx.begin(r);
            const bool general = engine::evaluate(ctx, i);
            n = fast;
            CHECK_MESSAGE(quick == general, "node " << i << " on " << n.lhs.field.name() << ", origin kind " << static_cast<int>(r.origin.kind)
                                                    << ", caller type " << static_cast<int>(r.caller.type));
            ++compared;
            held += general ? 1 : 0;
        }
    }
    // Every test of the pack but `not`'s and `and`'s own nodes is a fast one.
    CHECK(fast_nodes == 12);  // diversion.type stays on the general path
    CHECK(compared > 0);
    CHECK(held > 0);
    CHECK(held < compared);
}

TEST_CASE("a test on an intelligence list or on a text field stays on the general path") {
    auto e = test_support::load_inline_pack(R"(
- list: reported_numbers
  intel: number
- rule: reported
  events: [call.attempt]
  condition: caller.e164 in reported_numbers or caller.country in (KH, MM) or caller.e164 = "+84912345678"
  action: block
  priority: warning
)");
    REQUIRE(e);
    for (const auto& n : e->current()->nodes) CHECK(n.fast.f == engine::fast_test::field::none);
}

TEST_CASE("a rule's gates are the bit tests joined to its root by `and`, and deciding with them changes no decision") {
    std::vector<common::diagnostic> diags;
    auto e = test_support::load_inline_pack(R"(
- list: foreign_kinds
  items: [international, voip, ott]
- macro: foreign_ingress
  condition: origin.kind in foreign_kinds
- rule: gated_twice
  events: [call.attempt, sms.submit]
  condition: foreign_ingress and (caller.is_home and caller.e164 startswith "+849") and callee.type != premium
  action: block
  priority: warning
  reason: "{origin.kind} presents {caller.e164}"
- rule: not_gated_through_or
  events: [call.attempt, sms.submit]
  condition: caller.is_home or callee.type = premium
  action: warn
  priority: notice
- rule: not_gated_through_not
  events: [call.attempt, sms.submit]
  condition: not caller.is_home and caller.e164 exists
  action: warn
  priority: notice
- rule: alpha_only
  events: [sms.submit]
  condition: sms.sender_is_alpha and asserted.type = mobile
  action: warn
  priority: notice
)",
                                            &diags);
    REQUIRE_MESSAGE(e, test_support::diagnostics_text(diags));
    auto& rs = const_cast<engine::compiled_ruleset&>(*e->current());
    auto rule = [&](const std::string& name) -> engine::compiled_rule& {
        for (auto& r : rs.rules)
            if (r.name == name) return r;
        FAIL("no rule " << name);
        return rs.rules.front();
    };
    CHECK(rule("gated_twice").gate_count == 3);  // the list test, caller.is_home, callee.type
    CHECK(rule("not_gated_through_or").gate_count == 0);
    CHECK(rule("not_gated_through_not").gate_count == 0);
    CHECK(rule("alpha_only").gate_count == 2);

    // The same records decided with every rule's gates and with none: the same decisions.
    std::vector<std::string> with_gates, without;
    const auto records = every_value();
    for (int pass = 0; pass < 2; ++pass) {
        if (pass == 1)
            for (auto& r : rs.rules) r.gate_count = 0;
        for (const model::record& r : records) {
            engine::decision d;
            e->decide(r, d);
            std::string line = std::string(engine::to_string(d.final_action));
            for (const auto& m : d.rules) line += "|" + m.rule + "|" + m.reason + "|" + m.evidence_json;
            (pass == 0 ? with_gates : without).push_back(line);
        }
    }
    CHECK(with_gates == without);
    std::size_t blocked = 0;
    for (const auto& l : with_gates) blocked += l.rfind("block", 0) == 0 ? 1 : 0;
    CHECK(blocked > 0);
    CHECK(blocked < with_gates.size());
}

TEST_CASE("scope_of gives each field the records the registry says carry it") {
    for (const engine::field_def& f : engine::all_fields()) {
        if (f.id == engine::field_id::extra) continue;
        CHECK_MESSAGE(engine::scope_of(f.id) == f.scope, f.name);
    }
}

TEST_CASE("a call's number tested against a literal gives the general path's result on every kind of record") {
    std::vector<common::diagnostic> diags;
    auto e = test_support::load_inline_pack(R"(
- rule: call_numbers
  events: [call.attempt, call.answer, call.end, sms.submit]
  condition: >-
    call.ring_ms > 0 or call.ring_ms < 3s or call.talk_ms = 0 or call.talk_ms >= 10s or call.gap_ms < 30s or
    call.idle_ms <= 10s or call.idle_ms != 5s or caller.concurrent_calls >= 3 or call.first_contact or
    call.first_contact = false or call.first_contact != true or call.gap_ms > call.idle_ms
  action: warn
  priority: notice
)",
                                            &diags);
    REQUIRE_MESSAGE(e, test_support::diagnostics_text(diags));
    auto& rs = const_cast<engine::compiled_ruleset&>(*e->current());
    context_over c(rs);
    engine::eval_context& ctx = c.ctx;
    // Every kind, with each optional number absent, zero, small and large.
    std::vector<model::record> records;
    const std::optional<std::int64_t> values[] = {std::nullopt, 0, 5'000, 10'000, 40'000};
    for (int kind = 0; kind <= static_cast<int>(model::event_kind::sms_deliver); ++kind)
        for (const auto& v : values) {
            model::record r;
            r.kind = static_cast<model::event_kind>(kind);
            r.time_ms = 1'795'000'000'000;
            r.call.ring_ms = v;
            r.call.talk_ms = v ? std::optional<std::int64_t>(*v * 2 % 30'000) : std::nullopt;
            records.push_back(r);
        }
    std::size_t quick_nodes = 0, compared = 0, held = 0;
    for (std::uint32_t i = 0; i < rs.nodes.size(); ++i) {
        engine::node& n = rs.nodes[i];
        if (n.call_number == engine::field_id::kind) continue;
        ++quick_nodes;
        const engine::node quick = n;
        for (const model::record& r : records)
            for (const auto& history : values) {
                auto set_history = [&] {
                    ctx.gap_ms = history;
                    ctx.idle_ms = history ? std::optional<std::int64_t>(*history / 2) : std::nullopt;
                    ctx.first_contact = history.has_value() && *history > 5'000;
                    ctx.concurrent_calls = history ? *history / 5'000 : 0;
                };
                ctx.begin(r);
                set_history();
                const bool fast = engine::evaluate(ctx, i);
                n.call_number = engine::field_id::kind;
                ctx.begin(r);
                set_history();
                const bool general = engine::evaluate(ctx, i);
                n = quick;
                CHECK_MESSAGE(fast == general, "node " << i << " on " << n.lhs.field.name() << ", kind " << static_cast<int>(r.kind));
                ++compared;
                held += general ? 1 : 0;
            }
    }
    CHECK(quick_nodes == 11);  // call.gap_ms > call.idle_ms (a field on the right) stays general
    CHECK(held > 0);
    CHECK(held < compared);
}
