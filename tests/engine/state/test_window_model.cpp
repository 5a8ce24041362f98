// The window store against a straightforward model of the documented semantics: each key's
// events, pruned relative to the newest time seen, an event older than that window not
// stored, and the aggregate over (t - window, t]. Events are kept for the window and a
// minute of grace for late records (late_record_grace_ms).
#include <doctest/doctest.h>


#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "engine/state/window_store.hpp"
#include "window_test_support.hpp"

using namespace ringfence::engine::state;
using namespace ringfence::engine::state::testing;

namespace {

struct model_event {
    std::int64_t time;
    bool flag;
    double amount;
};

struct model_entry {
    std::int64_t newest = INT64_MIN;
    std::vector<model_event> events;

    // Returns false when the event is older than the window (not stored).
    bool add(const model_event& e, std::int64_t window) {
        const std::int64_t newest_after = std::max(newest, e.time);
        if (e.time <= newest_after - window) return false;
        newest = newest_after;
        std::erase_if(events, [&](const model_event& x) { return x.time <= newest - window; });
        events.push_back(e);
        return true;
    }

    double value(window_function fn, std::int64_t window, std::int64_t t) const {
        double n = 0, flagged = 0, sum = 0;
        for (const model_event& e : events) {
            if (e.time <= t - window || e.time > t) continue;
            ++n;
            flagged += e.flag ? 1 : 0;
            sum += e.amount;
        }
        switch (fn) {
            case window_function::count:
                return n;
            case window_function::ratio:
            case window_function::outgoing_share:
                return n == 0 ? no_share : flagged / n;
            case window_function::sum:
                return sum;
            case window_function::distinct:
                return 0;
        }
        return 0;
    }
};

// Equal, or both no_share (NaN, which equals nothing).
bool same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

}  // namespace

TEST_CASE("count, ratio, sum and share match the model with out-of-order records") {
    const window_function functions[] = {window_function::count, window_function::ratio,
                                         window_function::sum, window_function::outgoing_share};
    const std::int64_t window = 5 * minute_ms;
    for (window_function fn : functions) {
        CAPTURE(to_string(fn));
        window_store store({});
        store.set_specs({make_spec(0, fn, window, "spec")});
        std::vector<model_entry> model(20);
        std::mt19937_64 random(99);
        std::int64_t clock = 1'700'000'000'000;
        int mismatches = 0;
        for (int step = 0; step < 40'000; ++step) {
            // Time mostly moves on, sometimes jumps, and records arrive up to 20 s late;
            // now and then one is far too late.
            clock += static_cast<std::int64_t>(random() % 400);
            if (random() % 5000 == 0) clock += 30 * minute_ms;
            std::int64_t t = clock - static_cast<std::int64_t>(random() % 20'000);
            if (random() % 500 == 0) t -= 10 * minute_ms;
            const std::size_t k = random() % model.size();
            observation o = at(t);
            o.matched = random() % 3 != 0;
            o.outgoing = random() % 2 == 0;
            o.amount = static_cast<double>(random() % 100'000);
            const bool flag = fn == window_function::ratio ? o.matched : o.outgoing;
            if (fn == window_function::count || fn == window_function::sum) o.matched = true;
            const std::string key = "k" + std::to_string(k);
            const double got = store.add_and_value(0, key, o);
            const model_event e{t, flag, fn == window_function::sum ? o.amount : 0};
            const double expected = model[k].add(e, window + late_record_grace_ms)  // kept: window and grace
                                        ? model[k].value(fn, window, t)
                                        : model_entry{INT64_MIN, {e}}.value(fn, window, t);
            mismatches += same(got, expected) ? 0 : 1;
            // A query at another time near the present.
            const std::int64_t q = clock - static_cast<std::int64_t>(random() % (2 * window));
            mismatches += same(store.value(0, key, q), model[k].value(fn, window, q)) ? 0 : 1;
        }
        CHECK(mismatches == 0);
    }
}
