#include "app/pipeline_parts.hpp"

#include <filesystem>

namespace ringfence::app {

common::loaded<pipeline_parts> load_pipeline_parts(const daemon_config& config, intel_open intel_mode) {
    common::loaded<pipeline_parts> out;
    auto plan = model::numbering_plan::load(config.numbering);
    out.diagnostics = std::move(plan.diagnostics);
    if (!plan.value || common::has_errors(out.diagnostics)) return out;
    pipeline_parts parts;
    parts.plan = std::make_unique<model::numbering_plan>(std::move(*plan.value));
    engine::rule_engine_settings engine_settings = config.engine;
    if (!config.subscribers.path.empty()) {
        parts.subscribers = std::make_shared<subscribers::subscriber_source>(config.subscribers.lifecycle);
        parts.subscriber_refresher = std::make_unique<subscribers::subscriber_refresher>(
            config.subscribers.path, std::chrono::milliseconds(config.subscribers.refresh_interval_ms), *parts.subscribers);
        // A database that is there but unusable stops the start: deciding without the locks
        // it holds would let locked SIMs through.
        if (auto error = parts.subscriber_refresher->load_initial(); !error.empty()) {
            out.diagnostics.push_back({common::severity::error, "SUBSCRIBERS_BAD_DATABASE", error, config.subscribers.path, 0, 0});
            return out;
        }
        engine_settings.subscribers = parts.subscribers;
    }
    if (config.engine.rule_paths.empty()) {
        // No rule packs configured: every record is allowed with no rules.
        parts.engine = std::make_unique<engine::allow_all_decision_point>();
    } else {
        std::error_code ec;
        if (intel_mode == intel_open::create || std::filesystem::exists(config.intel.path, ec)) {
            std::filesystem::create_directories(std::filesystem::path(config.intel.path).parent_path(), ec);
            auto store = intel::intel_store::open(config.intel.path);
            out.diagnostics.insert(out.diagnostics.end(), store.diagnostics.begin(), store.diagnostics.end());
            if (!store.value) return out;
            parts.intel = *store.value;
            engine_settings.intel = parts.intel;
        }
        auto eng = engine::rule_engine::create(engine_settings);
        // A setting the engine found wrong (an IP country database it cannot open) is the
        // configuration file's: named so, as the reader's own errors are.
        for (auto& d : eng.diagnostics)
            if (d.file.empty() && d.code.rfind("CONFIG_", 0) == 0) d.file = config.source_file;
        out.diagnostics.insert(out.diagnostics.end(), eng.diagnostics.begin(), eng.diagnostics.end());
        if (!eng.value) return out;
        parts.rules = eng.value->get();
        parts.engine = std::move(*eng.value);
    }
    out.value = std::move(parts);
    return out;
}

common::loaded<loaded_setup> load_setup(const std::string& config_file, const std::vector<config_override>& overrides, intel_open intel_mode) {
    common::loaded<loaded_setup> out;
    auto cfg = load_daemon_config(config_file, overrides);
    out.diagnostics = std::move(cfg.diagnostics);
    if (!cfg.value) return out;
    auto parts = load_pipeline_parts(*cfg.value, intel_mode);
    out.diagnostics.insert(out.diagnostics.end(), parts.diagnostics.begin(), parts.diagnostics.end());
    if (!parts.value) return out;
    out.value = loaded_setup{std::move(*cfg.value), std::move(*parts.value)};
    return out;
}

}  // namespace ringfence::app
