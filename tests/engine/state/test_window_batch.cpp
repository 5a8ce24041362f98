// window_store::add_batch against the same adds made one by one: the batch only reorders
// memory loads, never the adds, so every answer and the final state must be the same,
// including batches that touch one key twice, longer batches than one chunk, adds for spec
// ids that are not loaded, and several threads batching at once.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/state/window_store.hpp"
#include "window_test_support.hpp"

using namespace ringfence::engine::state;
using namespace ringfence::engine::state::testing;

namespace {

std::vector<window_spec> batch_specs() {
    return {make_spec(0, window_function::count, 10 * minute_ms, "count"),
            make_spec(1, window_function::ratio, hour_ms, "ratio"),
            make_spec(2, window_function::sum, 5 * minute_ms, "sum"),
            make_spec(3, window_function::distinct, hour_ms, "distinct"),
            make_spec(4, window_function::outgoing_share, 24 * hour_ms, "share")};
}

struct planned_add {
    std::uint32_t spec_id;
    std::string key;
    observation o;
    bool want_value;
};

// A record's worth of adds: a few keys, every spec, sometimes a key twice, sometimes a spec
// id nobody loaded.
std::vector<planned_add> plan_record(std::mt19937_64& random, std::int64_t t) {
    std::vector<planned_add> adds;
    const std::size_t n = 1 + random() % 40;  // past one chunk of 32 now and then
    const std::string caller = "+8491" + std::to_string(random() % 50);
    const std::string callee = "+8498" + std::to_string(random() % 50);
    for (std::size_t i = 0; i < n; ++i) {
        planned_add a;
        a.spec_id = static_cast<std::uint32_t>(random() % 6);  // 5 is not loaded
        a.key = random() % 3 == 0 ? callee : caller;
        a.o.time_ms = t - static_cast<std::int64_t>(random() % 2000);
        a.o.matched = random() % 4 != 0;
        a.o.amount = static_cast<double>(random() % 100);
        a.o.value_hash = random() % 80;
        a.o.outgoing = random() % 2 == 0;
        a.want_value = random() % 5 != 0;
        adds.push_back(a);
    }
    return adds;
}

}  // namespace

TEST_CASE("add_batch answers and leaves the state exactly as the same adds one by one") {
    window_store one_by_one({});
    window_store batched({});
    one_by_one.set_specs(batch_specs());
    batched.set_specs(batch_specs());
    std::mt19937_64 random(2026);
    std::int64_t t = 1'795'000'000'000;
    std::vector<batched_add> batch;
    std::size_t compared = 0;
    for (int record = 0; record < 20'000; ++record) {
        t += static_cast<std::int64_t>(random() % 3000);
        const std::vector<planned_add> adds = plan_record(random, t);
        batch.clear();
        for (const planned_add& a : adds) {
            batched_add b;
            b.spec_id = a.spec_id;
            b.key = a.key;
            b.o = a.o;
            b.want_value = a.want_value;
            b.value = -1;  // must be overwritten
            batch.push_back(b);
        }
        batched.add_batch(batch);
        for (std::size_t i = 0; i < adds.size(); ++i) {
            const planned_add& a = adds[i];
            double expected = 0;
            if (a.want_value) {
                expected = one_by_one.add_and_value(a.spec_id, a.key, a.o);
            } else {
                one_by_one.add(a.spec_id, a.key, a.o);
            }
            REQUIRE(batch[i].value == expected);
            ++compared;
        }
    }
    CHECK(compared > 100'000);
    for (int k = 0; k < 50; ++k) {
        for (const std::string& key : {"+8491" + std::to_string(k), "+8498" + std::to_string(k)}) {
            const auto expected = one_by_one.show(key, t);
            const auto got = batched.show(key, t);
            REQUIRE(got.size() == expected.size());
            for (std::size_t i = 0; i < got.size(); ++i) {
                CHECK(got[i].first.id == expected[i].first.id);
                CHECK(got[i].second == expected[i].second);
            }
        }
    }
    const window_stats a = one_by_one.stats();
    const window_stats b = batched.stats();
    CHECK(a.keys == b.keys);
    CHECK(a.bytes == b.bytes);
    CHECK(a.late_dropped == b.late_dropped);
}

TEST_CASE("add_batch from several threads counts every add once, across reloads") {
    window_store store({});
    store.set_specs({make_spec(0, window_function::count, hour_ms, "count")});
    const std::int64_t t = 1'795'000'000'000;
    const int threads = 4, batches = 2000, keys = 37;
    std::vector<std::thread> workers;
    for (int w = 0; w < threads; ++w) {
        workers.emplace_back([&, w] {
            std::vector<std::string> names;
            for (int k = 0; k < keys; ++k) names.push_back("key-" + std::to_string((k + w) % keys));
            std::vector<batched_add> batch(keys);
            for (int i = 0; i < batches; ++i) {
                for (int k = 0; k < keys; ++k) {
                    batch[k].spec_id = 0;
                    batch[k].key = names[k];
                    batch[k].o = at(t);
                    batch[k].want_value = false;
                }
                store.add_batch(batch);
            }
        });
    }
    // Reloads of the same definitions swap the spec generation under the batches (which then
    // hash again) and keep the state.
    std::thread reloader([&] {
        for (int i = 0; i < 200; ++i) store.set_specs({make_spec(0, window_function::count, hour_ms, "count")});
    });
    for (auto& worker : workers) worker.join();
    reloader.join();
    for (int k = 0; k < keys; ++k) {
        CHECK(store.value(0, "key-" + std::to_string(k), t) == threads * batches);
    }
}
