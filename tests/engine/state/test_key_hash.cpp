#include <doctest/doctest.h>

#include <set>
#include <string>

#include "engine/state/key_hash.hpp"
#include "engine/state/spec_table.hpp"

using namespace ringfence::engine::state;

// Snapshots store these hashes: a change to the functions must be a deliberate format change.
TEST_CASE("key hashes are stable") {
    CHECK(hash_bytes(0, "") == 16852473371444490038ull);
    CHECK(hash_bytes(1, "84912345678") == 3002834737881417540ull);
    CHECK(spec_seed(window_spec{0, window_function::count, 600000, "count", {}}) ==
          15998916610333520523ull);
}

TEST_CASE("key hashes differ for near keys and by seed") {
    std::set<std::uint64_t> seen;
    for (int i = 0; i < 100'000; ++i)
        seen.insert(hash_bytes(42, "849" + std::to_string(10'000'000 + i)));
    CHECK(seen.size() == 100'000);
    CHECK(hash_bytes(1, "84912345678") != hash_bytes(2, "84912345678"));
    CHECK(spec_seed(window_spec{0, window_function::count, 600000, "x", {}}) !=
          spec_seed(window_spec{0, window_function::count, 600001, "x", {}}));
}
