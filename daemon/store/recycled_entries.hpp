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
            // Allocated first: if either allocation fails, e and the queue are as they were.
            auto fresh = std::make_unique<decision_log_entry>();
            slots_.push_back(std::move(e));
            e = std::move(fresh);
        }
        ++count_;
    }

    std::span<const decision_log_entry_ptr> entries() const noexcept { return {slots_.data(), count_}; }

    // Every entry written: they become spares, holding no listener (a connection that closed
    // must not be kept alive by a row it logged). An entry whose strings hold more than
    // max_spare_heap_bytes (a long SMS text, many extra fields) is replaced by an empty one,
    // so one burst of long records is not kept for good; beyond keep_spares the slots are freed.
    void recycle(std::size_t keep_spares) {
        for (std::size_t i = 0; i < count_; ++i) {
            // Only a listener that is there is reset: an entry's lines that the writer only
            // read stay shared with the deciding thread, which fills the entry next (a write
            // here, even of the null already there, made its first touch a transfer from
            // this core: ~1% of the deciding thread with --durability async, no listeners).
            if (slots_[i]->listener) slots_[i]->listener.reset();
            if (heap_bytes(*slots_[i]) > max_spare_heap_bytes) {
                // Swapped out and destroyed: assigning an empty entry would keep the buffers
                // (a short string assigned into a long one is copied into its buffer).
                decision_log_entry emptied;
                std::swap(*slots_[i], emptied);
            }
        }
        count_ = 0;
        if (slots_.size() > keep_spares) slots_.erase(slots_.begin() + static_cast<std::ptrdiff_t>(keep_spares), slots_.end());
    }

    // A typical record and decision hold a few hundred bytes of strings.
    static constexpr std::size_t max_spare_heap_bytes = 2048;

    // The heap bytes an entry's strings and lists hold (their capacities), roughly.
    static std::size_t heap_bytes(const decision_log_entry& e) noexcept {
        const model::record& r = e.rec;
        std::size_t n = r.id.capacity() + r.origin.trunk.capacity() + r.origin.ip.capacity() + r.origin.user_agent.capacity() +
                        r.call.cause.capacity() + r.sms.sender.capacity() + r.sms.text.capacity();
        for (const model::number_info* x : {&r.caller, &r.callee, &r.asserted, &r.diversion})
            n += x->raw.capacity() + x->e164.capacity() + x->country.capacity();
        n += r.extra.capacity() * sizeof(model::extra_field);
        for (const model::extra_field& f : r.extra) n += f.name.capacity() + f.text.capacity();
        n += e.dec.rules.capacity() * sizeof(engine::matched_rule);
        for (const engine::matched_rule& m : e.dec.rules)
            n += m.rule.capacity() + m.priority.capacity() + m.reason.capacity() + m.evidence_json.capacity();
        return n;
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
