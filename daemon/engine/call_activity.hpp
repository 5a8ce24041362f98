// The per-caller call history behind four derived fields, kept only when a loaded rule
// reads them: call.gap_ms (time since the caller's previous attempt), call.idle_ms (time
// since the caller's previous call ended), call.first_contact (no attempt from this caller
// to this callee within the look-back) and caller.concurrent_calls (answered calls not yet
// ended). Sharded, bounded, in record time.
#pragma once

#include <array>
#include <climits>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include "engine/flat_u64_map.hpp"
#include "model/record.hpp"

namespace ringfence::engine {

struct call_activity_settings {
    std::int64_t first_contact_lookback_ms = 30LL * 24 * 3600 * 1000;
    // An answered call whose end never comes (a lost BYE, a switch that sends no ends) stops
    // counting in caller.concurrent_calls this long after its answer (record time).
    std::int64_t max_call_ms = 4LL * 3600 * 1000;
    std::size_t max_entries_per_shard = 1 << 20;   // bound per table and shard; oldest half dropped beyond it
};

// Which parts of the history the loaded rules read.
struct call_activity_needs {
    bool gap = false;
    bool idle = false;
    bool first_contact = false;
    bool concurrency = false;
};

struct call_activity_result {
    std::optional<std::int64_t> gap_ms;  // none for a caller's first attempt
    std::optional<std::int64_t> idle_ms;  // none before an end of the caller's is seen
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
    call_activity_result observe(const model::record& rec, call_activity_needs needs);

    // The values the history holds: the rows save() writes but the callers' counts of calls
    // in progress. Reads every table.
    std::size_t entries() const;
    void reset(std::string_view caller_e164);

    // The history as rows (part: which of its values, shard, key hash, value), for the window
    // snapshot: save() writes them, restore() puts one back (a part or shard out of range,
    // from a damaged file, is ignored). restore() is for startup, before records come. Parts:
    // 0 a caller's last attempt, 1 a (caller, callee) pair's, 2 when a call in progress was
    // answered, 3 a caller's count of calls in progress, 4 an end waiting for its answer, 5
    // the caller of a call in progress, 6 a caller's last end (the snapshot's format: rows
    // written by earlier versions, one table per part, read the same).
    static constexpr int parts = 7;
    std::string save(const std::function<std::string(int, int, std::uint64_t, std::int64_t)>& write) const;
    void restore(int part, int shard, std::uint64_t key, std::int64_t value);
    // After the last restore(): keeps the calls in progress whose caller is known and counts
    // them again per caller (a snapshot from before calls kept their caller restores calls
    // nothing could ever take off a count: they are dropped, the counts start from what is
    // known).
    void finish_restore();

private:
    static constexpr std::int64_t no_time = INT64_MIN;
    // What the history keeps of one caller, in one slot: an attempt reads its last attempt,
    // its last end and its calls in progress together, one cache miss where three tables of
    // millions made three.
    struct caller_state {
        std::int64_t last_attempt = no_time;  // the caller's newest call.attempt
        std::int64_t last_end = no_time;      // the caller's newest call.end
        std::int64_t active = 0;              // answered calls in progress
        bool empty() const { return last_attempt == no_time && last_end == no_time && active == 0; }
    };
    // An answered call in progress: when, and whose (a snapshot from before calls kept their
    // caller restores calls without one).
    struct call_state {
        std::int64_t answered_at = no_time;
        std::uint64_t caller = 0;
        bool caller_known = false;
    };
    struct shard {
        mutable std::mutex mu;
        flat_u64_table<caller_state> callers;  // caller hash -> its history
        flat_u64_map pair_seen;                // (caller, callee) hash -> time
        flat_u64_table<call_state> active_calls;  // (caller, callee) hash -> the answered call
        flat_u64_map ended_first;              // (caller, callee) hash -> end time, for an end that came before its answer
        std::int64_t swept_at = 0;  // record time active_calls was last swept for calls past max_call_ms
    };
    shard& shard_for(std::uint64_t h) { return shards_[h % shards_.size()]; }
    // At cap entries (0: max_entries_per_shard), drops those older than older_than, then the
    // older half.
    void trim(flat_u64_map& m, std::int64_t older_than, std::size_t cap = 0);
    // The caller's entry, made when absent (then the table may be trimmed, by each caller's
    // newest time, keeping those with calls in progress: a pointer into it is good until the
    // next insert).
    caller_state& caller_entry(shard& s, std::uint64_t ch, std::int64_t t);
    // Calls in progress: the answered call (pair hash) of caller ch starts counting, one ends.
    void call_answered(shard& s, std::uint64_t ph, std::uint64_t ch, std::int64_t t);
    static void call_ended(shard& s, std::uint64_t ph, std::uint64_t ch);
    // One call of caller ch fewer in progress.
    static void uncount(shard& s, std::uint64_t ch);
    // Ends the calls answered before older_than (their end never came), and at the table's
    // cap the older half, each taken off its caller's count.
    void expire_calls(shard& s, std::int64_t now, std::int64_t older_than);
    // How often (record time) a shard looks for calls past max_call_ms.
    static constexpr std::int64_t sweep_every_ms = 60'000;


    call_activity_settings settings_;
    std::array<shard, 32> shards_;
};

}  // namespace ringfence::engine
