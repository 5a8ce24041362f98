// The reply lines of the JSON-lines protocol, byte for byte.
#include <doctest/doctest.h>

#include <string>

#include "engine/decision.hpp"
#include "output/reply_json.hpp"

using ringfence::engine::action;
using ringfence::engine::decision;
using ringfence::engine::matched_rule;
using ringfence::output::append_decision_line;
using ringfence::output::append_error_line;

namespace {

matched_rule rule(std::string name, std::string priority, action a, std::string reason,
                  bool shadow = false) {
    matched_rule r;
    r.rule = std::move(name);
    r.priority = std::move(priority);
    r.rule_action = a;
    r.reason = std::move(reason);
    r.shadow = shadow;
    r.evidence_json = "{}";  // no evidence: left out of the reply
    return r;
}

}  // namespace

TEST_CASE("reply: allow with no rules") {
    std::string out;
    append_decision_line(out, "c-1", decision{}, 12);
    CHECK(out == R"({"id":"c-1","action":"allow","rules":[],"latency_us":12})"
                 "\n");
}

TEST_CASE("reply: block with one rule") {
    decision d;
    d.final_action = action::block;
    d.rules.push_back(
        rule("r1", "critical", action::block, "international call shows a +84 caller"));
    d.ruleset_version = "sha256:abc";  // not part of the reply
    std::string out;
    append_decision_line(out, "c-1", d, 12);
    CHECK(
        out ==
        R"({"id":"c-1","action":"block","rules":[{"rule":"r1","priority":"critical","action":"block",)"
        R"("reason":"international call shows a +84 caller"}],"latency_us":12})"
        "\n");
}

TEST_CASE("reply: several rules, a shadow one marked") {
    decision d;
    d.final_action = action::warn;
    d.rules.push_back(rule("wangiri", "warning", action::warn, "12 short calls in 60 s"));
    d.rules.push_back(rule("new_block", "critical", action::block, "trial rule", true));
    std::string out;
    append_decision_line(out, "c-2", d, 0);
    CHECK(
        out ==
        R"({"id":"c-2","action":"warn","rules":[)"
        R"({"rule":"wangiri","priority":"warning","action":"warn","reason":"12 short calls in 60 s"},)"
        R"({"rule":"new_block","priority":"critical","action":"block","shadow":true,"reason":"trial rule"}],)"
        R"("latency_us":0})"
        "\n");
}

TEST_CASE("reply: strings are escaped so the reply stays one valid line") {
    decision d;
    d.final_action = action::block;
    d.rules.push_back(rule("r\"1", "alert", action::block, "line1\nline2\t\\ \x01 \xFF Việt"));
    std::string out;
    append_decision_line(out, "id\"with\\quotes\r\n", d, 9223372036854775807);
    CHECK(out ==
          "{\"id\":\"id\\\"with\\\\quotes\\r\\n\",\"action\":\"block\",\"rules\":[{\"rule\":"
          "\"r\\\"1\","
          "\"priority\":\"alert\",\"action\":\"block\",\"reason\":\"line1\\nline2\\t\\\\ \\u0001 "
          "\xEF\xBF\xBD "
          "Vi\xE1\xBB\x87t\"}],\"latency_us\":9223372036854775807}\n");
    CHECK(out.find('\n') == out.size() - 1);
}

TEST_CASE("reply: error with an id") {
    const std::string id = "c-1";
    std::string out;
    append_error_line(out, &id, "bad_number",
                      "field 'callee': not a telephone number: bad character");
    CHECK(
        out ==
        R"({"id":"c-1","error":{"code":"bad_number","message":"field 'callee': not a telephone number: bad character"}})"
        "\n");
}

TEST_CASE("reply: error without an id has id null") {
    std::string out;
    append_error_line(out, nullptr, "malformed_json", "malformed JSON at byte 17: unexpected '}'");
    CHECK(
        out ==
        R"({"id":null,"error":{"code":"malformed_json","message":"malformed JSON at byte 17: unexpected '}'"}})"
        "\n");
}

TEST_CASE("reply: an empty id is echoed, not turned into null") {
    const std::string id;
    std::string out;
    append_error_line(out, &id, "missing_field", "field 'kind': missing");
    CHECK(out == R"({"id":"","error":{"code":"missing_field","message":"field 'kind': missing"}})"
                 "\n");
}

TEST_CASE("reply: lines are appended to what the buffer holds") {
    std::string out = "previous\n";
    append_decision_line(out, "a", decision{}, 1);
    append_error_line(out, nullptr, "wrong_type",
                      "field 'id': expected a string or an integer, got a boolean");
    CHECK(
        out ==
        "previous\n"
        R"({"id":"a","action":"allow","rules":[],"latency_us":1})"
        "\n"
        R"({"id":null,"error":{"code":"wrong_type","message":"field 'id': expected a string or an integer, got a boolean"}})"
        "\n");
}

TEST_CASE("reply: a rule's evidence goes into the reply as the engine's JSON object") {
    decision d;
    d.final_action = action::block;
    auto r = rule("burst", "critical", action::block, "too many calls");
    r.evidence_json = R"x({"aggregates":[{"aggregate":"count(call.attempt by caller.e164 within 1m)","value":6}]})x";
    d.rules.push_back(r);
    std::string out;
    append_decision_line(out, "c-9", d, 3);
    CHECK(out == R"x({"id":"c-9","action":"block","rules":[{"rule":"burst","priority":"critical","action":"block","reason":"too many calls",)x"
                 R"x("evidence":{"aggregates":[{"aggregate":"count(call.attempt by caller.e164 within 1m)","value":6}]}}],"latency_us":3})x"
                 "\n");
}
