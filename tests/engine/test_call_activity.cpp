// The call history behind call.gap_ms and caller.concurrent_calls, with records out of order
// (several links, a mirror): a late attempt is not taken for part of a burst, and an end that
// arrives before its answer still closes the call.
#include <doctest/doctest.h>

#include "engine/call_activity.hpp"

using namespace ringfence;

namespace {

constexpr std::int64_t t0 = 1'795'000'000'000;

model::record call(model::event_kind kind, std::int64_t t_ms, const std::string& callee = "+84987000001") {
    model::record r;
    r.kind = kind;
    r.time_ms = t_ms;
    r.caller = {true, "+84912345678", "+84912345678", "VN", model::number_type::mobile, true};
    r.callee = {true, callee, callee, "VN", model::number_type::mobile, true};
    if (kind == model::event_kind::call_end) {
        r.call.present = true;
        r.call.talk_ms = 5000;
    }
    return r;
}

}  // namespace

TEST_CASE("call.gap_ms: in order the time since the previous attempt, out of order the time to the newest one") {
    engine::call_activity a;
    auto gap = [&](std::int64_t t) { return a.observe(call(model::event_kind::call_attempt, t), {true, false, false, false}).gap_ms; };
    CHECK_FALSE(gap(t0 + 60'000).has_value());  // the first one seen
    // Attempts 15 s apart arriving newest first: never a gap under 15 s, never 0.
    CHECK(gap(t0 + 45'000) == 15'000);
    CHECK(gap(t0 + 30'000) == 30'000);
    CHECK(gap(t0 + 15'000) == 45'000);
    CHECK(gap(t0 + 75'000) == 15'000);  // in order again: since the newest, +60 s
    CHECK(gap(t0 + 75'000) == 0);       // the same instant
}

TEST_CASE("caller.concurrent_calls: an end that arrives before its answer closes the call") {
    engine::call_activity a;
    auto concurrent = [&](model::event_kind k, std::int64_t t, const std::string& callee) {
        return a.observe(call(k, t, callee), {false, false, false, true}).concurrent_calls;
    };
    CHECK(concurrent(model::event_kind::call_end, t0 + 10'000, "+84987000001") == 0);     // end first
    CHECK(concurrent(model::event_kind::call_answer, t0 + 5'000, "+84987000001") == 0);   // then its answer
    CHECK(concurrent(model::event_kind::call_answer, t0 + 20'000, "+84987000002") == 1);  // another call, in order
    CHECK(concurrent(model::event_kind::call_attempt, t0 + 9'000'000, "+84987000003") == 1);
    CHECK(concurrent(model::event_kind::call_end, t0 + 9'100'000, "+84987000002") == 0);
    // The same pair called again later: its answer opens a new call, its end closes it.
    CHECK(concurrent(model::event_kind::call_answer, t0 + 9'200'000, "+84987000001") == 1);
    CHECK(concurrent(model::event_kind::call_end, t0 + 9'300'000, "+84987000001") == 0);
    // An unanswered call's end (no talk) leaves nothing waiting for an answer.
    model::record unanswered = call(model::event_kind::call_end, t0 + 9'400'000, "+84987000004");
    unanswered.call.talk_ms = 0;
    const std::size_t before = a.entries();
    a.observe(unanswered, {false, false, false, true});
    CHECK(a.entries() == before);
}

TEST_CASE("ends that wait for an answer are few and short-lived: a feed that never sends answers keeps the table small") {
    engine::call_activity a;
    for (int i = 0; i < 300'000; ++i) {
        model::record end = call(model::event_kind::call_end, t0 + i, "+8498" + std::to_string(1'000'000 + i));
        end.call.talk_ms.reset();  // no talk said: an answer may still come
        a.observe(end, {false, false, false, true});
    }
    CHECK(a.entries() <= 32 * engine::call_activity::max_ended_first_per_shard);
}

TEST_CASE("the call history saved and restored row by row carries on as if never stopped") {
    engine::call_activity before;
    before.observe(call(model::event_kind::call_attempt, t0), {true, false, true, true});
    before.observe(call(model::event_kind::call_answer, t0 + 1000), {true, false, true, true});
    before.observe(call(model::event_kind::call_attempt, t0 + 2000, "+84987000002"), {true, false, true, true});
    before.observe(call(model::event_kind::call_answer, t0 + 3000, "+84987000002"), {true, false, true, true});
    struct row {
        int part, shard;
        std::uint64_t key;
        std::int64_t value;
    };
    std::vector<row> rows;
    CHECK(before.save([&](int part, int shard, std::uint64_t key, std::int64_t value) {
        rows.push_back({part, shard, key, value});
        return std::string();
    }) == "");
    CHECK(rows.size() == before.entries() + 1);  // and the caller's count of calls in progress
    engine::call_activity after;
    for (const row& r : rows) after.restore(r.part, r.shard, r.key, r.value);
    after.restore(9, 0, 1, 1);   // a part and a shard out of range (a damaged file): ignored
    after.restore(0, 99, 1, 1);
    after.finish_restore();
    CHECK(after.entries() == before.entries());
    // The next attempt to the first callee: 60 s after the last attempt, not a first contact;
    // two answered calls are in progress.
    const auto r = after.observe(call(model::event_kind::call_attempt, t0 + 62'000), {true, false, true, true});
    CHECK(r.gap_ms == 60'000);
    CHECK_FALSE(r.first_contact);
    CHECK(r.concurrent_calls == 2);
}

TEST_CASE("caller.concurrent_calls: an answered call whose end never comes stops counting max_call_ms after its answer") {
    engine::call_activity_settings s;
    s.max_call_ms = 3'600'000;
    engine::call_activity a(s);
    auto concurrent = [&](model::event_kind k, std::int64_t t, const std::string& callee) {
        return a.observe(call(k, t, callee), {false, false, false, true}).concurrent_calls;
    };
    CHECK(concurrent(model::event_kind::call_answer, t0, "+84987000001") == 1);  // its BYE is lost
    CHECK(concurrent(model::event_kind::call_answer, t0 + 1'800'000, "+84987000002") == 2);
    // An hour and a minute on, the first call has gone; the second still talks.
    CHECK(concurrent(model::event_kind::call_attempt, t0 + 3'660'000, "+84987000003") == 1);
    // Its end, after all, changes nothing; the second call's end closes that one.
    CHECK(concurrent(model::event_kind::call_end, t0 + 3'700'000, "+84987000001") == 1);
    CHECK(concurrent(model::event_kind::call_end, t0 + 3'720'000, "+84987000002") == 0);
    CHECK(concurrent(model::event_kind::call_answer, t0 + 3'800'000, "+84987000004") == 1);
}

TEST_CASE("caller.concurrent_calls: calls dropped at the table's cap leave their caller's count as well") {
    engine::call_activity_settings s;
    s.max_entries_per_shard = 8;
    engine::call_activity a(s);
    std::int64_t last = 0;
    for (int i = 0; i < 20; ++i) {
        last = a.observe(call(model::event_kind::call_answer, t0 + i * 1000, "+8498700" + std::to_string(1000 + i)), {false, false, false, true})
                   .concurrent_calls;
        CHECK(last <= 8);
    }
    CHECK(last >= 4);  // the newer calls are kept
    // Every end comes: nothing stays counted (the dropped calls' ends find nothing to close).
    for (int i = 0; i < 20; ++i)
        last = a.observe(call(model::event_kind::call_end, t0 + 30'000 + i, "+8498700" + std::to_string(1000 + i)), {false, false, false, true})
                   .concurrent_calls;
    CHECK(last == 0);
}

TEST_CASE("the calls in progress restored from a snapshot still end by age, and a reset clears a caller's") {
    engine::call_activity_settings s;
    s.max_call_ms = 3'600'000;
    engine::call_activity before(s);
    before.observe(call(model::event_kind::call_answer, t0, "+84987000001"), {false, false, false, true});
    before.observe(call(model::event_kind::call_answer, t0 + 1000, "+84987000002"), {false, false, false, true});
    engine::call_activity after(s);
    CHECK(before.save([&](int part, int shard, std::uint64_t key, std::int64_t value) {
        after.restore(part, shard, key, value);
        return std::string();
    }) == "");
    after.finish_restore();
    CHECK(after.observe(call(model::event_kind::call_attempt, t0 + 60'000), {false, false, false, true}).concurrent_calls == 2);
    CHECK(after.observe(call(model::event_kind::call_attempt, t0 + 3'700'000), {false, false, false, true}).concurrent_calls == 0);

    // A reset: the caller's calls in progress are forgotten, and their ends later take
    // nothing off the calls answered since.
    before.reset("+84912345678");
    CHECK(before.observe(call(model::event_kind::call_answer, t0 + 5000, "+84987000003"), {false, false, false, true}).concurrent_calls == 1);
    CHECK(before.observe(call(model::event_kind::call_end, t0 + 6000, "+84987000001"), {false, false, false, true}).concurrent_calls == 1);
    CHECK(before.observe(call(model::event_kind::call_end, t0 + 7000, "+84987000003"), {false, false, false, true}).concurrent_calls == 0);
}

TEST_CASE("call.idle_ms: the time since the caller's previous call ended, whatever its length") {
    engine::call_activity a;
    const engine::call_activity_needs idle{false, true, false, false};
    auto attempt = [&](std::int64_t t, const std::string& callee) { return a.observe(call(model::event_kind::call_attempt, t, callee), idle).idle_ms; };
    auto end = [&](std::int64_t t, const std::string& callee) { a.observe(call(model::event_kind::call_end, t, callee), idle); };
    CHECK_FALSE(attempt(t0, "+84987000001").has_value());  // no end of theirs seen yet
    end(t0 + 25'000, "+84987000001");                         // a 25 s recorded message
    CHECK(attempt(t0 + 30'000, "+84987000002") == 5'000);     // 5 s later: a short gap, though 30 s apart
    end(t0 + 55'000, "+84987000002");
    CHECK(attempt(t0 + 50'000, "+84987000003") == std::nullopt);  // stamped before that end: says nothing
    CHECK(attempt(t0 + 175'000, "+84987000004") == 120'000);

    // Kept in the snapshot with the rest of the history.
    engine::call_activity after;
    CHECK(a.save([&](int part, int shard, std::uint64_t key, std::int64_t value) {
        after.restore(part, shard, key, value);
        return std::string();
    }) == "");
    after.finish_restore();
    CHECK(after.observe(call(model::event_kind::call_attempt, t0 + 60'000, "+84987000005"), idle).idle_ms == 5'000);
}

TEST_CASE("a snapshot from before calls kept their caller: its calls in progress are dropped, no count is left stuck") {
    engine::call_activity before;
    const engine::call_activity_needs concurrency{false, false, false, true};
    for (const char* callee : {"+84987000001", "+84987000002", "+84987000003"})
        before.observe(call(model::event_kind::call_answer, t0, callee), concurrency);
    engine::call_activity after;
    CHECK(before.save([&](int part, int shard, std::uint64_t key, std::int64_t value) {
        if (part < 5) after.restore(part, shard, key, value);  // parts 0-4: the older format
        return std::string();
    }) == "");
    after.finish_restore();
    // The three calls end: nothing stays counted; a new call counts from one.
    for (const char* callee : {"+84987000001", "+84987000002", "+84987000003"})
        CHECK(after.observe(call(model::event_kind::call_end, t0 + 60'000, callee), concurrency).concurrent_calls == 0);
    CHECK(after.observe(call(model::event_kind::call_answer, t0 + 70'000, "+84987000004"), concurrency).concurrent_calls == 1);
}

TEST_CASE("the callers' history at its cap keeps the newest callers and every caller with calls in progress") {
    engine::call_activity_settings s;
    s.max_entries_per_shard = 8;
    engine::call_activity a(s);
    const engine::call_activity_needs needs{true, true, false, true};
    auto from = [](const std::string& caller, model::event_kind kind, std::int64_t t) {
        model::record r = call(kind, t);
        r.caller.raw = r.caller.e164 = caller;
        return r;
    };
    // A caller in a call, then 2,000 others calling once each: every shard's table fills and
    // is trimmed again and again.
    CHECK(a.observe(call(model::event_kind::call_answer, t0), needs).concurrent_calls == 1);
    for (int i = 0; i < 2000; ++i) a.observe(from("+8491" + std::to_string(2'000'000 + i), model::event_kind::call_attempt, t0 + 1000 + i), needs);
    CHECK(a.entries() <= 32 * 8 + 2);  // the callers' last attempts, and the call in progress (2 values)
    // The caller in a call still has it; the newest caller still has its last attempt.
    const auto in_call = a.observe(call(model::event_kind::call_attempt, t0 + 5000), needs);
    CHECK(in_call.concurrent_calls == 1);
    CHECK_FALSE(in_call.gap_ms.has_value());
    CHECK(a.observe(from("+84912001999", model::event_kind::call_attempt, t0 + 6000), needs).gap_ms == 6000 - 2999);
    // Its end closes the call as the table never dropped it.
    CHECK(a.observe(call(model::event_kind::call_end, t0 + 7000), needs).concurrent_calls == 0);
}
