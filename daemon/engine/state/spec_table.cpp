#include "engine/state/spec_table.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <unordered_set>

#include "engine/state/key_hash.hpp"

namespace ringfence::engine::state {

std::uint64_t spec_seed(const window_spec& spec) {
    const std::uint64_t definition =
        static_cast<std::uint64_t>(spec.fn) | (static_cast<std::uint64_t>(spec.window_ms) << 8);
    return mix64(hash_bytes(0x72696e6766656e63ull, spec.fingerprint) ^ mix64(definition));
}

bool same_definition(const window_spec& a, const window_spec& b) {
    return a.fingerprint == b.fingerprint && a.fn == b.fn && a.window_ms == b.window_ms;
}

spec_table make_spec_table(std::vector<window_spec> specs, const window_store_settings& settings) {
    if (specs.size() > 0xffff) {
        throw std::invalid_argument("window_store: more than 65535 window specs");
    }
    spec_table table;
    std::unordered_set<std::uint64_t> seen;
    std::int64_t shortest = settings.idle_evict_ms;
    for (std::size_t i = 0; i < specs.size(); ++i) {
        const window_spec& spec = specs[i];
        if (spec.id != i) {
            throw std::invalid_argument("window_store: spec ids must be 0..N-1 in order, got " +
                                        std::to_string(spec.id) + " at " + std::to_string(i));
        }
        if (spec.window_ms < 1 || spec.window_ms > max_window_ms) {
            throw std::invalid_argument("window_store: window of spec '" + spec.fingerprint +
                                        "' is outside 1.." + std::to_string(max_window_ms) + " ms");
        }
        const std::uint64_t seed = spec_seed(spec);
        if (!seen.insert(seed).second) {
            throw std::invalid_argument("window_store: spec '" + spec.fingerprint +
                                        "' is defined twice");
        }
        if (spec.members.size() > max_shared_members) {
            throw std::invalid_argument("window_store: shared list '" + spec.fingerprint + "' has more than " +
                                        std::to_string(max_shared_members) + " members");
        }
        entry_rules rules{spec.fn, spec.window_ms, settings.distinct_exact_limit, spec.window_ms + late_record_grace_ms};
        rules.keeps_unmatched = spec.fn == window_function::ratio || spec.fn == window_function::outgoing_share;
        rules.member_count = static_cast<std::uint8_t>(spec.members.size());
        for (std::size_t m = 0; m < spec.members.size(); ++m) {
            rules.member_fn[m] = spec.members[m].fn;
            // A ratio member reads every event, matched or not: the list keeps them all.
            rules.keeps_unmatched = rules.keeps_unmatched || spec.members[m].fn == window_function::ratio;
        }
        rules.layout = spec.members.empty() ? 0 : members_layout(spec.members);
        table.rules.push_back(rules);
        table.seeds.push_back(seed);
        const std::int64_t idle_after =
            std::min(spec.window_ms + late_record_grace_ms + feed_lag_allowance_ms, settings.idle_evict_ms);
        table.idle_after_ms.push_back(idle_after);
        shortest = std::min(shortest, idle_after);
    }
    // A sweep pass every half idle limit reclaims an idle entry within 1.5 limits or so.
    table.sweep_interval_ms = std::max<std::int64_t>(1000, shortest / 2);
    table.specs = std::move(specs);
    return table;
}

}  // namespace ringfence::engine::state
