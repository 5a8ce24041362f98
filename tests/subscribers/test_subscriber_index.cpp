// The in-memory index: facts per number on a day, SIMs per owner, size per subscriber, and
// the lifecycle it advances.
#include <doctest/doctest.h>

#include "model/civil_date.hpp"
#include "subscribers/subscriber_index.hpp"

using namespace ringfence;
using namespace ringfence::subscribers;

namespace {

std::int32_t day(const char* iso) { return *model::parse_iso_date(iso); }

subscriber_row row(std::int64_t msisdn, const char* owner, subscriber_status status = subscriber_status::active, const char* since = "2024-01-01") {
    subscriber_row r;
    r.msisdn = msisdn;
    r.owner_id_hash = owner;
    r.match = population_match::matched;
    r.matched_fields = 4;
    r.biometric_verified = true;
    r.status = status;
    r.status_since = day(since);
    r.activated_on = day("2024-01-01");
    r.bank_link_verified = true;
    return r;
}

}  // namespace

TEST_CASE("lifecycle: notified SIMs lock one way on day 15, two ways 15 days later, end 30 days after that") {
    const lifecycle_periods p;
    const std::int32_t n = day("2026-11-01");
    CHECK(effective_state(subscriber_status::notified, n, day("2026-11-15"), p) == lifecycle_state{subscriber_status::notified, n});
    CHECK(effective_state(subscriber_status::notified, n, day("2026-11-16"), p) == lifecycle_state{subscriber_status::one_way_locked, day("2026-11-16")});
    CHECK(effective_state(subscriber_status::notified, n, day("2026-12-01"), p) == lifecycle_state{subscriber_status::two_way_locked, day("2026-12-01")});
    CHECK(effective_state(subscriber_status::notified, n, day("2026-12-31"), p) == lifecycle_state{subscriber_status::terminated, day("2026-12-31")});
    CHECK(effective_state(subscriber_status::one_way_locked, n, day("2026-11-16"), p) == lifecycle_state{subscriber_status::two_way_locked, day("2026-11-16")});
    CHECK(effective_state(subscriber_status::active, n, day("2030-01-01"), p).status == subscriber_status::active);
    CHECK(effective_state(subscriber_status::terminated, n, day("2030-01-01"), p).status == subscriber_status::terminated);
    CHECK(blocks_outgoing(subscriber_status::one_way_locked));
    CHECK_FALSE(blocks_incoming(subscriber_status::one_way_locked));
    CHECK(blocks_incoming(subscriber_status::two_way_locked));
}

TEST_CASE("lifecycle: periods that lock before the minimum notice are refused") {
    lifecycle_periods p;
    CHECK(validate(p).empty());
    p.one_way_lock_after_days = 3;
    CHECK(validate(p).find("shorter than the minimum notice") != std::string::npos);
    p = {};
    p.terminate_after_days = -1;
    CHECK_FALSE(validate(p).empty());
}

TEST_CASE("index: facts for present and absent numbers, on the record's day") {
    subscriber_index::builder b;
    auto locked = row(84912000111, "o1", subscriber_status::notified, "2026-11-01");
    locked.match = population_match::mismatch;
    locked.biometric_verified = false;
    locked.reverify_pending = true;
    locked.bank_link_verified = false;
    b.add(locked);
    b.add(row(84912000222, "o1"));
    auto business = row(84912000333, "o2");
    business.owner = owner_type::business;
    b.add(business);
    const auto idx = b.finish();
    CHECK(idx->size() == 3);
    CHECK(idx->owners() == 2);

    const lifecycle_periods p;
    auto f = idx->facts(84912000111, day("2026-11-20"), p);
    CHECK(f.exists);
    CHECK(f.status == subscriber_status::one_way_locked);
    CHECK(f.status_since == day("2026-11-16"));
    CHECK_FALSE(f.verified);
    CHECK(f.reverify_pending);
    CHECK_FALSE(f.bank_link_verified);
    CHECK(f.match == population_match::mismatch);
    CHECK(f.sims_per_owner == 2);
    CHECK(f.age_days == day("2026-11-20") - day("2024-01-01"));

    f = idx->facts(84912000222, day("2026-11-20"), p);
    CHECK(f.verified);
    CHECK(f.status == subscriber_status::active);
    CHECK(idx->facts(84912000333, day("2026-11-20"), p).owner == owner_type::business);
    CHECK_FALSE(idx->facts(84912000444, day("2026-11-20"), p).exists);
    CHECK_FALSE(idx->facts(0, day("2026-11-20"), p).exists);
}

TEST_CASE("index: a person is verified on at least 4 matched fields with no re-verification due, a business on its match") {
    subscriber_index::builder b;
    auto three = row(84912000501, "p1");
    three.matched_fields = 3;
    b.add(three);
    auto due = row(84912000502, "p2");
    due.reverify_pending = true;
    b.add(due);
    auto company = row(84912000503, "c1");
    company.owner = owner_type::business;
    company.matched_fields = 2;
    b.add(company);
    b.add(row(84912000504, "p3"));
    const auto idx = b.finish();
    const lifecycle_periods p;
    CHECK_FALSE(idx->facts(84912000501, day("2026-11-20"), p).verified);
    CHECK(idx->facts(84912000501, day("2025-12-31"), p).verified);  // three fields were enough before 2026
    CHECK_FALSE(idx->facts(84912000502, day("2026-11-20"), p).verified);
    CHECK(idx->facts(84912000503, day("2026-11-20"), p).verified);
    CHECK(idx->facts(84912000504, day("2026-11-20"), p).verified);
}

TEST_CASE("index: a million consecutive numbers are all found, others are not, in under 64 bytes each") {
    subscriber_index::builder b;
    const std::int64_t first = 84900000000;
    const std::int64_t n = 1'000'000;
    b.reserve(static_cast<std::size_t>(n));
    std::string owner;
    for (std::int64_t i = 0; i < n; ++i) {
        auto r = row(first + i, "");
        r.owner_id_hash = "owner-" + std::to_string(i / 4);
        b.add(r);
    }
    const auto idx = b.finish();
    CHECK(idx->owners() == 250'000);
    std::int64_t found = 0, wrong = 0;
    for (std::int64_t i = 0; i < n; ++i) found += idx->contains(first + i);
    for (std::int64_t i = n; i < 2 * n; ++i) wrong += idx->contains(first + i);
    CHECK(found == n);
    CHECK(wrong == 0);
    CHECK(idx->facts(first + 5, day("2026-01-01"), {}).sims_per_owner == 4);
    const double per = static_cast<double>(idx->bytes()) / static_cast<double>(n);
    MESSAGE("bytes per subscriber: " << per);
    CHECK(per < 64.0);
}
