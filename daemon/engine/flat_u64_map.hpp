// A hash map from 64-bit hashes to small values, stored flat: one array of slots (the key and
// its value side by side), linear probing, backward-shift deletion (no tombstones). It
// replaces node-based maps on the per-record path of call_activity, where every insert
// allocated a node and every erase freed one; a value of several fields (a caller's last
// attempt, last end and calls in progress) makes one cache line of what would be as many
// misses in separate maps. Keys are already hashes; the key 0 marks an empty slot, so a key
// of 0 is stored as 1 (a one-in-2^64 merge of two hashes, harmless for history kept by hash).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "common/mix64.hpp"
#include "common/probe_run.hpp"

namespace ringfence::engine {

template <class V>
class flat_u64_table {
public:
    struct slot {
        std::uint64_t key = 0;
        V value{};
    };

    flat_u64_table() : slots_(16) {}

    std::size_t size() const noexcept { return size_; }

    // The value for key, inserted as value when absent; second is true when inserted.
    std::pair<V*, bool> try_emplace(std::uint64_t key, const V& value) {
        key = fix(key);
        if ((size_ + 1) * 4 > slots_.size() * 3) grow();
        std::size_t i = home(key);
        while (slots_[i].key != 0) {
            if (slots_[i].key == key) return {&slots_[i].value, false};
            i = (i + 1) & mask();
        }
        slots_[i] = {key, value};
        ++size_;
        return {&slots_[i].value, true};
    }

    // Starts loading key's home slot: a caller with several lookups to make overlaps their
    // cache misses by prefetching them all first.
    void prefetch(std::uint64_t key) const noexcept { __builtin_prefetch(&slots_[home(fix(key))]); }

    V* find(std::uint64_t key) {
        key = fix(key);
        for (std::size_t i = home(key);; i = (i + 1) & mask()) {
            if (slots_[i].key == key) return &slots_[i].value;
            if (slots_[i].key == 0) return nullptr;
        }
    }

    const V* find(std::uint64_t key) const { return const_cast<flat_u64_table*>(this)->find(key); }

    bool erase(std::uint64_t key) {
        key = fix(key);
        std::size_t i = home(key);
        while (slots_[i].key != key) {
            if (slots_[i].key == 0) return false;
            i = (i + 1) & mask();
        }
        // Backward shift: move later entries of the probe run into the hole, so lookups
        // never need a marker for removed slots.
        std::size_t hole = i;
        for (std::size_t j = (i + 1) & mask(); slots_[j].key != 0; j = (j + 1) & mask()) {
            const std::size_t h = home(slots_[j].key);
            if (common::stays_behind_hole(hole, h, j)) continue;
            slots_[hole] = slots_[j];
            hole = j;
        }
        slots_[hole] = {};
        --size_;
        return true;
    }

    // Removes every entry for which drop(key, value) is true (a rebuild: O(capacity); a
    // key of 0 reads as 1, as it is kept).
    template <class Pred>
    void erase_if(Pred drop) {
        std::vector<slot> old;
        old.swap(slots_);
        slots_.assign(old.size(), slot{});
        size_ = 0;
        for (const slot& s : old)
            if (s.key != 0 && !drop(s.key, s.value)) insert_fixed(s);
    }
    void clear() {
        slots_.assign(16, slot{});
        size_ = 0;
    }
    // Removes every entry for which drop(value) is true.
    template <class Pred>
    void erase_values_if(Pred drop) {
        erase_if([&](std::uint64_t, const V& value) { return drop(value); });
    }

    template <class F>
    void for_each_value(F f) const {
        for (const slot& s : slots_)
            if (s.key != 0) f(s.value);
    }

    // f(value) for every entry, which f may change in place (not its key).
    template <class F>
    void update_each(F f) {
        for (slot& s : slots_)
            if (s.key != 0) f(s.value);
    }

    // f(key, value) for every entry (a key of 0 reads as 1, as it is kept).
    template <class F>
    void for_each(F f) const {
        for (const slot& s : slots_)
            if (s.key != 0) f(s.key, s.value);
    }

private:
    static std::uint64_t fix(std::uint64_t key) noexcept { return key == 0 ? 1 : key; }
    std::size_t mask() const noexcept { return slots_.size() - 1; }
    std::size_t home(std::uint64_t key) const noexcept { return static_cast<std::size_t>(common::mix64(key)) & mask(); }
    void insert_fixed(const slot& s) {
        std::size_t i = home(s.key);
        while (slots_[i].key != 0) i = (i + 1) & mask();
        slots_[i] = s;
        ++size_;
    }
    void grow() {
        std::vector<slot> old;
        old.swap(slots_);
        slots_.assign(old.size() * 2, slot{});
        size_ = 0;
        for (const slot& s : old)
            if (s.key != 0) insert_fixed(s);
    }

    std::vector<slot> slots_;  // a power of two
    std::size_t size_ = 0;
};

using flat_u64_map = flat_u64_table<std::int64_t>;

}  // namespace ringfence::engine
