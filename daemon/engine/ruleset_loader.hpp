// The one load path for rule packs: reader -> collector -> compiler, then the version
// hash. `ringfence rules check`, `ringfenced --check`, the daemon's start and every reload
// go through load_ruleset(), so they cannot disagree.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/diagnostic.hpp"
#include "engine/compiled_ruleset.hpp"
#include "engine/rule_compiler.hpp"
#include "engine/rule_items.hpp"

namespace ringfence::engine {

struct loaded_ruleset {
    std::shared_ptr<const compiled_ruleset> rules;  // null when there were errors
    rule_items items;                               // what was read (tests inside packs included)
    std::vector<common::diagnostic> diagnostics;
    bool ok() const { return rules != nullptr; }
};

// intel serves the packs' intelligence lists (null: they are empty; see rule_compiler.hpp);
// before, the event-list layout to keep (compile_rules).
loaded_ruleset load_ruleset(const std::vector<std::string>& paths, const spec_id_source& ids, intel_source* intel = nullptr,
                            const event_list_layout* before = nullptr);
// The same from inline YAML documents (name, text), for tests and tools.
loaded_ruleset load_ruleset_text(const std::vector<std::pair<std::string, std::string>>& documents, const spec_id_source& ids,
                                 intel_source* intel = nullptr, const event_list_layout* before = nullptr);

}  // namespace ringfence::engine
