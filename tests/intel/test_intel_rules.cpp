// Intelligence lists in rule packs: declared with `intel: KIND`, used only in ways that fit
// the kind (errors at file:line:column), decided through the store with the entry's source
// and reason in the evidence, and changed under a loaded rule set with no reload.
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>

#include "engine/rule_engine.hpp"
#include "intel/intel_database.hpp"
#include "intel_test_support.hpp"
#include "support/inline_pack.hpp"

using namespace ringfence;
using engine::intel_kind;
using intel_test::t0;

namespace {

common::loaded<std::unique_ptr<engine::rule_engine>> load(const std::string& yaml, std::shared_ptr<engine::intel_source> intel = nullptr) {
    engine::rule_engine_settings s;
    s.time_zone = "+07:00";
    s.windows.memory_cap_bytes = 64 << 20;
    s.intel = std::move(intel);
    return engine::rule_engine::create_from_text(s, {{"pack.yaml", yaml}});
}

std::string texts(const std::vector<common::diagnostic>& d) { return test_support::diagnostics_text(d); }

const char* declarations = R"(
- list: police_numbers
  intel: number
- list: police_number_prefixes
  intel: number_prefix
- list: blocked_ips
  intel: ip
- list: blocked_domains
  intel: domain
)";

model::record call(const std::string& caller, std::int64_t t, const std::string& ip = "") {
    model::record r;
    r.id = "c";
    r.kind = model::event_kind::call_attempt;
    r.time_ms = t;
    r.caller = {true, caller, caller, "VN", model::number_type::mobile, true};
    r.callee = {true, "+84987654321", "+84987654321", "VN", model::number_type::mobile, true};
    r.origin.ip = ip;
    return r;
}

}  // namespace

TEST_CASE("a use that does not fit the list's kind is an error at its place") {
    struct bad {
        const char* condition;
        const char* message;
    };
    const bad cases[] = {
        {"caller.e164 prefix_in police_numbers", "'caller.e164 prefix_in police_numbers': 'police_numbers' is an intelligence list of kind number (declared pack.yaml:3:10); use it as caller.e164, callee.e164, asserted.e164 or diversion.e164 in LIST"},
        {"caller.e164 in police_number_prefixes", "kind number_prefix (declared pack.yaml:5:10); use it as caller.e164, callee.e164, asserted.e164 or diversion.e164 prefix_in LIST"},
        {"caller.raw in police_numbers", "'caller.raw in police_numbers'"},
        {"origin.trunk in blocked_ips", "use it as origin.ip in LIST"},
        {"sms.text contains_any blocked_domains", "use it as sms.domains in LIST"},
        {"sms.urls in blocked_domains", "use it as sms.domains in LIST"},
    };
    for (const auto& c : cases) {
        const std::string yaml = std::string(declarations) + "- rule: r\n  events: [call.attempt, sms.submit]\n  condition: " + c.condition +
                                 "\n  action: block\n  priority: critical\n";
        auto e = load(yaml);
        INFO(c.condition);
        INFO(texts(e.diagnostics));
        CHECK(!e.value);
        REQUIRE(!e.diagnostics.empty());
        const auto& d = e.diagnostics.front();
        CHECK(d.code == "RULES_INTEL_USE");
        CHECK(d.file == "pack.yaml");
        CHECK(d.line == 12);
        CHECK(d.message.find(c.message) != std::string::npos);
    }
}

TEST_CASE("intel lists cannot hold items, be overridden, be included, or have an unknown kind") {
    auto both = load("- list: l\n  intel: number\n  items: [a]\n");
    INFO(texts(both.diagnostics));
    CHECK(texts(both.diagnostics).find("pack.yaml:1:9: error RULES_BAD_ITEM: list 'l' has both 'intel' and 'items'") != std::string::npos);

    auto kind = load("- list: l\n  intel: phone\n");
    CHECK(texts(kind.diagnostics).find("pack.yaml:2:10: error RULES_BAD_VALUE: list 'l': intel is one of number, number_prefix, domain, url, ip, bank_account, not 'phone'") !=
          std::string::npos);

    auto over = load("- list: l\n  intel: number\n- list: l\n  items: [\"+84912345678\"]\n  override: {items: append}\n");
    CHECK(texts(over.diagnostics).find("RULES_BAD_OVERRIDE: list 'l' is an intelligence list") != std::string::npos);

    auto include = load("- list: l\n  intel: number\n- list: m\n  items: [l, \"+84912345678\"]\n- rule: r\n  events: [call.attempt]\n  condition: caller.e164 in m\n  action: block\n  priority: critical\n");
    INFO(texts(include.diagnostics));
    CHECK(texts(include.diagnostics).find("pack.yaml:4:11: error RULES_INTEL_USE: list 'm' includes the intelligence list 'l'") != std::string::npos);
}

TEST_CASE("without an intel store, intel lists load empty (rules check) and an exception may use one") {
    auto e = load(std::string(declarations) + R"(
- rule: r
  events: [call.attempt]
  condition: caller.e164 in police_numbers or caller.e164 prefix_in police_number_prefixes or origin.ip in blocked_ips
  action: block
  priority: critical
- rule: s
  events: [sms.submit]
  condition: sms.domains in blocked_domains
  action: block
  priority: critical
  exceptions:
    - name: not_police
      fields: [caller.e164]
      comps: [in]
      values: [[police_numbers]]
)");
    INFO(texts(e.diagnostics));
    REQUIRE(e.value);
    engine::decision d;
    (*e.value)->decide(call("+84912345678", t0), d);
    CHECK(d.final_action == engine::action::allow);
}

TEST_CASE("the engine decides through the store: evidence names list, entry, source and reason, changes apply with no reload") {
    intel_test::temp_dir dir;
    const std::string path = dir.file("intel.sqlite");
    auto db = intel::open_intel_database(path);
    REQUIRE(db.value);
    intel::intel_editor ed(*db.value, "tester (uid 1)");
    const auto numbers = intel_test::list(ed, "police_numbers", intel_kind::number);
    // Opening the store reads the lists by the wall clock (entries expired over a day ago are
    // left out), so this entry's expiry and the records that test it are set from now.
    const std::int64_t now0 = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    intel_test::add(ed, numbers, "+84912345678", now0 + 60'000, "case 114");
    auto store = intel::intel_store::open(path);
    REQUIRE(store.value);
    auto e = load(std::string(declarations) + R"(
- rule: police_listed
  events: [call.attempt]
  condition: caller.e164 in police_numbers or origin.ip in blocked_ips
  action: block
  priority: critical
)",
                  *store.value);
    INFO(texts(e.diagnostics));
    REQUIRE(e.value);
    engine::rule_engine& eng = **e.value;
    CHECK(eng.current()->list_entries == 1);
    engine::decision d;
    eng.decide(call("+84912345678", now0), d);
    REQUIRE(d.final_action == engine::action::block);
    CHECK(d.rules.at(0).evidence_json ==
          R"({"lists":[{"list":"police_numbers","field":"caller.e164","value":"+84912345678","entry":"+84912345678","source":"police","reason":"case 114"}]})");
    eng.decide(call("+84912345678", now0 + 60'000), d);  // expired at this record's time
    CHECK(d.final_action == engine::action::allow);

    // An address range added through another connection: the next refresh, no reload.
    const auto ips = intel_test::list(ed, "blocked_ips", intel_kind::ip);
    intel_test::add(ed, ips, "203.0.113.0/24", 0, "SIP scanner", intel::entry_source::spam_reports);
    const std::string version = eng.current()->version;
    eng.decide(call("+84912000111", t0, "203.0.113.9"), d);
    CHECK(d.final_action == engine::action::allow);
    REQUIRE((*store.value)->changed());
    REQUIRE((*store.value)->refresh(t0).ok);
    eng.decide(call("+84912000111", t0, "203.0.113.9"), d);
    CHECK(d.final_action == engine::action::block);
    CHECK(d.rules.at(0).evidence_json.find(R"("list":"blocked_ips","field":"origin.ip","value":"203.0.113.9","entry":"203.0.113.0/24","source":"spam_reports","reason":"SIP scanner")") !=
          std::string::npos);
    CHECK(eng.current()->version == version);
}

TEST_CASE("a pack that declares a list as another kind than the store holds does not load") {
    intel_test::temp_dir dir;
    auto db = intel::open_intel_database(dir.file("intel.sqlite"));
    REQUIRE(db.value);
    intel::intel_editor ed(*db.value, "tester (uid 1)");
    intel_test::list(ed, "police_numbers", intel_kind::ip);
    auto store = intel::intel_store::open(dir.file("intel.sqlite"));
    REQUIRE(store.value);
    auto e = load(std::string(declarations) + "- rule: r\n  events: [call.attempt]\n  condition: caller.e164 in police_numbers\n  action: block\n  priority: critical\n", *store.value);
    CHECK(!e.value);
    INFO(texts(e.diagnostics));
    CHECK(texts(e.diagnostics).find("pack.yaml:3:10: error RULES_INTEL_KIND: list 'police_numbers': the rule packs declare 'police_numbers' intel: number, but the intel database") !=
          std::string::npos);
}

TEST_CASE("a list a reload dropped is no longer served: the database may then hold it as another kind and refreshes go on") {
    intel_test::temp_dir dir;
    const std::string path = dir.file("intel.sqlite");
    auto db = intel::open_intel_database(path);
    REQUIRE(db.value);
    intel::intel_editor ed(*db.value, "tester (uid 1)");
    const auto numbers = intel_test::list(ed, "police_numbers", intel_kind::number);
    auto store = intel::intel_store::open(path);
    REQUIRE(store.value);
    const std::string pack = dir.file("pack.yaml");
    const std::string numbers_rule = std::string(declarations) +
                                     "- rule: listed\n  events: [call.attempt]\n  condition: caller.e164 in police_numbers\n  action: block\n  priority: critical\n";
    std::ofstream(pack) << numbers_rule << "- list: dropped_later\n  intel: ip\n- rule: by_ip\n  events: [call.attempt]\n  condition: origin.ip in dropped_later\n"
                                           "  action: block\n  priority: critical\n";
    engine::rule_engine_settings s;
    s.time_zone = "+07:00";
    s.rule_paths = {pack};
    s.intel = *store.value;
    auto created = engine::rule_engine::create(s);
    INFO(texts(created.diagnostics));
    REQUIRE(created.value);
    engine::rule_engine& eng = **created.value;
    std::ofstream(pack, std::ios::trunc) << numbers_rule;  // dropped_later is gone
    REQUIRE(eng.reload().swapped);
    // Free again: the operator makes a list of another kind by that name, and adds a number.
    intel_test::list(ed, "dropped_later", intel_kind::domain);
    intel_test::add(ed, numbers, "+84912141414", 0, "case 7");
    REQUIRE((*store.value)->changed());
    const auto refreshed = (*store.value)->refresh(t0);
    INFO(refreshed.error);
    CHECK(refreshed.ok);
    engine::decision d;
    eng.decide(call("+84912141414", t0), d);
    CHECK(d.final_action == engine::action::block);
}
