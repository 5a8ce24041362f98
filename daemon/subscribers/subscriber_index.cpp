#include "subscribers/subscriber_index.hpp"

#include <algorithm>
#include <functional>
#include <string_view>

#include "common/mix64.hpp"
#include "subscribers/subscriber_database.hpp"

namespace ringfence::subscribers {

namespace {

constexpr std::uint16_t no_day = 0xFFFF;

std::uint16_t pack_day(std::int64_t day) { return day < 0 ? 0 : day >= no_day ? no_day - 1 : static_cast<std::uint16_t>(day); }

// Maps a hash onto [0, n) without a division (Lemire's multiply-shift).
std::size_t slot_of(std::uint64_t hash, std::size_t n) noexcept {
    __extension__ using u128 = unsigned __int128;
    return static_cast<std::size_t>((static_cast<u128>(hash) * n) >> 64);
}

}  // namespace

void subscriber_index::builder::reserve(std::size_t n) {
    rows_.reserve(n);
    owner_keys_.reserve(n);
}

void subscriber_index::builder::add(const subscriber_row& r) {
    packed_subscriber e;
    e.msisdn = r.msisdn;
    e.status_since = pack_day(r.status_since);
    e.activated_on = pack_day(r.activated_on);
    e.match_date = r.match_date ? pack_day(*r.match_date) : no_day;
    e.matched_fields = static_cast<std::uint8_t>(std::clamp(r.matched_fields, 0, 255));
    e.kinds = static_cast<std::uint8_t>(static_cast<unsigned>(r.status) | static_cast<unsigned>(r.owner) << 3 | static_cast<unsigned>(r.match) << 4);
    e.flags = static_cast<std::uint8_t>((r.biometric_verified ? 1 : 0) | (r.reverify_pending ? 2 : 0) | (r.bank_link_verified ? 4 : 0));
    rows_.push_back(e);
    owner_keys_.push_back(std::hash<std::string_view>{}(r.owner_id_hash));
}

std::unique_ptr<subscriber_index> subscriber_index::builder::finish() {
    std::unique_ptr<subscriber_index> idx(new subscriber_index());
    // Owners: sort (owner hash, row) pairs once; each run of equal hashes is one owner.
    {
        std::vector<std::pair<std::uint64_t, std::uint32_t>> owners(rows_.size());
        for (std::size_t i = 0; i < rows_.size(); ++i) owners[i] = {owner_keys_[i], static_cast<std::uint32_t>(i)};
        std::vector<std::uint64_t>().swap(owner_keys_);
        std::sort(owners.begin(), owners.end());
        for (std::size_t i = 0; i < owners.size();) {
            std::size_t j = i;
            while (j < owners.size() && owners[j].first == owners[i].first) ++j;
            const auto ordinal = static_cast<std::uint32_t>(idx->owner_sims_.size());
            idx->owner_sims_.push_back(static_cast<std::uint16_t>(std::min<std::size_t>(j - i, 0xFFFF)));
            for (std::size_t k = i; k < j; ++k) rows_[owners[k].second].owner = ordinal;
            i = j;
        }
        idx->owner_sims_.shrink_to_fit();
    }
    idx->size_ = rows_.size();
    idx->capacity_ = rows_.size() + rows_.size() / 3 + 1;  // load factor 3/4
    idx->table_ = std::make_unique<packed_subscriber[]>(idx->capacity_);
    for (const auto& e : rows_) {
        std::size_t s = slot_of(common::mix64(static_cast<std::uint64_t>(e.msisdn)), idx->capacity_);
        while (idx->table_[s].msisdn != 0) s = s + 1 == idx->capacity_ ? 0 : s + 1;
        idx->table_[s] = e;
    }
    std::vector<packed_subscriber>().swap(rows_);
    return idx;
}

std::unique_ptr<subscriber_index> subscriber_index::load(const std::string& path, std::string& error) {
    auto db = open_subscriber_database(path, error);
    if (!db) return nullptr;
    std::string count_error;
    builder b;
    if (const auto n = db.query_int("SELECT count(*) FROM subscribers", count_error)) b.reserve(static_cast<std::size_t>(*n));
    // A read transaction: the whole index comes from one state of the file even if an
    // import commits meanwhile.
    if (auto e = db.exec("BEGIN"); !e.empty()) {
        error = path + ": " + e;
        return nullptr;
    }
    if (auto e = for_each_subscriber(db, [&](const subscriber_row& r) { b.add(r); }); !e.empty()) {
        error = path + ": " + e;
        return nullptr;
    }
    db.exec("COMMIT");
    return b.finish();
}

const packed_subscriber* subscriber_index::find(std::int64_t msisdn) const noexcept {
    if (capacity_ == 0 || msisdn == 0) return nullptr;
    std::size_t s = slot_of(common::mix64(static_cast<std::uint64_t>(msisdn)), capacity_);
    while (true) {
        const packed_subscriber& e = table_[s];
        if (e.msisdn == msisdn) return &e;
        if (e.msisdn == 0) return nullptr;
        s = s + 1 == capacity_ ? 0 : s + 1;
    }
}

bool subscriber_index::contains(std::int64_t msisdn) const noexcept { return find(msisdn) != nullptr; }

subscriber_facts subscriber_index::facts(std::int64_t msisdn, std::int32_t day, const lifecycle_periods& periods) const noexcept {
    subscriber_facts f;
    const packed_subscriber* e = find(msisdn);
    if (!e) return f;
    f.exists = true;
    const auto stored = static_cast<subscriber_status>(e->kinds & 7);
    const lifecycle_state state = effective_state(stored, e->status_since, day, periods);
    f.status = state.status;
    f.status_since = state.since;
    f.age_days = std::max(0, day - static_cast<std::int32_t>(e->activated_on));
    f.sims_per_owner = owner_sims_[e->owner];
    f.owner = static_cast<owner_type>(e->kinds >> 3 & 1);
    f.match = static_cast<population_match>(e->kinds >> 4 & 3);
    f.biometric_verified = (e->flags & 1) != 0;
    f.reverify_pending = (e->flags & 2) != 0;
    f.bank_link_verified = (e->flags & 4) != 0;
    // Verified: matched with the population database, biometrics checked, no re-verification
    // due (a device change asks for one); a person, on a day from 2026 on, on at least four
    // fields (ID number, name, date of birth, face).
    f.verified = f.match == population_match::matched && f.biometric_verified && !f.reverify_pending &&
                 (f.owner != owner_type::individual || day < four_fields_required_from_day ||
                  e->matched_fields >= min_matched_fields_for_a_person);
    return f;
}

std::size_t subscriber_index::bytes() const { return capacity_ * sizeof(packed_subscriber) + owner_sims_.capacity() * sizeof(std::uint16_t); }

}  // namespace ringfence::subscribers
