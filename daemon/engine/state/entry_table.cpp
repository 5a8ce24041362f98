#include "engine/state/entry_table.hpp"

#include <bit>

#include "common/probe_run.hpp"
#include "engine/state/heap_block.hpp"

namespace ringfence::engine::state {
namespace {
constexpr std::size_t initial_capacity = 16;
}

entry_table::entry_table() { adopt(common::table_array<slot>(initial_capacity)); }

void entry_table::adopt(common::table_array<slot> fresh) {
    slots_ = std::move(fresh);
    mask_ = slots_.size() - 1;
    shift_ = 64 - std::countr_zero(slots_.size());
    size_ = 0;
}

void entry_table::place(const slot& s) {
    std::size_t i = home(s.hash);
    while (slots_[i].entry != nullptr) i = (i + 1) & mask_;
    slots_[i] = s;
}

void entry_table::grow() {
    common::table_array<slot> bigger(capacity() * 2);  // first: if it cannot be had, nothing changed
    const common::table_array<slot> old_slots = std::move(slots_);
    const std::size_t kept = size_;
    adopt(std::move(bigger));
    for (std::size_t i = 0; i < old_slots.size(); ++i) {
        if (old_slots[i].entry != nullptr) place(old_slots[i]);
    }
    size_ = kept;
}

void entry_table::insert(std::uint64_t hash, entry_header* entry) {
    if ((size_ + 1) * 5 > capacity() * 4) grow();
    place(slot{hash, entry});
    ++size_;
}

void entry_table::erase_at(std::size_t index) {
    std::size_t hole = index;
    for (std::size_t next = (hole + 1) & mask_; slots_[next].entry != nullptr;
         next = (next + 1) & mask_) {
        if (common::stays_behind_hole(hole, home(slots_[next].hash), next)) continue;
        slots_[hole] = slots_[next];
        hole = next;
    }
    slots_[hole] = slot{0, nullptr};
    --size_;
}

std::size_t entry_table::bytes() const {
    return slots_.mapped() ? slots_.footprint_bytes() : heap_chunk_bytes(capacity() * sizeof(slot));
}

}  // namespace ringfence::engine::state
