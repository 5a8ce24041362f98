// Runs the test cases that rule packs carry (`- test:` items): each test starts with empty
// window state, its records go through the same wire parser and engine as live traffic, in
// order, and the named records must get the expected action and rules.
#pragma once

#include <string>
#include <vector>

#include "common/diagnostic.hpp"
#include "common/time_zone.hpp"
#include "engine/rule_engine.hpp"
#include "intel/intel_store.hpp"
#include "model/numbering_plan.hpp"

namespace ringfence::cli {

struct pack_test_result {
    std::string name;
    engine::source_loc loc;
    std::vector<std::string> failures;  // empty: passed
    // What is wrong with the test's own items, whatever the rules decide: a record that does
    // not parse, an intel entry or subscriber that is not valid, a rule name no pack
    // defines. Also among failures; `rules check` reports these as errors (RULES_BAD_TEST).
    std::vector<common::diagnostic> invalid;
    void add_invalid(const engine::source_loc& at, std::string message);  // a RULES_BAD_TEST at its line and column
};

struct pack_test_report {
    std::vector<pack_test_result> results;
    int passed() const;
    int failed() const;
};

// intel: the (in-memory) intel store the engine was created with; each test's `intel:`
// entries are put in it before its records run, and taken out after. Null: a test that
// seeds intel entries fails.
pack_test_report run_pack_tests(engine::rule_engine& engine, const model::numbering_plan& plan, intel::intel_store* intel = nullptr);

}  // namespace ringfence::cli
