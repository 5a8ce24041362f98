#include <doctest/doctest.h>


#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include "engine/state/window_store.hpp"
#include "window_test_support.hpp"

using namespace ringfence::engine::state;
using namespace ringfence::engine::state::testing;

TEST_CASE("the sixth attempt in a minute sees a count of six") {
    window_store store({});
    store.set_specs({make_spec(0, window_function::count, minute_ms,
                               "count(call.attempt by caller.e164 within 1m)")});
    for (int i = 0; i < 6; ++i) {
        CHECK(store.add_and_value(0, "84912345678", at(1'000'000 + i * 10 * second_ms)) == i + 1);
    }
    CHECK(store.value(0, "84912345678", 1'000'000 + 50 * second_ms) == 6);
    CHECK(store.value(0, "84900000000", 1'000'000 + 50 * second_ms) == 0);
    CHECK(store.stats().keys == 1);
}

TEST_CASE("an event exactly window_ms old is out and one a millisecond younger is in") {
    window_store store({});
    store.set_specs({make_spec(0, window_function::count, 10 * minute_ms, "count 10m")});
    store.add(0, "k", at(1000));
    CHECK(store.value(0, "k", 1000 + 10 * minute_ms - 1) == 1);
    CHECK(store.value(0, "k", 1000 + 10 * minute_ms) == 0);
    CHECK(store.value(0, "k", 999) == 0);  // the event is later than t
    CHECK(store.add_and_value(0, "k", at(1000 + 10 * minute_ms - 1)) == 2);
    CHECK(store.add_and_value(0, "k", at(1000 + 10 * minute_ms)) == 2);  // the first left
}

TEST_CASE("out-of-order events count only for times at or after them") {
    window_store store({});
    store.set_specs({make_spec(0, window_function::count, minute_ms, "count 1m")});
    const std::int64_t t0 = 5 * hour_ms;
    CHECK(store.add_and_value(0, "k", at(t0 + 10 * second_ms)) == 1);
    CHECK(store.add_and_value(0, "k", at(t0 + 20 * second_ms)) == 2);
    CHECK(store.add_and_value(0, "k", at(t0 + 30 * second_ms)) == 3);
    // A late record at 15 s sees the events at 10 s and itself, not the later ones.
    CHECK(store.add_and_value(0, "k", at(t0 + 15 * second_ms)) == 2);
    // Earlier than every stored event: its offset base moves down.
    CHECK(store.add_and_value(0, "k", at(t0 + 5 * second_ms)) == 1);
    CHECK(store.value(0, "k", t0 + 30 * second_ms) == 5);
    CHECK(store.value(0, "k", t0 + 16 * second_ms) == 3);
    // At 70 s the window (10 s, 70 s] has dropped the events at 5 s and 10 s.
    CHECK(store.add_and_value(0, "k", at(t0 + 70 * second_ms)) == 4);
    CHECK(store.stats().late_dropped == 0);
}

TEST_CASE("an event older than its entry's window and the late grace is not stored and is told its own value") {
    window_store store({});
    store.set_specs({make_spec(0, window_function::count, minute_ms, "count 1m"),
                     make_spec(1, window_function::sum, minute_ms, "sum 1m")});
    store.add(0, "k", at(200 * second_ms));
    store.add(1, "k", amount_at(200 * second_ms, 7));
    // Kept: (200 s - 1 min - 1 min grace, 200 s] = (80 s, 200 s]; 70 s is older.
    CHECK(store.add_and_value(0, "k", at(70 * second_ms)) == 1);
    CHECK(store.add_and_value(1, "k", amount_at(70 * second_ms, 5)) == 5);
    CHECK(store.value(0, "k", 200 * second_ms) == 1);
    CHECK(store.value(1, "k", 200 * second_ms) == 7);
    CHECK(store.stats().late_dropped == 2);
}

TEST_CASE("a record that arrives after newer ones sees its own window whole, within the late grace") {
    window_store store({});
    store.set_specs({make_spec(0, window_function::count, minute_ms, "count 1m"),
                     make_spec(1, window_function::distinct, minute_ms, "distinct 1m"),
                     make_spec(2, window_function::ratio, minute_ms, "ratio 1m")});
    for (const std::int64_t t : {std::int64_t{0}, std::int64_t{59'999}, std::int64_t{60'000}, std::int64_t{60'001}}) {
        store.add(0, "k", at(t));
        store.add(1, "k", value_at(t, static_cast<std::uint64_t>(t) + 1));
        store.add(2, "k", matched_at(t, t == 0));
    }
    // A record stamped 30 s arrives last: its window (-30 s, 30 s] holds the one at 0 and itself.
    CHECK(store.add_and_value(0, "k", at(30'000)) == 2);
    CHECK(store.add_and_value(1, "k", value_at(30'000, 999)) == 2);
    CHECK(store.add_and_value(2, "k", matched_at(30'000, false)) == 0.5);
    // The newest time still sees only its own window: (1.001 s, 60.001 s].
    CHECK(store.value(0, "k", 60'001) == 4);  // 30, 59.999, 60, 60.001
    CHECK(store.value(1, "k", 60'001) == 4);
    CHECK(store.stats().late_dropped == 0);
}

TEST_CASE("count does not store an unmatched event but still answers") {
    window_store store({});
    store.set_specs({make_spec(0, window_function::count, minute_ms, "count where talk_ms = 0")});
    CHECK(store.add_and_value(0, "k", matched_at(1000, false)) == 0);
    CHECK(store.stats().keys == 0);
    CHECK(store.add_and_value(0, "k", matched_at(2000, true)) == 1);
    CHECK(store.add_and_value(0, "k", matched_at(3000, false)) == 1);
    CHECK(store.value(0, "k", 3000) == 1);
}

TEST_CASE("ratio is matched events over all events, no value (NaN) with none") {
    window_store store({});
    store.set_specs(
        {make_spec(0, window_function::ratio, hour_ms, "ratio(call.end where talk_ms < 10000)")});
    CHECK(std::isnan(store.value(0, "k", 0)));  // no entry
    CHECK(store.add_and_value(0, "k", matched_at(1000, true)) == 1);
    CHECK(store.add_and_value(0, "k", matched_at(2000, false)) == 0.5);
    CHECK(store.add_and_value(0, "k", matched_at(3000, true)) == doctest::Approx(2.0 / 3));
    CHECK(store.add_and_value(0, "k", matched_at(4000, true)) == 0.75);
    CHECK(store.value(0, "k", 2500) == 0.5);
    CHECK(store.value(0, "k", 1000 + hour_ms) == doctest::Approx(2.0 / 3));  // the first left
    CHECK(std::isnan(store.value(0, "k", 5000 + hour_ms)));  // an entry, nothing in the window
}

TEST_CASE("outgoing_share is caller attempts over caller-or-callee attempts") {
    window_store store({});
    store.set_specs(
        {make_spec(0, window_function::outgoing_share, 24 * hour_ms, "outgoing_share 24h")});
    // Each attempt adds "out" for its caller and "in" for its callee.
    auto attempt = [&](std::string_view caller, std::string_view callee, std::int64_t t) {
        store.add(0, caller, direction_at(t, true));
        store.add(0, callee, direction_at(t, false));
    };
    attempt("A", "B", 1000);
    attempt("A", "C", 2000);
    attempt("B", "A", 3000);
    CHECK(store.value(0, "A", 3000) == doctest::Approx(2.0 / 3));
    CHECK(store.value(0, "B", 3000) == 0.5);
    CHECK(store.value(0, "C", 3000) == 0);
    CHECK(std::isnan(store.value(0, "D", 3000)));  // never seen: no share
    CHECK(store.value(0, "A", 2000) == 1);
}

TEST_CASE("sum adds the amounts in the window") {
    window_store store({});
    store.set_specs({make_spec(0, window_function::sum, hour_ms, "sum(call.talk_ms of call.end)")});
    CHECK(store.add_and_value(0, "k", amount_at(1000, 1000)) == 1000);
    CHECK(store.add_and_value(0, "k", amount_at(2000, 2500)) == 3500);
    CHECK(store.add_and_value(0, "k", amount_at(3000, 0)) == 3500);
    CHECK(store.add_and_value(0, "k", amount_at(4000, 40)) == 3540);
    CHECK(store.value(0, "k", 2000) == 3500);
    CHECK(store.value(0, "k", 1999 + hour_ms) == 2540);
    CHECK(store.add_and_value(0, "k", amount_at(3000 + hour_ms, 1)) == 41);
    CHECK(store.value(0, "k", 10 * hour_ms) == 0);
}

TEST_CASE("windows keep working across weeks of record time") {
    // Offsets are 31 bits (24.8 days): the entries must move their base as time goes on.
    window_store store({});
    store.set_specs({make_spec(0, window_function::count, hour_ms, "count 1h"),
                     make_spec(1, window_function::distinct, hour_ms, "distinct 1h")});
    int wrong_count = 0;
    int wrong_distinct = 0;
    for (int i = 0; i < 30 * 24 * 60; ++i) {  // one event a minute for 30 days
        const std::int64_t t = 1'700'000'000'000 + std::int64_t{i} * minute_ms;
        wrong_count += store.add_and_value(0, "k", at(t)) == std::min(i + 1, 60) ? 0 : 1;
        wrong_distinct +=
            store.add_and_value(1, "k", value_at(t, i % 7)) == std::min(i + 1, 7) ? 0 : 1;
    }
    CHECK(wrong_count == 0);
    CHECK(wrong_distinct == 0);
}

TEST_CASE("set_specs keeps entries of unchanged definitions and drops changed ones") {
    window_store store({});
    store.set_specs({make_spec(0, window_function::count, minute_ms, "a"),
                     make_spec(1, window_function::count, minute_ms, "b"),
                     make_spec(2, window_function::sum, minute_ms, "c")});
    store.add(0, "k", at(1000));
    store.add(1, "k", at(1000));
    store.add(1, "k", at(2000));
    store.add(2, "k", amount_at(1000, 5));
    REQUIRE(store.stats().keys == 3);

    // "b" moves to id 0 unchanged; "a" keeps its fingerprint but changes its window; "c"
    // is gone; "d" is new.
    store.set_specs({make_spec(0, window_function::count, minute_ms, "b"),
                     make_spec(1, window_function::count, 2 * minute_ms, "a"),
                     make_spec(2, window_function::count, minute_ms, "d")});
    CHECK(store.stats().keys == 1);
    CHECK(store.value(0, "k", 2000) == 2);
    CHECK(store.value(1, "k", 2000) == 0);
    CHECK(store.value(2, "k", 2000) == 0);
    CHECK(store.add_and_value(0, "k", at(3000)) == 3);
    CHECK(store.value(5, "k", 3000) == 0);  // not a loaded id
}

TEST_CASE("set_specs rejects specs that break the contract") {
    window_store store({});
    CHECK_THROWS_WITH(store.set_specs({make_spec(1, window_function::count, minute_ms, "a")}),
                      "window_store: spec ids must be 0..N-1 in order, got 1 at 0");
    CHECK_THROWS_WITH(store.set_specs({make_spec(0, window_function::count, 0, "a")}),
                      "window_store: window of spec 'a' is outside 1..1073741824 ms");
    CHECK_THROWS_WITH(store.set_specs({make_spec(0, window_function::count, minute_ms, "a"),
                                       make_spec(1, window_function::count, minute_ms, "a")}),
                      "window_store: spec 'a' is defined twice");
}

TEST_CASE("show lists every aggregate holding a key and reset drops them") {
    window_store store({});
    store.set_specs({make_spec(0, window_function::count, minute_ms, "count"),
                     make_spec(1, window_function::sum, minute_ms, "sum"),
                     make_spec(2, window_function::ratio, minute_ms, "ratio")});
    store.add(0, "k", at(1000));
    store.add(0, "k", at(2000));
    store.add(2, "k", matched_at(2000, false));
    store.add(0, "other", at(2000));

    const auto shown = store.show("k", 2000);
    REQUIRE(shown.size() == 2);
    CHECK(shown[0].first.fingerprint == "count");
    CHECK(shown[0].second == 2);
    CHECK(shown[1].first.fingerprint == "ratio");
    CHECK(shown[1].second == 0);

    CHECK(store.reset("k") == 2);
    CHECK(store.show("k", 2000).empty());
    CHECK(store.reset("k") == 0);
    CHECK(store.value(0, "other", 2000) == 1);
    CHECK(store.stats().keys == 1);
}

TEST_CASE("a small memory cap evicts least recently updated entries and counts them") {
    window_store_settings settings;
    settings.shards = 1;
    settings.memory_cap_bytes = 64 * 1024;
    window_store store(settings);
    store.set_specs({make_spec(0, window_function::count, hour_ms, "count")});
    int hot_count = 0;
    for (int i = 0; i < 5000; ++i) {
        store.add(0, "key" + std::to_string(i), at(1000 + i));
        hot_count = static_cast<int>(store.add_and_value(0, "hot", at(1000 + i)));
    }
    const window_stats stats = store.stats();
    CHECK(stats.evicted_memory > 0);
    CHECK(stats.bytes <= settings.memory_cap_bytes);
    CHECK(stats.keys + stats.evicted_memory == 5001);
    CHECK(hot_count == 5000);  // updated all the time: never evicted
}

TEST_CASE("idle entries are reclaimed as record time moves on") {
    window_store_settings settings;
    settings.shards = 1;
    window_store store(settings);
    store.set_specs({make_spec(0, window_function::count, minute_ms, "count 1m")});
    store.add(0, "idle", at(0));
    // Idle once the shard's clock is past its window, a minute's grace and 15 minutes for a
    // feed that lags the others.
    for (int i = 0; i < 40; ++i) store.add(0, "busy" + std::to_string(i), at(17 * minute_ms + 1));
    const window_stats stats = store.stats();
    CHECK(stats.evicted_idle == 1);
    CHECK(stats.keys == 40);
    CHECK(store.value(0, "idle", 0) == 0);
}

TEST_CASE("a key of a feed that lags the others keeps its window while other keys move the clock on") {
    window_store_settings settings;
    settings.shards = 1;
    window_store store(settings);
    store.set_specs({make_spec(0, window_function::count, 10 * minute_ms, "count 10m")});
    store.add(0, "lagging", at(0));
    store.add(0, "lagging", at(1000));
    // Another feed is 12 minutes ahead: its keys move the shard's clock past the lagging
    // key's window and grace, and the idle sweep passes over every slot.
    for (int i = 0; i < 500; ++i) store.add(0, "ahead" + std::to_string(i), at(12 * minute_ms + i));
    CHECK(store.stats().evicted_idle == 0);
    CHECK(store.add_and_value(0, "lagging", at(2000)) == 3);  // in order for its own key
}

TEST_CASE("past the memory cap, entries past their window go before entries still in theirs") {
    window_store_settings settings;
    settings.shards = 1;
    settings.memory_cap_bytes = 64 * 1024;
    window_store store(settings);
    store.set_specs({make_spec(0, window_function::count, 24 * hour_ms, "count 24h"),
                     make_spec(1, window_function::count, minute_ms, "count 1m")});
    for (int i = 0; i < 150; ++i) store.add(0, "day" + std::to_string(i), at(1000));
    for (int i = 0; i < 300; ++i) store.add(1, "old" + std::to_string(i), at(1000));
    // Five minutes on, the 1-minute entries are past their window and grace (not yet idle:
    // a lagging feed may still need them); new keys take the shard past its cap.
    for (int i = 0; i < 400; ++i) store.add(1, "new" + std::to_string(i), at(5 * minute_ms + i));
    const window_stats stats = store.stats();
    CHECK(stats.bytes <= settings.memory_cap_bytes);
    CHECK(stats.evicted_idle > 0);
    int days_kept = 0;
    for (int i = 0; i < 150; ++i) days_kept += store.value(0, "day" + std::to_string(i), 5 * minute_ms + 400) == 1;
    CHECK(days_kept == 150);
}

TEST_CASE("stats count bytes per entry") {
    window_store_settings settings;
    settings.shards = 1;
    window_store store(settings);
    const std::size_t empty = store.stats().bytes;
    store.set_specs({make_spec(0, window_function::count, minute_ms, "count")});
    store.add(0, "k", at(1000));
    // One 48-byte chunk (32-byte header and room for two times) on top of the table.
    CHECK(store.stats().bytes - empty == 48);
    store.add(0, "k", at(1001));
    CHECK(store.stats().bytes - empty == 48);
    store.add(0, "k", at(1002));
    CHECK(store.stats().bytes - empty == 64);
    store.reset("k");
    CHECK(store.stats().bytes == empty);
}

TEST_CASE("concurrent adds from 4 threads give the exact total") {
    window_store store({});
    store.set_specs({make_spec(0, window_function::count, hour_ms, "count"),
                     make_spec(1, window_function::sum, hour_ms, "sum")});
    constexpr int threads = 4;
    constexpr int per_thread = 25'000;
    constexpr int keys = 100;
    std::vector<std::thread> workers;
    for (int w = 0; w < threads; ++w) {
        workers.emplace_back([&store, w] {
            for (int i = 0; i < per_thread; ++i) {
                const std::string key = "k" + std::to_string((i + w) % keys);
                store.add(0, key, at(1000 + i));
                store.add(1, key, amount_at(1000 + i, 2));
            }
        });
    }
    for (std::thread& t : workers) t.join();
    double count_total = 0;
    double sum_total = 0;
    int exact_keys = 0;
    for (int k = 0; k < keys; ++k) {
        const std::string key = "k" + std::to_string(k);
        const double count = store.value(0, key, 1000 + per_thread);
        count_total += count;
        sum_total += store.value(1, key, 1000 + per_thread);
        exact_keys += count == threads * per_thread / keys ? 1 : 0;
    }
    CHECK(count_total == threads * per_thread);
    CHECK(sum_total == 2.0 * threads * per_thread);
    CHECK(exact_keys == keys);
    CHECK(store.stats().keys == 2 * keys);
}

TEST_CASE("reloads while threads add keep every event of an unchanged spec") {
    window_store store({});
    const window_spec kept = make_spec(0, window_function::count, hour_ms, "kept");
    store.set_specs({kept, make_spec(1, window_function::count, hour_ms, "b")});
    constexpr int threads = 3;
    constexpr int per_thread = 20'000;
    std::vector<std::thread> workers;
    for (int w = 0; w < threads; ++w) {
        workers.emplace_back([&store, w] {
            for (int i = 0; i < per_thread; ++i) {
                const std::string key = "k" + std::to_string((i * 7 + w) % 50);
                store.add(0, key, at(1000 + i));
                store.add(1, key, at(1000 + i));
            }
        });
    }
    for (int reload = 0; reload < 200; ++reload) {
        store.set_specs(
            {kept, make_spec(1, window_function::count, hour_ms, reload % 2 ? "b" : "c")});
        store.show("k1", 1000);
    }
    for (std::thread& t : workers) t.join();
    double total = 0;
    for (int k = 0; k < 50; ++k)
        total += store.value(0, "k" + std::to_string(k), 1000 + per_thread);
    CHECK(total == threads * per_thread);
}

TEST_CASE("show_at_record_time reads each key at its own newest time, not at another key's newer records") {
    window_store_settings one_shard;
    one_shard.shards = 1;  // both keys in one shard, whose clock the later key moves
    window_store store(one_shard);
    store.set_specs({make_spec(0, window_function::count, hour_ms, "count 1h")});
    const std::int64_t t = 1'795'000'000'000;
    store.add(0, "Z", at(t));
    store.add(0, "Z", at(t + minute_ms));
    store.add(0, "Y", at(t + 3 * hour_ms));
    const auto z = store.show_at_record_time("Z");
    REQUIRE(z.size() == 1);
    CHECK(z[0].second == 2);
    CHECK(store.show_at_record_time("Y")[0].second == 1);
}

TEST_CASE("show_at_record_time reads every aggregate of a key at the key's newest record time, not each at its own entry's") {
    window_store store({});
    store.set_specs({make_spec(0, window_function::count, minute_ms, "ends 1m"), make_spec(1, window_function::ratio, minute_ms, "ratio 1m"),
                     make_spec(2, window_function::count, minute_ms, "attempts 1m")});
    const std::int64_t t = 1'795'000'000'000;
    store.add(0, "K", at(t));
    observation unmatched = at(t);
    unmatched.matched = false;
    store.add(1, "K", unmatched);
    store.add(2, "K", at(t + 5 * minute_ms));  // the key's newest record, five minutes on
    const auto shown = store.show_at_record_time("K");
    REQUIRE(shown.size() == 3);
    for (const auto& [spec, value] : shown) {
        CAPTURE(spec.fingerprint);
        if (spec.id == 0) CHECK(value == 0);                // the end at t is out of the window by then
        if (spec.id == 1) CHECK(std::isnan(value));         // no share: null
        if (spec.id == 2) CHECK(value == 1);
    }
    CHECK(store.show_at_record_time("nobody").empty());
}

TEST_CASE("the bytes counted stay exact while entries grow, shrink and turn into sketches") {
    // window_shard counts an entry's size again only when its block changes (every resize
    // moves it) or it is a sketch (which grows its own tables): after thousands of adds that
    // grow and shrink blocks and pass the exact distinct limit, clearing every key leaves
    // nothing counted.
    window_store_settings settings;
    settings.shards = 2;
    window_store store(settings);
    const std::size_t empty = store.stats().bytes;
    store.set_specs({make_spec(0, window_function::count, minute_ms, "count"), make_spec(1, window_function::distinct, minute_ms, "distinct"),
                     make_spec(2, window_function::sum, minute_ms, "sum")});
    std::int64_t t = 1'000'000;
    for (int i = 0; i < 30'000; ++i) {
        const std::string key = "k" + std::to_string(i % 7);
        // Bursts (blocks grow) and pauses longer than the window (they shrink).
        t += (i % 2000) < 1500 ? 7 : 500;
        store.add(0, key, at(t));
        store.add(1, key, value_at(t, static_cast<std::uint64_t>(i % 3 == 0 ? i : i % 5)));
        observation amount = at(t);
        amount.amount = i % 11;
        store.add(2, key, amount);
    }
    CHECK(store.stats().sketch_switches > 0);
    CHECK(store.stats().bytes > empty);
    for (int k = 0; k < 7; ++k) store.reset("k" + std::to_string(k));
    CHECK(store.stats().keys == 0);
    CHECK(store.stats().bytes == empty);
}
