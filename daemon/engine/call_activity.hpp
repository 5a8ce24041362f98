// The per-caller call history behind three derived fields, kept only when a loaded rule
// reads them: call.gap_ms (time since the caller's previous attempt), call.first_contact
// (no attempt from this caller to this callee within the look-back) and
// caller.concurrent_calls (answered calls not yet ended). Sharded, bounded, in record time.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>
#include "engine/flat_u64_map.hpp"
#include "model/record.hpp"

namespace ringfence::engine {

struct call_activity_settings {
    std::int64_t first_contact_lookback_ms = 30LL * 24 * 3600 * 1000;
    std::int64_t max_call_ms = 4LL * 3600 * 1000;  // an answered call with no end is dropped after this
    std::size_t max_entries_per_shard = 1 << 20;   // bound per table and shard; oldest half dropped beyond it
};

struct call_activity_result {
    std::optional<std::int64_t> gap_ms;  // none for a caller's first attempt
    bool first_contact = true;
    std::int64_t concurrent_calls = 0;
};

class call_activity {
public:
    explicit call_activity(call_activity_settings s = {});

    // Ends that came before their answer: a few seconds' reordering is what they are for, so
    // a small table whose entries over a minute old go first when it fills (a feed that never
    // sends answers fills it and keeps it at this size).
    static constexpr std::size_t max_ended_first_per_shard = 4096;
    static constexpr std::int64_t ended_first_ms = 60'000;

    // Updates the history with rec and returns the fields as they stand for rec. Only the
    // parts asked for are kept.
    call_activity_result observe(const model::record& rec, bool gap, bool first_contact, bool concurrency);

    std::size_t entries() const;
    void reset(std::string_view caller_e164);

private:
    struct shard {
        mutable std::mutex mu;
        flat_u64_map last_attempt;  // caller hash -> time
        flat_u64_map pair_seen;     // (caller, callee) hash -> time
        flat_u64_map active_calls;  // (caller, callee) hash -> answered at
        flat_u64_map active_count;  // caller hash -> answered calls in progress
        flat_u64_map ended_first;   // (caller, callee) hash -> end time, for an end that came before its answer
    };
    shard& shard_for(std::uint64_t h) { return shards_[h % shards_.size()]; }
    // At cap entries (0: max_entries_per_shard), drops those older than older_than, then the
    // older half.
    void trim(flat_u64_map& m, std::int64_t older_than, std::size_t cap = 0);


    call_activity_settings settings_;
    std::array<shard, 32> shards_;
};

}  // namespace ringfence::engine
