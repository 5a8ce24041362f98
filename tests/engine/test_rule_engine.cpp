// The rule engine end to end inside one process: YAML rule packs from inline text, records
// built in code, decisions and load errors checked exactly.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "engine/rule_engine.hpp"
#include "engine/state/window_snapshot.hpp"
#include "support/inline_pack.hpp"

using namespace ringfence;
using engine::action;

namespace {

model::record call(const std::string& id, std::int64_t t_ms, const std::string& caller_e164, bool caller_home,
                   const std::string& callee_e164, model::origin_kind origin = model::origin_kind::interconnect) {
    model::record r;
    r.id = id;
    r.kind = model::event_kind::call_attempt;
    r.time_ms = t_ms;
    r.caller = {true, caller_e164, caller_e164, caller_home ? "VN" : "KH", model::number_type::mobile, caller_home};
    r.callee = {true, callee_e164, callee_e164, "VN", model::number_type::mobile, true};
    r.origin.kind = origin;
    r.origin.trunk = "GW-1";
    return r;
}

std::unique_ptr<engine::rule_engine> load(const std::string& yaml, std::vector<common::diagnostic>* diags = nullptr) {
    return test_support::load_inline_pack(yaml, diags);
}

std::string texts(const std::vector<common::diagnostic>& d) { return test_support::diagnostics_text(d); }

constexpr std::int64_t t0 = 1'795'000'000'000;

// An sms.submit from a home mobile with this text.
model::record sms_record(const std::string& text) {
    model::record r = call("s", t0, "+84987000001", true, "+84987654321");
    r.kind = model::event_kind::sms_submit;
    r.sms.present = true;
    r.sms.text = text;
    return r;
}

// A rule engine on one pack file that a test rewrites and reloads, in a folder of its own.
struct reloadable_pack {
    std::filesystem::path dir;
    std::string file;
    explicit reloadable_pack(const std::string& name)
        : dir(std::filesystem::temp_directory_path() / ("ringfence-" + name + "-" + std::to_string(::getpid()))),
          file((dir / "pack.yaml").string()) {
        std::filesystem::create_directories(dir);
    }
    ~reloadable_pack() { std::filesystem::remove_all(dir); }
    void write(const std::string& text) const { std::ofstream(file) << text; }
    // The engine on the file as last written (REQUIREs that it loads).
    std::unique_ptr<engine::rule_engine> load() const {
        engine::rule_engine_settings s;
        s.rule_paths = {file};
        s.time_zone = "UTC";
        auto created = engine::rule_engine::create(s);
        REQUIRE(created.value);
        return std::move(*created.value);
    }
};

// The first rule that fires on an SMS with this text (empty when none does).
std::string first_rule_on_sms(engine::rule_engine& e, const std::string& text) {
    model::record r = sms_record(text);
    engine::decision d;
    e.decide(r, d);
    return d.rules.empty() ? std::string() : d.rules[0].rule;
}

}  // namespace

TEST_CASE("a rule blocks with its rendered reason and the aggregate evidence") {
    auto e = load(R"(
- rule: burst
  events: [call.attempt]
  condition: count(call.attempt by caller.e164 within 1m) > 5
  action: block
  priority: critical
  reason: "{caller.e164} called too often via {origin.trunk}"
)");
    REQUIRE(e);
    engine::decision d;
    for (int i = 1; i <= 5; ++i) {
        e->decide(call("c" + std::to_string(i), t0 + i * 1000, "+84912345678", true, "+84987654321"), d);
        CHECK(d.final_action == action::allow);
    }
    e->decide(call("c6", t0 + 6000, "+84912345678", true, "+84987654321"), d);
    REQUIRE(d.final_action == action::block);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].rule == "burst");
    CHECK(d.rules[0].reason == "+84912345678 called too often via GW-1");
    CHECK(d.rules[0].evidence_json ==
          R"x({"aggregates":[{"aggregate":"count(call.attempt by caller.e164 within 1m)","key":"+84912345678","value":6,"op":">","threshold":5}]})x");
    CHECK(d.ruleset_version.rfind("sha256:", 0) == 0);
    // The window is (t - 1m, t]: 61 s after the first call only five remain.
    e->decide(call("c7", t0 + 61000, "+84912345678", true, "+84987654321"), d);
    CHECK(d.final_action == action::block);  // c2..c7 = 6
    e->decide(call("c8", t0 + 200000, "+84912345678", true, "+84987654321"), d);
    CHECK(d.final_action == action::allow);
}

TEST_CASE("precedence: allow wins over block, block over warn, shadow rules never act") {
    auto e = load(R"(
- list: emergency
  items: ["+84113"]
- rule: warn_all
  events: [call.attempt]
  condition: caller.is_home
  action: warn
  priority: notice
- rule: block_foreign
  events: [call.attempt]
  condition: origin.kind = international and caller.is_home
  action: block
  priority: critical
- rule: emergency_allowed
  events: [call.attempt]
  condition: callee.e164 in emergency
  action: allow
  priority: informational
- rule: shadow_block
  events: [call.attempt]
  condition: caller.is_home
  action: block
  priority: critical
  mode: shadow
)");
    REQUIRE(e);
    engine::decision d;
    e->decide(call("a", t0, "+84912345678", true, "+84987654321"), d);
    CHECK(d.final_action == action::warn);
    CHECK(d.rules.size() == 2);
    CHECK(d.rules[1].shadow);
    e->decide(call("b", t0, "+84912345678", true, "+84987654321", model::origin_kind::international), d);
    CHECK(d.final_action == action::block);
    e->decide(call("c", t0, "+84912345678", true, "+84113", model::origin_kind::international), d);
    CHECK(d.final_action == action::allow);
    CHECK(d.rules.size() == 4);
}

TEST_CASE("overrides append list items and conditions, replace enabled, exceptions exempt") {
    auto e = load(R"(
- list: risky
  items: [KH]
- rule: risky_country
  events: [call.attempt]
  condition: caller.country in risky
  action: block
  priority: error
  exceptions:
    - name: known
      fields: [caller.e164]
      values: [["+85510000001"]]
- list: risky
  items: [MM]
  override: {items: append}
- rule: risky_country
  condition: and origin.kind = international
  override: {condition: append}
)");
    REQUIRE(e);
    engine::decision d;
    auto r = call("x", t0, "+85510000002", false, "+84987654321", model::origin_kind::international);
    e->decide(r, d);
    CHECK(d.final_action == action::block);
    r.caller.e164 = "+85510000001";  // the exception
    e->decide(r, d);
    CHECK(d.final_action == action::allow);
    r = call("y", t0, "+95910000002", false, "+84987654321", model::origin_kind::interconnect);
    r.caller.country = "MM";
    e->decide(r, d);
    CHECK(d.final_action == action::allow);  // the appended condition needs international
    r.origin.kind = model::origin_kind::international;
    e->decide(r, d);
    CHECK(d.final_action == action::block);
}

TEST_CASE("an error after an escape in a double-quoted condition is placed where the text is") {
    std::vector<common::diagnostic> diags;
    CHECK_FALSE(load(R"x(- rule: r1
  events: [call.attempt]
  condition: "caller.raw = \"x\" and origin.kind = internatonal"
  action: warn
  priority: warning
- rule: r2
  events: [call.attempt]
  condition: "caller.raw = \u0041 and origin.kind = internatonal"
  action: warn
  priority: warning
- rule: r3
  events: [call.attempt]
  condition: "caller.is_home and\n  origin.kind = internatonal"
  action: warn
  priority: warning
- rule: r4
  events: [call.attempt]
  condition: "caller.raw = \"caf\u00e9\x41\" and \
    origin.kind = internatonal"
  action: warn
  priority: warning
)x", &diags));
    const std::string all = texts(diags);
    CAPTURE(all);
    CHECK(all.find("pack.yaml:3:52: error RULES_BAD_VALUE") != std::string::npos);
    CHECK(all.find("pack.yaml:8:53: error RULES_BAD_VALUE") != std::string::npos);
    CHECK(all.find("pack.yaml:13:51: error RULES_BAD_VALUE") != std::string::npos);
    CHECK(all.find("pack.yaml:19:19: error RULES_BAD_VALUE") != std::string::npos);
}

TEST_CASE("a list tested against a field with a fixed set of values: an item it can never take is an error at the item") {
    std::vector<common::diagnostic> diags;
    CHECK_FALSE(load(R"(- list: kinds
  items: [voip, internatonal]
- list: more_kinds
  items: [kinds, ott]
- macro: from_abroad
  condition: origin.kind in more_kinds
- rule: r1
  events: [call.attempt]
  condition: from_abroad and caller.is_home
  action: warn
  priority: warning
- rule: r2
  events: [call.attempt]
  condition: from_abroad and callee.is_home
  action: warn
  priority: warning
- list: types
  items: [satelite]
- rule: r3
  events: [call.attempt]
  condition: caller.type in types or kind in event_kinds
  action: warn
  priority: warning
- list: event_kinds
  items: [call.atempt]
)", &diags));
    CHECK(texts(diags) ==
          "pack.yaml:2:17: error RULES_BAD_VALUE: list 'more_kinds' is tested against 'origin.kind', which can never be 'internatonal' (it is one of "
          "home_mobile, home_fixed, interconnect, international, voip, ott)\n"
          "pack.yaml:18:11: error RULES_BAD_VALUE: list 'types' is tested against 'caller.type', which can never be 'satelite' (it is one of "
          "unknown, mobile, fixed, toll_free, premium, shared_cost, voip, satellite, short_code, alphanumeric)\n"
          "pack.yaml:25:11: error RULES_BAD_VALUE: list 'event_kinds' is tested against 'kind', which can never be 'call.atempt' (it is one of "
          "call.attempt, call.answer, call.end, sms.submit, sms.deliver)\n");
    // The same lists with values the fields take load, and the list decides as written.
    auto e = load(R"(- list: kinds
  items: [voip, international]
- rule: r1
  events: [call.attempt]
  condition: origin.kind in kinds
  action: warn
  priority: warning
)", &diags);
    REQUIRE_MESSAGE(e, texts(diags));
    CHECK(diags.empty());
}

TEST_CASE("a macro named like a field or a word of the language is an error, not a stand-in for the field") {
    std::vector<common::diagnostic> diags;
    CHECK_FALSE(load(R"(- macro: caller.is_home
  condition: origin.kind = ott
- macro: within
  condition: caller.is_home
- macro: "false"
  condition: caller.is_home
- macro: count
  condition: caller.is_home
- rule: r
  events: [call.attempt]
  condition: caller.is_home
  action: warn
  priority: warning
)", &diags));
    CHECK(texts(diags) ==
          "pack.yaml:1:10: error RULES_BAD_NAME: macro 'caller.is_home' has the name of a field: every rule would read the macro where it means the "
          "field; name it otherwise\n"
          "pack.yaml:3:10: error RULES_BAD_NAME: macro 'within' has the name of a word of the condition language; name it otherwise\n"
          "pack.yaml:5:10: error RULES_BAD_NAME: macro 'false' has the name of a word of the condition language; name it otherwise\n"
          "pack.yaml:7:10: error RULES_BAD_NAME: macro 'count' has the name of a word of the condition language; name it otherwise\n");
}

TEST_CASE("warnings: an aggregate keyed by (or of) a field its events never carry, a text test no fixed value passes") {
    std::vector<common::diagnostic> diags;
    auto e = load(R"(- rule: r1
  events: [call.attempt]
  condition: count(call.attempt by sms.sender within 1h) > 1 or sum(sms.parts of call.attempt by caller.e164 within 1h) > 1
  action: warn
  priority: warning
- rule: r2
  events: [call.attempt]
  condition: origin.kind contains "intl" or origin.kind startswith "inter" or origin.kind icontains "VOIP"
  action: warn
  priority: warning
)", &diags);
    REQUIRE_MESSAGE(e, texts(diags));
    CHECK(texts(diags) ==
          "pack.yaml:3:36: warning RULES_FIELD_NOT_IN_EVENTS: 'sms.sender' is never set on the events this is evaluated for; this test is always false\n"
          "pack.yaml:3:69: warning RULES_FIELD_NOT_IN_EVENTS: 'sms.parts' is never set on the events this is evaluated for; this test is always false\n"
          "pack.yaml:8:35: warning RULES_NEVER_MATCHES: no value 'origin.kind' can take (home_mobile, home_fixed, interconnect, international, voip, ott) "
          "passes this test: it is always false\n");
}

TEST_CASE("required_engine_version that is not an integer is named once in the error") {
    std::vector<common::diagnostic> diags;
    CHECK_FALSE(load("- required_engine_version: \"one\"\n- rule: a\n  events: [call.attempt]\n  condition: caller.is_home\n  action: warn\n  priority: warning\n",
                     &diags));
    CHECK(texts(diags) == "pack.yaml:1:28: error RULES_BAD_TYPE: 'required_engine_version': expected an integer, got 'one'\n");
}

TEST_CASE("an empty item is an error at the item, not a crash of the loader") {
    std::vector<common::diagnostic> diags;
    CHECK_FALSE(load("- rule: a\n  events: [call.attempt]\n  condition: caller.is_home\n  action: warn\n  priority: warning\n- {}\n", &diags));
    CHECK(texts(diags) == "pack.yaml:6:3: error RULES_BAD_ITEM: an empty item: expected list, macro, rule, test, pack or required_engine_version\n");
}

TEST_CASE("a key written with no value is an error, not its default") {
    std::vector<common::diagnostic> diags;
    CHECK_FALSE(load(R"(- rule: r
  events:
  condition: caller.is_home
  action: block
  priority: critical
  mode:
  enabled:
  exceptions:
    - name: vip
      fields: [caller.e164]
      values:
)", &diags));
    const std::string all = texts(diags);
    INFO(all);
    for (const char* key : {"pack.yaml:2:3: error RULES_BAD_TYPE: 'rule.events': no value given", "pack.yaml:6:3: error RULES_BAD_TYPE: 'rule.mode': no value given",
                            "pack.yaml:7:3: error RULES_BAD_TYPE: 'rule.enabled': no value given", ":11:7: error RULES_BAD_TYPE:"})
        CHECK(all.find(key) != std::string::npos);
    CHECK(all.find("RULES_ALL_EVENTS") == std::string::npos);
}

TEST_CASE("an items_file that names a device or a directory is an error, not a read without end") {
    std::vector<common::diagnostic> diags;
    CHECK_FALSE(load("- list: l\n  items_file: /dev/zero\n", &diags));
    CHECK(texts(diags).find("cannot read items_file /dev/zero: not a regular file") != std::string::npos);
    CHECK_FALSE(load("- list: l\n  items_file: /tmp\n", &diags));
    CHECK(texts(diags).find("cannot read items_file /tmp: is a directory") != std::string::npos);
}

TEST_CASE("load errors carry stable codes and file:line:column") {
    std::vector<common::diagnostic> diags;
    CHECK_FALSE(load(R"(- rule: bad
  events: [call.attempt]
  condition: caller.e164 > 5 and origin.kind = internatonal
  action: block
  priority: critical
)", &diags));
    CHECK(texts(diags) ==
          "pack.yaml:3:14: error RULES_TYPE_MISMATCH: <, <=, > and >= compare numbers; 'caller.e164' is text\n"
          "pack.yaml:3:48: error RULES_BAD_VALUE: 'origin.kind' can never be 'internatonal' (it is one of home_mobile, home_fixed, interconnect, international, voip, ott)\n");

    CHECK_FALSE(load(R"(- rule: r
  events: [call.attempt]
  condition: count(call.attempt by caller.e164 within 10m) > and x
  action: block
  priority: critical
)", &diags));
    REQUIRE(diags.size() == 1);
    CHECK(diags[0].code == "RULES_CONDITION_SYNTAX");
    CHECK(diags[0].line == 3);
    CHECK(diags[0].column == 62);  // at the "and" where a value was expected

    CHECK_FALSE(load(R"(- macro: a
  condition: b
- macro: b
  condition: a
- rule: r
  events: [call.attempt]
  condition: a and caller.e164 in nowhere
  action: block
  priority: critical
- list: ghost
  items: [x]
  override: {items: append}
- rule: undefined_rule
  enabled: false
  override: {enabled: replace}
)", &diags));
    const std::string all = texts(diags);
    CHECK(all.find("pack.yaml:10:9: error RULES_DUPLICATE") == std::string::npos);
    CHECK(all.find("error RULES_OVERRIDE_UNDEFINED: override of rule 'undefined_rule', which is not defined before it") != std::string::npos);
}

TEST_CASE("a condition's errors point into the file for folded, literal, plain multi-line and quoted scalars") {
    const char* packs[] = {
        "- rule: r\n  events: [call.attempt]\n  action: block\n  priority: critical\n  condition: >\n    caller.is_home and\n    origin.kind = international and\n    caller.bogus = 1\n",
        "- rule: r\n  events: [call.attempt]\n  action: block\n  condition: caller.is_home and origin.kind = international\n    and\n    caller.bogus = 1\n  priority: critical\n",
        "- rule: r\n  events: [call.attempt]\n  action: block\n  priority: critical\n  condition: |\n    caller.is_home\n      and caller.bogus = 1\n",
        "- rule: r\n  events: [call.attempt]\n  action: block\n  condition: \"origin.trunk = \\\"A\\\" and caller.bogus = 1\"\n  priority: critical\n",
        "- rule: r\n  events: [call.attempt]\n  action: block\n  condition: 'origin.trunk = ''A'' and caller.bogus = 1'\n  priority: critical\n",
        "- rule: r\n  events: [call.attempt]\n  action: block\n  priority: critical\n  condition: >-\n    origin.trunk = \"Trạm 1\" and caller.bogus = 1\n",
    };
    const std::pair<int, int> expected[] = {{8, 5}, {6, 5}, {7, 11}, {4, 40}, {4, 40}, {6, 33}};  // columns count characters (ạ is one)
    for (std::size_t i = 0; i < std::size(packs); ++i) {
        CAPTURE(packs[i]);
        std::vector<common::diagnostic> diags;
        CHECK_FALSE(load(packs[i], &diags));
        REQUIRE(diags.size() == 1);
        CHECK(diags[0].code == "RULES_UNKNOWN_FIELD");
        CHECK(diags[0].line == expected[i].first);
        CHECK(diags[0].column == expected[i].second);
    }
}

TEST_CASE("an override that gives a key its override: does not name is an error, not a silent no-op") {
    std::vector<common::diagnostic> diags;
    CHECK_FALSE(load(R"(- list: l1
  items: [KH]
- macro: m1
  condition: origin.kind = international
- rule: r1
  desc: t
  events: [call.attempt]
  condition: m1 and caller.country in l1
  action: warn
  priority: warning
  reason: x
- rule: r1
  enabled: true
  action: block
  condition: or origin.kind = voip
  override: {enabled: replace}
- macro: m1
  condition: or origin.kind = ott
  override: {}
- list: l1
  items: [MM]
  override: {}
- rule: r1
  tags: [new]
  priority: critical
  override: {priority: replace}
)", &diags));
    const std::string all = texts(diags);
    CHECK(all.find("pack.yaml:14:11: error RULES_BAD_OVERRIDE: override of rule 'r1' gives 'action' but its 'override:' does not name it, so it would be ignored; add action: replace") !=
          std::string::npos);
    CHECK(all.find("pack.yaml:15:14: error RULES_BAD_OVERRIDE: override of rule 'r1' gives 'condition' but its 'override:' does not name it") != std::string::npos);
    CHECK(all.find("override of macro 'm1' gives 'condition' but its 'override:' does not name it") != std::string::npos);
    CHECK(all.find("override of list 'l1' gives 'items' but its 'override:' does not name it") != std::string::npos);
    CHECK(all.find("override of rule 'r1' gives 'tags': tags and references belong to the rule's definition") != std::string::npos);
    CHECK(all.find("'enabled' but") == std::string::npos);  // named, so applied

    // Named keys apply.
    auto e = load(R"(- rule: r1
  events: [call.attempt]
  condition: caller.is_home
  action: warn
  priority: warning
- rule: r1
  action: block
  override: {action: replace}
)", &diags);
    CHECK(e);
}

TEST_CASE("warnings: unused lists and macros, a rule with no events, a field its events never carry") {
    std::vector<common::diagnostic> diags;
    auto e = load(R"(- list: unused_list
  items: [a]
- macro: unused_macro
  condition: caller.is_home
- rule: everywhere
  condition: caller.is_home
  action: warn
  priority: notice
- rule: sms_field_on_calls
  events: [call.attempt]
  condition: sms.text contains "x"
  action: warn
  priority: notice
)", &diags);
    REQUIRE(e);
    std::vector<std::string> codes;
    for (const auto& d : diags) codes.push_back(d.code);
    CHECK(codes == std::vector<std::string>{"RULES_ALL_EVENTS", "RULES_FIELD_NOT_IN_EVENTS", "RULES_UNUSED_LIST", "RULES_UNUSED_MACRO"});
}

TEST_CASE("reload: a broken pack keeps the running set, a good one swaps and keeps unchanged window state") {
    reloadable_pack pack("reload");
    auto write = [&](const std::string& text) { pack.write(text); };
    const std::string good = R"(- rule: burst
  events: [call.attempt]
  condition: count(call.attempt by caller.e164 within 1h) >= 3
  action: block
  priority: critical
)";
    write(good);
    const auto loaded = pack.load();
    auto& e = *loaded;
    engine::decision d;
    e.decide(call("1", t0, "+84912345678", true, "+84987654321"), d);
    e.decide(call("2", t0 + 1, "+84912345678", true, "+84987654321"), d);
    const std::string v1 = e.current()->version;

    write("- rule: burst\n  condition: count(\n");
    auto r = e.reload();
    CHECK_FALSE(r.swapped);
    CHECK(e.current()->version == v1);
    CHECK(e.stats().reloads_failed == 1);

    // Same aggregate, another action: the two earlier attempts still count.
    write(good + "- rule: also\n  events: [call.attempt]\n  condition: caller.is_home\n  action: warn\n  priority: notice\n");
    const auto wall_ms = [] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    };
    const std::int64_t before = wall_ms();
    r = e.reload();
    CHECK(r.swapped);
    CHECK(e.current()->version != v1);
    // When the new set started to decide (its first_used_ms in the decision log): within
    // the reload, before any record it decides.
    CHECK(r.swapped_at_ms >= before);
    CHECK(r.swapped_at_ms <= wall_ms());
    e.decide(call("3", t0 + 2, "+84912345678", true, "+84987654321"), d);
    CHECK(d.final_action == action::block);
}

TEST_CASE("reload: an aggregate whose filter's pattern changed is another definition and starts empty") {
    reloadable_pack pack("reload-pattern");
    auto pack_with = [](const std::string& pattern) {
        return "- rule: burst\n  events: [sms.submit]\n  condition: count(sms.submit where sms.text matches \"" + pattern +
               "\" by callee.e164 within 1h) >= 3\n  action: block\n  priority: critical\n";
    };
    auto text_sms = [](const std::string& id, std::int64_t t, const std::string& text) {
        model::record r = call(id, t, "+84987000001", true, "+84912000009");
        r.kind = model::event_kind::sms_submit;
        r.sms.present = true;
        r.sms.text = text;
        return r;
    };
    pack.write(pack_with("^AAA"));
    const auto loaded = pack.load();
    auto& e = *loaded;
    engine::decision d;
    e.decide(text_sms("1", t0, "AAA one"), d);
    e.decide(text_sms("2", t0 + 1, "AAA two"), d);
    pack.write(pack_with("^ZZZ"));
    REQUIRE(e.reload().swapped);
    // The two AAA messages do not pass the new filter: they are not counted under it.
    e.decide(text_sms("3", t0 + 2, "ZZZ three"), d);
    CHECK(d.final_action == action::allow);
    e.decide(text_sms("4", t0 + 3, "ZZZ four"), d);
    e.decide(text_sms("5", t0 + 4, "ZZZ five"), d);
    CHECK(d.final_action == action::block);
}

TEST_CASE("reload: an aggregate whose filter reads a pack list starts empty when the list's items change, and keeps its state when they do not") {
    reloadable_pack pack("reload-list");
    auto pack_with = [](const std::string& trunks, const std::string& note) {
        return "- list: counted_trunks\n  items: [" + trunks +
               "]\n- macro: on_counted_trunk\n  condition: origin.trunk in counted_trunks\n"
               "- rule: burst\n  events: [call.attempt]\n  condition: count(call.attempt where on_counted_trunk by callee.e164 within 1h) >= 3\n"
               "  action: block\n  priority: critical\n" + note;
    };
    auto on_trunk = [](const std::string& id, std::int64_t t, const std::string& trunk) {
        model::record r = call(id, t, "+84987000001", true, "+84912000009");
        r.origin.trunk = trunk;
        return r;
    };
    pack.write(pack_with("T1", ""));
    const auto loaded = pack.load();
    auto& e = *loaded;
    engine::decision d;
    e.decide(on_trunk("1", t0, "T1"), d);
    e.decide(on_trunk("2", t0 + 1, "T1"), d);
    // Another rule added, the list as it was: the two T1 attempts still count.
    pack.write(pack_with("T1", "- rule: also\n  events: [call.attempt]\n  condition: caller.is_home\n  action: warn\n  priority: notice\n"));
    REQUIRE(e.reload().swapped);
    e.decide(on_trunk("3", t0 + 2, "T1"), d);
    CHECK(d.final_action == action::block);
    // The list now names T2 only: the T1 attempts do not pass the new filter.
    pack.write(pack_with("T2", ""));
    REQUIRE(e.reload().swapped);
    e.decide(on_trunk("4", t0 + 3, "T2"), d);
    CHECK(d.final_action == action::allow);
    e.decide(on_trunk("5", t0 + 4, "T2"), d);
    // The same items reordered and one written twice: the same list, the count goes on.
    pack.write(pack_with("T9, T2, T2", ""));
    REQUIRE(e.reload().swapped);
    pack.write(pack_with("T2, T9", ""));
    REQUIRE(e.reload().swapped);
    e.decide(on_trunk("6", t0 + 5, "T2"), d);
    CHECK(d.final_action == action::allow);  // T9 was added between: a new list, counting from 1
    pack.write(pack_with("T9, T2", ""));
    REQUIRE(e.reload().swapped);
    e.decide(on_trunk("7", t0 + 6, "T2"), d);
    e.decide(on_trunk("8", t0 + 7, "T2"), d);
    CHECK(d.final_action == action::block);  // kept across the reorder: 3 attempts
}

TEST_CASE("Vietnamese text folding, URL domains and time of day reach the conditions") {
    auto e = load(R"(
- rule: transfer_words
  events: [sms.submit]
  condition: sms.text_folded contains "chuyen khoan" and sms.domains in (example.top) and time.between(22:00, 06:00)
  action: block
  priority: critical
)");
    REQUIRE(e);
    model::record r;
    r.id = "s";
    r.kind = model::event_kind::sms_submit;
    r.sms.present = true;
    r.sms.text = "Vui lòng Chuyển  Khoản tại https://pay.example.top/x";
    r.time_ms = 1'795'000'000'000;  // 2026-11-19 06:13:20 UTC = 13:13 at +07:00
    engine::decision d;
    e->decide(r, d);
    CHECK(d.final_action == action::allow);
    r.time_ms += 10 * 3600 * 1000;  // 23:13 at +07:00
    e->decide(r, d);
    CHECK(d.final_action == action::block);
}

TEST_CASE("sms.text_compact reads text spaced out to dodge keywords, its literals and list items compacted at load") {
    auto e = load(R"(
- list: transfer_words
  items: ["Chuyển Khoản", "mã OTP của bạn"]
- rule: spaced_transfer
  events: [sms.submit]
  condition: sms.text_compact contains "Chuyển Khoản"
  action: block
  priority: critical
- rule: spaced_list
  events: [sms.submit]
  condition: sms.text_compact contains_any transfer_words
  action: warn
  priority: warning
)");
    REQUIRE(e);
    model::record r;
    r.id = "s";
    r.kind = model::event_kind::sms_submit;
    r.sms.present = true;
    r.time_ms = 1'795'000'000'000;
    engine::decision d;
    for (const char* text : {"Vui long c.h.u.y.e.n  k-h-o-a-n ngay", "Chuyển\u200bkhoản ngay", "CHUYỂN KHOẢN", "chuyen_khoan"}) {
        CAPTURE(text);
        r.sms.text = text;
        e->decide(r, d);
        CHECK(d.final_action == action::block);
        REQUIRE(d.rules.size() == 2);
    }
    r.sms.text = "chuyen tien vao khoan vay";
    e->decide(r, d);
    CHECK(d.final_action == action::allow);
    r.sms.text = "Ma O.T.P cua ban la 1234";
    e->decide(r, d);
    CHECK(d.final_action == action::warn);
}

TEST_CASE("an aggregate kept by one key is read at another with 'for': calls back to a number that rang many subscribers") {
    auto e = load(R"(
- rule: called_back
  events: [call.attempt]
  condition: count(call.attempt by caller.e164 within 1h for callee.e164) >= 3
  action: block
  priority: critical
  reason: "{callee.e164} itself called {caller.e164} and others"
)");
    REQUIRE(e);
    engine::decision d;
    for (int i = 0; i < 3; ++i) {
        e->decide(call("r" + std::to_string(i), t0 + i * 1000, "+881600000001", false, "+8491200000" + std::to_string(i)), d);
        CHECK(d.final_action == action::allow);  // read at the callees: they made no calls
    }
    e->decide(call("back", t0 + 5000, "+84912000001", true, "+881600000001"), d);
    CHECK(d.final_action == action::block);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].evidence_json ==
          R"x({"aggregates":[{"aggregate":"count(call.attempt by caller.e164 within 1h for callee.e164)","key":"+881600000001","value":3,"op":">=","threshold":3}]})x");
    // The reader does not feed the state: the call back is counted once, by its own caller.
    e->decide(call("other", t0 + 6000, "+84912000002", true, "+84912000001"), d);
    CHECK(d.final_action == action::allow);
    std::vector<common::diagnostic> diags;
    CHECK_FALSE(load(R"(
- rule: bad
  events: [call.attempt]
  condition: count(call.attempt within 1h for callee.e164) > 1
  action: block
  priority: critical
)", &diags));
    CHECK(texts(diags).find("RULES_BAD_AGGREGATE") != std::string::npos);
}

TEST_CASE("events: [] is a load error at the key, not a rule that runs on every kind") {
    std::vector<common::diagnostic> diags;
    CHECK_FALSE(load(R"(- rule: x
  events: []
  condition: caller.is_home
  action: warn
  priority: notice
)", &diags));
    CHECK(texts(diags) ==
          "pack.yaml:2:3: error RULES_BAD_VALUE: rule 'x': events is empty; list the kinds it applies to or omit 'events'\n");
    // Also in an override that replaces them.
    CHECK_FALSE(load(R"(- rule: x
  events: [call.attempt]
  condition: caller.is_home
  action: warn
  priority: notice
- rule: x
  events: []
  override: {events: replace}
)", &diags));
    CHECK(texts(diags) ==
          "pack.yaml:7:3: error RULES_BAD_VALUE: rule 'x': events is empty; list the kinds it applies to or omit 'events'\n");
}

TEST_CASE("exception values are checked against their fields like the same comparison in a condition") {
    const auto pack = [](const std::string& exception) {
        return "- list: vip\n  items: [\"+84912345678\"]\n- rule: r\n  events: [call.attempt]\n  condition: caller.is_home and callee.e164 in vip\n"
               "  action: block\n  priority: critical\n  exceptions:\n    - " +
               exception + "\n";
    };
    std::vector<common::diagnostic> diags;
    CHECK_FALSE(load(pack("{name: e, fields: [origin.kind], values: [[internatinal]]}"), &diags));
    CHECK(texts(diags) ==
          "pack.yaml:9:50: error RULES_BAD_VALUE: 'origin.kind' can never be 'internatinal' (it is one of home_mobile, home_fixed, "
          "interconnect, international, voip, ott)\n");
    CHECK_FALSE(load(pack("{name: e, fields: [call.ring_ms], values: [[abc]]}"), &diags));
    CHECK(texts(diags) == "pack.yaml:9:51: error RULES_TYPE_MISMATCH: expected a number or a duration, found 'abc'\n");
    CHECK_FALSE(load(pack("{name: e, fields: [caller.is_home], values: [[yes]]}"), &diags));
    CHECK(texts(diags) == "pack.yaml:9:53: error RULES_TYPE_MISMATCH: expected true or false, found 'yes'\n");
    CHECK_FALSE(load(pack("{name: e, fields: [caller.bogus], values: [[x]]}"), &diags));
    CHECK(texts(diags) == "pack.yaml:9:26: error RULES_UNKNOWN_FIELD: rule 'r' exception 'e': unknown field 'caller.bogus'\n");
    CHECK_FALSE(load(pack("{name: e, fields: [caller.e164], comps: [in], values: [[nolist]]}"), &diags));
    CHECK(texts(diags) == "pack.yaml:9:63: error RULES_UNKNOWN_LIST: unknown list 'nolist'\n");
    CHECK_FALSE(load(pack("{name: e, fields: [call.ring_ms], comps: [in], values: [[vip]]}"), &diags));
    CHECK(texts(diags).find("error RULES_TYPE_MISMATCH: exception 'e': lists hold text; 'call.ring_ms' is number") != std::string::npos);

    // Good values load and match: a duration, a negative number, a fixed-set value, a list.
    auto e = load(pack("{name: e, fields: [call.ring_ms, origin.kind], values: [[3s, international], [-1, voip]]}"
                       "\n    - {name: f, fields: [caller.e164], comps: [in], values: [[vip]]}"),
                  &diags);
    REQUIRE(e);
    CHECK(texts(diags) == "");
    engine::decision d;
    auto rec = call("a", t0, "+84911111111", true, "+84912345678", model::origin_kind::international);
    e->decide(rec, d);
    CHECK(d.final_action == action::block);
    rec.call.ring_ms = 3000;
    e->decide(rec, d);
    CHECK(d.final_action == action::allow);
    rec.caller.e164 = "+84912345678";
    rec.call.ring_ms.reset();
    e->decide(rec, d);
    CHECK(d.final_action == action::allow);
}

TEST_CASE("warnings: kind tests the rule's events exclude, and E.164 fields compared with numbers not in E.164 form") {
    std::vector<common::diagnostic> diags;
    auto e = load(R"(- rule: wrong_kind
  events: [call.attempt]
  condition: kind = sms.submit or kind in (sms.deliver, call.end)
  action: warn
  priority: notice
- rule: right_kind
  events: [call.attempt, sms.submit]
  condition: kind = sms.submit or kind in (sms.deliver, call.attempt) or count(call.end where kind = call.end within 1m) > 1
  action: warn
  priority: notice
- rule: national_form
  events: [call.attempt]
  condition: caller.e164 = "0912345678" or callee.e164 in ("84912345678", "+84912345679", "") or asserted.e164 startswith "1900"
  action: warn
  priority: notice
  exceptions:
    - {name: x, fields: [caller.e164], values: [["0987654321"]]}
)", &diags);
    REQUIRE(e);
    CHECK(texts(diags) ==
          "pack.yaml:3:14: warning RULES_NEVER_MATCHES: kind is never sms.submit here: this runs only on call.attempt records; this test is always false\n"
          "pack.yaml:3:35: warning RULES_NEVER_MATCHES: kind is never sms.deliver or call.end here: this runs only on call.attempt records; this test is always false\n"
          "pack.yaml:13:28: warning RULES_NEVER_MATCHES: 'caller.e164' holds numbers in E.164 form (+ and the country code, no spaces or dashes); '0912345678' never matches it: write +84912345678\n"
          "pack.yaml:13:60: warning RULES_NEVER_MATCHES: 'callee.e164' holds numbers in E.164 form (+ and the country code, no spaces or dashes); '84912345678' never matches it: write +84912345678\n"
          "pack.yaml:13:123: warning RULES_NEVER_MATCHES: 'asserted.e164' holds numbers in E.164 form (+ and the country code, no spaces or dashes); '1900' never matches it: write +84912345678\n"
          "pack.yaml:17:51: warning RULES_NEVER_MATCHES: 'caller.e164' holds numbers in E.164 form (+ and the country code, no spaces or dashes); '0987654321' never matches it: write +84987654321\n");
}

TEST_CASE("numbers written with spaces, dashes, dots or 00 against an E.164 field are said never to match, with the form to write") {
    std::vector<common::diagnostic> diags;
    auto e = load(R"(- list: l1
  items: ["+84 912 345 678", "+84-912-345-679", "0084912345670", "+8491234567x", "+84912345680"]
- list: pf
  items: ["0912", "0084912"]
- rule: r
  events: [call.attempt]
  condition: caller.e164 in l1 or caller.e164 = "+84 912 345 671" or caller.e164 in ("+84.912.345.672") or callee.e164 prefix_in pf
  action: warn
  priority: notice
)", &diags);
    REQUIRE_MESSAGE(e, texts(diags));
    const std::string t = texts(diags);
    INFO(t);
    CHECK(t.find("list 'l1': 'caller.e164' holds numbers in E.164 form (+ and the country code, no spaces or dashes); '+84 912 345 678' never matches it: write +84912345678") != std::string::npos);
    CHECK(t.find("'+84-912-345-679' never matches it: write +84912345679") != std::string::npos);
    CHECK(t.find("'0084912345670' never matches it: write +84912345670") != std::string::npos);
    CHECK(t.find("'+8491234567x' never matches it: write +84912345678") != std::string::npos);
    CHECK(t.find("'+84912345680'") == std::string::npos);
    CHECK(t.find("'+84 912 345 671' never matches it: write +84912345671") != std::string::npos);
    CHECK(t.find("'+84.912.345.672' never matches it: write +84912345672") != std::string::npos);
    CHECK(t.find("the prefix '0912' never matches: write it after + and the country code (+84912)") != std::string::npos);
    CHECK(t.find("the prefix '0084912' never matches: write it after + and the country code (+84912)") != std::string::npos);
    // What is already the field's form, or a prefix of it, is not said; a + before a 0, or
    // more digits than E.164 has, is, with no guess at a number.
    diags.clear();
    auto plain = load(R"(- list: l2
  items: ["+84912345678", "+1234567890123456", "+0912345678"]
- rule: r
  events: [call.attempt]
  condition: caller.e164 startswith "+" or caller.e164 startswith "+849" or caller.e164 in l2
  action: warn
  priority: notice
)", &diags);
    REQUIRE_MESSAGE(plain, texts(diags));
    const std::string p = texts(diags);
    INFO(p);
    CHECK(p.find("'+84912345678' never") == std::string::npos);
    CHECK(p.find("'+' never") == std::string::npos);
    CHECK(p.find("'+849' never") == std::string::npos);
    CHECK(p.find("'+1234567890123456' never matches it: write +84912345678") != std::string::npos);
    CHECK(p.find("'+0912345678' never matches it: write +84912345678") != std::string::npos);
    CHECK(p.find("warning RULES_ALWAYS_TRUE: every number 'caller.e164' holds in E.164 form starts with '+'") != std::string::npos);
    // The trunk prefix kept after +84, and a prefix longer than any number.
    diags.clear();
    auto trunk = load(R"(- list: l3
  items: ["+840912345678", "+84 (0) 912 345 679", "+012025550123"]
- list: pf3
  items: ["+849123456789012345", "+84091"]
- rule: r
  events: [call.attempt]
  condition: caller.e164 in l3 or callee.e164 prefix_in pf3
  action: warn
  priority: notice
)", &diags);
    REQUIRE_MESSAGE(trunk, texts(diags));
    const std::string t3 = texts(diags);
    INFO(t3);
    CHECK(t3.find("'+840912345678' never matches it: write +84912345678") != std::string::npos);
    CHECK(t3.find("'+84 (0) 912 345 679' never matches it: write +84912345679") != std::string::npos);
    CHECK(t3.find("'+012025550123' never matches it: write +84912345678") != std::string::npos);
    CHECK(t3.find("the prefix '+849123456789012345' is longer and never matches") != std::string::npos);
    CHECK(t3.find("the prefix '+84091' never matches: write +8491") != std::string::npos);
}

TEST_CASE("a dot-prefixed registered domain in an sms.domains list is said never to match, a public suffix is not") {
    std::vector<common::diagnostic> diags;
    auto e = load(R"(- list: doms
  items: [.scam.vn, .gov.vn, scam.vn]
- rule: r
  events: [sms.submit]
  condition: sms.domains in doms
  action: warn
  priority: notice
)", &diags);
    REQUIRE_MESSAGE(e, texts(diags));
    CHECK(texts(diags) == "pack.yaml:2:11: warning RULES_NEVER_MATCHES: list 'doms': sms.domains holds registered domains, and none lies under 'scam.vn' "
                          "(itself registered); '.scam.vn' never matches: write 'scam.vn'\n");
}

TEST_CASE("!= with a number not in E.164 form is always true, and a misspelt field on the right is an error, not text") {
    std::vector<common::diagnostic> diags;
    auto e = load(R"(- rule: national_form
  events: [call.attempt]
  condition: caller.e164 != "0912345678"
  action: warn
  priority: notice
)", &diags);
    REQUIRE(e);
    CHECK(texts(diags) ==
          "pack.yaml:3:29: warning RULES_ALWAYS_TRUE: 'caller.e164' holds numbers in E.164 form (+ and the country code, no spaces or dashes); '0912345678' never "
          "matches it: write +84912345678; with != this test is true for every record with 'caller.e164'\n");

    // The same in an exception: never equal, so the exception always applies.
    CHECK(load(R"(- rule: excepted
  events: [call.attempt]
  condition: caller.is_home
  action: warn
  priority: notice
  exceptions:
    - {name: x, fields: [caller.e164], comps: ["!="], values: [["0987654321"]]}
)", &diags));
    CHECK(texts(diags).find("warning RULES_ALWAYS_TRUE: 'caller.e164' holds numbers in E.164 form") != std::string::npos);

    for (const char* condition : {"caller.e164 != asserted.e614", "sms.sender != callee.rwa", "origin.trunk = caller.e164x"}) {
        CAPTURE(condition);
        CHECK_FALSE(load(std::string("- rule: typo\n  events: [call.attempt, sms.submit]\n  condition: ") + condition +
                             "\n  action: block\n  priority: critical\n",
                         &diags));
        REQUIRE(diags.size() == 1);
        CHECK(diags[0].code == "RULES_UNKNOWN_FIELD");
        CHECK(diags[0].message.find("(to compare with this text, quote it: ") != std::string::npos);
    }
    // Quoted, or a bare word that is no record part, it is text as ever.
    CHECK(load("- rule: text\n  events: [call.attempt]\n  condition: origin.trunk = \"asserted.e614\" or origin.trunk = gw.hanoi or kind = call.attempt\n"
               "  action: warn\n  priority: notice\n",
               &diags));
}

TEST_CASE("literals and keyword lists compared with sms.text_folded are folded at load as the field is") {
    std::vector<common::diagnostic> diags;
    auto e = load(R"(- list: phrases
  items: ["Chuyển Khoản", "NẠP TIỀN"]
- rule: contains
  events: [sms.submit]
  condition: sms.text_folded contains "Chuyển  Khoản!"
  action: warn
  priority: notice
- rule: starts_ends_eq_in
  events: [sms.submit]
  condition: sms.text_folded startswith "[VCB] Tài" and sms.text_folded endswith "Hôm Nay!" and sms.text_folded in ("X", "[VCB] Tài khoản - hôm nay")
  action: warn
  priority: notice
- rule: list
  events: [sms.submit]
  condition: sms.text_folded contains_any phrases and sms.text icontains_any phrases
  action: block
  priority: critical
)", &diags);
    CHECK(texts(diags) == "");
    REQUIRE(e);
    model::record r;
    r.id = "s";
    r.kind = model::event_kind::sms_submit;
    r.sms.present = true;
    r.sms.text = "vui long chuyen khoan ngay";
    engine::decision d;
    e->decide(r, d);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].rule == "contains");
    r.sms.text = "[VCB] TÀI KHOẢN... hôm nay!";
    e->decide(r, d);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].rule == "starts_ends_eq_in");
    // The list folded for sms.text_folded; the same list as written for sms.text.
    r.sms.text = "Nạp tiền ngay";
    e->decide(r, d);
    CHECK(d.final_action == action::block);
    r.sms.text = "nap tien ngay";
    e->decide(r, d);
    CHECK(d.final_action == action::allow);
}

TEST_CASE("look-alike evasion: full-width text, odd full stops and zero-width characters reach sms.domains, sms.bank_accounts and sms.text_folded") {
    auto e = load(R"(- rule: bad_domain
  events: [sms.submit]
  condition: sms.domains in (evil.com)
  action: block
  priority: critical
- rule: mule_account
  events: [sms.submit]
  condition: sms.bank_accounts in ("0123456789")
  action: block
  priority: critical
- rule: transfer
  events: [sms.submit]
  condition: sms.text_folded contains "chuyen khoan"
  action: warn
  priority: notice
)");
    REQUIRE(e);
    model::record r;
    r.id = "s";
    r.kind = model::event_kind::sms_submit;
    r.sms.present = true;
    engine::decision d;
    const auto fired = [&](const std::string& text) {
        r.sms.text = text;
        e->decide(r, d);
        std::string names;
        for (const auto& m : d.rules) names += (names.empty() ? "" : ",") + m.rule;
        return names;
    };
    CHECK(fired("Xác thực tại ｅｖｉｌ．ｃｏｍ/x ngay") == "bad_domain");
    CHECK(fired("Xác thực tại https://ｅｖｉｌ．ｃｏｍ/x") == "bad_domain");
    CHECK(fired("Xác thực tại evil｡com/x") == "bad_domain");
    CHECK(fired("Xác thực tại evil。com/x") == "bad_domain");
    CHECK(fired("Xác thực tại ev\u200Bil.com/x") == "bad_domain");
    CHECK(fired("Vui lòng chuyển tiền vào STK ０１２３４５６７８９ Vietcombank") == "mule_account");
    CHECK(fired("Vui lòng chuyển tiền vào STK 0123\u00AD456789") == "mule_account");
    CHECK(fired("Chuy\u200Bển\u2060 kho\u200Dản\uFEFF ngay") == "transfer");
    CHECK(fired("Chuyển\u200C khoản ngay") == "transfer");
    CHECK(fired("ＣＨＵＹỂＮ ＫＨＯẢＮ ngay") == "transfer");
}

TEST_CASE("a malformed window is RULES_BAD_WINDOW at the window, a bad list item is reported at the item") {
    const std::pair<const char*, int> windows[] = {{"10x", 55}, {"0s", 55}, {"-5m", 55}, {"10", 55}, {"13d", 55}};
    for (const auto& [window, column] : windows) {
        CAPTURE(window);
        std::vector<common::diagnostic> diags;
        CHECK_FALSE(load(std::string("- rule: r\n  events: [call.attempt]\n  condition: count(call.attempt by caller.e164 within ") + window +
                             ") > 5\n  action: block\n  priority: critical\n",
                         &diags));
        REQUIRE(diags.size() == 1);
        CHECK(diags[0].code == "RULES_BAD_WINDOW");
        CHECK(diags[0].line == 3);
        CHECK(diags[0].column == column);
    }
    std::vector<common::diagnostic> diags;
    CHECK_FALSE(load(R"(- list: inner
  items: ["+84190", "not-a-number"]
- list: prefixes
  items: ["+881", inner]
- rule: r
  events: [call.attempt]
  condition: caller.e164 prefix_in prefixes
  action: block
  priority: critical
)", &diags));
    CHECK(texts(diags) == "pack.yaml:2:22: error RULES_BAD_LIST_ITEM: list 'inner' (included in 'prefixes'): 'not-a-number' is not a number prefix (digits, optionally after +)\n");
}

TEST_CASE("the exact list lookups a kind makes are known at load, each (field, list) once, for the engine to prefetch") {
    std::vector<common::diagnostic> diags;
    auto e = load(R"(
- list: watched
  items: ["+84911111111"]
- list: watched_prefixes
  items: ["+8490"]
- rule: watched_caller
  events: [call.attempt, sms.submit]
  condition: caller.e164 in watched or (callee.e164 in watched and caller.e164 in watched)
  action: block
  priority: critical
- rule: watched_prefix
  events: [call.attempt]
  condition: callee.e164 prefix_in watched_prefixes
  action: warn
  priority: warning
- rule: counted
  events: [call.end]
  condition: count(call.attempt where caller.e164 in watched by callee.e164 within 1h) > 2
  action: warn
  priority: warning
)", &diags);
    REQUIRE_MESSAGE(e, texts(diags));
    const auto rs = e->current();
    auto probes = [&](model::event_kind k) {
        std::vector<std::string> out;
        for (const auto& p : rs->list_probes_by_kind[static_cast<int>(k)]) out.push_back(p.field.name() + " " + rs->lists[p.list]->name());
        return out;
    };
    // Prefix lists are tries small enough to stay in cache: not probed ahead.
    CHECK(probes(model::event_kind::call_attempt) == std::vector<std::string>{"caller.e164 watched", "callee.e164 watched"});
    CHECK(probes(model::event_kind::sms_submit) == std::vector<std::string>{"caller.e164 watched", "callee.e164 watched"});
    CHECK(probes(model::event_kind::call_end).empty());

    // Deciding with the probes answers as before: the listed caller is blocked.
    engine::decision d;
    e->decide(call("p1", t0, "+84911111111", true, "+84987654321"), d);
    CHECK(d.final_action == action::block);
    e->decide(call("p2", t0, "+84922222222", true, "+84987654321"), d);
    CHECK(d.final_action == action::allow);
}

TEST_CASE("diversion.* reads the number a call was diverted from: a home number forwarded abroad is caught") {
    std::vector<common::diagnostic> diags;
    auto e = load(R"(
- list: forwarding_destinations
  items: ["+881"]
- rule: forwarded_to_premium_abroad
  events: [call.attempt]
  condition: diversion.is_home and not callee.is_home and callee.e164 prefix_in forwarding_destinations
  action: block
  priority: critical
  reason: "call to {callee.e164} forwarded from {diversion.e164}"
)", &diags);
    REQUIRE_MESSAGE(e, texts(diags));
    model::record r = call("f1", t0, "+84912345678", true, "+881612345678");
    r.callee.is_home = false;
    r.callee.country = "";
    engine::decision d;
    e->decide(r, d);
    CHECK(d.final_action == action::allow);  // not diverted
    r.diversion = {true, "0912000001", "+84912000001", "VN", model::number_type::mobile, true};
    e->decide(r, d);
    REQUIRE(d.final_action == action::block);
    CHECK(d.rules[0].reason == "call to +881612345678 forwarded from +84912000001");

    // Diversion is a call field: a rule reading it on SMS never matches, and the author is told.
    auto sms_rule = load(R"(
- rule: forwarded_sms
  events: [sms.submit]
  condition: diversion.e164 exists
  action: warn
  priority: warning
)", &diags);
    CHECK(texts(diags).find("diversion.e164") != std::string::npos);
}

TEST_CASE("a test on a text field the record does not carry is false, != included") {
    std::vector<common::diagnostic> diags;
    auto e = load(R"(
- rule: not_gw1
  events: [call.attempt]
  condition: origin.trunk != "GW1"
  action: warn
  priority: warning
- rule: not_that_asserted
  events: [call.attempt]
  condition: asserted.e164 != "+84912345678"
  action: warn
  priority: warning
- rule: not_north
  events: [call.attempt]
  condition: extra.zone != north
  action: warn
  priority: warning
)", &diags);
    REQUIRE_MESSAGE(e, texts(diags));
    model::record r = call("m1", t0, "+84912345678", true, "+84987654321");
    r.origin.trunk.clear();
    engine::decision d;
    e->decide(r, d);
    CHECK(d.rules.empty());
    r.origin.trunk = "GW2";
    r.asserted = {true, "+84900000000", "+84900000000", "VN", model::number_type::mobile, true};
    r.extra.push_back({"zone", model::extra_field::json_type::string, "south"});
    e->decide(r, d);
    CHECK(d.rules.size() == 3);
}

TEST_CASE("a comparison of two fields is false when either side is missing") {
    std::vector<common::diagnostic> diags;
    auto e = load(R"(
- rule: caller_ne_asserted
  events: [call.attempt, call.end]
  condition: caller.e164 != asserted.e164
  action: warn
  priority: warning
- rule: asserted_ne_caller
  events: [call.attempt, call.end]
  condition: asserted.e164 != caller.e164
  action: warn
  priority: warning
- rule: ring_gt_talk
  events: [call.end]
  condition: call.ring_ms > call.talk_ms
  action: warn
  priority: warning
- rule: talk_lt_ring
  events: [call.end]
  condition: call.talk_ms < call.ring_ms
  action: warn
  priority: warning
- rule: home_differs
  events: [call.end]
  condition: caller.is_home != asserted.is_home
  action: warn
  priority: warning
)", &diags);
    REQUIRE_MESSAGE(e, texts(diags));
    model::record r = call("f1", t0, "+84912345678", true, "+84987654321");
    engine::decision d;
    e->decide(r, d);  // no asserted identity: neither order fires
    CHECK(d.rules.empty());
    r.kind = model::event_kind::call_end;
    r.call.ring_ms = 3000;  // no talk_ms
    e->decide(r, d);
    CHECK(d.rules.empty());
    r.call.ring_ms.reset();
    r.call.talk_ms = 3000;
    e->decide(r, d);
    CHECK(d.rules.empty());
    // Both sides present: every rule can fire.
    r.call.ring_ms = 5000;
    r.call.talk_ms = 1000;
    r.asserted = {true, "+84900000000", "+84900000000", "KH", model::number_type::mobile, false};
    e->decide(r, d);
    CHECK(d.rules.size() == 5);
}

TEST_CASE("a ratio or share of no events is no value: every comparison with it is false") {
    std::vector<common::diagnostic> diags;
    auto e = load(R"(
- rule: low_answer_ratio
  events: [call.attempt]
  condition: ratio(call.end where call.talk_ms > 0 by caller.e164 within 1h) < 0.2
  action: block
  priority: warning
- rule: ratio_not_half
  events: [call.attempt]
  condition: ratio(call.end where call.talk_ms > 0 by caller.e164 within 1h) != 0.5
  action: warn
  priority: warning
- rule: mostly_incoming
  events: [sms.submit]
  condition: outgoing_share(call.attempt by caller.e164 within 1h) < 0.1
  action: warn
  priority: warning
)", &diags);
    REQUIRE_MESSAGE(e, texts(diags));
    engine::decision d;
    model::record first = call("a1", t0, "+84912345678", true, "+84987654321");
    e->decide(first, d);  // no call.end of this caller yet
    CHECK(d.rules.empty());
    model::record sms = call("s1", t0 + 1000, "+84955555555", true, "+84987654321");
    sms.kind = model::event_kind::sms_submit;
    sms.sms.text = "hello";
    e->decide(sms, d);  // this subscriber never called, nor was called
    CHECK(d.rules.empty());
    // Once there are events, the ratio is a number like any other.
    model::record end = call("e1", t0 + 2000, "+84912345678", true, "+84987654321");
    end.kind = model::event_kind::call_end;
    end.call.ring_ms = 20000;
    end.call.talk_ms = 0;
    e->decide(end, d);
    model::record second = call("a2", t0 + 3000, "+84912345678", true, "+84987654322");
    e->decide(second, d);
    REQUIRE(d.rules.size() == 2);
    CHECK(d.final_action == action::block);
}

TEST_CASE("a reason names call history fields the condition does not read, and a missing field renders as nothing") {
    std::vector<common::diagnostic> diags;
    auto e = load(R"(
- rule: show_call_state
  events: [call.attempt]
  condition: caller.is_home
  action: warn
  priority: warning
  reason: "gap={call.gap_ms} first={call.first_contact} trunk={origin.trunk}"
)", &diags);
    REQUIRE_MESSAGE(e, texts(diags));
    engine::decision d;
    model::record r = call("g1", t0, "+84912345678", true, "+84987654321");
    e->decide(r, d);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].reason == "gap= first=true trunk=GW-1");
    r.id = "g2";
    r.time_ms = t0 + 5000;
    r.origin.trunk.clear();
    e->decide(r, d);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].reason == "gap=5000 first=false trunk=");
}

TEST_CASE("a field the record does not carry leaves no double space in a reason") {
    std::vector<common::diagnostic> diags;
    auto e = load(R"(
- rule: show_ingress
  events: [call.attempt]
  condition: caller.is_home
  action: warn
  priority: warning
  reason: "{origin.trunk} ingress {origin.trunk} presents {caller.e164} {asserted.e164}"
)", &diags);
    REQUIRE_MESSAGE(e, texts(diags));
    engine::decision d;
    model::record r = call("s1", t0, "+84912345678", true, "+84987654321");
    r.origin.trunk.clear();
    e->decide(r, d);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].reason == "ingress presents +84912345678");
    r.origin.trunk = "GW-1";
    e->decide(r, d);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].reason == "GW-1 ingress GW-1 presents +84912345678");
}

TEST_CASE("an empty text in a reason is left out as a missing field is (an SMS with no sender given)") {
    std::vector<common::diagnostic> diags;
    auto e = load(R"(
- rule: any_sms
  events: [sms.submit]
  condition: sms.text contains "x"
  action: warn
  priority: warning
  reason: "SMS ({sms.sender}) from {caller.raw} to {callee.e164}"
)", &diags);
    REQUIRE_MESSAGE(e, texts(diags));
    engine::decision d;
    model::record r = sms_record("x");
    e->decide(r, d);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].reason == "SMS from +84987000001 to +84987654321");
    r.sms.sender = "VCB";
    e->decide(r, d);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].reason == "SMS (VCB) from +84987000001 to +84987654321");
}

TEST_CASE("an aggregate whose by or for field the record lacks has no value: its tests are false, < 1 too") {
    auto e = load(R"(
- rule: first_from_caller
  events: [call.attempt]
  condition: count(call.attempt by caller.e164 within 1h) < 1 or count(call.attempt by origin.ip within 1m) <= 5
  action: block
  priority: critical
- rule: quiet_pair
  events: [call.attempt]
  condition: count(call.attempt by callee.e164 within 1h for caller.e164) = 0
  action: warn
  priority: warning
)");
    REQUIRE(e);
    engine::decision d;
    model::record r = call("a1", t0, "+84912345678", true, "+84987654321");
    r.caller = {};  // no caller, no origin.ip
    e->decide(r, d);
    CHECK(d.final_action == action::allow);
    CHECK(d.rules.empty());
    r.origin.ip = "203.0.113.7";  // with an IP, the second count is 1 (this record)
    e->decide(r, d);
    CHECK(d.final_action == action::block);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].evidence_json.find(R"("key":"203.0.113.7")") != std::string::npos);
}

TEST_CASE("call.gap_ms and call.first_contact are an attempt's: absent on answers and ends, and a rule reading them there is warned about") {
    std::vector<common::diagnostic> diags;
    auto e = load(R"(
- rule: end_first
  events: [call.end]
  condition: call.first_contact or call.gap_ms exists
  action: warn
  priority: warning
- rule: attempt_repeat
  events: [call.attempt]
  condition: not call.first_contact
  action: warn
  priority: warning
)", &diags);
    REQUIRE(e);
    CHECK(texts(diags).find("pack.yaml:4:14: warning RULES_FIELD_NOT_IN_EVENTS: 'call.first_contact' is never set on the events") != std::string::npos);
    CHECK(texts(diags).find("warning RULES_FIELD_NOT_IN_EVENTS: 'call.gap_ms' is never set on the events") != std::string::npos);
    engine::decision d;
    model::record r = call("c1", t0, "+84912345678", true, "+84987654321");
    e->decide(r, d);
    CHECK(d.rules.empty());
    r.id = "c2";
    r.time_ms = t0 + 1000;
    e->decide(r, d);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].rule == "attempt_repeat");
    r.kind = model::event_kind::call_end;
    r.time_ms = t0 + 2000;
    e->decide(r, d);
    CHECK(d.rules.empty());  // first_contact was true on every end
}

TEST_CASE("a rule's mode: enforce in a shadow pack is warned about: it stays in shadow") {
    std::vector<common::diagnostic> diags;
    auto e = load("- pack: trial\n  mode: shadow\n- rule: r\n  events: [call.attempt]\n  condition: caller.is_home\n  action: block\n"
                  "  priority: critical\n  mode: enforce\n",
                  &diags);
    REQUIRE(e);
    CHECK(texts(diags) ==
          "pack.yaml:8:9: warning RULES_MODE_IGNORED: rule 'r': mode: enforce has no effect in a pack whose mode is shadow (the rule stays in "
          "shadow; a later pack's override can enforce it)\n");
    engine::decision d;
    e->decide(call("s1", t0, "+84912345678", true, "+84987654321"), d);
    CHECK(d.final_action == action::allow);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].shadow);
}

TEST_CASE("a reason whose every field the record lacks reads as the rule's description (or name), never empty") {
    auto e = load(R"yaml(
- rule: no_trunk
  events: [call.attempt]
  condition: caller.is_home
  action: warn
  priority: warning
  reason: "{origin.trunk} {asserted.e164}"
- rule: described
  desc: Home caller without trunk
  events: [call.attempt]
  condition: caller.is_home
  action: warn
  priority: warning
  reason: "({origin.trunk})"
)yaml");
    REQUIRE(e);
    engine::decision d;
    model::record r = call("s1", t0, "+84912345678", true, "+84987654321");
    r.origin.trunk.clear();
    e->decide(r, d);
    REQUIRE(d.rules.size() == 2);
    CHECK(d.rules[0].reason == "no_trunk");
    CHECK(d.rules[1].reason == "Home caller without trunk");
}

TEST_CASE("a reason drops the brackets of a field the record does not carry, and cuts long values and sets") {
    std::vector<common::diagnostic> diags;
    auto e = load(R"(
- rule: links
  events: [sms.submit]
  condition: sms.text contains "x"
  action: warn
  priority: warning
  reason: "links ({sms.domains}) via {origin.user_agent}"
)", &diags);
    REQUIRE_MESSAGE(e, texts(diags));
    model::record r = sms_record("x");
    r.origin.user_agent = "UA";
    engine::decision d;
    e->decide(r, d);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].reason == "links via UA");
    r.sms.text = "x";
    for (const char* name : {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf"}) r.sms.text += std::string(" https://") + name + ".example/p";
    r.origin.user_agent = std::string(300, 'u') + "\xc3\xa9";  // a cut never splits the é
    e->decide(r, d);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].reason == "links (alpha.example, bravo.example, charlie.example, delta.example, echo.example and 2 more) via " + std::string(256, 'u') + "\xe2\x80\xa6");
    r.origin.user_agent = std::string(255, 'u') + "\xc3\xa9";
    e->decide(r, d);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].reason.substr(d.rules[0].reason.size() - 4) == "u\xe2\x80\xa6");  // é would end at byte 257: cut before it
}

TEST_CASE("a reason drops brackets that hold only fields the record does not carry and their separators") {
    std::vector<common::diagnostic> diags;
    auto e = load(R"yaml(
- rule: countries
  events: [call.attempt]
  condition: caller.is_home
  action: warn
  priority: warning
  reason: "{caller.e164} ({asserted.country}, {diversion.country}) to {callee.e164} (see {origin.trunk})"
)yaml", &diags);
    REQUIRE_MESSAGE(e, texts(diags));
    engine::decision d;
    model::record r = call("b1", t0, "+84912345678", true, "+84987654321");
    r.origin.trunk.clear();
    e->decide(r, d);
    REQUIRE(d.rules.size() == 1);
    // Neither party is in the record: nothing of "(, )" is left; "(see )" closes on its word.
    CHECK(d.rules[0].reason == "+84912345678 to +84987654321 (see)");
    r.asserted = r.caller;
    r.origin.trunk = "GW-1";
    e->decide(r, d);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].reason == "+84912345678 (VN) to +84987654321 (see GW-1)");
}

TEST_CASE("keyword lists read from one field share one scan and each still names its own first keyword") {
    // Three lists on sms.text_compact (one keyword in two of them), two on sms.text as written
    // (one keyword written composed in one and decomposed in the other), two on sms.text
    // lowered, one alone on sms.text_folded.
    std::vector<common::diagnostic> diags;
    auto e = load(R"(
- list: a_words
  items: [chuyenkhoan, maotp]
- list: b_words
  items: [maotp, matkhau]
- list: c_words
  items: [xacthuc]
- list: d_words
  items: ["m\u00E3 otp", Please]
- list: e_words
  items: ["ma\u0303 otp", BANK]
- list: g_words
  items: [verify account]
- list: h_words
  items: [bank]
- list: f_words
  items: [quy khach]
- rule: a
  events: [sms.submit]
  condition: sms.text_compact contains_any a_words
  action: warn
  priority: warning
- rule: b
  events: [sms.submit]
  condition: sms.text_compact contains_any b_words
  action: warn
  priority: warning
- rule: c
  events: [sms.submit]
  condition: not sms.text_compact contains_any c_words
  action: warn
  priority: warning
- rule: d
  events: [sms.submit]
  condition: sms.text contains_any d_words and sms.text contains_any e_words
  action: warn
  priority: warning
- rule: g
  events: [sms.submit]
  condition: sms.text icontains_any g_words and sms.text icontains_any h_words
  action: warn
  priority: warning
- rule: f
  events: [sms.submit]
  condition: sms.text_folded contains_any f_words
  action: warn
  priority: warning
)", &diags);
    REQUIRE_MESSAGE(e, texts(diags));
    CHECK(e->current()->keyword_scans.size() == 3);

    engine::decision d;
    const auto evidence_of = [&] {
        std::map<std::string, std::string> out;
        for (const auto& m : d.rules) out[m.rule] = m.evidence_json;
        return out;
    };
    // b's first keyword ends before a's: each list reports its own earliest; e reports its
    // item as it is written (decomposed), though the text is read composed.
    e->decide(sms_record("Mat khau va ma\u0303 otp: chuyen khoan. Please VERIFY ACCOUNT at your BANK, quy khach"), d);
    auto evidence = evidence_of();
    CHECK(evidence.size() == 6);
    CHECK(evidence["a"] == R"({"lists":[{"list":"a_words","field":"sms.text_compact","entry":"maotp"}]})");
    CHECK(evidence["b"] == R"({"lists":[{"list":"b_words","field":"sms.text_compact","entry":"matkhau"}]})");
    CHECK(evidence.count("c") == 1);  // no xacthuc
    CHECK(evidence["d"] == "{\"lists\":[{\"list\":\"d_words\",\"field\":\"sms.text\",\"entry\":\"m\u00E3 otp\"},"
                           "{\"list\":\"e_words\",\"field\":\"sms.text\",\"entry\":\"ma\u0303 otp\"}]}");
    CHECK(evidence["g"] == R"({"lists":[{"list":"g_words","field":"sms.text","entry":"verify account"},{"list":"h_words","field":"sms.text","entry":"bank"}]})");
    CHECK(evidence["f"] == R"({"lists":[{"list":"f_words","field":"sms.text_folded","entry":"quy khach"}]})");

    // The next record is scanned afresh: what the last one held is not carried over.
    e->decide(sms_record("xac thuc tai khoan"), d);
    CHECK(d.rules.empty());
    e->decide(sms_record("ma OTP 123456"), d);
    evidence = evidence_of();
    CHECK(evidence.size() == 3);
    CHECK(evidence["a"] == R"({"lists":[{"list":"a_words","field":"sms.text_compact","entry":"maotp"}]})");
    CHECK(evidence["b"] == R"({"lists":[{"list":"b_words","field":"sms.text_compact","entry":"maotp"}]})");
    CHECK(evidence.count("c") == 1);
}

TEST_CASE("evidence names the keyword found in a message, never the message's text") {
    auto e = load(R"(
- list: lures
  items: [chuyen khoan, mat khau]
- list: scanners
  items: [friendly-scanner]
- rule: lure_compact
  events: [sms.submit]
  condition: sms.text_compact contains_any lures_compact
  action: warn
  priority: warning
- list: lures_compact
  items: [chuyenkhoan]
- rule: lure_folded
  events: [sms.submit]
  condition: sms.text_folded contains_any lures or sms.text icontains_any lures
  action: warn
  priority: warning
- rule: scanner
  events: [sms.submit]
  condition: origin.user_agent icontains_any scanners
  action: warn
  priority: warning
)");
    REQUIRE(e);
    model::record r = call("p1", t0, "+84987654321", true, "+84987654322");
    r.kind = model::event_kind::sms_submit;
    r.sms.present = true;
    r.sms.text = "Em oi, chuyen khoan cho anh 5 trieu, mat khau email la hoa123";
    r.origin.user_agent = "friendly-scanner 1.0";
    engine::decision d;
    e->decide(r, d);
    REQUIRE(d.rules.size() == 3);
    for (const auto& m : d.rules) {
        CAPTURE(m.evidence_json);
        CHECK(m.evidence_json.find("hoa123") == std::string::npos);
        CHECK(m.evidence_json.find("5 trieu") == std::string::npos);
        CHECK(m.evidence_json.find("5trieu") == std::string::npos);
    }
    CHECK(d.rules[0].evidence_json == R"({"lists":[{"list":"lures_compact","field":"sms.text_compact","entry":"chuyenkhoan"}]})");
    CHECK(d.rules[1].evidence_json == R"({"lists":[{"list":"lures","field":"sms.text_folded","entry":"chuyen khoan"}]})");
    // Not the message: the value that matched is kept.
    CHECK(d.rules[2].evidence_json ==
          R"({"lists":[{"list":"scanners","field":"origin.user_agent","value":"friendly-scanner 1.0","entry":"friendly-scanner"}]})");

    // An aggregate keyed by the text (the same message from many senders): its count, no key.
    auto bulk = load(R"(
- rule: same_text
  events: [sms.submit]
  condition: count(sms.submit by sms.text_compact within 1h) >= 2
  action: warn
  priority: warning
)");
    REQUIRE(bulk);
    bulk->decide(r, d);
    r.caller.e164 = "+84987000001";
    bulk->decide(r, d);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].evidence_json.find("hoa123") == std::string::npos);
    CHECK(d.rules[0].evidence_json.find(R"("key_withheld":true,"value":2)") != std::string::npos);

    // An extra field is withheld as the text is; an aggregate read `for` the text too.
    auto extra = load(R"(
- list: lures
  items: [mat khau]
- rule: extra_lure
  events: [sms.submit]
  condition: extra.body icontains_any lures
  action: warn
  priority: warning
- rule: same_text_for
  events: [sms.submit]
  condition: count(sms.submit by sms.text_compact within 1h for sms.text_compact) >= 1
  action: warn
  priority: warning
)");
    REQUIRE(extra);
    r.extra.push_back({"body", model::extra_field::json_type::string, "mat khau la hoa123"});
    extra->decide(r, d);
    REQUIRE(d.rules.size() == 2);
    CHECK(d.rules[0].evidence_json == R"({"lists":[{"list":"lures","field":"extra.body","entry":"mat khau"}]})");
    CHECK(d.rules[1].evidence_json.find("key_withheld") != std::string::npos);
    CHECK(d.rules[1].evidence_json.find("hoa123") == std::string::npos);

    // Keyed by the sender, read for an extra field: withheld; keyed by the text, read for the
    // sender: the sender is the key shown.
    auto read_for = load(R"(
- rule: for_extra
  events: [sms.submit]
  condition: count(sms.submit by sms.sender within 1h for extra.body) >= 0
  action: warn
  priority: warning
- rule: for_sender
  events: [sms.submit]
  condition: count(sms.submit by sms.text_compact within 1h for sms.sender) >= 0
  action: warn
  priority: warning
)");
    REQUIRE(read_for);
    r.sms.sender = "VCB";
    read_for->decide(r, d);
    REQUIRE(d.rules.size() == 2);
    CHECK(d.rules[0].evidence_json.find("key_withheld") != std::string::npos);
    CHECK(d.rules[1].evidence_json.find(R"("key":"VCB")") != std::string::npos);

    // A listed URL: the evidence gives the URL's key, not the link with its user part and fragment.
    auto urls = load(R"(
- list: blocked
  items: [bit.ly/3xScam]
- rule: blocked_url
  events: [sms.submit]
  condition: sms.urls in blocked
  action: block
  priority: critical
)");
    REQUIRE(urls);
    r.sms.text = "Nhan qua tai https://0912345678:otp123@bit.ly/3xScam#tok=abc ngay";
    urls->decide(r, d);
    REQUIRE(d.rules.size() == 1);
    CAPTURE(d.rules[0].evidence_json);
    CHECK(d.rules[0].evidence_json.find("otp123") == std::string::npos);
    CHECK(d.rules[0].evidence_json.find("tok=abc") == std::string::npos);
    CHECK(d.rules[0].evidence_json.find(R"("value":"bit.ly/3xScam")") != std::string::npos);
}

TEST_CASE("a reason cannot name the message's text or extra fields: reasons are logged whatever record_content keeps") {
    for (const char* field : {"sms.text", "sms.text_folded", "sms.text_compact", "sms.text_compact_no_links", "extra.body", "sms.urls", "sms.hosts"}) {
        std::vector<common::diagnostic> diags;
        CHECK_FALSE(load(fmt::format("- rule: r\n  events: [sms.submit]\n  condition: sms.sender_is_alpha\n  action: warn\n  priority: warning\n"
                                     "  reason: \"lure: {{{}}}\"\n",
                                     field),
                         &diags));
        CAPTURE(texts(diags));
        REQUIRE(diags.size() == 1);
        CHECK(diags[0].code == "RULES_BAD_REASON");
        CHECK(diags[0].message.find("are not written into reasons") != std::string::npos);
    }
}

TEST_CASE("macros that expand past the limits are a load error, not exhausted memory or stack") {
    // Each macro uses the next twice: 2^40 tests once expanded.
    std::string doubling;
    for (int i = 0; i < 40; ++i) doubling += fmt::format("- macro: m{}\n  condition: m{} and (m{} or caller.is_home)\n", i, i + 1, i + 1);
    doubling += "- macro: m40\n  condition: caller.is_home\n- rule: x\n  events: [call.attempt]\n  condition: m0\n  action: warn\n  priority: warning\n";
    std::vector<common::diagnostic> diags;
    CHECK_FALSE(load(doubling, &diags));
    REQUIRE(diags.size() == 1);
    CHECK(diags[0].code == "RULES_CONDITION_TOO_LARGE");
    CHECK(diags[0].message.find("passes 100000 tests") != std::string::npos);
    CHECK(diags[0].message.find("(through m0 -> m1 -> ") != std::string::npos);
    CHECK(diags[0].line == 85);  // the rule's condition, where the author can act

    // A chain 5,000 macros long.
    std::string chain;
    for (int i = 0; i < 5000; ++i) chain += fmt::format("- macro: c{}\n  condition: c{} and caller.is_home\n", i, i + 1);
    chain += "- macro: c5000\n  condition: caller.is_home\n- rule: y\n  events: [call.attempt]\n  condition: c0\n  action: warn\n  priority: warning\n";
    CHECK_FALSE(load(chain, &diags));
    REQUIRE(diags.size() == 1);
    CHECK(diags[0].code == "RULES_CONDITION_TOO_LARGE");
    CHECK(diags[0].message.find("more than 64 macros deep") != std::string::npos);
    CHECK(diags[0].line == 10005);  // the rule's condition, which names c0
    CHECK(diags[0].column == 14);
}

TEST_CASE("list items are read in the form of the field they are tested against, and items that never can match are said") {
    std::vector<common::diagnostic> diags;
    auto e = load(R"(- list: nums
  items: ["0912345678", "+84912000001"]
- list: doms
  items: ["Evil.COM", "login.phish.vn"]
- list: accts
  items: ["vcb: 0123-456-789", "9876 5432 10"]
- list: pf
  items: ["0190", "84913"]
- list: urls
  items: ["evil.xyz/login", "http://phish.vn/a"]
- rule: n
  events: [call.attempt]
  condition: caller.e164 in nums or caller.e164 prefix_in pf
  action: warn
  priority: warning
- rule: d
  events: [sms.submit]
  condition: sms.domains in doms
  action: warn
  priority: warning
- rule: a
  events: [sms.submit]
  condition: sms.bank_accounts in accts
  action: warn
  priority: warning
- rule: u
  events: [sms.submit]
  condition: sms.urls in urls
  action: warn
  priority: warning
)", &diags);
    REQUIRE_MESSAGE(e, texts(diags));
    CHECK(texts(diags) ==
          "pack.yaml:2:12: warning RULES_NEVER_MATCHES: list 'nums': 'caller.e164' holds numbers in E.164 form (+ and the country code, no spaces or dashes); "
          "'0912345678' never matches it: write +84912345678\n"
          "pack.yaml:8:12: warning RULES_NEVER_MATCHES: list 'pf': 'caller.e164' holds numbers in E.164 form, whose digits never begin with 0; "
          "the prefix '0190' never matches: write it after + and the country code (+84190)\n"
          "pack.yaml:4:24: warning RULES_NEVER_MATCHES: list 'doms': sms.domains holds registered domains ('phish.vn' for 'login.phish.vn'); "
          "'login.phish.vn' never matches: write 'phish.vn', or test sms.urls\n");
    auto fired = [&](const std::string& text) { return first_rule_on_sms(*e, text); };
    CHECK(fired("vao EVIL.com/x ngay") == "d");
    CHECK(fired("STK 0123456789 Vietcombank") == "a");
    CHECK(fired("chuyen khoan STK 9876543210 ngay") == "a");
    CHECK(fired("https://EVIL.XYZ/login") == "u");
    CHECK(fired("HTTP://PHISH.VN/a") == "u");
    CHECK(fired("https://phish.vn/b") == "");
    engine::decision d;
    e->decide(call("c1", t0, "+84912000001", true, "+84987654321"), d);
    CHECK(d.final_action == action::warn);
    e->decide(call("c2", t0, "+84913555555", true, "+84987654321"), d);
    CHECK(d.final_action == action::warn);  // prefix 84913 is read as +84913
}

TEST_CASE("tests that can never be true load with a warning: an empty time window, an hour past 23, a count of itself below 1") {
    std::vector<common::diagnostic> diags;
    auto e = load(R"(- rule: empty_window
  events: [call.attempt]
  condition: time.between(22:00, 22:00)
  action: warn
  priority: warning
- rule: hour_24
  events: [call.attempt]
  condition: local_hour = 24
  action: warn
  priority: warning
- rule: first_attempt
  events: [call.attempt]
  condition: count(call.attempt by caller.e164 within 10m) = 0
  action: warn
  priority: warning
- rule: fine
  events: [call.attempt]
  condition: count(call.attempt by caller.e164 within 10m) = 1 or count(call.end by caller.e164 within 10m) = 0 or local_hour >= 23
  action: warn
  priority: warning
)", &diags);
    REQUIRE_MESSAGE(e, texts(diags));
    CHECK(texts(diags) ==
          "pack.yaml:3:14: warning RULES_NEVER_MATCHES: time.between with the same start and end is an empty interval: this test is always false\n"
          "pack.yaml:8:14: warning RULES_NEVER_MATCHES: local_hour is 0 to 23; no hour is = 24: this test is always false\n"
          "pack.yaml:13:14: warning RULES_NEVER_MATCHES: count(call.attempt by caller.e164 within 10m) counts the record being decided, so it is at least 1 "
          "whenever the record has caller.e164: = 0 is then always false\n");
}

TEST_CASE("icontains finds Vietnamese written decomposed (NFD) as well as composed") {
    std::vector<common::diagnostic> diags;
    auto e = load(R"(- list: logins
  items: ["Đăng Nhập"]
- rule: transfer
  events: [sms.submit]
  condition: sms.text icontains "chuyển khoản"
  action: warn
  priority: warning
- rule: login
  events: [sms.submit]
  condition: sms.text icontains_any logins
  action: warn
  priority: warning
)", &diags);
    REQUIRE_MESSAGE(e, texts(diags));
    auto fired = [&](const std::string& text) { return first_rule_on_sms(*e, text); };
    CHECK(fired("Chuyển khoản ngay") == "transfer");
    CHECK(fired("Chuye\u0302\u0309n khoa\u0309n ngay") == "transfer");
    CHECK(fired("\u0110A\u0306NG NHA\u0323\u0302P ta\u0323i \u0111a\u0302y") == "login");
    CHECK(fired("Chuyen khoan ngay") == "");  // icontains keeps diacritics: sms.text_folded drops them
}

namespace {

model::record sms_with(const std::string& id, std::int64_t t_ms, const std::string& caller_e164, const std::string& text) {
    model::record r = call(id, t_ms, caller_e164, true, "+84987654321");
    r.kind = model::event_kind::sms_submit;
    r.sms.present = true;
    r.sms.text = text;
    return r;
}

}  // namespace

TEST_CASE("an aggregate kept by a set field keeps one key per element, and a test on it holds for any element") {
    auto e = load(R"(
- rule: link_from_many_senders
  events: [sms.submit]
  condition: distinct(caller.e164 of sms.submit by sms.domains within 1h) >= 3
  action: block
  priority: critical
- rule: few_sends_of_a_link
  events: [sms.submit]
  condition: count(sms.submit by sms.domains within 1h) < 2
  action: warn
  priority: informational
)");
    REQUIRE(e);
    engine::decision d;
    e->decide(sms_with("s1", t0, "+84912000001", "https://vcb-qua.top/a"), d);
    CHECK(d.final_action == action::warn);  // its one domain was sent once
    e->decide(sms_with("s2", t0 + 1000, "+84912000002", "https://vcb-qua.top/a https://ok.example.com/x"), d);
    CHECK(d.final_action == action::warn);  // ok.example.com: once (the other: twice)
    e->decide(sms_with("s3", t0 + 2000, "+84912000003", "see https://ok.example.com and https://vcb-qua.top/b https://vcb-qua.top/c"), d);
    REQUIRE(d.final_action == action::block);
    REQUIRE(d.rules.size() == 1);  // both its domains were sent before: nothing is below 2
    // The evidence names the element that crossed, not the first one of the message; a
    // domain written twice in one message is counted once.
    CHECK(d.rules[0].evidence_json ==
          R"x({"aggregates":[{"aggregate":"distinct(caller.e164 of sms.submit by sms.domains within 1h)","key":"vcb-qua.top","value":3,"op":">=","threshold":3}]})x");
    // An hour later the window holds only what came since.
    e->decide(sms_with("s4", t0 + 3'600'000 + 2000, "+84912000004", "https://vcb-qua.top/d"), d);  // s3 is at the edge, out
    CHECK(d.final_action == action::warn);
    // A message without links keeps no key and reads no value.
    e->decide(sms_with("s5", t0 + 3'600'000 + 3000, "+84912000005", "no link here"), d);
    CHECK(d.final_action == action::allow);
}

TEST_CASE("distinct of a set field counts its elements, and sum of a set or a set-kept aggregate compared with an aggregate are load errors") {
    auto e = load(R"(
- rule: many_links
  events: [sms.submit]
  condition: distinct(sms.domains of sms.submit by caller.e164 within 1h) >= 3
  action: warn
  priority: warning
)");
    REQUIRE(e);
    engine::decision d;
    e->decide(sms_with("m1", t0, "+84912000001", "https://a.example.com https://b.example.org"), d);
    CHECK(d.final_action == action::allow);
    e->decide(sms_with("m2", t0 + 1000, "+84912000001", "https://a.example.com again"), d);
    CHECK(d.final_action == action::allow);  // still two domains
    e->decide(sms_with("m3", t0 + 2000, "+84912000001", "https://c.example.net"), d);
    CHECK(d.final_action == action::warn);

    std::vector<common::diagnostic> diags;
    CHECK_FALSE(load(R"(
- rule: r
  events: [sms.submit]
  condition: sum(sms.domains of sms.submit by caller.e164 within 1h) > 1
  action: warn
  priority: informational
)",
                     &diags));
    CHECK(texts(diags).find("sum needs a number field; 'sms.domains' is") != std::string::npos);
    CHECK_FALSE(load(R"(
- rule: r
  events: [sms.submit]
  condition: count(sms.submit by sms.domains within 1h) > count(sms.submit by caller.e164 within 1h)
  action: warn
  priority: informational
)",
                     &diags));
    CHECK(texts(diags).find("RULES_BAD_AGGREGATE: an aggregate kept by a set field is compared with a number or a field, written on the left") !=
          std::string::npos);
}

TEST_CASE("FIELD except LIST tests the elements of a set the list does not hold: an official link does not make a phishing one official") {
    auto e = load(R"(
- list: trusted
  items: [vietcombank.com.vn, .gov.vn]
- rule: untrusted_link_with_lure
  events: [sms.submit]
  condition: sms.text_folded contains "bi khoa" and sms.domains except trusted exists
  action: block
  priority: critical
- rule: bank_name_on_a_domain_not_its_own
  events: [sms.submit]
  condition: sms.domains except trusted icontains "vietcombank"
  action: warn
  priority: warning
- rule: imitates_an_official_domain
  events: [sms.submit]
  condition: sms.lookalike_domains in trusted
  action: block
  priority: critical
)");
    REQUIRE(e);
    const auto fired = [&](const std::string& text) {
        engine::decision d;
        e->decide(sms_with("x", t0, "+84912000001", text), d);
        std::string out;
        for (const auto& r : d.rules) out += (out.empty() ? "" : ",") + r.rule;
        return out;
    };
    CHECK(fired("Tai khoan bi khoa https://vietcombank.com.vn") == "");
    CHECK(fired("Tai khoan bi khoa https://moh.gov.vn/tb") == "");  // ".gov.vn" holds every domain under it
    CHECK(fired("Tai khoan bi khoa https://xac-thuc.com/a https://vietcombank.com.vn") == "untrusted_link_with_lure");
    CHECK(fired("Xem https://vietcombank-xacthuc.top/a va https://vietcombank.com.vn") == "bank_name_on_a_domain_not_its_own");
    // Written with a digit zero: sms.domains holds it and its skeleton (the official name),
    // sms.lookalike_domains only the skeleton of what imitates.
    CHECK(fired("Xem https://vietc0mbank.com.vn/dn") == "imitates_an_official_domain");
    CHECK(fired("Xem https://vietcombank.com.vn/dn") == "");

    std::vector<common::diagnostic> diags;
    CHECK_FALSE(load(R"(
- list: l
  items: [a]
- rule: r
  events: [sms.submit]
  condition: sms.text except l contains "x"
  action: warn
  priority: warning
)",
                     &diags));
    CHECK(texts(diags).find("RULES_TYPE_MISMATCH: 'except' filters the elements of a set field (sms.urls, sms.domains, sms.bank_accounts); 'sms.text' is text") !=
          std::string::npos);
    CHECK_FALSE(load(R"(
- rule: r
  events: [sms.submit]
  condition: sms.domains except exists
  action: warn
  priority: warning
)",
                     &diags));
    CHECK(texts(diags).find("expected a list name after 'except'") != std::string::npos);
    CHECK_FALSE(load(R"(
- rule: r
  events: [sms.submit]
  condition: sms.domains except nowhere exists
  action: warn
  priority: warning
)",
                     &diags));
    CHECK(texts(diags).find("RULES_UNKNOWN_LIST: unknown list 'nowhere'") != std::string::npos);
}

TEST_CASE("by SET except LIST keeps no key for the elements the list holds") {
    auto e = load(R"(
- list: exempt
  items: [zalo.me]
- rule: link_from_two_senders
  events: [sms.submit]
  condition: distinct(caller.e164 of sms.submit by sms.domains except exempt within 1h) >= 2
  action: warn
  priority: warning
)");
    REQUIRE(e);
    engine::decision d;
    e->decide(sms_with("s1", t0, "+84912000001", "https://zalo.me/g/a"), d);
    e->decide(sms_with("s2", t0 + 1000, "+84912000002", "https://zalo.me/g/b"), d);
    CHECK(d.final_action == action::allow);  // zalo.me is no key
    e->decide(sms_with("s3", t0 + 2000, "+84912000003", "https://zalo.me/g/c https://camp.example.com/1"), d);
    CHECK(d.final_action == action::allow);
    e->decide(sms_with("s4", t0 + 3000, "+84912000004", "https://camp.example.com/2"), d);
    REQUIRE(d.final_action == action::warn);
    CHECK(d.rules[0].evidence_json ==
          R"x({"aggregates":[{"aggregate":"distinct(caller.e164 of sms.submit by sms.domains except exempt within 1h)","key":"example.com","value":2,"op":">=","threshold":2}]})x");

    std::vector<common::diagnostic> diags;
    CHECK_FALSE(load(R"(
- list: exempt
  items: [x]
- rule: r
  events: [sms.submit]
  condition: count(sms.submit by caller.e164 except exempt within 1h) > 1
  action: warn
  priority: warning
)",
                     &diags));
    CHECK(texts(diags).find("'by caller.e164 except exempt': except leaves elements of a set out, and 'caller.e164' is text") != std::string::npos);
}

TEST_CASE("set-kept aggregates count a link by its key, a domain as written and an account once, whatever its forms") {
    auto e = load(R"(
- list: mine
  items: ["vcb: 0011.00.4012345"]
- rule: url_from_three
  events: [sms.submit]
  condition: count(sms.submit by sms.urls within 1h) >= 3
  action: warn
  priority: warning
- rule: accounts
  events: [sms.submit]
  condition: distinct(sms.bank_accounts of sms.submit by caller.e164 within 1h) >= 2
  action: warn
  priority: warning
- rule: domains
  events: [sms.submit]
  condition: distinct(sms.domains of sms.submit by caller.e164 within 1h) >= 2
  action: warn
  priority: warning
- rule: not_mine
  events: [sms.submit]
  condition: sms.bank_accounts except mine exists
  action: warn
  priority: warning
)");
    REQUIRE(e);
    const auto fired = [&](const std::string& id, std::int64_t t, const std::string& caller, const std::string& text) {
        engine::decision d;
        e->decide(sms_with(id, t, caller, text), d);
        std::string out;
        for (const auto& r : d.rules) out += (out.empty() ? "" : ",") + r.rule;
        return out;
    };
    // One URL written three ways by three senders is one key.
    CHECK(fired("u1", t0, "+84912000001", "https://evil.top/x") == "");
    CHECK(fired("u2", t0 + 1, "+84912000002", "HTTPS://EVIL.TOP/x#frag") == "");
    CHECK(fired("u3", t0 + 2, "+84912000003", "see evil.top/x") == "url_from_three");
    // An account named with its bank is one account, not two; a listed one is left out in both forms.
    CHECK(fired("a1", t0 + 10, "+84912000009", "Chuyen khoan vao STK 0011004012345 Vietcombank") == "");
    // A domain with digits (kenh14.vn, and the look-alike form sms.domains also holds) is one domain.
    CHECK(fired("d1", t0 + 20, "+84912000008", "Doc tin https://kenh14.vn/a") == "");
    CHECK(fired("d2", t0 + 21, "+84912000008", "Doc tin https://kenh14.vn/b https://tuoitre.vn/c") == "domains");
    CHECK(fired("a2", t0 + 30, "+84912000007", "STK 1903 5678 9012 Techcombank") == "not_mine");
}

TEST_CASE("a look-alike top-level domain unfolds with its host: vietcombank.corn.vn imitates vietcombank.com.vn") {
    auto e = load(R"(
- list: official
  items: [vietcombank.com.vn]
- rule: imitation
  events: [sms.submit]
  condition: sms.lookalike_domains in official
  action: block
  priority: critical
)");
    REQUIRE(e);
    for (const std::string text : {"https://vietcombank.corn.vn/dn", "https://vietc0mbank.com.vn/dn"}) {
        CAPTURE(text);
        engine::decision d;
        e->decide(sms_with("x", t0, "+84912000001", text), d);
        CHECK(d.final_action == action::block);
    }
    engine::decision d;
    e->decide(sms_with("y", t0, "+84912000001", "https://vietcombank.com.vn/dn"), d);
    CHECK(d.final_action == action::allow);
}

TEST_CASE("sms.text_compact_no_links reads each link as the word link: a path's words are not the reader's") {
    auto e = load(R"(
- rule: lure
  events: [sms.submit]
  condition: sms.text_compact_no_links contains "tai khoan bi khoa"
  action: block
  priority: critical
- rule: around
  events: [sms.submit]
  condition: sms.text_compact_no_links contains "truy cap link de"
  action: warn
  priority: warning
)");
    REQUIRE(e);
    const auto action_of = [&](const std::string& text) {
        engine::decision d;
        e->decide(sms_with("x", t0, "+84912000001", text), d);
        return d.final_action;
    };
    CHECK(action_of("Xem https://kenh14.vn/canh-bao-tai-khoan-bi-khoa-2152.chn") == action::allow);
    CHECK(action_of("Tài khoản bị khóa, xem https://x.example.com") == action::block);
    CHECK(action_of("Truy cap https://a.example.com/p de doi diem") == action::warn);
    CHECK(action_of("Truy cap hxxps://a[.]example[.]com/p de doi diem") == action::warn);  // refanged: found by its host
}

TEST_CASE("count and ratio aggregates of one kind, key and window share a list, and a reload adding or dropping one keeps the others' events") {
    reloadable_pack pack("shared");
    auto write = [&](const std::string& text) { pack.write(text); };
    const std::string burst = R"(- rule: burst
  events: [call.attempt]
  condition: count(call.attempt by caller.e164 within 1h) >= 4
  action: block
  priority: critical
)";
    const std::string foreign_share = R"(- rule: mostly_foreign_callees
  events: [call.attempt]
  condition: ratio(call.attempt where not callee.is_home by caller.e164 within 1h) >= 0.5
  action: warn
  priority: warning
)";
    write(burst + foreign_share);
    const auto loaded = pack.load();
    auto& e = *loaded;
    REQUIRE(e.current()->shared_lists.size() == 1);
    CHECK(e.current()->shared_lists[0].members.size() == 2);
    CHECK(e.current()->aggregates_by_kind[static_cast<int>(model::event_kind::call_attempt)].empty());  // fed through the list only

    engine::decision d;
    model::record abroad = call("1", t0, "+84912345678", true, "+85512345678");
    abroad.callee.is_home = false;
    e.decide(abroad, d);
    CHECK(d.final_action == action::warn);  // 1 of 1 callee abroad
    e.decide(call("2", t0 + 1, "+84912345678", true, "+84987654321"), d);
    CHECK(d.final_action == action::warn);  // 1 of 2

    // A third aggregate joins the list; the two kept count their earlier events.
    const std::string first_contacts = R"(- rule: new_contacts
  events: [call.attempt]
  condition: ratio(call.attempt where call.first_contact by caller.e164 within 1h) >= 0.99
  action: warn
  priority: notice
)";
    write(burst + foreign_share + first_contacts);
    REQUIRE(e.reload().swapped);
    REQUIRE(e.current()->shared_lists.size() == 1);
    CHECK(e.current()->shared_lists[0].members.size() == 3);
    e.decide(call("3", t0 + 2, "+84912345678", true, "+84987654322"), d);
    REQUIRE(d.rules.size() == 1);  // 1 of 3 abroad; the new ratio saw one call, a first contact
    CHECK(d.rules[0].rule == "new_contacts");
    e.decide(call("4", t0 + 3, "+84912345678", true, "+84987654323"), d);
    CHECK(d.final_action == action::block);  // the 4th call: the count kept its 3
    CHECK(d.rules.size() == 2);              // burst and new_contacts (2 of 2 seen), not foreign (1 of 4)

    // The ratio dropped: the count still has every call.
    write(burst + first_contacts);
    REQUIRE(e.reload().swapped);
    e.decide(call("5", t0 + 4, "+84912345678", true, "+84987654324"), d);
    CHECK(d.final_action == action::block);
}

TEST_CASE("a shared list takes at most eight members, a ninth keeps its own, one a reload adds never pushes a member out, and a 'for' reader reads a member") {
    auto rule = [](int i, const std::string& fn) {
        return fmt::format(R"(- rule: r{0}
  events: [call.attempt]
  condition: {1}(call.attempt where call.ring_ms > {0} by caller.e164 within 1h) > 100
  action: warn
  priority: notice
)", i, fn);
    };
    std::string pack;
    for (int i = 0; i < 9; ++i) pack += rule(i, "ratio");
    pack += R"(- rule: called_back
  events: [call.attempt]
  condition: count(call.attempt where call.ring_ms > 0 by caller.e164 within 1h for callee.e164) >= 2
  action: block
  priority: critical
)";
    reloadable_pack file("shared-cap");
    file.write(pack);
    const auto loaded = file.load();
    auto& e = *loaded;
    REQUIRE(e.current()->shared_lists.size() == 1);
    std::vector<std::string> before, after;
    for (const auto a : e.current()->shared_lists[0].members) before.push_back(e.current()->aggregates[a].fingerprint);
    CHECK(before.size() == 8);
    CHECK(e.current()->aggregates_by_kind[static_cast<int>(model::event_kind::call_attempt)].size() == 2);  // the ninth and the count
    // Two ringing calls from A; then a call to A reads A's count.
    engine::decision d;
    for (int i = 0; i < 2; ++i) {
        model::record r = call(std::to_string(i), t0 + i, "+84912000001", true, "+84987000000");
        r.call.present = true;
        r.call.ring_ms = 500;
        e.decide(r, d);
    }
    e.decide(call("back", t0 + 10, "+84987000000", true, "+84912000001"), d);
    CHECK(d.final_action == action::block);

    // A count sorting before every ratio by its text joins no full list and moves no member.
    file.write(rule(100, "count") + pack);
    REQUIRE(e.reload().swapped);
    REQUIRE(e.current()->shared_lists.size() == 1);
    for (const auto a : e.current()->shared_lists[0].members) after.push_back(e.current()->aggregates[a].fingerprint);
    CHECK(after.size() == 8);
    std::sort(before.begin(), before.end());
    std::sort(after.begin(), after.end());
    CHECK(before == after);
}

TEST_CASE("vn-core: a roaming subscriber's call home over a listed roaming trunk is not spoofing, any other trunk still is") {
    std::ifstream in(std::string(RINGFENCE_SOURCE_DIR) + "/rules/vn-core/vn-core.yaml");
    const std::string pack((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE(!pack.empty());
    engine::rule_engine_settings s;
    s.time_zone = "+07:00";
    auto created = engine::rule_engine::create_from_text(
        s, {{"vn-core.yaml", pack}, {"local.yaml", "- list: roaming_trunks\n  items: [ROAMING-GW]\n  override: {items: append}\n"}});
    INFO(texts(created.diagnostics));
    REQUIRE(created.value);
    auto& e = **created.value;
    engine::decision d;
    e.decide(call("roam", t0, "+84912345004", true, "+84987654002", model::origin_kind::international), d);
    CHECK(d.final_action == action::block);  // call() puts it on trunk GW-1
    model::record roamer = call("roam", t0, "+84912345004", true, "+84987654002", model::origin_kind::international);
    roamer.origin.trunk = "ROAMING-GW";
    e.decide(roamer, d);
    CHECK(d.final_action == action::allow);
}

TEST_CASE("sms-advertising: a telemarketing call to a Do-Not-Call number is blocked, to another number within hours it is not") {
    std::ifstream in(std::string(RINGFENCE_SOURCE_DIR) + "/rules/sms-advertising/sms-advertising.yaml");
    const std::string pack((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE(!pack.empty());
    engine::rule_engine_settings s;
    s.time_zone = "+07:00";
    auto created = engine::rule_engine::create_from_text(
        s, {{"sms-advertising.yaml", pack},
            {"local.yaml", "- list: telemarketing_callers\n  items: [\"+842873001234\"]\n  override: {items: append}\n"
                           "- list: do_not_call\n  items: [\"+84903999888\"]\n  override: {items: append}\n"}});
    INFO(texts(created.diagnostics));
    REQUIRE(created.value);
    auto& e = **created.value;
    engine::decision d;
    const std::int64_t eleven = 1'795'838'400'000;  // 2026-11-28 11:00 +07:00
    e.decide(call("dnc", eleven, "+842873001234", true, "+84903999888"), d);
    CHECK(d.final_action == action::block);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].rule == "ad_call_to_do_not_call");
    e.decide(call("ok", eleven, "+842873001234", true, "+84903999777"), d);
    CHECK(d.final_action == action::allow);
}

TEST_CASE("sms.hosts holds each link's whole host after its user info, and a domain in a list holds its subdomains, never a domain that only starts with it") {
    auto e = load(R"(
- list: bank_domains
  items: [Example-Bank.com.vn]
- rule: under_the_bank
  events: [sms.submit]
  condition: sms.hosts in bank_domains
  action: warn
  priority: notice
- rule: bank_name_elsewhere
  events: [sms.submit]
  condition: sms.hosts except bank_domains icontains "example-bank"
  action: block
  priority: critical
)");
    REQUIRE(e);
    CHECK(first_rule_on_sms(*e, "xem https://example-bank.com.vn/a") == "under_the_bank");
    CHECK(first_rule_on_sms(*e, "xem https://EBANK.example-bank.com.vn/a") == "under_the_bank");
    CHECK(first_rule_on_sms(*e, "xem https://example-bank.com.vn.evil.top/a") == "bank_name_elsewhere");
    CHECK(first_rule_on_sms(*e, "xem https://my-example-bank.com/a") == "bank_name_elsewhere");
    CHECK(first_rule_on_sms(*e, "xem https://Example-Bank.com.vn@evil.top/a") == "bank_name_elsewhere");  // user info before the host
    CHECK(first_rule_on_sms(*e, "xem https://other.com/a") == "");
}

TEST_CASE("a URL written in a rule compares as the same URL in a list: by its key") {
    auto e = load(R"(
- list: urls
  items: [evil.top/login]
- rule: in_list
  events: [sms.submit]
  condition: sms.urls in urls
  action: warn
  priority: notice
- rule: in_values
  events: [sms.submit]
  condition: sms.urls in ("evil.top/login", "other.top/x")
  action: warn
  priority: notice
- rule: equal
  events: [sms.submit]
  condition: sms.urls = "HTTPS://Evil.Top:443/login"
  action: warn
  priority: notice
- rule: not_equal
  events: [sms.submit]
  condition: sms.urls != "evil.top/login"
  action: warn
  priority: notice
- rule: excepted
  events: [sms.submit]
  condition: sms.text contains "xem"
  action: warn
  priority: notice
  exceptions:
    - name: that_url
      fields: [sms.urls]
      values: [["evil.top/login"]]
)");
    REQUIRE(e);
    model::record r = sms_record("xem https://EVIL.TOP/login");
    engine::decision d;
    e->decide(r, d);
    std::vector<std::string> fired;
    for (const auto& m : d.rules) fired.push_back(m.rule);
    CHECK(fired == std::vector<std::string>{"in_list", "in_values", "equal"});
    r.sms.text = "xem https://evil.top/logout";
    e->decide(r, d);
    fired.clear();
    for (const auto& m : d.rules) fired.push_back(m.rule);
    CHECK(fired == std::vector<std::string>{"not_equal", "excepted"});
}

TEST_CASE("a reason leaves out the separators and brackets a missing field leaves with nothing on one side") {
    // Each template is a rule of its own; asserted and diversion are missing unless set.
    const std::vector<std::pair<std::string, std::string>> templates = {
        {"first_missing", "x ({asserted.country}, {diversion.country}) y"},
        {"middle_missing", "x ({caller.country}, {asserted.country}, {origin.trunk}) y"},
        {"colon", "x ({asserted.country}: {caller.e164}) y"},
        {"word_after", "a ({asserted.country} via {origin.trunk}) b"},
        {"nested", "a (({asserted.country})) b"},
        {"nested_pair", "a (({asserted.country}), {diversion.country}) b"},
        {"square", "T[{asserted.country}] end"},
        {"value_kept", "{caller.e164} ({origin.trunk}, {asserted.country})"},
        {"literal_brackets", "call (see docs) {asserted.country}"},
        {"stuck_separator", "pre-{asserted.country} x, a/{asserted.country} b"},
    };
    std::string pack;
    for (const auto& [name, reason] : templates)
        pack += "- rule: " + name + "\n  events: [call.attempt]\n  condition: caller.is_home\n  action: warn\n  priority: notice\n  reason: \"" + reason +
                "\"\n";
    std::vector<common::diagnostic> diags;
    auto e = load(pack, &diags);
    REQUIRE_MESSAGE(e, texts(diags));
    auto reasons = [&](const model::record& r) {
        engine::decision d;
        e->decide(r, d);
        std::map<std::string, std::string> out;
        for (const auto& m : d.rules) out[m.rule] = m.reason;
        return out;
    };
    model::record r = call("b2", t0, "+84912345678", true, "+84987654321");
    r.origin.trunk = "INTL-GW-";  // a value ending in a separator keeps it
    auto got = reasons(r);
    CHECK(got["first_missing"] == "x y");
    CHECK(got["middle_missing"] == "x (VN, INTL-GW-) y");
    CHECK(got["colon"] == "x (+84912345678) y");
    CHECK(got["word_after"] == "a (via INTL-GW-) b");
    CHECK(got["nested"] == "a b");
    CHECK(got["nested_pair"] == "a b");
    CHECK(got["square"] == "T end");
    CHECK(got["value_kept"] == "+84912345678 (INTL-GW-)");
    CHECK(got["literal_brackets"] == "call (see docs)");
    CHECK(got["stuck_separator"] == "pre x, a b");
    r.diversion = {true, "+12025550123", "+12025550123", "US", model::number_type::fixed, false};
    got = reasons(r);
    CHECK(got["first_missing"] == "x (US) y");
    CHECK(got["nested_pair"] == "a (US) b");
    r.asserted = r.caller;
    r.origin.trunk.clear();
    got = reasons(r);
    CHECK(got["first_missing"] == "x (VN, US) y");
    CHECK(got["middle_missing"] == "x (VN, VN) y");
    CHECK(got["word_after"] == "a (VN via) b");
    CHECK(got["nested"] == "a ((VN)) b");
    CHECK(got["nested_pair"] == "a ((VN), US) b");
    CHECK(got["value_kept"] == "+84912345678 (VN)");
}

TEST_CASE("a call's fields on an SMS record and an SMS's on a call are absent, as the compiler warns") {
    std::vector<common::diagnostic> diags;
    auto e = load(R"(
- rule: sender_on_any
  events: [call.attempt, sms.submit]
  condition: sms.sender = "VCB" or sms.sender_is_alpha or sms.text contains "x"
  action: warn
  priority: notice
- rule: diversion_on_any
  events: [call.attempt, sms.submit]
  condition: diversion.country = "US" or diversion.is_home = false or diversion.type = fixed or call.ring_ms > 0
  action: warn
  priority: notice
)",
                  &diags);
    REQUIRE(e);
    model::record call_with_sms = call("c", t0, "+84912345678", true, "+84987654321");
    call_with_sms.sms.present = true;
    call_with_sms.sms.sender = "VCB";
    call_with_sms.sms.sender_is_alpha = true;
    call_with_sms.sms.text = "x";
    engine::decision d;
    e->decide(call_with_sms, d);
    CHECK(d.rules.empty());
    model::record sms_with_call = sms_record("hello");
    sms_with_call.diversion = {true, "+12025550123", "+12025550123", "US", model::number_type::fixed, false};
    sms_with_call.call.ring_ms = 1200;
    e->decide(sms_with_call, d);
    CHECK(d.rules.empty());
    // Each where it belongs.
    call_with_sms.diversion = sms_with_call.diversion;
    e->decide(call_with_sms, d);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].rule == "diversion_on_any");
    sms_with_call.sms.sender = "VCB";
    e->decide(sms_with_call, d);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].rule == "sender_on_any");
}

TEST_CASE("sms.urls compared with a field compares both as URL keys") {
    auto e = load(R"(
- rule: reported_link
  events: [sms.submit]
  condition: sms.urls = extra.reported
  action: block
  priority: warning
- rule: other_link
  events: [sms.submit]
  condition: sms.urls != extra.reported
  action: warn
  priority: notice
)");
    REQUIRE(e);
    model::record r = sms_record("xem https://EVIL.TOP/login ngay");
    r.extra.push_back({"reported", model::extra_field::json_type::string, "evil.top/login"});
    engine::decision d;
    e->decide(r, d);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].rule == "reported_link");
    r.extra.back().text = "http://evil.top:80/login#x";
    e->decide(r, d);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].rule == "reported_link");
    r.extra.back().text = "evil.top/logout";
    e->decide(r, d);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].rule == "other_link");
}

TEST_CASE("a domain written in a rule compares lower-case, as the same domain in a list") {
    auto e = load(R"(
- rule: domain_equal
  events: [sms.submit]
  condition: sms.domains = "Evil.Top"
  action: warn
  priority: notice
- rule: host_in_values
  events: [sms.submit]
  condition: sms.hosts in ("WWW.Evil.Top")
  action: warn
  priority: notice
)");
    REQUIRE(e);
    model::record r = sms_record("xem https://www.EVIL.top/login");
    engine::decision d;
    e->decide(r, d);
    REQUIRE(d.rules.size() == 2);
    CHECK(d.rules[0].rule == "domain_equal");
    CHECK(d.rules[1].rule == "host_in_values");
}

TEST_CASE("evidence of a match on sms.hosts gives the host without the user info a link writes before it") {
    auto e = load(R"(
- list: brand_words
  items: [vietcombank]
- rule: brand_in_host
  events: [sms.submit]
  condition: sms.hosts icontains_any brand_words
  action: block
  priority: critical
- rule: many_to_host
  events: [sms.submit]
  condition: count(sms.submit by sms.hosts within 1h) >= 1
  action: warn
  priority: notice
)");
    REQUIRE(e);
    model::record r = sms_record("dang nhap https://nguyenvana.0988777666:OTP-482913@vietcombank-secure.example/login");
    engine::decision d;
    e->decide(r, d);
    REQUIRE(d.rules.size() == 2);
    for (const auto& m : d.rules) {
        CAPTURE(m.rule);
        CAPTURE(m.evidence_json);
        CHECK(m.evidence_json.find("vietcombank-secure.example") != std::string::npos);
        CHECK(m.evidence_json.find("482913") == std::string::npos);
        CHECK(m.evidence_json.find("0988777666") == std::string::npos);
        CHECK(m.evidence_json.find('@') == std::string::npos);
    }
}

TEST_CASE("evidence of a keyword found in sms.urls gives the link's key, never its user info, password or fragment") {
    auto e = load(R"(
- list: link_words
  items: [evil]
- rule: word_in_link
  events: [sms.submit]
  condition: sms.urls icontains_any link_words
  action: block
  priority: critical
)");
    REQUIRE(e);
    model::record r = sms_record("Xem https://user:secretpw@Evil.top/x?tok=abc#frag ngay");
    engine::decision d;
    e->decide(r, d);
    REQUIRE(d.rules.size() == 1);
    CAPTURE(d.rules[0].evidence_json);
    CHECK(d.rules[0].evidence_json.find("\"value\":\"evil.top/x?tok=abc\"") != std::string::npos);
    CHECK(d.rules[0].evidence_json.find("secretpw") == std::string::npos);
    CHECK(d.rules[0].evidence_json.find("frag") == std::string::npos);
    CHECK(d.rules[0].evidence_json.find("https") == std::string::npos);
}

TEST_CASE("every test on sms.urls reads each link as its key: no scheme, user info or fragment to match, host in lower case") {
    std::vector<common::diagnostic> diags;
    auto e = load(R"(
- list: scheme_words
  items: [https, secretpw, frag]
- rule: keyword_in_link
  events: [sms.submit]
  condition: sms.urls icontains_any scheme_words or sms.urls contains_any scheme_words
  action: block
  priority: critical
- rule: upper_case_host
  events: [sms.submit]
  condition: sms.urls contains "EVIL" or sms.urls icontains "SECRETPW"
  action: block
  priority: critical
- rule: key_pattern
  events: [sms.submit]
  condition: sms.urls matches "^evil\\.top/x\\?tok=abc$" and sms.urls startswith "evil.top/"
  action: warn
  priority: notice
)", &diags);
    REQUIRE_MESSAGE(e, texts(diags));
    model::record r = sms_record("Xem https://user:secretpw@EVIL.top/x?tok=abc#frag ngay");
    engine::decision d;
    e->decide(r, d);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].rule == "key_pattern");
    CHECK(d.rules[0].evidence_json.find("secretpw") == std::string::npos);
}

TEST_CASE("a bank's name written as user info before an IPv6 literal is in sms.hosts, as before any other host") {
    auto e = load(R"(
- list: brand_words
  items: [vietcombank]
- rule: brand_in_host
  events: [sms.submit]
  condition: sms.hosts icontains_any brand_words
  action: block
  priority: critical
)");
    REQUIRE(e);
    engine::decision d;
    model::record r = sms_record("vao https://vietcombank.com.vn@[2001:db8::1]/x de xac thuc");
    e->decide(r, d);
    CHECK(d.final_action == engine::action::block);
    r = sms_record("vao https://vietcombank.com.vn@1.2.3.4/x de xac thuc");
    e->decide(r, d);
    CHECK(d.final_action == engine::action::block);
}

TEST_CASE("evidence of a pattern names the field and the pattern as JSON, backslashes and quotes escaped, never the text") {
    auto e = load(R"(
- rule: labelled
  events: [sms.submit]
  condition: sms.text matches "(?i)^\\s*\\[qc\\]\\s\"?"
  action: warn
  priority: notice
)");
    REQUIRE(e);
    model::record r = sms_record("[QC] Giam gia 50% hom nay");
    engine::decision d;
    e->decide(r, d);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].evidence_json == R"({"patterns":[{"field":"sms.text","pattern":"(?i)^\\s*\\[qc\\]\\s\"?"}]})");
    e->decide(r, d);  // the same again: the pattern's JSON is written once and kept
    CHECK(d.rules[0].evidence_json.find("Giam") == std::string::npos);
}

TEST_CASE("evidence is what made the rule fire: a conjunct's find is taken back when a later one fails, a failed alternative's too") {
    auto e = load(R"(
- list: trunks
  items: [GW-1]
- rule: list_branch_fails
  events: [call.attempt]
  condition: (origin.trunk in trunks and origin.kind = international) or callee.is_home
  action: warn
  priority: notice
- rule: count_branch_fails
  events: [call.attempt]
  condition: (count(call.attempt by caller.e164 within 1h) >= 1 and origin.kind = international) or callee.is_home
  action: warn
  priority: notice
- rule: both_hold
  events: [call.attempt]
  condition: origin.trunk in trunks and count(call.attempt by caller.e164 within 1h) >= 1
  action: warn
  priority: notice
)");
    REQUIRE(e);
    engine::decision d;
    // Interconnect, a home callee: the first two rules fire by their second branch alone.
    e->decide(call("c1", t0, "+84912345678", true, "+84987654321"), d);
    REQUIRE(d.rules.size() == 3);
    for (const auto& m : d.rules) {
        CAPTURE(m.rule);
        if (m.rule == "both_hold")
            CHECK(m.evidence_json ==
                  R"x({"aggregates":[{"aggregate":"count(call.attempt by caller.e164 within 1h)","key":"+84912345678","value":1,"op":">=","threshold":1}],"lists":[{"list":"trunks","field":"origin.trunk","value":"GW-1","entry":"GW-1"}]})x");
        else
            CHECK(m.evidence_json == "{}");
    }
}

TEST_CASE("a pack file with a second YAML document is refused at its marker, not read in part") {
    std::vector<common::diagnostic> diags;
    CHECK_FALSE(load(R"(# leading comment
---
- rule: first
  events: [call.attempt]
  condition: origin.trunk = "A"
  action: warn
  priority: warning
---
- rule: second
  events: [call.attempt]
  condition: origin.trunk = "A"
  action: block
  priority: warning
)", &diags));
    CHECK(texts(diags) ==
          "pack.yaml:8:1: error RULES_YAML_PARSE: a second YAML document: a pack file is one document (one sequence of items); put the rest in "
          "another file\n");
}

namespace {

// Nine count aggregates of call.attempt by caller.e164 within 1h, told apart by trunk: eight
// share a list, the ninth (K8) keeps its own. from: the first kept.
std::string nine_aggregates(int from) {
    std::string pack;
    for (int n = from; n <= 8; ++n)
        pack += fmt::format(R"(- rule: k{0}
  events: [call.attempt]
  condition: count(call.attempt where origin.trunk = "K{0}" by caller.e164 within 1h) >= 2
  action: warn
  priority: debug
)",
                            n);
    return pack;
}

model::record on_trunk(const std::string& id, std::int64_t t, const std::string& trunk) {
    model::record r = call(id, t, "+84911009100", true, "+84987000001");
    r.origin.trunk = trunk;
    return r;
}

}  // namespace

TEST_CASE("reload: the aggregate kept alone past the eighth of its list stays alone and keeps its state when one of the eight goes") {
    reloadable_pack pack("reload-ninth");
    pack.write(nine_aggregates(0));
    const auto loaded = pack.load();
    auto& e = *loaded;
    REQUIRE(e.current()->shared_lists.size() == 1);
    CHECK(e.current()->shared_lists[0].members.size() == 8);
    engine::decision d;
    e.decide(on_trunk("a", t0, "K8"), d);
    e.decide(on_trunk("c", t0 + 500, "K3"), d);
    CHECK(d.rules.empty());
    pack.write(nine_aggregates(1));  // k0 removed: a place frees in the list
    REQUIRE(e.reload().swapped);
    e.decide(on_trunk("b", t0 + 1000, "K8"), d);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].rule == "k8");  // the count before the reload is still there: 2
    // The list's members kept theirs too: K3's one event before the reload makes this its second.
    e.decide(on_trunk("d", t0 + 3000, "K3"), d);
    CHECK(std::any_of(d.rules.begin(), d.rules.end(), [](const auto& m) { return m.rule == "k3"; }));
}

TEST_CASE("restart: the rules are laid out as the snapshot was written, so the aggregate kept alone past the eighth keeps its state") {
    reloadable_pack pack("restart-ninth");
    const std::string snapshot = (pack.dir / "window_state.sqlite").string();
    pack.write(nine_aggregates(0));
    {
        const auto first = pack.load();
        engine::decision d;
        first->decide(on_trunk("a", t0, "K8"), d);
        CHECK(first->windows().stats().keys == 1);  // k8's own: no member of the list counted anything
        REQUIRE(first->windows().save_snapshot(snapshot).empty());
        // The list is in the snapshot all the same, so the next start knows k8 was left out of it.
        std::vector<engine::state::stored_spec> stored;
        REQUIRE(engine::state::read_window_snapshot_specs(snapshot, stored).empty());
        CHECK(stored.size() == 2);
    }
    pack.write(nine_aggregates(1));  // k0 removed while the daemon was down
    engine::rule_engine_settings s;
    s.rule_paths = {pack.file};
    s.time_zone = "UTC";
    s.state_snapshot_path = snapshot;
    auto created = engine::rule_engine::create(s);
    REQUIRE(created.value);
    auto& e = **created.value;
    REQUIRE(e.current()->shared_lists.size() == 1);
    CHECK(e.current()->shared_lists[0].members.size() == 7);  // k1..k7; k8 alone as in the snapshot
    REQUIRE(e.windows().load_snapshot(snapshot).empty());
    CHECK(e.windows().stats().keys == 1);
    engine::decision d;
    e.decide(on_trunk("b", t0 + 1000, "K8"), d);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].rule == "k8");
}

TEST_CASE("reload: the ninth stays alone when all eight of its list go and a new sibling comes, and a re-enabled rule joins its list") {
    reloadable_pack pack("reload-emptied");
    pack.write(nine_aggregates(0));
    const auto loaded = pack.load();
    auto& e = *loaded;
    engine::decision d;
    e.decide(on_trunk("a", t0, "K8"), d);
    pack.write(nine_aggregates(8));  // only k8 left: its list is gone
    REQUIRE(e.reload().swapped);
    CHECK(e.current()->shared_lists.empty());
    const std::string k9 = R"(- rule: k9
  events: [call.attempt]
  condition: count(call.attempt where origin.trunk = "K9" by caller.e164 within 1h) >= 2
  action: warn
  priority: debug
)";
    pack.write(nine_aggregates(8) + k9);  // a new sibling: it gets the list, k8 stays alone
    REQUIRE(e.reload().swapped);
    REQUIRE(e.current()->shared_lists.size() == 1);
    CHECK(e.current()->shared_lists[0].members.size() == 1);
    e.decide(on_trunk("b", t0 + 1000, "K8"), d);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].rule == "k8");

    // A disabled rule's aggregate has no list place and no events; enabled again, it joins.
    reloadable_pack other("reload-disabled");
    other.write(nine_aggregates(7) + "  enabled: false\n");  // k7 and k8; k8 disabled
    const auto second = other.load();
    REQUIRE(second->current()->shared_lists.size() == 1);
    CHECK(second->current()->shared_lists[0].members.size() == 1);
    other.write(nine_aggregates(7));
    REQUIRE(second->reload().swapped);
    REQUIRE(second->current()->shared_lists.size() == 1);
    CHECK(second->current()->shared_lists[0].members.size() == 2);
}

TEST_CASE("a pack and an items file written with a byte order mark read as without one") {
    reloadable_pack pack("bom");
    std::ofstream(pack.dir / "accounts.txt") << "\xEF\xBB\xBF" "+84912345678\n";
    const std::string body = R"(- list: watched
  items_file: accounts.txt
- rule: watched_caller
  events: [call.attempt]
  condition: caller.e164 in watched and origin.trunk = "X" or caller.e164 in watched
  action: warn
  priority: notice
)";
    pack.write("\xEF\xBB\xBF" + body);
    engine::rule_engine_settings s;
    s.rule_paths = {pack.file};
    s.time_zone = "UTC";
    auto created = engine::rule_engine::create(s);
    INFO(texts(created.diagnostics));
    REQUIRE(created.value);
    CHECK(texts(created.diagnostics).empty());  // no "never matches" for a first item holding the mark
    engine::decision d;
    (*created.value)->decide(call("c", t0, "+84912345678", true, "+84987654321"), d);
    REQUIRE(d.rules.size() == 1);
    // Errors point at the same column with the mark as without it.
    pack.write("\xEF\xBB\xBF" "- rule: r\n  events: [call.attempt]\n  condition: \"caller.e164 ==! 1\"\n  action: warn\n  priority: notice\n");
    auto with_mark = engine::rule_engine::create(s);
    pack.write("- rule: r\n  events: [call.attempt]\n  condition: \"caller.e164 ==! 1\"\n  action: warn\n  priority: notice\n");
    auto without = engine::rule_engine::create(s);
    CHECK_FALSE(with_mark.value);
    CHECK(texts(with_mark.diagnostics) == texts(without.diagnostics));
}

TEST_CASE("a literal tested against sms.bank_accounts is read as the field writes it") {
    auto e = load(R"(
- rule: named_bank
  events: [sms.submit]
  condition: 'sms.bank_accounts contains "Vietcombank: 0011.00.4012345"'
  action: warn
  priority: notice
)");
    REQUIRE(e);
    model::record r = sms_record("Chuyen khoan ngay vao STK 0011004012345 Vietcombank de nhan qua");
    engine::decision d;
    e->decide(r, d);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].rule == "named_bank");
}

TEST_CASE("case-sensitive text tests read Vietnamese written with combining marks as the precomposed letters") {
    auto e = load(R"(
- list: login_words
  items: ["Đăng nhập"]
- rule: login_keyword
  events: [sms.submit]
  condition: sms.text contains_any login_words
  action: warn
  priority: warning
- rule: login_contains
  events: [sms.submit]
  condition: sms.text contains "Xác thực"
  action: warn
  priority: warning
)");
    REQUIRE(e);
    // "Đăng" with ă written a + U+0306 (combining breve), "nhập" as n h a + U+0323 + U+0302 p.
    CHECK(first_rule_on_sms(*e, "Vui long \xC4\x90" "a\xCC\x86" "ng nha\xCC\xA3\xCC\x82p ngay") == "login_keyword");
    CHECK(first_rule_on_sms(*e, "Vui long \xC4\x90\xC4\x83ng nh\xE1\xBA\xADp ngay") == "login_keyword");  // precomposed
    // "Xác" with á as a + U+0301, "thực" with ự as u + U+031B + U+0323.
    CHECK(first_rule_on_sms(*e, "Xa\xCC\x81" "c thu\xCC\x9B\xCC\xA3" "c tai khoan") == "login_contains");
    // Still case-sensitive.
    CHECK(first_rule_on_sms(*e, "\xC4\x91" "a\xCC\x86" "ng nha\xCC\xA3\xCC\x82p") == "");
}

TEST_CASE("combining marks are composed on capitals, and in a rule's own text and keywords") {
    // A keyword and a literal typed decomposed (Unikey's "Unicode to hop"): "Ấn" as A + U+0302 + U+0301.
    auto e = load("- list: press_words\n"
                  "  items: [\"A\xCC\x82\xCC\x81n va\xCC\x80o\"]\n"
                  "- rule: press_keyword\n  events: [sms.submit]\n  condition: sms.text contains_any press_words\n  action: warn\n  priority: warning\n"
                  "- rule: offer_literal\n  events: [sms.submit]\n"
                  "  condition: sms.text startswith \"U\xCC\x9Bu \xC4\x91" "a\xCC\x83i\"\n  action: warn\n  priority: warning\n");
    REQUIRE(e);
    // Capitals written decomposed, and written precomposed: both found.
    CHECK(first_rule_on_sms(*e, "A\xCC\x82\xCC\x81n va\xCC\x80o link") == "press_keyword");
    CHECK(first_rule_on_sms(*e, "\xE1\xBA\xA4n v\xC3\xA0o link") == "press_keyword");
    CHECK(first_rule_on_sms(*e, "U\xCC\x9Bu \xC4\x91\xC3\xA3i 50%") == "offer_literal");
    CHECK(first_rule_on_sms(*e, "\xC6\xAF" "u \xC4\x91\xC3\xA3i 50%") == "offer_literal");
}
