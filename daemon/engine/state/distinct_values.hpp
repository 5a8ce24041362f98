// The exact representation of distinct(): each distinct value hash in the window with the
// last two times it was seen (16 bytes a value), up to distinct_exact_limit values. Keeping
// the time before the last one answers out-of-order queries: a value seen at 100 and again
// at 105 still counts for a late record queried at 103. A value seen twice or more after
// the queried time is missed; with near-ordered records that does not happen in practice.
// Pruning and lookup are one linear pass, fine for the tens of values this holds.
#pragma once

#include <cstdint>
#include <string>

#include "engine/state/byte_codec.hpp"
#include "engine/state/entry_header.hpp"

namespace ringfence::engine::state::distinct_values {

struct value_times {
    std::uint64_t hash;  // the value hash, already mixed
    std::uint32_t last;  // newest time seen (offset)
    std::uint32_t prev;  // newest time before last, or no_time
};
static_assert(sizeof(value_times) == 16);

enum class add_outcome { stored, too_late, over_limit };

entry_header* create(std::uint16_t spec_index, std::int64_t time_ms);

// Records value `hash` at time_ms after pruning what is older than kept_ms before the newest
// time (the window and a grace for late records: entry_rules::kept_ms). over_limit (nothing
// stored, entry pruned) when a new value would make more than limit values: the caller then
// switches the entry to a sketch. h may be reallocated. With in_window, a stored add also
// gives what value(h, window_ms, time_ms) would give afterwards, counted in the same pass
// (the add already reads every value: a second pass for the rule's answer cost as much again).
add_outcome add(entry_header*& h, std::int64_t kept_ms, std::uint32_t limit, std::int64_t time_ms,
                std::uint64_t hash, std::int64_t window_ms = 0, std::uint32_t* in_window = nullptr);

// The number of values seen in (t - window_ms, t].
double value(const entry_header& h, std::int64_t window_ms, std::int64_t t_ms);

const value_times* values(const entry_header& h);
std::uint32_t size(const entry_header& h);
std::size_t bytes(const entry_header& h);
void destroy(entry_header* h);

// Blob payload: u32 n, then n times (u64 hash, u32 last, u32 prev).
void serialize(const entry_header& h, byte_writer& out);
// nullptr with error set when the payload is inconsistent or holds a value older than the
// window at the newest time (an entry never does).
entry_header* deserialize(byte_reader& in, const entry_header& fields, std::int64_t window_ms,
                          std::string& error);

}  // namespace ringfence::engine::state::distinct_values
