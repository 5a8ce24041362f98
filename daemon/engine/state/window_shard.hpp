// One shard of the window store: the entries whose hash falls to it, their byte account
// and its share of the memory cap. Not synchronised: window_store calls it under the
// shard's mutex.
//
// Reclaiming, all in record time (the shard's clock is the newest event time it stored):
// - Idle: every spec_table::sweep_interval_ms a sweep pass starts; each add then checks 4
//   more slots and drops entries idle for their spec's idle limit (counted evicted_idle).
// - Memory: when an add or restore takes the shard past its cap, a clock (second-chance)
//   sweep drops, as it meets them, entries idle or past their window and grace (counted
//   evicted_idle), and evicts entries not updated since the hand last passed — an
//   approximate LRU — until it is back under (counted evicted_memory). The entry just
//   updated is spared.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "common/load_ahead.hpp"
#include "engine/state/entry_table.hpp"
#include "engine/state/spec_table.hpp"
#include "engine/state/window_entry.hpp"
#include "engine/state/window_store_settings.hpp"

namespace ringfence::engine::state {

class window_shard {
  public:
    window_shard() = default;
    ~window_shard();
    window_shard(const window_shard&) = delete;
    window_shard& operator=(const window_shard&) = delete;

    void set_byte_cap(std::size_t cap) { byte_cap_ = cap; }

    // Adds o to the entry of hash (spec spec_id), creating it. Returns the value at
    // o.time_ms when want_value (0 otherwise); for a shared list the members' values go to
    // *members instead.
    double add(std::uint64_t hash, std::uint32_t spec_id, const spec_table& specs,
               const observation& o, bool want_value, member_values* members = nullptr);

    // Prefetch steps of a batch (window_store::add_batch): the first starts loading the
    // table slot; the second, once every slot of the batch is on its way, finds the entry
    // and starts loading its block (the header and the line after, where the newest events
    // of a small list are).
    void prefetch_slot(std::uint64_t hash) const { table_.prefetch(hash); }
    void prefetch_entry(std::uint64_t hash) {
        if (const entry_table::slot* s = table_.find(hash)) {
            const char* block = reinterpret_cast<const char*>(s->entry);
            common::load_ahead(block);
            __builtin_prefetch(block + 64);  // past the block's end for a small entry: a hint only
        }
    }

    // Takes back an event add stored for o in hash's entry (window_entry::retract).
    bool retract(std::uint64_t hash, std::uint32_t spec_id, const spec_table& specs, const observation& o);
    // The value of hash's entry at t, or nothing when there is no entry.
    std::optional<double> value(std::uint64_t hash, const spec_table& specs, std::int64_t t_ms);
    // The newest event time of hash's entry, or nothing when there is no entry.
    std::optional<std::int64_t> newest(std::uint64_t hash) {
        const entry_table::slot* s = table_.find(hash);
        if (s == nullptr) return std::nullopt;
        return s->entry->newest_ms();
    }
    // A shared list's member at t, or nothing when there is no entry.
    std::optional<double> member_value(std::uint64_t hash, const spec_table& specs, unsigned member, std::int64_t t_ms);

    bool erase(std::uint64_t hash);

    // Applies a reload: new_index[old spec index] is the new one, or -1 to drop the entry;
    // a shared list whose members moved has its flags rewritten through new_flags[old index].
    void remap(const std::vector<std::int32_t>& new_index,
               const std::vector<const std::array<std::uint8_t, 256>*>& new_flags);

    // Takes ownership of entry (from a snapshot) for hash, replacing any entry there.
    void restore(std::uint64_t hash, entry_header* entry, const spec_table& specs);

    // Calls visit(hash, entry) for every entry not idle at the shard's clock.
    template <class Visit>
    void for_each_live(const spec_table& specs, Visit&& visit) {
        for (std::size_t i = 0; i < table_.capacity(); ++i) {
            const entry_table::slot& s = table_.at(i);
            if (s.entry == nullptr) continue;
            if (window_entry::idle(*s.entry, now_ms_, specs.idle_after_ms[s.entry->spec_index])) {
                continue;
            }
            visit(s.hash, *s.entry);
        }
    }

    // keys, bytes and the counters of this shard.
    window_stats stats() const;

    // The shard's record-time clock: the newest event time it stored.
    std::int64_t clock() const { return now_ms_; }

  private:
    std::size_t bytes() const { return entry_bytes_ + table_.bytes(); }
    void drop_at(std::size_t index);
    void sweep_idle_step(const entry_header* keep, const spec_table& specs);
    void enforce_memory_cap(const entry_header* keep, const spec_table& specs);

    entry_table table_;
    std::size_t entry_bytes_ = 0;
    std::size_t byte_cap_ = 0;
    std::int64_t now_ms_ = 0;
    std::int64_t next_idle_sweep_ms_ = 0;
    std::size_t idle_hand_ = 0;
    std::size_t idle_slots_left_ = 0;  // slots the current idle pass has still to check
    std::size_t memory_hand_ = 0;
    window_stats counters_;  // keys and bytes are computed in stats()
};

}  // namespace ringfence::engine::state
