// Reader: rule-pack YAML files (or folders of them) into rule_items, every item and field
// with its file:line:column. Only the shape is checked here (known keys, types, required
// keys); names, conditions and overrides are the collector's and compiler's business.
//
// Top-level items (a YAML list):
//   - required_engine_version: N
//   - pack: NAME            desc, mode (enforce | shadow): applies to the rules after it in the file
//   - list: NAME            items: [...], override: {items: append|replace}
//   - macro: NAME           condition: "...", override: {condition: append|replace}
//   - rule: NAME            desc, events, condition, action, priority, reason, tags, references,
//                           enabled, mode, exceptions, override
//   - test: NAME            desc, records: [ {wire-form record}... ], expect: [ {id, action, rules | rules_include | rules_exclude} ]
#pragma once

#include <string>
#include <vector>

#include "common/diagnostic.hpp"
#include "engine/rule_items.hpp"

namespace ringfence::engine {

inline constexpr int engine_version = 1;

// Files are read in the order given; a folder contributes its *.yaml and *.yml files,
// recursively, sorted by path.
common::loaded<rule_items> read_rule_paths(const std::vector<std::string>& paths);

// Reads one document from text (tests and tools use this with inline YAML).
void read_rule_text(const std::string& text, const std::string& file_name, rule_items& into,
                    std::vector<common::diagnostic>& diags,
                    const std::string& content_name = {});

}  // namespace ringfence::engine
