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
#include "engine/state/window_snapshot.hpp"

namespace ringfence::engine {

// Gives the window-state id of an aggregate fingerprint; the same fingerprint keeps its id
// across reloads so state survives for unchanged aggregates.
using spec_id_source = std::function<std::uint32_t(const std::string& fingerprint)>;

// intel serves the lists declared `intel: KIND`; with none (`ringfence rules check`), such
// lists compile as empty lists, their uses still checked against the kind.
// before: the event-list layout to keep (the rules running, or a snapshot's); null: none.
std::unique_ptr<compiled_ruleset> compile_rules(const collected_rules& rules, const spec_id_source& ids,
                                                std::vector<common::diagnostic>& diags, intel_source* intel = nullptr,
                                                const event_list_layout* before = nullptr);

// The layout a compiled rule set runs with (what a later reload keeps).
event_list_layout layout_of(const compiled_ruleset& rs);
// The layout a state snapshot's specs describe (state::read_window_snapshot_specs).
event_list_layout layout_of(const std::vector<state::stored_spec>& specs);

}  // namespace ringfence::engine
