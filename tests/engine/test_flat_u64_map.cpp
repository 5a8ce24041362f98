// The flat maps behind call_activity, against std::unordered_map over a long random mix of
// inserts, finds and erases (erase shifts probe runs back, the part easiest to get wrong).
#include <doctest/doctest.h>

#include <random>
#include <unordered_map>

#include "engine/flat_u64_map.hpp"

using ringfence::engine::flat_u64_map;
using ringfence::engine::flat_u64_table;

TEST_CASE("flat_u64_map: agrees with std::unordered_map over random inserts, finds and erases") {
    flat_u64_map m;
    std::unordered_map<std::uint64_t, std::int64_t> ref;
    std::mt19937_64 rng(3);
    // A small key space makes long probe runs and many erases inside them.
    for (int step = 0; step < 200000; ++step) {
        // Key 0 included (stored as 1, so 1 itself is left out: the two are one key by design).
        const std::uint64_t k = step % 7 == 0 ? 0 : rng() % 5000 + 2;
        const auto op = rng() % 3;
        if (op == 0) {
            const auto [v, inserted] = m.try_emplace(k, step);
            const auto [it, ref_inserted] = ref.try_emplace(k, step);
            REQUIRE(inserted == ref_inserted);
            REQUIRE(*v == it->second);
        } else if (op == 1) {
            REQUIRE(m.erase(k) == (ref.erase(k) == 1));
        } else {
            const std::int64_t* v = m.find(k);
            const auto it = ref.find(k);
            REQUIRE((v != nullptr) == (it != ref.end()));
            if (v) REQUIRE(*v == it->second);
        }
        REQUIRE(m.size() == ref.size());
    }
    for (const auto& [k, v] : ref) REQUIRE(m.find(k) != nullptr);
    m.erase_values_if([](std::int64_t v) { return v % 2 == 0; });
    std::size_t odd = 0;
    for (const auto& [k, v] : ref) {
        const bool kept = v % 2 != 0;
        odd += kept;
        CHECK((m.find(k) != nullptr) == kept);
    }
    CHECK(m.size() == odd);
}

TEST_CASE("flat_u64_table: a value of several fields moves whole with its key as probe runs shift back") {
    struct times {
        std::int64_t first = 0;
        std::int64_t last = 0;
        std::int64_t count = 0;
    };
    flat_u64_table<times> m;
    std::unordered_map<std::uint64_t, times> ref;
    std::mt19937_64 rng(5);
    for (int step = 0; step < 100000; ++step) {
        const std::uint64_t k = rng() % 3000 + 2;
        if (rng() % 3 == 0) {
            REQUIRE(m.erase(k) == (ref.erase(k) == 1));
            continue;
        }
        times& v = *m.try_emplace(k, times{step, step, 0}).first;
        times& r = ref.try_emplace(k, times{step, step, 0}).first->second;
        v.last = r.last = step;
        ++v.count;
        ++r.count;
        const times* found = m.find(k);
        REQUIRE(found != nullptr);
        REQUIRE(found->first == r.first);
    }
    REQUIRE(m.size() == ref.size());
    m.update_each([](times& t) { t.count *= 10; });
    for (const auto& [k, r] : ref) {
        const times* v = m.find(k);
        REQUIRE(v != nullptr);
        CHECK(v->first == r.first);
        CHECK(v->last == r.last);
        CHECK(v->count == r.count * 10);
    }
    m.erase_values_if([](const times& t) { return t.count > 10; });
    for (const auto& [k, r] : ref) CHECK((m.find(k) != nullptr) == (r.count == 1));
}
