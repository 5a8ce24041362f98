// The rule engine behind the decision point: the loaded rule set (swapped atomically on
// reload; records in flight finish on the set they started with), the window state and
// call history that aggregates and derived fields read, and the decision: a matching allow
// rule wins, then block, then warn; shadow rules are reported but never change the action.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/diagnostic.hpp"
#include "common/time_zone.hpp"
#include "engine/call_activity.hpp"
#include "engine/decision_point.hpp"
#include "model/dial_string.hpp"
#include "engine/protected_numbers.hpp"
#include "engine/intel_source.hpp"
#include "engine/ruleset_loader.hpp"
#include "engine/state/window_store.hpp"
#include "geoip/ip_country_db.hpp"
#include "subscribers/subscriber_source.hpp"

namespace ringfence::engine {

struct rule_engine_settings {
    std::vector<std::string> rule_paths;             // files and folders, in load order
    std::string time_zone = "Asia/Ho_Chi_Minh";      // for local_hour and time.between
    state::window_store_settings windows;
    call_activity_settings activity;
    // The subscriber database's index (caller.subscriber.*, callee.subscriber.*); null: none.
    std::shared_ptr<subscribers::subscriber_source> subscribers;
    // Callee numbers never blocked whatever any rule says (raw and E.164 forms, exact).
    std::vector<std::string> emergency_numbers{"112", "113", "114", "115"};
    protected_number_settings protected_numbers;
    std::string ip_country_db;  // MaxMind DB file for origin.ip_country; "" for none
    // Serves the packs' `intel:` lists (the intel store); null: they compile as empty lists.
    std::shared_ptr<intel_source> intel;
    // The window state snapshot the daemon restores after start ("" for none): the first
    // compile keeps the event-list layout it was written with (event_list_layout).
    std::string state_snapshot_path;
};

struct rule_engine_stats {
    std::uint64_t reloads_ok = 0;
    std::uint64_t reloads_failed = 0;
    std::uint64_t records = 0;
    std::uint64_t emergency_overrides = 0;  // blocks and warns turned into allow because the callee is an emergency number
    std::uint64_t protected_overrides = 0;  // blocks turned into allow because a protected number was involved
};

class rule_engine final : public decision_point {
public:
    static common::loaded<std::unique_ptr<rule_engine>> create(const rule_engine_settings& settings);
    // With rules from inline documents (tests, `ringfence rules test`).
    static common::loaded<std::unique_ptr<rule_engine>> create_from_text(
        const rule_engine_settings& settings, const std::vector<std::pair<std::string, std::string>>& documents);

    void decide(const model::record& rec, decision& out) override;
    void decide_observed(const model::record& rec, decision& out) override;
    void settle_last(action decided, action effective) override;
    bool never_block(const model::record& rec) const override { return is_emergency_callee(rec); }

    struct reload_outcome {
        bool swapped = false;
        std::int64_t swapped_at_ms = 0;  // wall clock just before the new set could decide a record
        std::string version;
        std::vector<common::diagnostic> diagnostics;
    };
    // Loads and compiles the configured paths off the hot path; on success swaps the rule set
    // in and keeps window state for aggregates whose definition did not change. On failure
    // the running set stays.
    reload_outcome reload();

    std::shared_ptr<const compiled_ruleset> current() const;
    const loaded_ruleset& last_loaded() const { return loaded_; }
    state::window_store& windows() { return *windows_; }
    call_activity& activity() { return *activity_; }
    // Forgets all window state and call history (each pack test starts from nothing). Not
    // for use while other threads decide.
    void reset_state();
    // The window state and the call history to and from one snapshot file
    // (state/window_snapshot.hpp). save_state may run while records are decided;
    // load_state is for startup. Each returns "" or an error message naming the file.
    std::string save_state(const std::string& sqlite_path) const;
    std::string load_state(const std::string& sqlite_path);
    // The subscriber source rules read (null when none). Replacing it is not for use while
    // other threads decide (pack tests give each test its own database).
    subscribers::subscriber_source* subscriber_source() const { return settings_.subscribers.get(); }
    void set_subscriber_source(std::shared_ptr<subscribers::subscriber_source> s) { settings_.subscribers = std::move(s); }
    rule_engine_stats stats() const;

private:
    // block_stops: a block keeps the record out of `unless blocked` aggregates (an answer the
    // switch acts on); false for a passive copy of the traffic.
    void decide_as(const model::record& rec, decision& out, bool block_stops);
    explicit rule_engine(const rule_engine_settings& settings, common::time_zone tz);
    std::uint32_t spec_id(const std::string& fingerprint);
    void install(std::shared_ptr<const compiled_ruleset> rs);
    bool is_emergency_callee(const model::record& rec) const;
    // The protected number that keeps this blocked record from being blocked, or null.
    const protected_number* protected_party(const model::record& rec, const decision& d, const protected_numbers& numbers) const;
    std::vector<common::diagnostic> load_protected();
    std::shared_ptr<const protected_numbers> protected_numbers_snapshot() const;

    rule_engine_settings settings_;
    std::vector<model::dial_string> emergency_dialled_;  // settings_.emergency_numbers, scanned
    common::time_zone tz_;
    std::unique_ptr<state::window_store> windows_;
    std::unique_ptr<call_activity> activity_;
    std::unique_ptr<geoip::ip_country_db> ip_countries_;

    mutable std::mutex current_mu_;
    // Changed (under current_mu_) with current_ or protected_: decide() reads them again only
    // then. Values come from one process-wide counter, so no two engines (nor one engine
    // destroyed and another made at its address) share a generation.
    std::atomic<std::uint64_t> generation_{next_generation()};
    static std::uint64_t next_generation() {
        static std::atomic<std::uint64_t> counter{0};
        return counter.fetch_add(1, std::memory_order_relaxed) + 1;
    }
    std::shared_ptr<const compiled_ruleset> current_;
    loaded_ruleset loaded_;
    std::shared_ptr<const protected_numbers> protected_;  // swapped with the rules on reload

    std::mutex ids_mu_;
    std::map<std::string, std::uint32_t> spec_ids_;  // fingerprint -> id, stable for the process

    std::mutex reload_mu_;
    std::atomic<std::uint64_t> reloads_ok_{0};
    std::atomic<std::uint64_t> reloads_failed_{0};
    std::atomic<std::uint64_t> records_{0};
    std::atomic<std::uint64_t> emergency_overrides_{0};
    std::atomic<std::uint64_t> protected_overrides_{0};
};

// Renders the evidence of one matched rule as a JSON object.
void append_evidence_json(std::string& out, const class eval_context& ctx);

}  // namespace ringfence::engine
