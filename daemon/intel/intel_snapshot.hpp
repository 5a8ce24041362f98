// One intelligence list's entries as of one read of the intel database: immutable once
// built, shared by every thread that decides, replaced whole when the list changes. find()
// is the per-record path: hash probes only, no allocation (URL values are keyed in a
// per-thread buffer that is reused), no lock.
//
// Matching, per kind: number, domain, bank_account: the value equals an entry (a
// bank_account entry without a bank code equals the bare digits sms.bank_accounts always
// also yields); url: url_key(value) equals an entry; number_prefix: the longest entry that
// is a prefix of the number and still live; ip: the longest live range holding the address.
// An entry is live for a record when it has no expiry or the record's time is before it.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/table_array.hpp"
#include "engine/intel_source.hpp"
#include "engine/lists/ip_address.hpp"

namespace ringfence::intel {

// Where an entry came from.
enum class entry_source : std::uint8_t { police, bank, spam_reports, internal };
std::string_view to_string(entry_source s) noexcept;
std::optional<entry_source> parse_entry_source(std::string_view s) noexcept;

// An entry as read from the database, before it goes into a snapshot.
struct intel_entry_row {
    std::string value;  // normalised (intel_values.hpp)
    std::string reason;
    entry_source source = entry_source::internal;
    std::int64_t expires_at_ms = 0;  // Unix ms; 0: never
};

// An entry in a snapshot: 48 bytes plus the value when it outgrows the string's own buffer;
// reasons are kept once per snapshot (an import gives thousands of entries the same one).
struct intel_entry {
    std::string value;
    std::int64_t expires_at_ms = 0;
    std::uint32_t reason = 0;  // index into the snapshot's reasons
    entry_source source = entry_source::internal;
    bool live_at(std::int64_t time_ms) const noexcept { return expires_at_ms == 0 || time_ms < expires_at_ms; }
};

class intel_snapshot {
public:
    // rows must hold distinct values of kind k (the database's UNIQUE constraint).
    intel_snapshot(engine::intel_kind k, std::vector<intel_entry_row> rows);

    // The entry value matches for a record at time_ms, or null.
    const intel_entry* find(std::string_view value, std::int64_t time_ms) const noexcept;

    // Starts loading the slot find(value) reads first, for the kinds looked up by their value
    // as it is (numbers, domains, accounts...); a no-op for prefixes, IP ranges and URLs.
    void prefetch(std::string_view value) const noexcept;

    engine::intel_kind kind() const noexcept { return kind_; }
    std::size_t size() const noexcept { return entries_.size(); }
    std::size_t memory_bytes() const noexcept;
    const std::vector<intel_entry>& entries() const noexcept { return entries_; }
    std::string_view reason_of(const intel_entry& e) const noexcept { return reasons_[e.reason]; }

private:
    using ip_key = std::array<char, 18>;  // family, prefix length, 16 address bytes
    static ip_key make_ip_key(const engine::lists::ip_address& a, int length) noexcept;
    std::string_view key_at(std::uint32_t i) const noexcept;
    const intel_entry* lookup(std::string_view key, std::int64_t time_ms) const noexcept;
    const intel_entry* find_prefix(std::string_view number, std::int64_t time_ms) const noexcept;
    const intel_entry* find_ip(std::string_view address, std::int64_t time_ms) const noexcept;

    engine::intel_kind kind_;
    std::vector<intel_entry> entries_;
    std::vector<std::string> reasons_;
    std::vector<ip_key> ip_keys_;       // ip lists: the key of each entry
    // Open addressing, at most half full: the low 32 bits hold entry index + 1 (0: empty),
    // the high 32 bits the key's hash, so a probe past another key rarely reads its entry
    // (each read of an entry is a cache miss in a list of a million). In huge pages from
    // 262,144 slots on (common::table_array).
    common::table_array<std::uint64_t> slots_;
    std::uint64_t slot_mask_ = 0;
    std::uint32_t prefix_lengths_ = 0;             // number_prefix: bit n set = an entry has n digits
    std::array<std::uint64_t, 3> v6_lengths_{};    // ip: bit n = an IPv6 range of length n
    std::uint64_t v4_lengths_ = 0;                 // ip: bit n = an IPv4 range of length n
};

}  // namespace ringfence::intel
