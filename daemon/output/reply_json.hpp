// Renders the reply lines of the JSON-lines protocol: one decision or one error per record.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/decision.hpp"

namespace ringfence::output {

// {"id":…,"action":"allow|warn|block","rules":[{"rule":…,"priority":…,"action":…,"reason":…}],"latency_us":…}\n
// Each rule entry carries the rule's own action. Shadow rules are listed with "shadow":true
// (after their "action") and never change the top-level "action".
// id_is_integer: the sender wrote the id as a JSON integer; it is echoed as one.
void append_decision_line(std::string& out, std::string_view id, const engine::decision& d,
                          std::int64_t latency_us, bool id_is_integer = false);

// {"id":…,"error":{"code":…,"message":…}}\n ; id is null when the record had none.
void append_error_line(std::string& out, const std::string* id, std::string_view code,
                       std::string_view message, bool id_is_integer = false);

// The same error for a decision line already rendered (append_decision_line): its id is
// carried over as it was written there. decision_line must be such a line.
void append_error_for_decision_line(std::string& out, std::string_view decision_line, std::string_view code,
                                    std::string_view message);

}  // namespace ringfence::output
