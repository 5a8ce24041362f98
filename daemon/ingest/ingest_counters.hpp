// Counters of the ingest path, shared by every connection: what came in, what it got, and
// every error by reason. Nothing is rejected or degraded without a count here.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/decision.hpp"

namespace ringfence::ingest {

// The stable error codes of the JSON-lines protocol; the parser's codes plus the ones the
// connection itself gives.
enum class error_reason : std::uint8_t {
    malformed_json,
    missing_field,
    wrong_type,
    bad_value,
    bad_number,
    unknown_kind,
    line_too_long,
    too_many_connections,
    other,
    empty_line,
    not_logged,  // reply_after_commit: the decision's row could not be committed, so no decision is given (counted here, not under its action)
};
inline constexpr std::size_t error_reason_count = 11;
std::string_view to_string(error_reason r) noexcept;
error_reason parse_error_reason(std::string_view code) noexcept;  // unknown codes -> other

struct ingest_counters {
    std::atomic<std::uint64_t> connections_accepted{0};
    std::atomic<std::uint64_t> connections_refused{0};
    std::atomic<std::int64_t> connections_active{0};
    std::atomic<std::uint64_t> lines{0};
    std::array<std::atomic<std::uint64_t>, 3> decisions{};  // by engine::action
    std::array<std::atomic<std::uint64_t>, error_reason_count> errors{};
    std::atomic<std::uint64_t> log_queue_full{0};     // replied with the fail action, not logged
    std::atomic<std::uint64_t> log_write_failed{0};   // batches the log gave up on (their lines: errors not_logged)
    std::atomic<std::uint64_t> reads_paused{0};       // a client stopped reading its replies
    std::atomic<std::uint64_t> times_in_future{0};    // records decided at arrival: their time lay too far ahead
    std::atomic<std::uint64_t> numbers_kept_raw{0};    // numbers the plan rejected (or mistyped ones) decided as written: passive sources, emergency calls
    std::atomic<std::uint64_t> emergency_kept_raw{0};  // calls to an emergency number decided with an unreadable or missing number kept as written

    void count_error(error_reason r) { errors[static_cast<std::size_t>(r)].fetch_add(1, std::memory_order_relaxed); }
    void count_decision(engine::action a) { decisions[static_cast<std::size_t>(a)].fetch_add(1, std::memory_order_relaxed); }
    std::uint64_t total_errors() const;

    // "lines=… allow=… warn=… block=… errors{malformed_json=…} …" for the periodic stats log line.
    std::string summary() const;
};

}  // namespace ringfence::ingest
