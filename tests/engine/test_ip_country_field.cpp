// origin.ip_country through the engine: a rule on the country of the signalling source IP,
// with MaxMind's test database (../shared/data/geoip; skipped, saying so, when absent).
#include <doctest/doctest.h>

#include <filesystem>

#include "engine/rule_engine.hpp"

using namespace ringfence;

TEST_CASE("origin.ip_country: the country of origin.ip from engine.ip_country_db, empty without one") {
    const std::string db = RINGFENCE_SHARED_DATA_DIR "/geoip/GeoIP2-Country-Test.mmdb";
    if (!std::filesystem::exists(db)) {
        MESSAGE("skipped: " << db << " is absent (a clone without ../shared)");
        return;
    }
    const std::string pack = R"(
- rule: signalling_from_listed_country
  events: [call.attempt]
  condition: origin.ip_country in (BT, PH)
  action: block
  priority: critical
  reason: "signalling from {origin.ip} in {origin.ip_country}"
)";
    engine::rule_engine_settings s;
    s.time_zone = "+07:00";
    s.windows.memory_cap_bytes = 64 << 20;
    s.ip_country_db = db;
    auto e = engine::rule_engine::create_from_text(s, {{"pack.yaml", pack}});
    REQUIRE(e.value);
    model::record r;
    r.id = "g";
    r.kind = model::event_kind::call_attempt;
    r.time_ms = 1'795'000'000'000;
    r.caller = {true, "+84912345678", "+84912345678", "VN", model::number_type::mobile, true};
    r.callee = {true, "+84987654321", "+84987654321", "VN", model::number_type::mobile, true};
    engine::decision d;
    r.origin.ip = "67.43.156.1";  // BT in the test database
    (*e.value)->decide(r, d);
    CHECK(d.final_action == engine::action::block);
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].reason == "signalling from 67.43.156.1 in BT");
    r.origin.ip = "81.2.69.160";  // GB
    (*e.value)->decide(r, d);
    CHECK(d.final_action == engine::action::allow);

    // No database: the field is empty and the rule never fires.
    s.ip_country_db.clear();
    auto none = engine::rule_engine::create_from_text(s, {{"pack.yaml", pack}});
    REQUIRE(none.value);
    r.origin.ip = "67.43.156.1";
    (*none.value)->decide(r, d);
    CHECK(d.final_action == engine::action::allow);

    // A database that cannot be opened is a load error naming the key.
    s.ip_country_db = "/nonexistent/country.mmdb";
    auto bad = engine::rule_engine::create_from_text(s, {{"pack.yaml", pack}});
    CHECK_FALSE(bad.value);
    REQUIRE_FALSE(bad.diagnostics.empty());
    CHECK(bad.diagnostics[0].message.find("'engine.ip_country_db'") == 0);
}
