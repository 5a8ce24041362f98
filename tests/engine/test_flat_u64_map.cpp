// The flat map behind call_activity, against std::unordered_map over a long random mix of
// inserts, finds and erases (erase shifts probe runs back, the part easiest to get wrong).
#include <doctest/doctest.h>

#include <random>
#include <unordered_map>

#include "engine/flat_u64_map.hpp"

using ringfence::engine::flat_u64_map;

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
