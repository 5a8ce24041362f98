// What the engine answers for one record: the action and every rule that matched.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ringfence::engine {

enum class action : std::uint8_t { allow, warn, block };
std::string_view to_string(action a) noexcept;
std::optional<action> parse_action(std::string_view s) noexcept;

struct matched_rule {
    std::string rule;           // rule name
    std::string priority;       // syslog level name: emergency .. debug
    action rule_action = action::warn;
    bool shadow = false;        // evaluated and logged, never changes the decision
    std::string reason;         // rendered reason text
    std::string evidence_json;  // a JSON object: the values that crossed, the list entry that matched
};

struct decision {
    action final_action = action::allow;
    std::vector<matched_rule> rules;
    std::string ruleset_version;  // hash of the loaded rule content; empty when no rule set is loaded

    void clear() {
        final_action = action::allow;
        rules.clear();
        ruleset_version.clear();
    }
};

}  // namespace ringfence::engine
