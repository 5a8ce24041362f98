#include "engine/ruleset_loader.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/sha256.hpp"
#include "engine/rule_collector.hpp"
#include "engine/rule_pack_reader.hpp"

namespace ringfence::engine {

namespace {

// paths: what was read, named when it held no pack file.
loaded_ruleset finish(rule_items items, std::vector<common::diagnostic> diags, const spec_id_source& ids, intel_source* intel,
                      const event_list_layout* before, const std::vector<std::string>& paths) {
    loaded_ruleset out;
    if (!common::has_errors(diags)) {
        const collected_rules collected = collect_rules(items, diags);
        if (!common::has_errors(diags)) {
            auto compiled = compile_rules(collected, ids, diags, intel, before);
            // A set with no rule at all allows every record: the packs' folder unmounted or emptied,
            // their files emptied. Refused, so a reload keeps the running rules. (Rules switched off
            // with `enabled: false` are rules: that set is the operator's choice.)
            if (!common::has_errors(diags) && items.rules.empty())
                diags.push_back({common::severity::error, "RULES_NO_RULES",
                                 items.files.empty()
                                     ? fmt::format("no rule pack file (*.yaml, *.yml) was found in {}: a rule set without rules would allow every record",
                                                   paths.empty() ? std::string("rules.paths (empty)") : fmt::format("{}", fmt::join(paths, ", ")))
                                     : "the packs hold no rule: a rule set without rules would allow every record",
                                 items.files.empty() ? (paths.empty() ? std::string() : paths.front()) : items.files.front(), 0, 0});
            if (!common::has_errors(diags)) {
                compiled->content = items.content;
                compiled->version = "sha256:" + common::sha256_hex(items.content);
                compiled->interned_version = intern_ruleset_version(compiled->version);
                out.rules = std::move(compiled);
            }
        }
    }
    out.items = std::move(items);
    out.diagnostics = std::move(diags);
    return out;
}

}  // namespace

loaded_ruleset load_ruleset(const std::vector<std::string>& paths, const spec_id_source& ids, intel_source* intel,
                            const event_list_layout* before) {
    auto read = read_rule_paths(paths);
    return finish(std::move(*read.value), std::move(read.diagnostics), ids, intel, before, paths);
}

loaded_ruleset load_ruleset_text(const std::vector<std::pair<std::string, std::string>>& documents, const spec_id_source& ids,
                                 intel_source* intel, const event_list_layout* before) {
    rule_items items;
    std::vector<common::diagnostic> diags;
    std::vector<std::string> names;
    for (const auto& [name, text] : documents) {
        read_rule_text(text, name, items, diags);
        names.push_back(name);
    }
    return finish(std::move(items), std::move(diags), ids, intel, before, names);
}

}  // namespace ringfence::engine
