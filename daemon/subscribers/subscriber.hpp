// One subscriber as the carrier's systems describe it (the subscriber-verification
// database, issue 4): who owns the SIM (as a hash, never the document number), whether the
// owner matched the national population database, and where the SIM is in the lifecycle
// that ends unverified SIMs (notified -> one-way lock -> two-way lock -> terminated).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ringfence::subscribers {

enum class owner_type : std::uint8_t { individual, business };
enum class population_match : std::uint8_t { unchecked, matched, mismatch };
enum class subscriber_status : std::uint8_t { active, notified, one_way_locked, two_way_locked, terminated };

std::string_view to_string(owner_type v) noexcept;
std::string_view to_string(population_match v) noexcept;
std::string_view to_string(subscriber_status v) noexcept;
std::optional<owner_type> parse_owner_type(std::string_view s) noexcept;
std::optional<population_match> parse_population_match(std::string_view s) noexcept;
std::optional<subscriber_status> parse_subscriber_status(std::string_view s) noexcept;

// Dates are days since 1970-01-01 (model/civil_date.hpp); the database holds them as
// "YYYY-MM-DD".
struct subscriber_row {
    std::int64_t msisdn = 0;  // E.164 digits as an integer: +84912345678 -> 84912345678
    std::string imsi;         // "" when the carrier did not give it
    std::string owner_id_hash;
    owner_type owner = owner_type::individual;
    population_match match = population_match::unchecked;
    std::optional<std::int32_t> match_date;
    int matched_fields = 0;
    bool biometric_verified = false;
    bool reverify_pending = false;
    subscriber_status status = subscriber_status::active;
    std::int32_t status_since = 0;
    std::int32_t activated_on = 0;
    bool bank_link_verified = false;

    bool operator==(const subscriber_row&) const = default;
};

}  // namespace ringfence::subscribers
