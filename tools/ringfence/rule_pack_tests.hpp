// Runs the test cases that rule packs carry (`- test:` items): each test starts with empty
// window state, its records go through the same wire parser and engine as live traffic, in
// order, and the named records must get the expected action and rules.
#pragma once

#include <string>
#include <vector>

#include "common/time_zone.hpp"
#include "engine/rule_engine.hpp"
#include "intel/intel_store.hpp"
#include "model/numbering_plan.hpp"

namespace ringfence::cli {

struct pack_test_result {
    std::string name;
    engine::source_loc loc;
    std::vector<std::string> failures;  // empty: passed
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
