// Exact, time-ordered event lists: the entries of count (times), ratio and outgoing_share
// (flagged_times: bit 31 of each offset is matched / outgoing), sum (amount_times: an
// 8-byte amount per event) and shared lists (member_flagged_times: a byte of member flags
// per event, and a running total per member). An event costs 4 bytes (12 for sum) in one heap block after the
// header; the list is a sliding array (oldest live event at `first`) that compacts or grows
// by half when full and shrinks when three quarters are empty, so adds are amortised O(1).
//
// Running totals (flagged events, sum of amounts) make the common query — at the newest
// time — O(1); a query at another time binary-searches both window edges and corrects the
// totals with the events outside, whichever side is shorter. The running sum is rebuilt from
// the amounts once as many events were pruned as are live, so subtracting pruned amounts
// cannot drift by more than that many roundings (sums of integers below 2^53 are exact).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "engine/state/byte_codec.hpp"
#include "engine/state/entry_header.hpp"

namespace ringfence::engine::state::event_list {

// An empty list of kind times, flagged_times, amount_times or member_flagged_times, its
// offsets based at time_ms.
entry_header* create(entry_kind kind, std::uint16_t spec_index, std::int64_t time_ms);

// Stores one event (flag: matched or outgoing for flagged_times; amount for amount_times)
// after pruning the events older than kept_ms before the newest time seen (the window and a
// grace for late records: entry_rules::kept_ms). Returns false, storing nothing, for an
// event that is itself older than that. h may be reallocated.
// flags: the member bits of a shared list's event.
bool add(entry_header*& h, std::int64_t kept_ms, std::int64_t time_ms, bool flag, double amount,
         std::uint8_t flags = 0);

// Takes back one event of time_ms (and, for amount_times, of that amount) that add stored:
// an `unless blocked` record that was blocked after all. The list's newest time goes back to
// its newest event kept. times and amount_times only; false when no such event is kept
// (pruned since, or never stored).
bool retract(entry_header* h, std::int64_t time_ms, double amount);

// The aggregate over the events in (t - window_ms, t].
double value(const entry_header& h, window_function fn, std::int64_t window_ms, std::int64_t t_ms);

// A shared list's member `bit` (count or ratio) over the events in (t - window_ms, t] at or
// after born_ms: its count of flagged events, or their share of all events.
double member_value(const entry_header& h, window_function fn, unsigned bit, std::int64_t window_ms,
                    std::int64_t born_ms, std::int64_t t_ms);

// Rewrites every event's member flags through new_flags (a reload moved, dropped or added
// members) and recounts the totals.
void remap_members(entry_header* h, const std::array<std::uint8_t, 256>& new_flags);

std::uint32_t size(const entry_header& h);
std::size_t bytes(const entry_header& h);  // the block's heap chunk
void destroy(entry_header* h);

// Blob payload: u32 n, n raw u32 offsets, then n f64 amounts for amount_times or n u8 member
// flags for member_flagged_times.
void serialize(const entry_header& h, byte_writer& out);
// Rebuilds a list from a payload; nullptr with error set when the payload is inconsistent.
entry_header* deserialize(byte_reader& in, entry_kind kind, const entry_header& fields,
                          std::string& error);

}  // namespace ringfence::engine::state::event_list
