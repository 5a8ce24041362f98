#include "engine/call_activity.hpp"

#include "engine/lists/string_hash.hpp"

#include <algorithm>
#include <vector>

namespace ringfence::engine {

namespace {

std::uint64_t pair_hash(std::string_view a, std::string_view b) { return lists::hash_string(a) * 31 ^ lists::hash_string(b); }

std::string_view party(const model::number_info& n) { return n.e164.empty() ? std::string_view(n.raw) : std::string_view(n.e164); }

// The time at or before which half of a table's entries are (time_of reads an entry's time).
template <class V, class TimeOf>
std::int64_t median_time(const flat_u64_table<V>& m, TimeOf time_of) {
    std::vector<std::int64_t> times;
    times.reserve(m.size());
    m.for_each_value([&](const V& v) { times.push_back(time_of(v)); });
    std::nth_element(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2), times.end());
    return times[times.size() / 2];
}

// At cap entries, drops those older than older_than, then the older half. An entry pinned()
// holds (a caller with calls in progress) goes only when the table is still full without
// the others.
template <class V, class TimeOf, class Pinned>
void trim_table(flat_u64_table<V>& m, std::size_t cap, std::int64_t older_than, TimeOf time_of, Pinned pinned) {
    if (m.size() < cap) return;
    m.erase_values_if([&](const V& v) { return !pinned(v) && time_of(v) < older_than; });
    if (m.size() < cap) return;
    // Still full of recent entries: drop the older half.
    const std::int64_t median = median_time(m, time_of);
    m.erase_values_if([&](const V& v) { return !pinned(v) && time_of(v) <= median; });
    if (m.size() >= cap) m.erase_values_if([&](const V& v) { return time_of(v) <= median; });
}

}  // namespace

call_activity::call_activity(call_activity_settings s) : settings_(s) {}

void call_activity::trim(flat_u64_map& m, std::int64_t older_than, std::size_t cap) {
    trim_table(m, cap == 0 ? settings_.max_entries_per_shard : cap, older_than, [](std::int64_t t) { return t; }, [](std::int64_t) { return false; });
}

call_activity::caller_state& call_activity::caller_entry(shard& s, std::uint64_t ch, std::int64_t t) {
    if (caller_state* c = s.callers.find(ch)) return *c;
    // Trimmed by each caller's newest time, before the insert: the entry returned stays where it is.
    trim_table(
        s.callers, settings_.max_entries_per_shard, t - settings_.first_contact_lookback_ms,
        [](const caller_state& c) { return std::max(c.last_attempt, c.last_end); }, [](const caller_state& c) { return c.active != 0; });
    return *s.callers.try_emplace(ch, caller_state{}).first;
}

call_activity_result call_activity::observe(const model::record& rec, call_activity_needs needs) {
    const bool gap = needs.gap, first_contact = needs.first_contact, concurrency = needs.concurrency;
    call_activity_result r;
    const std::string_view caller = party(rec.caller);
    const std::string_view callee = party(rec.callee);
    if (caller.empty()) return r;
    const std::uint64_t ch = lists::hash_string(caller);
    const std::int64_t t = rec.time_ms;
    const bool attempt = rec.kind == model::event_kind::call_attempt;
    const bool ending = rec.kind == model::event_kind::call_end;
    // The caller's entry is read or kept under one lock of its shard: an attempt's (gap, idle,
    // calls in progress) with the pair's for the first contact, when that is needed too.
    bool caller_done = !(concurrency || (attempt && (gap || needs.idle)) || (ending && needs.idle));
    if (attempt && (gap || first_contact || needs.idle)) {
        // Both lookups are cache misses in tables of millions: hold both shards (in address
        // order, the one order any two are taken in) and start both loads before either is used.
        const std::uint64_t ph = first_contact ? pair_hash(caller, callee) : 0;
        shard* by_caller = gap || needs.idle || concurrency ? &shard_for(ch) : nullptr;
        shard* by_pair = first_contact ? &shard_for(ph) : nullptr;
        shard* first = by_caller != nullptr && by_pair != nullptr ? std::min(by_caller, by_pair) : by_caller != nullptr ? by_caller : by_pair;
        shard* second = by_caller != nullptr && by_pair != nullptr && by_caller != by_pair ? std::max(by_caller, by_pair) : nullptr;
        std::unique_lock lock_first(first->mu);
        std::unique_lock<std::mutex> lock_second;
        if (second != nullptr) lock_second = std::unique_lock(second->mu);
        if (by_caller != nullptr) by_caller->callers.prefetch(ch);
        if (by_pair != nullptr) by_pair->pair_seen.prefetch(ph);
        if (by_caller != nullptr) {
            if (concurrency) expire_calls(*by_caller, t, t - settings_.max_call_ms);
            // Read only (idle, calls in progress) leaves no entry for a caller not seen.
            caller_state* c = gap ? &caller_entry(*by_caller, ch, t) : by_caller->callers.find(ch);
            if (c != nullptr) {
                // An end stamped after this attempt (records out of order) says nothing of the
                // gap before it: left absent.
                if (needs.idle && c->last_end != no_time && c->last_end <= t) r.idle_ms = t - c->last_end;
                if (gap) {
                    // A record older than the newest attempt seen (out of order over several
                    // links) gets the time to that attempt, a real spacing between two of the
                    // caller's attempts (the one just before it is not kept), not the 0 that
                    // would make every late attempt look like part of a burst.
                    if (c->last_attempt != no_time) r.gap_ms = t >= c->last_attempt ? t - c->last_attempt : c->last_attempt - t;
                    c->last_attempt = std::max(c->last_attempt, t);
                }
                r.concurrent_calls = c->active;
            }
            caller_done = true;
        }
        if (by_pair != nullptr) {
            auto [v, inserted] = by_pair->pair_seen.try_emplace(ph, t);
            if (!inserted) {
                r.first_contact = t - *v >= settings_.first_contact_lookback_ms;
                *v = std::max(*v, t);
            }
            trim(by_pair->pair_seen, t - settings_.first_contact_lookback_ms);
        }
    }
    if (!caller_done) {
        shard& s = shard_for(ch);
        std::lock_guard lock(s.mu);
        if (concurrency) expire_calls(s, t, t - settings_.max_call_ms);
        if (ending && needs.idle) {
            caller_state& c = caller_entry(s, ch, t);
            c.last_end = std::max(c.last_end, t);
        }
        if (concurrency && !attempt) {
            const std::uint64_t ph = pair_hash(caller, callee);
            if (rec.kind == model::event_kind::call_answer) {
                // An end that came first (out of order) closed this call already.
                const std::int64_t* ended = s.ended_first.find(ph);
                if (ended != nullptr && *ended >= t) {
                    s.ended_first.erase(ph);
                } else {
                    call_answered(s, ph, ch, t);
                }
            } else if (ending) {
                if (s.active_calls.find(ph) != nullptr) {
                    call_ended(s, ph, ch);
                } else if (!rec.call.talk_ms || *rec.call.talk_ms > 0) {
                    // An end that may have an answer still to come (an end saying no talk, most
                    // of them, has none). Kept briefly: an answer out of order is seconds late.
                    std::int64_t* ended = s.ended_first.try_emplace(ph, t).first;
                    *ended = std::max(*ended, t);
                    trim(s.ended_first, t - ended_first_ms, max_ended_first_per_shard);
                }
            }
        }
        if (concurrency) {
            const caller_state* c = s.callers.find(ch);
            r.concurrent_calls = c != nullptr ? c->active : 0;
        }
    }
    return r;
}

void call_activity::call_answered(shard& s, std::uint64_t ph, std::uint64_t ch, std::int64_t t) {
    if (!s.active_calls.try_emplace(ph, call_state{t, ch, true}).second) return;  // answered again (a re-INVITE's 200)
    ++caller_entry(s, ch, t).active;
}

void call_activity::uncount(shard& s, std::uint64_t ch) {
    caller_state* c = s.callers.find(ch);
    if (c == nullptr || --c->active > 0) return;
    c->active = 0;
    if (c->empty()) s.callers.erase(ch);
}

// ch: the ending record's caller, who answered the call (the pair hash holds it).
void call_activity::call_ended(shard& s, std::uint64_t ph, std::uint64_t ch) {
    if (!s.active_calls.erase(ph)) return;
    uncount(s, ch);
}

void call_activity::finish_restore() {
    for (shard& s : shards_) {
        std::lock_guard lock(s.mu);
        s.active_calls.erase_values_if([](const call_state& c) { return !c.caller_known || c.answered_at == no_time; });
        s.callers.update_each([](caller_state& c) { c.active = 0; });
        s.callers.erase_values_if([](const caller_state& c) { return c.empty(); });
        s.active_calls.for_each_value([&](const call_state& c) { ++s.callers.try_emplace(c.caller, caller_state{}).first->active; });
    }
}

void call_activity::expire_calls(shard& s, std::int64_t now, std::int64_t older_than) {
    const bool full = s.active_calls.size() >= settings_.max_entries_per_shard;
    // A sweep reads the whole table: once a minute of record time (records older than the
    // last sweep do not start one), or when it is full.
    if (!full && now - s.swept_at < sweep_every_ms) return;
    s.swept_at = now;
    std::int64_t cutoff = older_than;
    if (full) cutoff = std::max(cutoff, median_time(s.active_calls, [](const call_state& c) { return c.answered_at; }) + 1);  // the older half at least
    // Each call dropped comes off its caller's count as the table is rebuilt.
    s.active_calls.erase_values_if([&](const call_state& c) {
        if (c.answered_at >= cutoff) return false;
        uncount(s, c.caller);
        return true;
    });
}

std::size_t call_activity::entries() const {
    std::size_t n = 0;
    for (const auto& s : shards_) {
        std::lock_guard lock(s.mu);
        s.callers.for_each_value([&](const caller_state& c) { n += (c.last_attempt != no_time ? 1 : 0) + (c.last_end != no_time ? 1 : 0); });
        n += s.pair_seen.size() + 2 * s.active_calls.size() + s.ended_first.size();
    }
    return n;
}

std::string call_activity::save(const std::function<std::string(int, int, std::uint64_t, std::int64_t)>& write) const {
    struct row {
        int part;
        std::uint64_t key;
        std::int64_t value;
    };
    std::vector<row> rows;
    for (std::size_t i = 0; i < shards_.size(); ++i) {
        rows.clear();
        {  // A shard's tables copied together under its lock (a call answered between two of
           // them would be saved counted but not in progress), written after it: deciding
           // threads wait only for the copy.
            const shard& s = shards_[i];
            std::lock_guard lock(s.mu);
            s.callers.for_each([&](std::uint64_t key, const caller_state& c) {
                if (c.last_attempt != no_time) rows.push_back({0, key, c.last_attempt});
                if (c.active > 0) rows.push_back({3, key, c.active});
                if (c.last_end != no_time) rows.push_back({6, key, c.last_end});
            });
            s.pair_seen.for_each([&](std::uint64_t key, std::int64_t t) { rows.push_back({1, key, t}); });
            s.active_calls.for_each([&](std::uint64_t key, const call_state& c) {
                rows.push_back({2, key, c.answered_at});
                rows.push_back({5, key, static_cast<std::int64_t>(c.caller)});
            });
            s.ended_first.for_each([&](std::uint64_t key, std::int64_t t) { rows.push_back({4, key, t}); });
        }
        for (const row& r : rows)
            if (std::string error = write(r.part, static_cast<int>(i), r.key, r.value); !error.empty()) return error;
    }
    return {};
}

void call_activity::restore(int part, int shard_index, std::uint64_t key, std::int64_t value) {
    if (part < 0 || part >= parts || shard_index < 0 || static_cast<std::size_t>(shard_index) >= shards_.size()) return;
    shard& s = shards_[static_cast<std::size_t>(shard_index)];
    std::lock_guard lock(s.mu);
    switch (part) {
        case 0: s.callers.try_emplace(key, caller_state{}).first->last_attempt = value; break;
        case 1: *s.pair_seen.try_emplace(key, value).first = value; break;
        case 2: s.active_calls.try_emplace(key, call_state{}).first->answered_at = value; break;
        case 3: break;  // counted again from the calls in progress (finish_restore)
        case 4: *s.ended_first.try_emplace(key, value).first = value; break;
        case 5: {
            call_state& c = *s.active_calls.try_emplace(key, call_state{}).first;
            c.caller = static_cast<std::uint64_t>(value);
            c.caller_known = true;
            break;
        }
        case 6: s.callers.try_emplace(key, caller_state{}).first->last_end = value; break;
        default: break;
    }
}

void call_activity::reset(std::string_view caller_e164) {
    const std::uint64_t ch = lists::hash_string(caller_e164);
    shard& s = shard_for(ch);
    std::lock_guard lock(s.mu);
    s.callers.erase(ch);
    // Its calls in progress go too: ending later, they would count against a new start.
    s.active_calls.erase_values_if([&](const call_state& c) { return c.caller_known && c.caller == ch; });
}

}  // namespace ringfence::engine
