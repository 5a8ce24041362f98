// One loaded generation of window specs with what the store derives from them: each
// spec's entry rules, its hash seed (from fingerprint, function and window, so a key's
// entries keep their hashes across reloads and restarts) and its idle limit.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/state/entry_header.hpp"
#include "engine/state/window_spec.hpp"
#include "engine/state/window_store_settings.hpp"

namespace ringfence::engine::state {

// An entry keeps its window plus this much back from its own newest event, so that a record
// of the same key arriving up to a minute late still finds the events of its window.
inline constexpr std::int64_t late_record_grace_ms = 60'000;
// A shard's clock is the newest event time of any key. Records of one key can come from a
// feed that runs behind the others (a switch's connection slower than another's, a link
// catching up after an outage), so an entry is reclaimed as idle only once that clock is 15
// minutes past its window and grace: until then a lagging feed's keys keep their counts. Longer
// costs memory: a 10-minute window's entries stay ~26 minutes after their key's last event
// where they stayed ~12 (past the memory cap, entries past their window go first).
inline constexpr std::int64_t feed_lag_allowance_ms = 15 * 60'000;

struct spec_table {
    std::vector<window_spec> specs;           // by id
    std::vector<entry_rules> rules;           // by id
    std::vector<std::uint64_t> seeds;         // by id
    std::vector<std::int64_t> idle_after_ms;  // by id: min(window + grace + feed lag allowance, idle_evict_ms)
    std::int64_t sweep_interval_ms = 0;  // how often (record time) a shard starts an idle sweep
};

// The seed of a spec's key hashes.
std::uint64_t spec_seed(const window_spec& spec);

// True when two specs define the same state: fingerprint, function and window.
bool same_definition(const window_spec& a, const window_spec& b);

// Builds the table. Throws std::invalid_argument when the engine broke the contract: ids not
// dense 0..N-1 in order, more than 65535 specs, a window outside 1..max_window_ms, or two
// specs with the same definition.
spec_table make_spec_table(std::vector<window_spec> specs, const window_store_settings& settings);

}  // namespace ringfence::engine::state
