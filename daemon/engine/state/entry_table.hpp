// The per-shard index of window entries: an open-addressing table with linear probing of
// 16-byte slots (the entry's 64-bit hash and a pointer to its block), a power-of-two size
// grown at 80% load, and backward-shift deletion so there are no tombstones. The slot's
// home is given by the hash's top bits (the low bits pick the shard). It does not own the
// entries: the shard creates and destroys them. The slots are a common::table_array: from
// 131,072 slots (2 MiB) on, in huge pages.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/load_ahead.hpp"
#include "common/table_array.hpp"
#include "engine/state/entry_header.hpp"

namespace ringfence::engine::state {

class entry_table {
  public:
    struct slot {
        std::uint64_t hash;
        entry_header* entry;  // nullptr: empty slot
    };

    entry_table();
    entry_table(const entry_table&) = delete;
    entry_table& operator=(const entry_table&) = delete;

    // The slot holding hash, or nullptr.
    slot* find(std::uint64_t hash) {
        for (std::size_t i = home(hash);; i = (i + 1) & mask_) {
            if (slots_[i].entry == nullptr) return nullptr;
            if (slots_[i].hash == hash) return &slots_[i];
        }
    }

    // Starts loading hash's home slot (a batch of lookups overlaps its misses).
    void prefetch(std::uint64_t hash) const { common::load_ahead(&slots_[home(hash)]); }
    // Inserts an entry for a hash that is not present. May grow the table, which moves
    // every slot (pointers to slots do not survive; entry pointers do).
    void insert(std::uint64_t hash, entry_header* entry);

    // Empties slot `index`, shifting later slots of the same probe run back into it: the
    // slot at index may hold another entry afterwards.
    void erase_at(std::size_t index);

    slot& at(std::size_t index) { return slots_[index]; }
    std::size_t capacity() const { return mask_ + 1; }
    std::size_t size() const { return size_; }
    std::size_t bytes() const;  // what the slot array takes

    // Keeps only the slots keep(slot&) returns true for (it may modify the slot's entry),
    // rebuilding the table; the caller destroys the entries it drops.
    template <class Keep>
    void retain_if(Keep&& keep) {
        common::table_array<slot> fresh(capacity());  // first: if it cannot be had, nothing changed
        common::table_array<slot> old_slots = std::move(slots_);
        const std::size_t old_capacity = old_slots.size();
        adopt(std::move(fresh));
        for (std::size_t i = 0; i < old_capacity; ++i) {
            if (old_slots[i].entry != nullptr && keep(old_slots[i])) {
                place(old_slots[i]);
                ++size_;
            }
        }
    }

  private:
    std::size_t home(std::uint64_t hash) const { return static_cast<std::size_t>(hash >> shift_); }
    void adopt(common::table_array<slot> fresh);  // an empty slot array of a power-of-two size
    void place(const slot& s);  // into the first empty slot of its probe run
    void grow();

    common::table_array<slot> slots_;
    std::size_t mask_ = 0;
    int shift_ = 64;
    std::size_t size_ = 0;
};

}  // namespace ringfence::engine::state
