// The decision log's queue of entries, whose slots are used again. An entry taken in leaves
// the submitter the storage of one the writer has finished with (a record of some twenty
// strings and a decision, their buffers kept), so the deciding thread does not allocate a
// record's strings anew for every row, and the writer does not free them.
//
// Why it matters: the deciding thread allocated every entry's strings and the writer thread
// freed them. Frees from another thread go back to the allocating thread's malloc arena
// under its lock, so the two fought over that lock (a futex wake on most contended
// mallocs: 3% of the deciding thread in `bench ingest`), and the decider's mallocs missed
// its per-thread cache and went to the arena's bins (malloc and free were ~10% of it).
//
// The slots hold pointers, so an entry changes hands by a pointer swap: swapping the entries
// themselves moved their records' short strings byte by byte, three times per swap.
//
// Entries past size() are spares: written before, waiting to be written over. They keep
// what their record held until then, in this process's memory only, as freed memory would.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "store/decision_log_entry.hpp"

namespace ringfence::store {

class recycled_entries {
  public:
    std::size_t size() const noexcept { return count_; }
    bool empty() const noexcept { return count_ == 0; }
    void reserve(std::size_t n) { slots_.reserve(n); }

    // Appends e (not null). e is left with a spare (its contents are stale: the caller clears
    // or overwrites them), or a new empty entry when there was no spare.
    void push(decision_log_entry_ptr& e) {
        if (count_ < slots_.size()) {
            slots_[count_].swap(e);
        } else {
            slots_.push_back(std::move(e));
            e = std::make_unique<decision_log_entry>();
        }
        ++count_;
    }

    std::span<const decision_log_entry_ptr> entries() const noexcept { return {slots_.data(), count_}; }

    // Every entry written: they become spares, holding no listener (a connection that closed
    // must not be kept alive by a row it logged). Beyond keep_spares the slots are freed.
    void recycle(std::size_t keep_spares) {
        for (std::size_t i = 0; i < count_; ++i) slots_[i]->listener.reset();
        count_ = 0;
        if (slots_.size() > keep_spares) slots_.erase(slots_.begin() + static_cast<std::ptrdiff_t>(keep_spares), slots_.end());
    }

    void swap(recycled_entries& other) noexcept {
        slots_.swap(other.slots_);
        std::swap(count_, other.count_);
    }

  private:
    std::vector<decision_log_entry_ptr> slots_;
    std::size_t count_ = 0;
};

}  // namespace ringfence::store
