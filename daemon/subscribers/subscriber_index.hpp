// The subscriber database in memory, for lookups on every record with no disk access: an
// open-addressing hash table of fixed 24-byte entries keyed by the E.164 number as an
// integer, sized at 4/3 of the subscribers, plus a 2-byte SIM count per owner: about 34
// bytes per subscriber, so 100 million fit in under 4 GB. Built off the hot path and never
// changed after; a refresh builds a new one and swaps it in (subscriber_source).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "subscribers/lifecycle.hpp"
#include "subscribers/subscriber.hpp"

namespace ringfence::subscribers {

// What rules read of one party (caller.subscriber.*, callee.subscriber.*).
struct subscriber_facts {
    bool exists = false;
    subscriber_status status = subscriber_status::active;  // in force on the record's day
    std::int32_t status_since = 0;
    std::int32_t age_days = 0;  // days since activation
    std::uint32_t sims_per_owner = 0;
    owner_type owner = owner_type::individual;
    population_match match = population_match::unchecked;
    bool biometric_verified = false;
    bool verified = false;  // population database matched and biometrics verified
    bool reverify_pending = false;
    bool bank_link_verified = false;
};

// One subscriber in the table. Days count from 1970-01-01 in 16 bits (to 2149); 0xFFFF: none.
// How many identity fields a person's record must match in the population database to be
// verified, on records from 2026 on (ID number, name, date of birth, face); before, the
// match itself was enough.
inline constexpr unsigned min_matched_fields_for_a_person = 4;
inline constexpr std::int32_t four_fields_required_from_day = 20454;  // 2026-01-01

struct packed_subscriber {
    std::int64_t msisdn = 0;  // 0: an empty slot (no E.164 number is 0)
    std::uint32_t owner = 0;  // owner ordinal, index into the SIM counts
    std::uint16_t status_since = 0;
    std::uint16_t activated_on = 0;
    std::uint16_t match_date = 0xFFFF;
    std::uint8_t matched_fields = 0;
    std::uint8_t kinds = 0;  // status (bits 0-2), owner type (bit 3), population match (bits 4-5)
    std::uint8_t flags = 0;  // biometric verified (1), re-verification pending (2), bank link verified (4)
};
static_assert(sizeof(packed_subscriber) == 24);

class subscriber_index {
public:
    // Builds from rows (any order; msisdn unique).
    class builder {
    public:
        void reserve(std::size_t n);
        void add(const subscriber_row& r);
        std::unique_ptr<subscriber_index> finish();

    private:
        std::vector<std::uint64_t> owner_keys_;  // hash of each row's owner_id_hash
        std::vector<packed_subscriber> rows_;
    };

    // Reads the database at path (open_subscriber_database checks it). Null with error set.
    static std::unique_ptr<subscriber_index> load(const std::string& path, std::string& error);

    // Facts for msisdn (E.164 as an integer) on day (days since 1970-01-01).
    subscriber_facts facts(std::int64_t msisdn, std::int32_t day, const lifecycle_periods& periods) const noexcept;
    bool contains(std::int64_t msisdn) const noexcept;

    std::size_t size() const { return size_; }
    std::size_t owners() const { return owner_sims_.size(); }
    std::size_t bytes() const;

private:
    subscriber_index() = default;
    const packed_subscriber* find(std::int64_t msisdn) const noexcept;

    std::unique_ptr<packed_subscriber[]> table_;
    std::size_t capacity_ = 0;
    std::size_t size_ = 0;
    std::vector<std::uint16_t> owner_sims_;  // SIMs per owner ordinal (saturates at 65535)
};

}  // namespace ringfence::subscribers
