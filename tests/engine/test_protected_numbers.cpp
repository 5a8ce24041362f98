// Protected and emergency numbers: never blocked by a rule the operator did not name, block
// rules that target them reported at load, spoofed protected callers on foreign ingress
// still blockable, and a bad protected-number file refused with its line.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "engine/rule_engine.hpp"

using namespace ringfence;
using engine::action;

namespace {

struct protected_file {
    std::filesystem::path path;
    explicit protected_file(const std::string& text) {
        path = std::filesystem::temp_directory_path() / ("ringfence-protected-" + std::to_string(::getpid()) + ".yaml");
        std::ofstream(path) << text;
    }
    ~protected_file() { std::filesystem::remove(path); }
};

const char* const rules = R"(
- list: blocked_callees
  items: ["5656", "+84911111111"]
- rule: block_listed_callee
  events: [call.attempt]
  condition: callee.raw in blocked_callees
  action: block
  priority: critical
- rule: block_international
  events: [call.attempt]
  condition: origin.kind = international
  action: block
  priority: critical
)";

model::record call(const std::string& caller, const std::string& callee, model::origin_kind origin) {
    model::record r;
    r.id = "p";
    r.kind = model::event_kind::call_attempt;
    r.time_ms = 1'795'000'000'000;
    r.caller = {true, caller, caller, "VN", model::number_type::mobile, true};
    r.callee = {true, callee, callee.size() > 6 ? callee : std::string(), "VN", model::number_type::short_code, true};
    r.origin.kind = origin;
    return r;
}

common::loaded<std::unique_ptr<engine::rule_engine>> load(const std::string& file, std::vector<std::string> overrides = {}) {
    engine::rule_engine_settings s;
    s.time_zone = "+07:00";
    s.windows.memory_cap_bytes = 64 << 20;
    s.protected_numbers.files = {file};
    s.protected_numbers.override_rules = std::move(overrides);
    return engine::rule_engine::create_from_text(s, {{"pack.yaml", rules}});
}

bool has_code(const std::vector<common::diagnostic>& d, const std::string& code, const std::string& words = "") {
    for (const auto& x : d)
        if (x.code == code && x.message.find(words) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_CASE("protected numbers: a block rule that targets one is reported at load, a record to one is allowed and says why") {
    protected_file f(R"(- {number: "5656", name: "spam SMS reports", category: report_line}
- {number: "+84911111111", name: "bank hotline", category: bank}
)");
    auto e = load(f.path.string());
    REQUIRE(e.value);
    CHECK(has_code(e.diagnostics, "RULES_BLOCKS_PROTECTED_NUMBER", "block rule 'block_listed_callee' would block protected numbers +84911111111 (bank hotline), 5656"));
    // Placed at the rule name, line and column, like every other finding.
    for (const auto& x : e.diagnostics)
        if (x.code == "RULES_BLOCKS_PROTECTED_NUMBER") CHECK(x.to_text().rfind("pack.yaml:" + std::to_string(x.line) + ":9: warning", 0) == 0);
    CHECK_FALSE(has_code(e.diagnostics, "RULES_BLOCKS_PROTECTED_NUMBER", "block_international"));
    engine::decision d;
    (*e.value)->decide(call("+84912345678", "5656", model::origin_kind::home_mobile), d);
    CHECK(d.final_action == action::allow);
    REQUIRE(d.rules.size() == 2);
    CHECK(d.rules[0].rule == "block_listed_callee");
    CHECK(d.rules[1].rule == "protected_number_never_blocked");
    CHECK(d.rules[1].reason.find("5656 is a protected number (spam SMS reports)") == 0);
    CHECK((*e.value)->stats().protected_overrides == 1);
}

TEST_CASE("protected numbers: presented on foreign ingress they are spoofing and stay blockable, on home ingress they are not blocked") {
    protected_file f(R"(- {number: "+84911111111", name: "bank hotline"}
)");
    auto e = load(f.path.string());
    REQUIRE(e.value);
    engine::decision d;
    (*e.value)->decide(call("+84911111111", "+84987654321", model::origin_kind::international), d);
    CHECK(d.final_action == action::block);
    (*e.value)->decide(call("+84911111111", "+84987654321", model::origin_kind::home_mobile), d);
    CHECK(d.final_action == action::allow);
}

TEST_CASE("protected numbers: only protected_numbers.override_rules lets a rule block one") {
    protected_file f(R"(- {number: "5656", name: "spam SMS reports"}
)");
    auto e = load(f.path.string(), {"block_listed_callee"});
    REQUIRE(e.value);
    CHECK_FALSE(has_code(e.diagnostics, "RULES_BLOCKS_PROTECTED_NUMBER"));
    CHECK_FALSE(has_code(e.diagnostics, "RULES_UNKNOWN_OVERRIDE_RULE"));
    // A misspelt name overrides nothing: said at load.
    auto typo = load(f.path.string(), {"block_listed_calee"});
    REQUIRE(typo.value);
    CHECK(has_code(typo.diagnostics, "RULES_UNKNOWN_OVERRIDE_RULE", "protected_numbers.override_rules names 'block_listed_calee', which no loaded pack defines"));
    // A rule switched off is defined: naming it is no typo.
    engine::rule_engine_settings st;
    st.time_zone = "+07:00";
    st.windows.memory_cap_bytes = 64 << 20;
    st.protected_numbers.files = {f.path.string()};
    st.protected_numbers.override_rules = {"off_rule"};
    auto off = engine::rule_engine::create_from_text(
        st, {{"pack.yaml", std::string(rules) + "- rule: off_rule\n  events: [call.attempt]\n  condition: caller.is_home\n  action: block\n  priority: critical\n  enabled: false\n"}});
    REQUIRE(off.value);
    CHECK_FALSE(has_code(off.diagnostics, "RULES_UNKNOWN_OVERRIDE_RULE"));
    engine::decision d;
    (*e.value)->decide(call("+84912345678", "5656", model::origin_kind::home_mobile), d);
    CHECK(d.final_action == action::block);
}

TEST_CASE("emergency numbers are never warned either: a switch may announce or divert on warn") {
    engine::rule_engine_settings s;
    s.time_zone = "+07:00";
    s.windows.memory_cap_bytes = 64 << 20;
    auto e = engine::rule_engine::create_from_text(s, {{"pack.yaml", R"(
- rule: warn_everything
  events: [call.attempt]
  condition: kind = call.attempt
  action: warn
  priority: warning
)"}});
    REQUIRE(e.value);
    engine::decision d;
    for (const char* written : {"112", "1 1 2", "(113)", "115 "}) {
        CAPTURE(written);
        (*e.value)->decide(call("+84912345678", written, model::origin_kind::international), d);
        CHECK(d.final_action == action::allow);
        REQUIRE(d.rules.size() == 2);
        CHECK(d.rules[0].rule == "warn_everything");  // what matched stays in the decision
        CHECK(d.rules[1].rule == "emergency_number_never_blocked");
    }
    (*e.value)->decide(call("+84912345678", "0987654321", model::origin_kind::international), d);
    CHECK(d.final_action == action::warn);
}

TEST_CASE("emergency numbers are never blocked, with no override") {
    engine::rule_engine_settings s;
    s.time_zone = "+07:00";
    s.windows.memory_cap_bytes = 64 << 20;
    auto e = engine::rule_engine::create_from_text(s, {{"pack.yaml", R"(
- rule: block_everything
  events: [call.attempt]
  condition: kind = call.attempt
  action: block
  priority: critical
)"}});
    REQUIRE(e.value);
    engine::decision d;
    (*e.value)->decide(call("+84912345678", "113", model::origin_kind::international), d);
    CHECK(d.final_action == action::allow);
    REQUIRE(d.rules.size() == 2);
    CHECK(d.rules[1].rule == "emergency_number_never_blocked");
    // Written with the spaces and dashes the numbering plan also reads as 113.
    for (const char* written : {"113 ", "11 3", "1-1-3", "(113)"}) {
        CAPTURE(written);
        (*e.value)->decide(call("+84912345678", written, model::origin_kind::international), d);
        CHECK(d.final_action == action::allow);
    }
    (*e.value)->decide(call("+84912345678", "+84987654321", model::origin_kind::international), d);
    CHECK(d.final_action == action::block);
    (*e.value)->decide(call("+84912345678", "1135", model::origin_kind::international), d);
    CHECK(d.final_action == action::block);
    CHECK((*e.value)->stats().emergency_overrides == 5);
}

TEST_CASE("protected numbers: a bad file is refused with its line and field") {
    protected_file f(R"(- {number: "5656", name: "ok"}
- {number: "56-56", name: "bad"}
- {name: "no number"}
- {number: "111", colour: red}
)");
    auto e = load(f.path.string());
    CHECK_FALSE(e.value);
    std::string all;
    for (const auto& d : e.diagnostics) all += d.to_text() + "\n";
    INFO(all);
    CHECK(has_code(e.diagnostics, "PROTECTED_BAD_VALUE", "'56-56'"));
    CHECK(has_code(e.diagnostics, "PROTECTED_MISSING_KEY"));
    CHECK(has_code(e.diagnostics, "PROTECTED_UNKNOWN_KEY", "colour"));
    CHECK(all.find(":2:") != std::string::npos);
}
