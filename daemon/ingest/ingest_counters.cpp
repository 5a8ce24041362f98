#include "ingest/ingest_counters.hpp"

#include <fmt/format.h>

namespace ringfence::ingest {

namespace {
constexpr std::array<std::string_view, error_reason_count> reason_names{
    "malformed_json", "missing_field", "wrong_type", "bad_value", "bad_number",
    "unknown_kind", "line_too_long", "too_many_connections", "other", "empty_line", "not_logged"};
}

std::string_view to_string(error_reason r) noexcept { return reason_names[static_cast<std::size_t>(r)]; }

error_reason parse_error_reason(std::string_view code) noexcept {
    for (std::size_t i = 0; i < reason_names.size(); ++i)
        if (reason_names[i] == code) return static_cast<error_reason>(i);
    return error_reason::other;
}

std::uint64_t ingest_counters::total_errors() const {
    std::uint64_t n = 0;
    for (const auto& e : errors) n += e.load(std::memory_order_relaxed);
    return n;
}

std::string ingest_counters::summary() const {
    std::string out = fmt::format(
        "connections_active={} connections_accepted={} connections_refused={} lines={} allow={} warn={} block={} "
        "log_queue_full={} log_write_failed={} reads_paused={} time_in_future={} numbers_kept_raw={} emergency_kept_raw={} errors={}",
        connections_active.load(), connections_accepted.load(), connections_refused.load(), lines.load(),
        decisions[0].load(), decisions[1].load(), decisions[2].load(), log_queue_full.load(),
        log_write_failed.load(), reads_paused.load(), times_in_future.load(), numbers_kept_raw.load(), emergency_kept_raw.load(), total_errors());
    for (std::size_t i = 0; i < error_reason_count; ++i) {
        const auto n = errors[i].load(std::memory_order_relaxed);
        if (n) out += fmt::format(" error.{}={}", reason_names[i], n);
    }
    return out;
}

}  // namespace ringfence::ingest
