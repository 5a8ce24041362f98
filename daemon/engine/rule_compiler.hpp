// Compiler: collected rules into a compiled_ruleset. Parses each condition (and each
// appended part) into a tree, expands macros by copying their trees, resolves every name
// (field, list, macro), checks types, compiles lists into matchers and regexes once, and
// assigns each distinct aggregate a window-state id. Errors carry file:line:column.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/diagnostic.hpp"
#include "engine/compiled_ruleset.hpp"
#include "engine/intel_source.hpp"
#include "engine/rule_collector.hpp"

namespace ringfence::engine {

// Gives the window-state id of an aggregate fingerprint; the same fingerprint keeps its id
// across reloads so state survives for unchanged aggregates.
using spec_id_source = std::function<std::uint32_t(const std::string& fingerprint)>;

// intel serves the lists declared `intel: KIND`; with none (`ringfence rules check`), such
// lists compile as empty lists, their uses still checked against the kind.
std::unique_ptr<compiled_ruleset> compile_rules(const collected_rules& rules, const spec_id_source& ids,
                                                std::vector<common::diagnostic>& diags, intel_source* intel = nullptr);

}  // namespace ringfence::engine
