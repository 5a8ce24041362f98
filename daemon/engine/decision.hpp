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

// The one copy, kept for the life of the process, of a rule-set version: each distinct
// content ever loaded costs its 71 bytes once.
std::string_view intern_ruleset_version(std::string_view version);

// The rules the engine adds itself, which no pack defines: an emergency callee, and a
// protected number, are never blocked; the decision names why with one of these.
inline constexpr std::string_view emergency_override_rule = "emergency_number_never_blocked";
inline constexpr std::string_view protected_override_rule = "protected_number_never_blocked";

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
    // The hash of the loaded rule content; empty when no rule set is loaded. It views text
    // that lives for the process (intern_ruleset_version), so a decision copies a pointer, not
    // 71 bytes allocated for every record, and stays valid in the log's queue after a reload.
    std::string_view ruleset_version;

    void clear() {
        final_action = action::allow;
        rules.clear();
        ruleset_version = {};
    }
};

}  // namespace ringfence::engine
