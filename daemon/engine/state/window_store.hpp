// The rule engine's sliding-window state: for every aggregate in the loaded rules
// (window_spec) and every key it is grouped by, the events of the last window of record
// time, answering count, distinct, ratio, sum and outgoing_share over (t - window, t].
//
// Contract with the engine:
// - The engine adds a record's event before asking (add_and_value), so the record being
//   decided is counted: the sixth attempt in a minute sees 6.
// - Records may arrive out of order: an event later than t does not count for t; each exact
//   entry keeps the events of its window plus late_record_grace_ms (a minute) back from the
//   newest time it saw, so a record up to a minute late is answered over its own window in
//   full; an event older than that is not stored (late_dropped) and is answered with its own
//   value alone (count 1, its amount, ...). A distinct sketch keeps its window only.
// - count, ratio and sum are exact. distinct is exact up to distinct_exact_limit values per
//   entry, then a windowed HyperLogLog (distinct_sketch.hpp states the error).
// - Thread-safe: entries are sharded by hash, one mutex a shard, so ingest threads only meet
//   on the same shard. set_specs holds every shard while it remaps (tens of milliseconds
//   per million entries).
// - Memory: a key with a few count events costs a 48-64 byte block plus its table slot
//   (about 116 bytes a key measured over a million keys, most with 1-5 events, 5% with
//   50-100); stats().bytes is what is really allocated, and memory_cap_bytes (split evenly
//   over shards) is enforced by evicting the least recently updated entries. Idle entries
//   are reclaimed as events arrive (window_shard.hpp).
// Spec ids outside the loaded specs are ignored (value 0). A key is not stored: entries are
// found by hash(spec, key), so show and reset hash the key for every spec.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/state/heap_block.hpp"
#include "engine/state/spec_table.hpp"
#include "engine/state/window_shard.hpp"
#include "engine/state/window_spec.hpp"
#include "engine/state/window_store_settings.hpp"

namespace ringfence::engine::state {

class window_snapshot_writer;

// One add of a batch (window_store::add_batch).
struct batched_add {
    std::uint32_t spec_id = 0;
    std::string_view key;
    observation o;
    bool want_value = false;
    double value = 0;  // out: what add_and_value answers, when want_value
    member_values members{};  // out: a shared list's members, when want_value
};

class window_store {
  public:
    explicit window_store(window_store_settings s);
    ~window_store();
    window_store(const window_store&) = delete;
    window_store& operator=(const window_store&) = delete;

    // On (re)load: entries of specs whose definition (fingerprint, function, window) is no
    // longer loaded are dropped; kept ones are remapped to their new ids. Throws
    // std::invalid_argument when the specs break make_spec_table's contract.
    void set_specs(std::vector<window_spec> specs);

    void add(std::uint32_t spec_id, std::string_view key, const observation& o);
    // The aggregate at t: count, distinct count, ratio (0 when no events), sum, share (0
    // when none); 0 for a key with no entry.
    double value(std::uint32_t spec_id, std::string_view key, std::int64_t t_ms);
    // Takes back the event an add of o stored at key (count and sum, not shared): a record
    // counted by an `unless blocked` aggregate that its decision blocked. False when the key
    // keeps no such event (pruned or evicted since, or never stored).
    bool retract(std::uint32_t spec_id, std::string_view key, const observation& o);
    // add then value at o.time_ms, with one lookup.
    double add_and_value(std::uint32_t spec_id, std::string_view key, const observation& o);
    // A shared list's member (its bit index in the member order `layout`) at t; what the
    // member reads with no entry when the key has none. A read in the order before the last
    // reload is translated; in any other order it is no_share.
    double member_value(std::uint32_t spec_id, std::uint64_t layout, unsigned member, std::string_view key, std::int64_t t_ms);

    // The adds of one record, applied in order with the same results as add or
    // add_and_value one by one, but faster: a record feeds about ten aggregates, and with
    // millions of live entries each one's slot and block are cache misses. The batch starts
    // all the slot loads, then all the block loads, then does the adds, so the misses
    // overlap instead of following each other. The batch holds the shards it touches (locked
    // in ascending order, as set_specs does) until it is done.
    void add_batch(std::span<batched_add> adds);

    // Every aggregate holding this key, by spec id, with its value at t.
    std::vector<std::pair<window_spec, double>> show(std::string_view key, std::int64_t t_ms);
    // The same as of record time: every value at the newest record time of the key's
    // entries, what the key's next record about then would see (wall-clock time would show
    // nothing for a stream that runs behind or a replay of yesterday, and another key's
    // newer records must not age this key's window).
    std::vector<std::pair<window_spec, double>> show_at_record_time(std::string_view key);
    // Drops every entry of that key; returns how many.
    std::size_t reset(std::string_view key);

    window_stats stats() const;

    // Writes every live entry to a SQLite file (window_snapshot.hpp), replacing what it held;
    // more (when given) writes the rest of the engine's state in the same transaction.
    // Returns "" or an error message.
    std::string save_snapshot(const std::string& sqlite_path,
                              const std::function<std::string(window_snapshot_writer&)>& more = {}) const;
    // Restores entries from such a file, skipping those whose spec definition is not
    // loaded; a restored entry replaces the key's live one. Meant for startup, after
    // set_specs. Returns "" or an error message (entries read before an error stay).
    std::string load_snapshot(const std::string& sqlite_path);

  private:
    struct alignas(64) locked_shard {
        std::mutex mutex;
        window_shard shard;
    };

    // The shard array: an over-aligned array new adds a 64-byte cookie and alignment slack.
    std::size_t shards_bytes() const {
        return heap_chunk_bytes(sizeof(locked_shard) * shard_count_ + 2 * alignof(locked_shard));
    }
    locked_shard& shard_for(std::uint64_t hash) const {
        // Multiply-shift on the low half: the table uses the top bits.
        return shards_[((hash & 0xffffffffu) * shard_count_) >> 32];
    }
    // Runs op(shard, specs, hash) under the shard's lock with the specs current at that
    // moment; returns fallback when spec_id is not loaded.
    template <class Op>
    auto with_entry(std::uint32_t spec_id, std::string_view key, Op&& op,
                    decltype(op(std::declval<window_shard&>(), std::declval<const spec_table&>(),
                                std::uint64_t{})) fallback);

    // add_batch for at most max_batch adds.
    template <class When>
    std::vector<std::pair<window_spec, double>> show_when(std::string_view key, When&& when);

    static constexpr std::size_t max_batch = 32;
    void add_chunk(std::span<batched_add> adds);

    window_store_settings settings_;
    std::size_t shard_count_;
    std::unique_ptr<locked_shard[]> shards_;
    std::atomic<const spec_table*> specs_;
    // Every generation of specs ever loaded. Readers hash with the generation they loaded
    // before taking a shard lock, so an old one is never freed (reloads are rare and small).
    std::vector<std::unique_ptr<spec_table>> generations_;
    std::mutex reload_mutex_;  // one set_specs or load_snapshot at a time
};

}  // namespace ringfence::engine::state
