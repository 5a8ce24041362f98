#include "intel/intel_snapshot.hpp"

#include <cstring>
#include <unordered_map>

#include "engine/lists/string_hash.hpp"
#include "engine/text/url_key.hpp"
#include "intel/intel_values.hpp"

namespace ringfence::intel {

namespace {
constexpr std::string_view source_names[] = {"police", "bank", "spam_reports", "internal"};
}

std::string_view to_string(entry_source s) noexcept { return source_names[static_cast<int>(s)]; }

std::optional<entry_source> parse_entry_source(std::string_view s) noexcept {
    for (int i = 0; i < 4; ++i)
        if (source_names[i] == s) return static_cast<entry_source>(i);
    return std::nullopt;
}

intel_snapshot::ip_key intel_snapshot::make_ip_key(const engine::lists::ip_address& a, int length) noexcept {
    ip_key k{};
    k[0] = a.v6 ? '6' : '4';
    k[1] = static_cast<char>(length);
    std::memcpy(k.data() + 2, &a.high, 8);
    std::memcpy(k.data() + 10, &a.low, 8);
    return k;
}

intel_snapshot::intel_snapshot(engine::intel_kind k, std::vector<intel_entry_row> rows) : kind_(k) {
    entries_.reserve(rows.size());
    std::unordered_map<std::string, std::uint32_t> reason_ids;
    for (auto& r : rows) {
        auto [it, fresh] = reason_ids.try_emplace(r.reason, static_cast<std::uint32_t>(reasons_.size()));
        if (fresh) reasons_.push_back(std::move(r.reason));
        entries_.push_back({std::move(r.value), r.expires_at_ms, it->second, r.source});
    }
    rows.clear();
    if (kind_ == engine::intel_kind::ip) {
        ip_keys_.reserve(entries_.size());
        for (const auto& e : entries_) {
            std::string why;
            const auto r = parse_ip_range(e.value, why);  // normalised on the way in, so it parses
            const int len = r ? r->length : 0;
            ip_keys_.push_back(r ? make_ip_key(r->address, len) : ip_key{});
            if (!r) continue;
            if (r->address.v6) v6_lengths_[static_cast<std::size_t>(len / 64)] |= 1ull << (len % 64);
            else v4_lengths_ |= 1ull << len;
        }
    }
    if (kind_ == engine::intel_kind::number_prefix)
        for (const auto& e : entries_)
            if (e.value.size() > 1 && e.value.size() <= 16) prefix_lengths_ |= 1u << (e.value.size() - 1);
    std::size_t capacity = 16;
    while (capacity < entries_.size() * 2) capacity <<= 1;
    slots_ = common::table_array<std::uint64_t>(capacity);
    slot_mask_ = capacity - 1;
    for (std::uint32_t i = 0; i < entries_.size(); ++i) {
        const std::uint64_t h = engine::lists::hash_string(key_at(i));
        std::uint64_t s = h & slot_mask_;
        while (slots_[s] != 0) s = (s + 1) & slot_mask_;
        slots_[s] = (h & 0xFFFFFFFF00000000ull) | (i + 1);
    }
}

std::string_view intel_snapshot::key_at(std::uint32_t i) const noexcept {
    switch (kind_) {
        case engine::intel_kind::number_prefix: return std::string_view(entries_[i].value).substr(1);  // digits after '+'
        case engine::intel_kind::ip: return {ip_keys_[i].data(), ip_keys_[i].size()};
        default: return entries_[i].value;
    }
}

const intel_entry* intel_snapshot::lookup(std::string_view key, std::int64_t time_ms) const noexcept {
    const std::uint64_t h = engine::lists::hash_string(key);
    const std::uint64_t tag = h & 0xFFFFFFFF00000000ull;
    std::uint64_t s = h & slot_mask_;
    while (const std::uint64_t slot = slots_[s]) {
        const auto i = static_cast<std::uint32_t>(slot) - 1;
        if ((slot & 0xFFFFFFFF00000000ull) == tag && key_at(i) == key) {
            const intel_entry& e = entries_[i];
            return e.live_at(time_ms) ? &e : nullptr;
        }
        s = (s + 1) & slot_mask_;
    }
    return nullptr;
}

void intel_snapshot::prefetch(std::string_view value) const noexcept {
    using engine::intel_kind;
    if (entries_.empty() || value.empty() || kind_ == intel_kind::number_prefix || kind_ == intel_kind::ip || kind_ == intel_kind::url) return;
    __builtin_prefetch(&slots_[engine::lists::hash_string(value) & slot_mask_]);
}

const intel_entry* intel_snapshot::find_prefix(std::string_view number, std::int64_t time_ms) const noexcept {
    if (!number.empty() && number.front() == '+') number.remove_prefix(1);
    // Longest first; an expired longer prefix lets a shorter live one answer.
    for (std::size_t len = std::min<std::size_t>(number.size(), 15); len > 0; --len) {
        if (!(prefix_lengths_ & (1u << len))) continue;
        if (const intel_entry* e = lookup(number.substr(0, len), time_ms)) return e;
    }
    return nullptr;
}

const intel_entry* intel_snapshot::find_ip(std::string_view text, std::int64_t time_ms) const noexcept {
    const auto a = engine::lists::parse_ip_address(text);
    if (!a) return nullptr;
    for (int len = a->v6 ? 128 : 32; len >= 0; --len) {
        const bool present = a->v6 ? (v6_lengths_[static_cast<std::size_t>(len / 64)] >> (len % 64)) & 1 : (v4_lengths_ >> len) & 1;
        if (!present) continue;
        const ip_key k = make_ip_key(mask_address(*a, len), len);
        if (const intel_entry* e = lookup({k.data(), k.size()}, time_ms)) return e;
    }
    return nullptr;
}

const intel_entry* intel_snapshot::find(std::string_view value, std::int64_t time_ms) const noexcept {
    if (entries_.empty() || value.empty()) return nullptr;
    switch (kind_) {
        case engine::intel_kind::number_prefix: return find_prefix(value, time_ms);
        case engine::intel_kind::ip: return find_ip(value, time_ms);
        case engine::intel_kind::url: {
            thread_local std::string key;  // reused: no allocation once it has grown
            engine::text::url_key(value, key);
            return lookup(key, time_ms);
        }
        default: return lookup(value, time_ms);
    }
}

std::size_t intel_snapshot::memory_bytes() const noexcept {
    std::size_t n = sizeof(*this) + entries_.capacity() * sizeof(intel_entry) + slots_.footprint_bytes() +
                    ip_keys_.capacity() * sizeof(ip_key);
    for (const auto& e : entries_)
        if (e.value.capacity() > 15) n += e.value.capacity() + 1;
    for (const auto& r : reasons_) n += sizeof r + (r.capacity() > 15 ? r.capacity() + 1 : 0);
    return n;
}

}  // namespace ringfence::intel
