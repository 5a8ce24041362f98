#include "engine/ruleset_loader.hpp"

#include "common/sha256.hpp"
#include "engine/rule_collector.hpp"
#include "engine/rule_pack_reader.hpp"

namespace ringfence::engine {

namespace {

loaded_ruleset finish(rule_items items, std::vector<common::diagnostic> diags, const spec_id_source& ids, intel_source* intel,
                      const event_list_layout* before) {
    loaded_ruleset out;
    if (!common::has_errors(diags)) {
        const collected_rules collected = collect_rules(items, diags);
        if (!common::has_errors(diags)) {
            auto compiled = compile_rules(collected, ids, diags, intel, before);
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
    return finish(std::move(*read.value), std::move(read.diagnostics), ids, intel, before);
}

loaded_ruleset load_ruleset_text(const std::vector<std::pair<std::string, std::string>>& documents, const spec_id_source& ids,
                                 intel_source* intel, const event_list_layout* before) {
    rule_items items;
    std::vector<common::diagnostic> diags;
    for (const auto& [name, text] : documents) read_rule_text(text, name, items, diags);
    return finish(std::move(items), std::move(diags), ids, intel, before);
}

}  // namespace ringfence::engine
