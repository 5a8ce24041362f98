// One (spec, key) entry of the window state, whatever its representation: exact event lists
// (event_list.hpp), exact distinct values (distinct_values.hpp) or, once distinct passes
// distinct_exact_limit values, a windowed HyperLogLog (distinct_sketch.hpp). These functions
// dispatch on the entry's kind; the caller (one shard, under its lock) owns the block.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "engine/state/entry_header.hpp"

namespace ringfence::engine::state::window_entry {

enum class add_result : std::uint8_t {
    stored,
    switched_to_sketch,  // stored, after turning an exact distinct entry into a sketch
    unmatched,           // count, distinct, sum: an unmatched event is not stored
    too_late,            // older than the window relative to the newest time: not stored
};

// An empty entry for rules.fn whose offsets start at time_ms.
entry_header* create(const entry_rules& rules, std::uint16_t spec_index, std::int64_t time_ms);

// Stores o; h may be replaced by a larger, smaller or different block. With value_now, an
// entry that works out value(h, rules, o.time_ms) while it stores o (exact distinct values)
// sets it: the caller need not read the entry again.
add_result add(entry_header*& h, const entry_rules& rules, const observation& o, std::optional<double>* value_now = nullptr);

// Takes back an event add stored for o (count and sum entries only: event_list::retract).
bool retract(entry_header& h, const entry_rules& rules, const observation& o);
// An event list holding no event (after retract).
bool empty(const entry_header& h);

// The aggregate at t: count, distinct count, ratio, sum, share. A ratio or share of no
// events is no_share (NaN): there is no share, and every comparison with it is false, so
// `ratio(...) < 0.2` does not fire on a key with nothing in its window. Not const: the
// sketch caches its merged registers.
double value(entry_header& h, const entry_rules& rules, std::int64_t t_ms);

// A shared list's member (count or ratio, by its rules) at t; all of them into out.
double member_value(const entry_header& h, const entry_rules& rules, unsigned member, std::int64_t t_ms);
void member_values_at(const entry_header& h, const entry_rules& rules, std::int64_t t_ms, member_values& out);
// The members' values for o alone (a record too late for its entry's window).
void lone_member_values(const entry_rules& rules, const observation& o, member_values& out);
// A shared list's flags rewritten through new_flags (a reload moved its members).
void remap_members(entry_header& h, const std::array<std::uint8_t, 256>& new_flags);

// What an aggregate reads for a key with no entry: 0, or no_share for ratio and share.
double empty_value(window_function fn);

// The aggregate of o alone: what a record too late for its entry's window is told.
double lone_value(window_function fn, const observation& o);

// True once no event arrived for idle_after_ms of record time before now_ms.
inline bool idle(const entry_header& h, std::int64_t now_ms, std::int64_t idle_after_ms) {
    return now_ms - h.newest_ms() >= idle_after_ms;
}

std::size_t bytes(const entry_header& h);  // every heap chunk the entry holds
void destroy(entry_header* h);

// The snapshot blob: u8 format 1, u8 kind, i64 base_ms, u32 newest_off, then the kind's
// payload. Little-endian throughout.
void serialize(const entry_header& h, std::string& out);
// nullptr with error set when the blob is not a valid entry for rules.fn.
entry_header* deserialize(std::span<const std::uint8_t> blob, const entry_rules& rules,
                          std::uint16_t spec_index, std::string& error);

}  // namespace ringfence::engine::state::window_entry
