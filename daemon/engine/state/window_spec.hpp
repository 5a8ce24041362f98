// What the rule engine asks the window state to keep: one window_spec per distinct aggregate
// in the loaded rules (count, distinct, ratio, sum, outgoing_share over a sliding window of
// record time, keyed by a field), and one observation per event the engine feeds it. The
// engine evaluates filters and fields and hashes values; the state only stores and answers.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace ringfence::engine::state {

enum class window_function : std::uint8_t { count, distinct, ratio, sum, outgoing_share };

// A ratio or share of no events: NaN, so every comparison with it is false.
inline constexpr double no_share = std::numeric_limits<double>::quiet_NaN();

// The rule-language name of fn ("count", "distinct", "ratio", "sum", "outgoing_share").
std::string_view to_string(window_function fn);

// Event times are kept as 31-bit millisecond offsets, so a window can span at most 2^30 ms
// (about 12.4 days). The rule compiler must reject longer windows; window_store::set_specs
// treats one as a programming error.
inline constexpr std::int64_t max_window_ms = std::int64_t{1} << 30;

struct window_spec {
    std::uint32_t id = 0;  // dense index assigned by the engine, 0..N-1
    window_function fn = window_function::count;
    std::int64_t window_ms = 0;  // 1..max_window_ms
    // Canonical text of the aggregate's definition: state survives a rule reload (and a
    // restart, through the snapshot) only for an unchanged fingerprint, function and window.
    std::string fingerprint;
};

// One event for one (spec, key). A window covers the events whose time lies in (t - window, t].
struct observation {
    std::int64_t time_ms = 0;  // record time
    // ratio: the event passed the aggregate's filter (ratio keeps both kinds). count, distinct
    // and sum only keep matched events: an unmatched one is not stored, and add_and_value
    // then only answers the value at its time.
    bool matched = true;
    double amount = 0;             // sum: the field's value
    std::uint64_t value_hash = 0;  // distinct: the engine's hash of the value
    bool outgoing = true;          // outgoing_share: true when the key was the caller
};

}  // namespace ringfence::engine::state
