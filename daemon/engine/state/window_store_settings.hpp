// The window store's limits and its counters.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ringfence::engine::state {

struct window_store_settings {
    std::size_t memory_cap_bytes = std::size_t{1} << 30;  // stats().bytes stays under this
    std::size_t shards = 64;                              // one mutex each; at least 1
    // Entries with no event for this long of record time (or for longer than their window, a
    // minute's grace for late records and 15 minutes for a lagging feed, whichever is
    // shorter: spec_table.hpp) are reclaimed.
    std::int64_t idle_evict_ms = 24 * 3600 * 1000;
    std::uint32_t distinct_exact_limit = 64;  // distinct values kept exactly per entry
};

struct window_stats {
    std::size_t keys = 0;   // live (spec, key) entries
    std::size_t bytes = 0;  // heap chunks held: entries, sketches, tables, shards
    std::uint64_t evicted_idle = 0;
    std::uint64_t evicted_memory = 0;
    std::uint64_t sketch_switches = 0;  // distinct entries that became sketches
    std::uint64_t late_dropped = 0;     // events older than their entry's window: not stored
};

}  // namespace ringfence::engine::state
