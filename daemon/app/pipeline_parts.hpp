// What every decision needs, loaded from a validated config: the numbering plan and the
// decision point. The daemon, `ringfenced --check` and the offline `ringfence` commands all
// load them through here, so they cannot disagree.
#pragma once

#include <memory>

#include "app/daemon_config.hpp"
#include "common/diagnostic.hpp"
#include "engine/decision_point.hpp"
#include "engine/rule_engine.hpp"
#include "intel/intel_store.hpp"
#include "model/numbering_plan.hpp"

namespace ringfence::app {

struct pipeline_parts {
    std::unique_ptr<model::numbering_plan> plan;
    std::unique_ptr<engine::decision_point> engine;
    engine::rule_engine* rules = nullptr;  // the engine when rule packs are configured (for reload and state)
    // The subscriber database in memory and what keeps it current (null when subscribers.path is "").
    std::shared_ptr<subscribers::subscriber_source> subscribers;
    std::unique_ptr<subscribers::subscriber_refresher> subscriber_refresher;
    std::shared_ptr<intel::intel_store> intel;  // the intel database the rules read (null: none)
};

// The daemon creates the intel database when it is missing; the offline tools read it only
// when it exists (otherwise intelligence lists are empty), so they never create state.
enum class intel_open { create, if_exists };

// Diagnostics go to out; the value is set only when there were no errors.
common::loaded<pipeline_parts> load_pipeline_parts(const daemon_config& config, intel_open intel_mode = intel_open::create);

// Config and parts in one step, for the command-line tools.
struct loaded_setup {
    daemon_config config;
    pipeline_parts parts;
};
common::loaded<loaded_setup> load_setup(const std::string& config_file, const std::vector<config_override>& overrides,
                                        intel_open intel_mode = intel_open::if_exists);

}  // namespace ringfence::app
