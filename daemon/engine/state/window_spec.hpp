// What the rule engine asks the window state to keep: one window_spec per distinct aggregate
// in the loaded rules (count, distinct, ratio, sum, outgoing_share over a sliding window of
// record time, keyed by a field), and one observation per event the engine feeds it. The
// engine evaluates filters and fields and hashes values; the state only stores and answers.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// A shared event list: count and ratio aggregates of one event kind, key field and window
// keep one list of event times, each event with one flag bit per aggregate (its filter
// passed), instead of one list each. A record then makes one add for all of them, and a key
// holds one entry. Each member reads its own bit.
inline constexpr std::size_t max_shared_members = 8;  // a byte of flags per event

struct shared_member {
    std::string fingerprint;  // the aggregate's own definition
    window_function fn = window_function::count;  // count or ratio
};

// A shared list's values at one time, by member (bit) index.
using member_values = std::array<double, max_shared_members>;

struct window_spec {
    std::uint32_t id = 0;  // dense index assigned by the engine, 0..N-1
    window_function fn = window_function::count;
    std::int64_t window_ms = 0;  // 1..max_window_ms
    // Canonical text of the aggregate's definition: state survives a rule reload (and a
    // restart, through the snapshot) only for an unchanged fingerprint, function and window.
    // A shared list's fingerprint names what its members share (event kind, key, window).
    std::string fingerprint;
    // A shared list (fn count): its members, member i reading flag bit i; at most
    // max_shared_members. Across a reload or restart the list is kept whatever members come
    // and go: a member still loaded keeps its events (its bit moves with it), a new one
    // starts with none.
    std::vector<shared_member> members;
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
    // A shared list: bit i set when member i's filter passed; layout is the spec's
    // members_layout, so an add made under another member list (a record decided on the rule
    // set before a reload) is told apart and not stored with the wrong bits.
    std::uint8_t flags = 0;
    std::uint64_t layout = 0;
};

// Identifies a shared list's member order: observations carry it (observation::layout).
std::uint64_t members_layout(const std::vector<shared_member>& members);

// The record time before which a member a reload added saw nothing, by bit: none for a
// member that was there from the start.
inline constexpr std::int64_t born_always = std::numeric_limits<std::int64_t>::min();
using member_births = std::array<std::int64_t, max_shared_members>;
constexpr member_births no_births() {
    member_births b{};
    b.fill(born_always);
    return b;
}

// The function as a snapshot stores it: to_string(fn), or for a shared list "shared:"
// and its members in bit order, each "fn=fingerprint" and, for one born after the list,
// '\x1d' and its birth time, separated by '\x1e'.
std::string stored_function(const window_spec& spec, const member_births* born = nullptr);
// A shared list's members (and their births) from stored_function's text; nothing for any
// other text.
struct stored_members {
    std::vector<shared_member> members;
    member_births born = no_births();
};
std::optional<stored_members> shared_members_of(std::string_view stored);

}  // namespace ringfence::engine::state
