// The start of every window entry: one heap block per (spec, key) holding the header and
// then the entry's events (laid out by kind, see event_list.hpp and distinct_values.hpp).
// Event times are 31-bit millisecond offsets from base_ms, so an event time costs 4 bytes;
// base_ms moves (and the offsets with it) when an event would not fit.
#pragma once

#include <array>
#include <cstdint>

#include "engine/state/window_spec.hpp"

namespace ringfence::engine::state {

enum class entry_kind : std::uint8_t {
    times,            // count: event times
    flagged_times,    // ratio, outgoing_share: event times, bit 31 = matched / outgoing
    amount_times,     // sum: event times and amounts
    distinct_values,  // distinct, exact: each value hash with its last two times
    distinct_sketch,  // distinct past the exact limit: a windowed HyperLogLog
    member_flagged_times,  // a shared list: event times, and a byte of member flags per event
};

inline constexpr std::uint32_t offset_mask = 0x7fffffffu;
inline constexpr std::uint32_t flag_bit = 0x80000000u;
inline constexpr std::int64_t max_offset = offset_mask;
inline constexpr std::uint32_t no_time = 0xffffffffu;  // distinct_values: no previous time

struct entry_header {
    std::int64_t base_ms;      // time origin of the offsets
    std::uint32_t newest_off;  // newest event time seen: the entry's record-time clock
    std::uint16_t spec_index;  // the spec's current id
    entry_kind kind;
    std::uint8_t referenced;  // set on every update, cleared by the clock sweep (memory cap)
    std::uint32_t first;      // event lists: index of the oldest live event
    std::uint32_t end;        // event lists: one past the newest; distinct_values: count
    std::uint32_t capacity;   // events (or values) the block has room for
    std::uint32_t flagged;    // flagged_times: live events with the flag set

    std::int64_t newest_ms() const { return base_ms + newest_off; }
};
static_assert(sizeof(entry_header) == 32);

// The representation a function starts with.
constexpr entry_kind initial_kind(window_function fn) {
    switch (fn) {
        case window_function::count:
            return entry_kind::times;
        case window_function::ratio:
        case window_function::outgoing_share:
            return entry_kind::flagged_times;
        case window_function::sum:
            return entry_kind::amount_times;
        case window_function::distinct:
            return entry_kind::distinct_values;
    }
    return entry_kind::times;
}

// Member flags moved by bit_to (old bit -> new bit, -1: dropped).
inline std::uint8_t translate_flags(const std::array<std::int8_t, max_shared_members>& bit_to, std::uint8_t flags) {
    std::uint8_t out = 0;
    for (std::size_t bit = 0; bit < max_shared_members; ++bit)
        if ((flags >> bit & 1u) != 0 && bit_to[bit] >= 0) out = static_cast<std::uint8_t>(out | 1u << bit_to[bit]);
    return out;
}

// What an entry needs to know about its spec.
struct entry_rules {
    window_function fn = window_function::count;
    std::int64_t window_ms = 0;
    std::uint32_t distinct_exact_limit = 64;
    // How far back from the newest time an exact entry keeps events: its window and a grace
    // for late records (spec_table sets it), so a record that arrives after newer ones still
    // finds the events of its own window. 0: the window alone.
    std::int64_t retain_ms = 0;

    // A shared list (member_count > 0): each member's function, and the record time before
    // which a member added by a reload saw nothing (its ratio counts no earlier event).
    std::uint8_t member_count = 0;
    std::array<window_function, max_shared_members> member_fn{};
    member_births member_born_ms = no_births();
    std::uint64_t layout = 0;  // members_layout of the spec
    // The member order before the last reload that changed it, and where each of those
    // members is now (-1: gone): adds and reads of records decided on the rule set before
    // are translated, not lost or misread.
    std::uint64_t previous_layout = 0;
    std::array<std::int8_t, max_shared_members> previous_bit_to{};
    bool keeps_unmatched = false;  // ratio and share lists keep events no filter passed

    bool shared() const { return member_count > 0; }
    std::int64_t kept_ms() const { return retain_ms > window_ms ? retain_ms : window_ms; }
};

}  // namespace ringfence::engine::state
