#include "engine/state/window_shard.hpp"

#include <algorithm>

namespace ringfence::engine::state {
namespace {
constexpr std::size_t idle_slots_per_add = 4;
}

window_shard::~window_shard() {
    for (std::size_t i = 0; i < table_.capacity(); ++i) {
        if (table_.at(i).entry != nullptr) window_entry::destroy(table_.at(i).entry);
    }
}

double window_shard::add(std::uint64_t hash, std::uint32_t spec_id, const spec_table& specs,
                         const observation& o, bool want_value, member_values* members) {
    const entry_rules& rules = specs.rules[spec_id];
    member_values unread;  // a shared list added to through add(): nobody reads its members
    if (members == nullptr) members = &unread;
    entry_table::slot* found = table_.find(hash);
    entry_header* h = found != nullptr ? found->entry : nullptr;
    // A shared list's add made with the member order before a reload (a record decided on the
    // rule set before) has its bits moved to the members' bits now, and its answers moved
    // back; one with any other order would set the wrong members' bits: answered, not stored.
    if (rules.shared() && o.layout != rules.layout && o.layout != 0 && o.layout == rules.previous_layout) {
        observation now = o;
        now.layout = rules.layout;
        now.flags = translate_flags(rules.previous_bit_to, o.flags);
        now.matched = now.flags != 0;
        member_values current;
        add(hash, spec_id, specs, now, want_value, &current);
        for (std::size_t m = 0; m < max_shared_members; ++m)
            (*members)[m] = rules.previous_bit_to[m] >= 0 ? current[static_cast<std::size_t>(rules.previous_bit_to[m])] : no_share;
        return 0;
    }
    const bool wrong_layout = rules.shared() && o.layout != rules.layout;
    if ((!o.matched && !rules.keeps_unmatched) || wrong_layout) {  // not stored: only answer
        if (!want_value) return 0;
        if (rules.shared()) {
            if (wrong_layout) {
                members->fill(no_share);  // its bits mean other members: no comparison holds
            } else if (h != nullptr) {
                window_entry::member_values_at(*h, rules, o.time_ms, *members);
            } else {
                for (unsigned m = 0; m < rules.member_count; ++m) (*members)[m] = window_entry::empty_value(rules.member_fn[m]);
            }
            return 0;
        }
        return h != nullptr ? window_entry::value(*h, rules, o.time_ms) : 0;
    }
    // An entry's size changes only with its block (every resize moves it to a new one), but
    // for a sketch, which grows its own tables.
    const entry_header* block_before = h;
    std::size_t bytes_before = 0;
    if (h == nullptr) {
        h = window_entry::create(rules, static_cast<std::uint16_t>(spec_id), o.time_ms);
    } else {
        bytes_before = window_entry::bytes(*h);
    }
    std::optional<double> value_now;
    const window_entry::add_result result = window_entry::add(h, rules, o, want_value && !rules.shared() ? &value_now : nullptr);
    if (h != block_before || h->kind == entry_kind::distinct_sketch) {
        entry_bytes_ += window_entry::bytes(*h);
        entry_bytes_ -= bytes_before;
    }
    if (found != nullptr) {
        found->entry = h;  // the block may have moved
    } else {
        table_.insert(hash, h);
    }

    double answer = 0;
    if (result == window_entry::add_result::too_late) {
        ++counters_.late_dropped;
        if (rules.shared() && want_value) window_entry::lone_member_values(rules, o, *members);
        answer = window_entry::lone_value(rules.fn, o);
    } else {
        if (result == window_entry::add_result::switched_to_sketch) ++counters_.sketch_switches;
        now_ms_ = std::max(now_ms_, o.time_ms);
        if (want_value && rules.shared()) {
            window_entry::member_values_at(*h, rules, o.time_ms, *members);
        } else if (want_value) {
            answer = value_now ? *value_now : window_entry::value(*h, rules, o.time_ms);
        }
    }
    sweep_idle_step(h, specs);
    if (bytes() > byte_cap_) enforce_memory_cap(h, specs);
    return answer;
}

bool window_shard::retract(std::uint64_t hash, std::uint32_t spec_id, const spec_table& specs, const observation& o) {
    entry_table::slot* found = table_.find(hash);
    if (found == nullptr || found->entry->spec_index != spec_id) return false;
    // The block keeps its size (a list shrinks on its next add), so the byte count stands.
    if (!window_entry::retract(*found->entry, specs.rules[spec_id], o)) return false;
    // Emptied (the key's only records were blocked): no entry is left behind to hold memory
    // and a clock until the idle sweep.
    if (window_entry::empty(*found->entry)) drop_at(static_cast<std::size_t>(found - &table_.at(0)));
    return true;
}

std::optional<double> window_shard::value(std::uint64_t hash, const spec_table& specs,
                                          std::int64_t t_ms) {
    entry_table::slot* found = table_.find(hash);
    if (found == nullptr) return std::nullopt;
    return window_entry::value(*found->entry, specs.rules[found->entry->spec_index], t_ms);
}

std::optional<double> window_shard::member_value(std::uint64_t hash, const spec_table& specs, unsigned member,
                                                std::int64_t t_ms) {
    entry_table::slot* found = table_.find(hash);
    if (found == nullptr) return std::nullopt;
    return window_entry::member_value(*found->entry, specs.rules[found->entry->spec_index], member, t_ms);
}

bool window_shard::erase(std::uint64_t hash) {
    entry_table::slot* found = table_.find(hash);
    if (found == nullptr) return false;
    drop_at(static_cast<std::size_t>(found - &table_.at(0)));
    return true;
}

void window_shard::remap(const std::vector<std::int32_t>& new_index,
                         const std::vector<const std::array<std::uint8_t, 256>*>& new_flags) {
    table_.retain_if([&](entry_table::slot& s) {
        const std::uint16_t old = s.entry->spec_index;
        const std::int32_t index = new_index[old];
        if (index < 0) {
            entry_bytes_ -= window_entry::bytes(*s.entry);
            window_entry::destroy(s.entry);
            return false;
        }
        s.entry->spec_index = static_cast<std::uint16_t>(index);
        if (old < new_flags.size() && new_flags[old] != nullptr) window_entry::remap_members(*s.entry, *new_flags[old]);
        return true;
    });
}

void window_shard::restore(std::uint64_t hash, entry_header* entry, const spec_table& specs) {
    entry_table::slot* found = table_.find(hash);
    if (found != nullptr) {
        entry_bytes_ -= window_entry::bytes(*found->entry);
        window_entry::destroy(found->entry);
        found->entry = entry;
    } else {
        table_.insert(hash, entry);
    }
    entry_bytes_ += window_entry::bytes(*entry);
    now_ms_ = std::max(now_ms_, entry->newest_ms());
    if (bytes() > byte_cap_) enforce_memory_cap(entry, specs);
}

window_stats window_shard::stats() const {
    window_stats s = counters_;
    s.keys = table_.size();
    s.bytes = bytes();
    return s;
}

void window_shard::drop_at(std::size_t index) {
    entry_header* h = table_.at(index).entry;
    entry_bytes_ -= window_entry::bytes(*h);
    window_entry::destroy(h);
    table_.erase_at(index);
}

void window_shard::sweep_idle_step(const entry_header* keep, const spec_table& specs) {
    if (idle_slots_left_ == 0) {
        if (now_ms_ < next_idle_sweep_ms_) return;
        next_idle_sweep_ms_ = now_ms_ + specs.sweep_interval_ms;
        idle_slots_left_ = table_.capacity();
    }
    // Checking a slot costs a cache miss on its entry, so an add pays for only a few.
    for (std::size_t checked = 0; checked < idle_slots_per_add && idle_slots_left_ > 0; ++checked) {
        --idle_slots_left_;
        if (idle_hand_ >= table_.capacity()) idle_hand_ = 0;
        const entry_header* h = table_.at(idle_hand_).entry;
        if (h != nullptr && h != keep &&
            window_entry::idle(*h, now_ms_, specs.idle_after_ms[h->spec_index])) {
            drop_at(idle_hand_);  // another entry may shift into this slot: check it next
            ++counters_.evicted_idle;
        } else {
            ++idle_hand_;
        }
    }
}

void window_shard::enforce_memory_cap(const entry_header* keep, const spec_table& specs) {
    // Two full turns of the hand clear every referenced bit, so this always ends.
    for (std::size_t budget = 2 * table_.capacity() + 1;
         bytes() > byte_cap_ && table_.size() > 0 && budget > 0; --budget) {
        if (memory_hand_ >= table_.capacity()) memory_hand_ = 0;
        entry_header* h = table_.at(memory_hand_).entry;
        if (h == nullptr || h == keep) {
            ++memory_hand_;
        } else if (window_entry::idle(*h, now_ms_, specs.idle_after_ms[h->spec_index]) ||
                   window_entry::idle(*h, now_ms_, specs.rules[h->spec_index].retain_ms)) {
            // Idle, or past its window and grace (kept only for a feed that lags): the first
            // to go, before an entry still in its window gets its second chance taken.
            drop_at(memory_hand_);
            ++counters_.evicted_idle;
        } else if (h->referenced != 0) {
            h->referenced = 0;
            ++memory_hand_;
        } else {
            drop_at(memory_hand_);
            ++counters_.evicted_memory;
        }
    }
}

}  // namespace ringfence::engine::state
