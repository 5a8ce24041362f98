// Small builders shared by the window state tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/state/window_spec.hpp"

namespace ringfence::engine::state::testing {

inline constexpr std::int64_t second_ms = 1000;
inline constexpr std::int64_t minute_ms = 60 * second_ms;
inline constexpr std::int64_t hour_ms = 60 * minute_ms;

inline window_spec make_spec(std::uint32_t id, window_function fn, std::int64_t window_ms,
                             std::string fingerprint) {
    return window_spec{id, fn, window_ms, std::move(fingerprint), {}};
}

inline observation at(std::int64_t time_ms) {
    observation o;
    o.time_ms = time_ms;
    return o;
}

inline observation matched_at(std::int64_t time_ms, bool matched) {
    observation o = at(time_ms);
    o.matched = matched;
    return o;
}

inline observation amount_at(std::int64_t time_ms, double amount) {
    observation o = at(time_ms);
    o.amount = amount;
    return o;
}

inline observation value_at(std::int64_t time_ms, std::uint64_t value_hash) {
    observation o = at(time_ms);
    o.value_hash = value_hash;
    return o;
}

inline observation direction_at(std::int64_t time_ms, bool outgoing) {
    observation o = at(time_ms);
    o.outgoing = outgoing;
    return o;
}

}  // namespace ringfence::engine::state::testing
