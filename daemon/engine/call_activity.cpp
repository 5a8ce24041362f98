#include "engine/call_activity.hpp"

#include "engine/lists/string_hash.hpp"

#include <algorithm>
#include <vector>

namespace ringfence::engine {

namespace {


std::uint64_t pair_hash(std::string_view a, std::string_view b) { return lists::hash_string(a) * 31 ^ lists::hash_string(b); }

std::string_view party(const model::number_info& n) { return n.e164.empty() ? std::string_view(n.raw) : std::string_view(n.e164); }

}  // namespace

call_activity::call_activity(call_activity_settings s) : settings_(s) {}

void call_activity::trim(flat_u64_map& m, std::int64_t older_than, std::size_t cap) {
    if (cap == 0) cap = settings_.max_entries_per_shard;
    if (m.size() < cap) return;
    m.erase_values_if([&](std::int64_t t) { return t < older_than; });
    if (m.size() < cap) return;
    // Still full of recent entries: drop the older half.
    std::vector<std::int64_t> times;
    times.reserve(m.size());
    m.for_each_value([&](std::int64_t t) { times.push_back(t); });
    std::nth_element(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2), times.end());
    const std::int64_t median = times[times.size() / 2];
    m.erase_values_if([&](std::int64_t t) { return t <= median; });
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
    // The caller's idle time is read (attempts) under the caller's shard lock taken below for
    // the gap; an end's time is kept under the one taken for the calls in progress. Either
    // lock taken for it alone only when those are not needed.
    bool idle_done = !needs.idle || (!attempt && rec.kind != model::event_kind::call_end);
    const auto read_idle = [&](shard& s) {
        if (const std::int64_t* end = s.last_end.find(ch); end != nullptr && *end <= t) r.idle_ms = t - *end;
        // An end stamped after this attempt (records out of order) says nothing of the gap
        // before it: left absent.
        idle_done = true;
    };
    const auto keep_end = [&](shard& s) {
        std::int64_t* end = s.last_end.try_emplace(ch, t).first;
        *end = std::max(*end, t);
        trim(s.last_end, t - settings_.first_contact_lookback_ms);
        idle_done = true;
    };
    if (attempt && (gap || first_contact || needs.idle)) {
        // Both lookups are cache misses in tables of millions: hold both shards (in address
        // order, the one order any two are taken in) and start both loads before either is used.
        const std::uint64_t ph = first_contact ? pair_hash(caller, callee) : 0;
        shard* by_caller = gap || needs.idle ? &shard_for(ch) : nullptr;
        shard* by_pair = first_contact ? &shard_for(ph) : nullptr;
        shard* first = by_caller != nullptr && by_pair != nullptr ? std::min(by_caller, by_pair) : by_caller != nullptr ? by_caller : by_pair;
        shard* second = by_caller != nullptr && by_pair != nullptr && by_caller != by_pair ? std::max(by_caller, by_pair) : nullptr;
        std::unique_lock lock_first(first->mu);
        std::unique_lock<std::mutex> lock_second;
        if (second != nullptr) lock_second = std::unique_lock(second->mu);
        if (by_caller != nullptr && gap) by_caller->last_attempt.prefetch(ch);
        if (by_caller != nullptr && needs.idle) by_caller->last_end.prefetch(ch);
        if (by_pair != nullptr) by_pair->pair_seen.prefetch(ph);
        if (by_caller != nullptr && needs.idle) read_idle(*by_caller);
        if (by_caller != nullptr && gap) {
            auto [v, inserted] = by_caller->last_attempt.try_emplace(ch, t);
            if (!inserted) {
                // A record older than the newest attempt seen (out of order over several
                // links) gets the time to that attempt, a real spacing between two of the
                // caller's attempts (the one just before it is not kept), not the 0 that would
                // make every late attempt look like part of a burst.
                r.gap_ms = t >= *v ? t - *v : *v - t;
                *v = std::max(*v, t);
            }
            trim(by_caller->last_attempt, t - settings_.first_contact_lookback_ms);
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
    if (!idle_done && !concurrency) {
        shard& s = shard_for(ch);
        std::lock_guard lock(s.mu);
        keep_end(s);
    }
    if (concurrency) {
        shard& s = shard_for(ch);
        std::lock_guard lock(s.mu);
        if (!idle_done) keep_end(s);
        const std::uint64_t ph = pair_hash(caller, callee);
        if (rec.kind == model::event_kind::call_answer) {
            // An end that came first (out of order) closed this call already.
            const std::int64_t* ended = s.ended_first.find(ph);
            if (ended != nullptr && *ended >= t) {
                s.ended_first.erase(ph);
            } else {
                call_answered(s, ph, ch, t);
            }
        } else if (rec.kind == model::event_kind::call_end) {
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
        expire_calls(s, t, t - settings_.max_call_ms);
        const std::int64_t* n = s.active_count.find(ch);
        r.concurrent_calls = n ? *n : 0;
    }
    return r;
}

void call_activity::call_answered(shard& s, std::uint64_t ph, std::uint64_t ch, std::int64_t t) {
    if (!s.active_calls.try_emplace(ph, t).second) return;  // answered again (a re-INVITE's 200)
    *s.active_caller.try_emplace(ph, 0).first = static_cast<std::int64_t>(ch);
    ++*s.active_count.try_emplace(ch, 0).first;
}

void call_activity::uncount(shard& s, std::uint64_t ch) {
    std::int64_t* n = s.active_count.find(ch);
    if (n != nullptr && --*n <= 0) s.active_count.erase(ch);
}

// ch: the ending record's caller, who answered the call (the pair hash holds it).
void call_activity::call_ended(shard& s, std::uint64_t ph, std::uint64_t ch) {
    if (!s.active_calls.erase(ph)) return;
    s.active_caller.erase(ph);
    uncount(s, ch);
}

void call_activity::finish_restore() {
    for (shard& s : shards_) {
        std::lock_guard lock(s.mu);
        s.active_calls.erase_if([&](std::uint64_t ph, std::int64_t) { return s.active_caller.find(ph) == nullptr; });
        s.active_caller.erase_if([&](std::uint64_t ph, std::int64_t) { return s.active_calls.find(ph) == nullptr; });
        s.active_count.clear();
        s.active_caller.for_each([&](std::uint64_t, std::int64_t caller) { ++*s.active_count.try_emplace(static_cast<std::uint64_t>(caller), 0).first; });
    }
}

void call_activity::expire_calls(shard& s, std::int64_t now, std::int64_t older_than) {
    const bool full = s.active_calls.size() >= settings_.max_entries_per_shard;
    // A sweep reads the whole table: once a minute of record time (records older than the
    // last sweep do not start one), or when it is full.
    if (!full && now - s.swept_at < sweep_every_ms) return;
    s.swept_at = now;
    std::int64_t cutoff = older_than;
    if (full) {
        std::vector<std::int64_t> times;
        times.reserve(s.active_calls.size());
        s.active_calls.for_each_value([&](std::int64_t at) { times.push_back(at); });
        std::nth_element(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2), times.end());
        cutoff = std::max(cutoff, times[times.size() / 2] + 1);  // the older half at least
    }
    // Each call dropped comes off its caller's count as the table is rebuilt.
    s.active_calls.erase_if([&](std::uint64_t ph, std::int64_t answered) {
        if (answered >= cutoff) return false;
        if (const std::int64_t* caller = s.active_caller.find(ph); caller != nullptr) {
            uncount(s, static_cast<std::uint64_t>(*caller));
            s.active_caller.erase(ph);
        }
        return true;
    });
}

std::size_t call_activity::entries() const {
    std::size_t n = 0;
    for (const auto& s : shards_) {
        std::lock_guard lock(s.mu);
        n += s.last_attempt.size() + s.pair_seen.size() + s.active_calls.size() + s.ended_first.size() + s.active_caller.size() +
             s.last_end.size();
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
            std::lock_guard lock(shards_[i].mu);
            const auto tables = tables_of(shards_[i]);
            for (int part = 0; part < parts; ++part)
                tables[static_cast<std::size_t>(part)]->for_each([&](std::uint64_t key, std::int64_t value) { rows.push_back({part, key, value}); });
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
    *tables_of(s)[static_cast<std::size_t>(part)]->try_emplace(key, value).first = value;
}

void call_activity::reset(std::string_view caller_e164) {
    const std::uint64_t ch = lists::hash_string(caller_e164);
    shard& s = shard_for(ch);
    std::lock_guard lock(s.mu);
    s.last_attempt.erase(ch);
    s.last_end.erase(ch);
    s.active_count.erase(ch);
    // Its calls in progress go too: ending later, they would count against a new start.
    s.active_calls.erase_if([&](std::uint64_t ph, std::int64_t) {
        const std::int64_t* caller = s.active_caller.find(ph);
        return caller != nullptr && static_cast<std::uint64_t>(*caller) == ch;
    });
    s.active_caller.erase_values_if([&](std::int64_t caller) { return static_cast<std::uint64_t>(caller) == ch; });
}

}  // namespace ringfence::engine
