// Shared tests in a compiled rule set. Macros expand into every rule that uses them, and an
// aggregate's `where` often repeats a rule's test, so one record evaluates the same test many
// times (the shipped packs: `robocall_subject and robocall_frequent and ...` in two rules,
// `high_cost_callee` in three and in two filters). Each test that appears more than once gets
// a slot in which a record keeps its result (node::result_memo).
#pragma once

#include "engine/compiled_ruleset.hpp"

namespace ringfence::engine {

// Sets node::result_memo and node::evidence_free on every node of rs, and
// rs.result_memo_slots.
void assign_result_memos(compiled_ruleset& rs);

}  // namespace ringfence::engine
