// Shared event lists (window_spec::members): count and ratio aggregates of one event kind,
// key and window keep one list with a flag bit per member. Each member must read exactly
// what its own list would, whatever the events, through reloads that add, drop or reorder
// members, and through a snapshot saved under another member list.
#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "engine/state/spec_table.hpp"
#include "engine/state/window_store.hpp"
#include "window_test_support.hpp"

using namespace ringfence::engine::state;
using namespace ringfence::engine::state::testing;

namespace {

constexpr std::int64_t t0 = 1'795'000'000'000;

window_spec shared_spec(std::uint32_t id, std::vector<shared_member> members, std::int64_t window_ms = hour_ms) {
    window_spec s = make_spec(id, window_function::count, window_ms, "shared|caller|1h");
    s.members = std::move(members);
    return s;
}

const shared_member count_all{"count all", window_function::count};
const shared_member count_even{"count even", window_function::count};
const shared_member ratio_even{"ratio even", window_function::ratio};
const shared_member ratio_third{"ratio third", window_function::ratio};

observation shared_at(std::int64_t t, std::uint8_t flags, const std::vector<shared_member>& members) {
    observation o = at(t);
    o.flags = flags;
    o.matched = flags != 0;
    o.layout = members_layout(members);
    return o;
}

// A member's value read in the member order `members`.
double read(window_store& store, const std::vector<shared_member>& members, unsigned m, std::string_view key, std::int64_t t) {
    return store.member_value(0, members_layout(members), m, key, t);
}

bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

struct temp_file {
    std::filesystem::path path = std::filesystem::temp_directory_path() /
                                 ("ringfence-shared-lists-" + std::to_string(::getpid()) + ".sqlite");
    ~temp_file() { std::filesystem::remove(path); }
};

}  // namespace

TEST_CASE("shared list: each member reads what its own count or ratio list would, at any time") {
    const std::vector<shared_member> members{count_all, count_even, ratio_even, ratio_third};
    window_store own({});
    own.set_specs({make_spec(0, window_function::count, hour_ms, "count all"), make_spec(1, window_function::count, hour_ms, "count even"),
                   make_spec(2, window_function::ratio, hour_ms, "ratio even"), make_spec(3, window_function::ratio, hour_ms, "ratio third")});
    window_store shared({});
    shared.set_specs({shared_spec(0, members)});
    std::mt19937_64 random(29);
    std::int64_t t = t0;
    for (int i = 0; i < 20'000; ++i) {
        t += static_cast<std::int64_t>(random() % 20'000);
        // Late ones too, within the grace that keeps a late record's window exact (further
        // back, each list has pruned what its own newest event put out of reach).
        const std::int64_t when = t - static_cast<std::int64_t>(random() % late_record_grace_ms);
        const std::string key = "+8491" + std::to_string(random() % 30);
        const std::uint64_t n = random();
        const bool even = n % 2 == 0, third = n % 3 == 0;
        std::vector<batched_add> batch(1);
        batch[0].spec_id = 0;
        batch[0].key = key;
        batch[0].o = shared_at(when, static_cast<std::uint8_t>(1 | (even ? 2 : 0) | (even ? 4 : 0) | (third ? 8 : 0)), members);
        batch[0].want_value = true;
        shared.add_batch(batch);
        const double expected[4] = {own.add_and_value(0, key, matched_at(when, true)), own.add_and_value(1, key, matched_at(when, even)),
                                    own.add_and_value(2, key, matched_at(when, even)), own.add_and_value(3, key, matched_at(when, third))};
        for (unsigned m = 0; m < 4; ++m) {
            INFO("event " << i << " member " << m << ": " << batch[0].members[m] << " vs " << expected[m] << " late by " << t - when);
            REQUIRE(same(batch[0].members[m], expected[m]));
        }
        if (i % 97 == 0) {
            // Reads at other times, as `for` readers make: exact within the grace for late
            // records before the newest event (further back, each list has pruned what its own
            // newest event put out of reach, and a shared list's newest event is any member's).
            const std::int64_t at_time = t - static_cast<std::int64_t>(random() % late_record_grace_ms);
            for (unsigned m = 0; m < 4; ++m) {
                INFO("member " << m << " at " << at_time - t << " from the newest: " << read(shared, members, m, key, at_time) << " vs "
                               << own.value(m, key, at_time));
                REQUIRE(same(read(shared, members, m, key, at_time), own.value(m, key, at_time)));
            }
        }
    }
    CHECK(shared.stats().keys == 30);
    CHECK(own.stats().keys == 4 * 30);  // each aggregate its own entries
    CHECK(shared.stats().bytes < own.stats().bytes);
}

TEST_CASE("shared list: a count-only list keeps no event that no member counts") {
    const std::vector<shared_member> members{count_even};
    window_store store({});
    store.set_specs({shared_spec(0, members)});
    std::vector<batched_add> batch(1);
    batch[0].spec_id = 0;
    batch[0].key = "k";
    batch[0].o = shared_at(t0, 0, members);
    batch[0].want_value = true;
    store.add_batch(batch);
    CHECK(batch[0].members[0] == 0);
    CHECK(store.stats().keys == 0);
    batch[0].o = shared_at(t0 + 1, 1, members);
    store.add_batch(batch);
    CHECK(batch[0].members[0] == 1);
    CHECK(store.stats().keys == 1);
}

TEST_CASE("shared list: an add made under another member list is answered but not stored") {
    const std::vector<shared_member> members{count_all, ratio_even};
    window_store store({});
    store.set_specs({shared_spec(0, members)});
    std::vector<batched_add> batch(1);
    batch[0].spec_id = 0;
    batch[0].key = "k";
    batch[0].o = shared_at(t0, 3, {ratio_even, count_all});  // bits in another order
    batch[0].want_value = true;
    store.add_batch(batch);
    CHECK(store.stats().keys == 0);
    CHECK(std::isnan(batch[0].members[0]));  // no rule reads a value from it
    CHECK(std::isnan(batch[0].members[1]));
    batch[0].o = shared_at(t0, 3, members);
    store.add_batch(batch);
    CHECK(read(store, members, 0, "k", t0) == 1);
}

TEST_CASE("shared list: a reload keeps each member still loaded, drops the gone, starts the new empty") {
    window_store store({});
    store.set_specs({shared_spec(0, {count_all, ratio_even, ratio_third})});
    const std::vector<shared_member> before{count_all, ratio_even, ratio_third};
    for (int i = 0; i < 6; ++i) {
        std::vector<batched_add> batch(1);
        batch[0].spec_id = 0;
        batch[0].key = "k";
        batch[0].o = shared_at(t0 + i * 1000, static_cast<std::uint8_t>(1 | (i % 2 == 0 ? 2 : 0) | (i % 3 == 0 ? 4 : 0)), before);
        store.add_batch(batch);
    }
    CHECK(read(store, before, 0, "k", t0 + 5000) == 6);
    CHECK(read(store, before, 1, "k", t0 + 5000) == 0.5);
    CHECK(read(store, before, 2, "k", t0 + 5000) == doctest::Approx(2.0 / 6));

    // Reload: ratio_third gone, count_even new (before the others in bit order), the rest moved.
    const std::vector<shared_member> after{count_even, ratio_even, count_all};
    store.set_specs({shared_spec(0, after)});
    CHECK(read(store, after, 2, "k", t0 + 5000) == 6);    // count_all kept its events
    CHECK(read(store, after, 1, "k", t0 + 5000) == 0.5);  // ratio_even too
    CHECK(read(store, after, 0, "k", t0 + 5000) == 0);    // count_even starts empty
    // A record decided on the rule set before the reload reads in the order before.
    CHECK(read(store, before, 0, "k", t0 + 5000) == 6);
    CHECK(std::isnan(read(store, before, 2, "k", t0 + 5000)));  // ratio_third is gone
    // A ratio member new to the list counts no event before the reload, matched or not.
    const std::vector<shared_member> again{count_even, ratio_even, count_all, ratio_third};
    store.set_specs({shared_spec(0, again)});
    CHECK(std::isnan(read(store, again, 3, "k", t0 + 5000)));
    std::vector<batched_add> batch(1);
    batch[0].spec_id = 0;
    batch[0].key = "k";
    batch[0].o = shared_at(t0 + 6000, 1 | 4 | 8, {count_even, ratio_even, count_all, ratio_third});
    batch[0].want_value = true;
    store.add_batch(batch);
    CHECK(batch[0].members[3] == 1);  // 1 of the 1 event it saw
    CHECK(batch[0].members[2] == 7);
    CHECK(batch[0].members[0] == 1);
    // state show names each member.
    const auto shown = store.show("k", t0 + 6000);
    REQUIRE(shown.size() == 4);
    CHECK(shown[0].first.fingerprint == "count even");
    CHECK(shown[2].first.fingerprint == "count all");
    CHECK(shown[2].second == 7);
}

TEST_CASE("shared list: a snapshot restores each member, under the same members or others") {
    const std::vector<shared_member> saved{count_all, ratio_even};
    temp_file file;
    {
        window_store store({});
        store.set_specs({shared_spec(0, saved)});
        for (int i = 0; i < 4; ++i) {
            std::vector<batched_add> batch(1);
            batch[0].spec_id = 0;
            batch[0].key = "k";
            batch[0].o = shared_at(t0 + i * 1000, static_cast<std::uint8_t>(1 | (i % 2 == 0 ? 2 : 0)), saved);
            store.add_batch(batch);
        }
        REQUIRE(store.save_snapshot(file.path.string()) == "");
    }
    {
        window_store same_members({});
        same_members.set_specs({shared_spec(0, saved)});
        REQUIRE(same_members.load_snapshot(file.path.string()) == "");
        CHECK(read(same_members, saved, 0, "k", t0 + 3000) == 4);
        CHECK(read(same_members, saved, 1, "k", t0 + 3000) == 0.5);
    }
    {
        window_store other_members({});
        const std::vector<shared_member> now{ratio_even, ratio_third, count_all};
        other_members.set_specs({shared_spec(0, now)});
        REQUIRE(other_members.load_snapshot(file.path.string()) == "");
        CHECK(read(other_members, now, 0, "k", t0 + 3000) == 0.5);
        CHECK(std::isnan(read(other_members, now, 1, "k", t0 + 3000)));  // new: nothing before the snapshot
        CHECK(read(other_members, now, 2, "k", t0 + 3000) == 4);
    }
    {
        window_store other_window({});  // another window is another list: not restored
        other_window.set_specs({shared_spec(0, saved, 2 * hour_ms)});
        REQUIRE(other_window.load_snapshot(file.path.string()) == "");
        CHECK(other_window.stats().keys == 0);
    }
}

TEST_CASE("shared list: a record decided on the rule set before a reload adds in its member order, translated") {
    const std::vector<shared_member> before{count_all, ratio_even};
    const std::vector<shared_member> after{count_even, ratio_even, count_all};
    window_store store({});
    store.set_specs({shared_spec(0, before)});
    std::vector<batched_add> batch(1);
    batch[0].spec_id = 0;
    batch[0].key = "k";
    batch[0].want_value = true;
    batch[0].o = shared_at(t0, 1 | 2, before);
    store.add_batch(batch);
    store.set_specs({shared_spec(0, after)});
    batch[0].o = shared_at(t0 + 1, 1, before);  // in flight: count_all yes, ratio_even no
    store.add_batch(batch);
    CHECK(batch[0].members[0] == 2);    // count_all, answered at its old bit
    CHECK(batch[0].members[1] == 0.5);  // ratio_even: 1 of 2
    CHECK(read(store, after, 2, "k", t0 + 1) == 2);  // stored under the new bits
    CHECK(read(store, after, 1, "k", t0 + 1) == 0.5);
}

TEST_CASE("shared list: a member's birth survives a snapshot, and one future record does not set it") {
    const std::int64_t wall = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch()).count();
    const std::vector<shared_member> before{count_all};
    const std::vector<shared_member> after{count_all, ratio_even};
    temp_file file;
    auto add = [](window_store& store, const std::vector<shared_member>& members, std::string_view key, std::int64_t t, std::uint8_t flags) {
        std::vector<batched_add> batch(1);
        batch[0].spec_id = 0;
        batch[0].key = key;
        batch[0].want_value = true;
        batch[0].o = shared_at(t, flags, members);
        store.add_batch(batch);
        return batch[0].members;
    };
    {
        window_store store({});
        store.set_specs({shared_spec(0, before)});
        for (int i = 0; i < 3; ++i) add(store, before, "k", wall - 10'000 + i, 1);
        add(store, before, "skewed", wall + 24 * hour_ms, 1);  // one source's clock a day ahead
        store.set_specs({shared_spec(0, after)});
        const auto v = add(store, after, "k", wall + 1000, 1 | 2);
        CHECK(v[1] == 1);  // the new ratio: 1 of the 1 record after the reload
        CHECK(v[0] == 4);
        REQUIRE(store.save_snapshot(file.path.string()) == "");
    }
    window_store restarted({});
    restarted.set_specs({shared_spec(0, after)});
    REQUIRE(restarted.load_snapshot(file.path.string()) == "");
    CHECK(read(restarted, after, 1, "k", wall + 1000) == 1);  // still counts from its birth
    CHECK(read(restarted, after, 0, "k", wall + 1000) == 4);
}
