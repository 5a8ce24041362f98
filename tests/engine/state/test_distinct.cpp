#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "engine/state/distinct_sketch.hpp"
#include "engine/state/hyperloglog.hpp"
#include "engine/state/key_hash.hpp"
#include "engine/state/window_store.hpp"
#include "window_test_support.hpp"

using namespace ringfence::engine::state;
using namespace ringfence::engine::state::testing;

namespace {
// distinct_sketch.hpp: relative standard error 3.25%, 99.7% of estimates within 9.75%.
constexpr double three_standard_errors = 3 * 1.04 / 32;
}  // namespace

TEST_CASE("distinct counts each value once within the window") {
    window_store store({});
    store.set_specs({make_spec(0, window_function::distinct, hour_ms,
                               "distinct(callee.e164 of call.attempt)")});
    CHECK(store.add_and_value(0, "A", value_at(1000, 11)) == 1);
    CHECK(store.add_and_value(0, "A", value_at(2000, 12)) == 2);
    CHECK(store.add_and_value(0, "A", value_at(3000, 11)) == 2);
    CHECK(store.add_and_value(0, "A", value_at(4000, 13)) == 3);
    CHECK(store.value(0, "A", 2500) == 2);
    CHECK(store.value(0, "A", 1500 + hour_ms) == 3);  // 11 was seen again at 3000
    CHECK(store.value(0, "A", 2500 + hour_ms) == 2);
    CHECK(store.value(0, "A", 5000 + hour_ms) == 0);
    CHECK(store.add_and_value(0, "A", value_at(3500 + hour_ms, 13)) == 1);
}

TEST_CASE("distinct answers a late record with the value's earlier sighting") {
    window_store store({});
    store.set_specs({make_spec(0, window_function::distinct, hour_ms, "distinct")});
    store.add(0, "A", value_at(100'000, 1));
    store.add(0, "A", value_at(105'000, 1));
    CHECK(store.add_and_value(0, "A", value_at(103'000, 2)) == 2);
    CHECK(store.value(0, "A", 99'000) == 0);
}

TEST_CASE("distinct is exact up to the limit, then a sketch within the documented error") {
    window_store_settings settings;
    settings.distinct_exact_limit = 64;
    window_store store(settings);
    store.set_specs({make_spec(0, window_function::distinct, hour_ms, "distinct 1h")});
    const std::size_t empty_bytes = store.stats().bytes;
    const std::int64_t t0 = 1'700'000'000'000;
    for (int i = 0; i < 64; ++i)
        store.add(0, "A", value_at(t0 + i, hash_bytes(7, std::to_string(i))));
    CHECK(store.value(0, "A", t0 + 63) == 64);
    CHECK(store.stats().sketch_switches == 0);

    const double at_65 = store.add_and_value(0, "A", value_at(t0 + 64, hash_bytes(7, "64")));
    CHECK(store.stats().sketch_switches == 1);
    CHECK(std::abs(at_65 - 65) <= 65 * three_standard_errors);

    for (int i = 65; i < 10'000; ++i) {
        store.add(0, "A", value_at(t0 + i * 300, hash_bytes(7, std::to_string(i))));
    }
    // Seen again: no change.
    for (int i = 0; i < 100; ++i)
        store.add(0, "A", value_at(t0 + 3'000'000, hash_bytes(7, std::to_string(i))));
    const double estimate = store.value(0, "A", t0 + 3'000'000);
    CHECK(std::abs(estimate - 10'000) <= 10'000 * three_standard_errors);
    CHECK(store.stats().sketch_switches == 1);
    // A sketched entry: a 1040-byte chunk of 1024 registers for each bucket used (50
    // minutes of values: 8 buckets of 7.5 minutes), the sketch object and the entry block.
    const std::size_t sketch_bytes = store.stats().bytes - empty_bytes;
    CHECK(sketch_bytes > 8 * 1040);
    CHECK(sketch_bytes < 8 * 1040 + 512);

    // Two hours later the window is empty but for what arrives then.
    CHECK(store.value(0, "A", t0 + 3 * hour_ms) == 0);
    CHECK(store.add_and_value(0, "A", value_at(t0 + 3 * hour_ms, 99)) ==
          doctest::Approx(1).epsilon(0.01));
}

TEST_CASE("the sketch forgets buckets older than the window") {
    distinct_sketch sketch(8 * minute_ms);
    CHECK(sketch.bucket_width_ms() == minute_ms);
    for (int i = 0; i < 1000; ++i) sketch.add(mix64(i), 10 * minute_ms + i);     // bucket 10
    for (int i = 1000; i < 1500; ++i) sketch.add(mix64(i), 14 * minute_ms + i);  // bucket 14
    const double both = sketch.estimate(15 * minute_ms);
    CHECK(std::abs(both - 1500) <= 1500 * three_standard_errors);
    // At 18:30 the window (10:30, 18:30] still overlaps bucket 10 (counted whole).
    CHECK(sketch.estimate(18 * minute_ms + 30 * second_ms) == both);
    // At 19:00 bucket 10 has left.
    const double later = sketch.estimate(19 * minute_ms);
    CHECK(std::abs(later - 500) <= 500 * three_standard_errors);
    CHECK(sketch.estimate(23 * minute_ms) == 0);
    // The ring holds 9 buckets: a value for bucket 5 is too old once bucket 14 exists.
    CHECK_FALSE(sketch.add(mix64(1), 5 * minute_ms));
    CHECK(sketch.add(mix64(1), 6 * minute_ms));
}

TEST_CASE("the HyperLogLog estimator is 0 for an empty sketch and small counts are close") {
    hyperloglog::histogram empty{};
    empty[0] = hyperloglog::register_count;
    CHECK(hyperloglog::estimate(empty) == 0);

    distinct_sketch sketch(hour_ms);
    for (int i = 0; i < 10; ++i) sketch.add(mix64(1000 + i), 0);
    CHECK(std::abs(sketch.estimate(0) - 10) < 0.5);
}

TEST_CASE("a key that passed the exact limit reads a few values exactly again once the window moves on") {
    window_store store({});
    store.set_specs({make_spec(0, window_function::distinct, 10 * 60'000, "distinct")});
    for (std::uint64_t v = 0; v < 150; ++v) store.add(0, "A", value_at(1000 + static_cast<std::int64_t>(v), v));
    CHECK(store.stats().sketch_switches == 1);
    // 12 minutes later the 150 values are out of the 10-minute window and of the bucket
    // (window / 8) the sketch may still count past its edge: one new value, then three.
    const std::int64_t later = 1000 + 12 * 60'000;
    CHECK(store.add_and_value(0, "A", value_at(later, 1000)) == 1);
    CHECK(store.add_and_value(0, "A", value_at(later + 1, 1001)) == 2);
    CHECK(store.add_and_value(0, "A", value_at(later + 2, 1000)) == 2);
    CHECK(store.add_and_value(0, "A", value_at(later + 3, 1002)) == 3);
}

TEST_CASE("distinct of a short window stays exact: values kept only for late records give way at the limit") {
    // A 10 s window with a new value every second keeps 10 values in the window and up to a
    // minute more for late records: 70 against a limit of 64.
    window_store store({});
    store.set_specs({make_spec(0, window_function::distinct, 10'000, "distinct 10s")});
    for (std::uint64_t v = 0; v < 200; ++v) {
        const double now = store.add_and_value(0, "A", value_at(1'000'000 + static_cast<std::int64_t>(v) * 1000, v));
        CHECK(now == std::min<double>(static_cast<double>(v) + 1, 10));
    }
    CHECK(store.stats().sketch_switches == 0);
    // 100 values within a 100 s window are more than the limit: the sketch, as documented.
    store.set_specs({make_spec(0, window_function::distinct, 100'000, "distinct 100s")});
    for (std::uint64_t v = 0; v < 100; ++v) store.add(0, "B", value_at(5'000'000 + static_cast<std::int64_t>(v) * 1000, v));
    CHECK(store.stats().sketch_switches == 1);
}

TEST_CASE("distinct's answer counted while adding equals a read of the entry after the add") {
    // window_shard answers add_and_value from the add's own pass over the values; value()
    // reads them again. Records come mostly in order, some late (up to the grace), values
    // repeat, and times jump far enough for the entry to rebase its offsets.
    const std::int64_t window = 10 * 60'000;
    window_store fused({});
    window_store reread({});
    fused.set_specs({make_spec(0, window_function::distinct, window, "distinct")});
    reread.set_specs({make_spec(0, window_function::distinct, window, "distinct")});
    std::uint64_t x = 88172645463325252ull;
    auto next = [&] {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return x;
    };
    std::int64_t t = 1'000'000;
    int late = 0;
    for (int i = 0; i < 20'000; ++i) {
        t += static_cast<std::int64_t>(next() % 20'000);
        if (next() % 5000 == 0) t += std::int64_t{1} << 31;  // past max_offset: a rebase
        std::int64_t at = t;
        if (next() % 4 == 0) {
            at = t - static_cast<std::int64_t>(next() % 90'000);  // late, some past window + grace
            ++late;
        }
        const std::string key(1, static_cast<char>('A' + next() % 3));
        // Mostly under the exact limit; key C at times past it, where values kept only for
        // late records give way first.
        const auto o = value_at(at, next() % (key == "C" ? 90 : 40));
        const double answer = fused.add_and_value(0, key, o);
        reread.add(0, key, o);
        CHECK(answer == reread.value(0, key, at));
    }
    CHECK(late > 1000);
}
