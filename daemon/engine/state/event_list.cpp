#include "engine/state/event_list.hpp"

#include <algorithm>
#include <cstring>
#include <new>

#include "engine/state/heap_block.hpp"

namespace ringfence::engine::state::event_list {
namespace {

struct sum_state {
    double running_sum;
    std::uint32_t removed_since_exact;  // pruned amounts subtracted since the last rebuild
    std::uint32_t unused;
};
static_assert(sizeof(sum_state) == 16);

bool has_amounts(entry_kind kind) { return kind == entry_kind::amount_times; }
bool has_member_flags(entry_kind kind) { return kind == entry_kind::member_flagged_times; }

// A shared list's running totals: live events with each member's bit set.
struct member_counts {
    std::uint32_t flagged[max_shared_members];
};
static_assert(sizeof(member_counts) == 32);

std::size_t prefix_bytes(entry_kind kind) {
    return sizeof(entry_header) + (has_amounts(kind) ? sizeof(sum_state) : 0) +
           (has_member_flags(kind) ? sizeof(member_counts) : 0);
}

std::size_t event_bytes(entry_kind kind) {
    if (has_amounts(kind)) return 12;
    return has_member_flags(kind) ? 5 : 4;
}

std::size_t request_bytes(entry_kind kind, std::size_t capacity) {
    return prefix_bytes(kind) + capacity * event_bytes(kind);
}

// Room for at least min_events, using all of the heap chunk that size gets anyway.
std::uint32_t capacity_for(entry_kind kind, std::size_t min_events) {
    const std::size_t fill = heap_fill_request(request_bytes(kind, min_events));
    return static_cast<std::uint32_t>((fill - prefix_bytes(kind)) / event_bytes(kind));
}

char* raw(entry_header* h) { return reinterpret_cast<char*>(h); }
const char* raw(const entry_header* h) { return reinterpret_cast<const char*>(h); }

sum_state& sums(entry_header* h) {
    return *reinterpret_cast<sum_state*>(raw(h) + sizeof(entry_header));
}
const sum_state& sums(const entry_header* h) {
    return *reinterpret_cast<const sum_state*>(raw(h) + sizeof(entry_header));
}

// Amounts come first (8-byte aligned after the 48-byte prefix), the offsets after them.
double* amounts(entry_header* h) {
    return reinterpret_cast<double*>(raw(h) + sizeof(entry_header) + sizeof(sum_state));
}
const double* amounts(const entry_header* h) {
    return reinterpret_cast<const double*>(raw(h) + sizeof(entry_header) + sizeof(sum_state));
}

std::uint32_t* times(entry_header* h) {
    const std::size_t skip = has_amounts(h->kind) ? h->capacity * sizeof(double) : 0;
    return reinterpret_cast<std::uint32_t*>(raw(h) + prefix_bytes(h->kind) + skip);
}
const std::uint32_t* times(const entry_header* h) {
    const std::size_t skip = has_amounts(h->kind) ? h->capacity * sizeof(double) : 0;
    return reinterpret_cast<const std::uint32_t*>(raw(h) + prefix_bytes(h->kind) + skip);
}

// A shared list: the totals after the header, the flag bytes after the times.
member_counts& counts(entry_header* h) {
    return *reinterpret_cast<member_counts*>(raw(h) + sizeof(entry_header));
}
const member_counts& counts(const entry_header* h) {
    return *reinterpret_cast<const member_counts*>(raw(h) + sizeof(entry_header));
}
std::uint8_t* member_flags(entry_header* h) { return reinterpret_cast<std::uint8_t*>(times(h) + h->capacity); }
const std::uint8_t* member_flags(const entry_header* h) {
    return reinterpret_cast<const std::uint8_t*>(times(h) + h->capacity);
}

void count_flags(member_counts& c, const std::uint8_t* f, std::uint32_t from, std::uint32_t to, int sign) {
    for (std::uint32_t i = from; i < to; ++i) {
        for (std::uint8_t bits = f[i]; bits != 0; bits &= static_cast<std::uint8_t>(bits - 1)) {
            const int bit = __builtin_ctz(bits);
            if (bit < static_cast<int>(max_shared_members)) c.flagged[bit] += static_cast<std::uint32_t>(sign);
        }
    }
}

std::uint32_t time_at(const std::uint32_t* t, std::uint32_t i) { return t[i] & offset_mask; }

// The first index in [from, to) whose time offset is greater than key.
std::uint32_t upper_index(const std::uint32_t* t, std::uint32_t from, std::uint32_t to,
                          std::int64_t key) {
    if (from == to || key < time_at(t, from)) return from;
    if (key >= time_at(t, to - 1)) return to;
    std::uint32_t lo = from + 1;  // time(from) <= key < time(to - 1): the answer is in [lo, hi]
    std::uint32_t hi = to - 1;
    while (lo < hi) {
        const std::uint32_t mid = lo + (hi - lo) / 2;
        if (time_at(t, mid) > key) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return lo;
}

entry_header* allocate_list(entry_kind kind, std::uint32_t capacity) {
    auto* h = new (allocate_block(request_bytes(kind, capacity))) entry_header{};
    h->kind = kind;
    h->capacity = capacity;
    if (has_amounts(kind)) new (&sums(h)) sum_state{};
    if (has_member_flags(kind)) new (&counts(h)) member_counts{};
    return h;
}

// Moves the live events to index 0 of a new block with room for capacity events.
entry_header* reallocate(entry_header* h, std::uint32_t capacity) {
    entry_header* moved = allocate_list(h->kind, capacity);
    const std::uint32_t live = h->end - h->first;
    const std::uint32_t new_capacity = moved->capacity;
    *moved = *h;
    moved->capacity = new_capacity;
    moved->first = 0;
    moved->end = live;
    std::memcpy(times(moved), times(h) + h->first, live * sizeof(std::uint32_t));
    if (has_amounts(h->kind)) {
        sums(moved) = sums(h);
        std::memcpy(amounts(moved), amounts(h) + h->first, live * sizeof(double));
    }
    if (has_member_flags(h->kind)) {
        counts(moved) = counts(h);
        std::memcpy(member_flags(moved), member_flags(h) + h->first, live);
    }
    free_block(h);
    return moved;
}

void compact(entry_header* h) {
    const std::uint32_t live = h->end - h->first;
    std::memmove(times(h), times(h) + h->first, live * sizeof(std::uint32_t));
    if (has_amounts(h->kind)) {
        std::memmove(amounts(h), amounts(h) + h->first, live * sizeof(double));
    }
    if (has_member_flags(h->kind)) std::memmove(member_flags(h), member_flags(h) + h->first, live);
    h->first = 0;
    h->end = live;
}

std::uint32_t flagged_between(const std::uint32_t* t, std::uint32_t from, std::uint32_t to) {
    std::uint32_t n = 0;
    for (std::uint32_t i = from; i < to; ++i) n += t[i] >> 31;
    return n;
}

double sum_between(const double* a, std::uint32_t from, std::uint32_t to) {
    double s = 0;
    for (std::uint32_t i = from; i < to; ++i) s += a[i];
    return s;
}

void rebuild_sum(entry_header* h) {
    sums(h).running_sum = sum_between(amounts(h), h->first, h->end);
    sums(h).removed_since_exact = 0;
}

// Drops the events whose time is at or before cutoff_ms.
void prune(entry_header* h, std::int64_t cutoff_ms) {
    const std::int64_t key = cutoff_ms - h->base_ms;
    const std::uint32_t* t = times(h);
    if (h->first == h->end || key < time_at(t, h->first)) return;
    const std::uint32_t stop = upper_index(t, h->first, h->end, key);
    if (h->kind == entry_kind::flagged_times) h->flagged -= flagged_between(t, h->first, stop);
    if (has_member_flags(h->kind)) count_flags(counts(h), member_flags(h), h->first, stop, -1);
    if (has_amounts(h->kind)) {
        sums(h).running_sum -= sum_between(amounts(h), h->first, stop);
        sums(h).removed_since_exact += stop - h->first;
    }
    h->first = stop;
    if (h->first == h->end) {
        h->first = h->end = 0;
        h->flagged = 0;
        if (has_amounts(h->kind)) sums(h) = sum_state{};
        if (has_member_flags(h->kind)) counts(h) = member_counts{};
    } else if (has_amounts(h->kind) && sums(h).removed_since_exact > h->end - h->first) {
        rebuild_sum(h);
    }
}

// Adds delta to every live offset and moves base_ms the other way (times are unchanged).
void shift_offsets(entry_header* h, std::int64_t delta) {
    std::uint32_t* t = times(h);
    for (std::uint32_t i = h->first; i < h->end; ++i) {
        const auto moved = static_cast<std::uint32_t>(time_at(t, i) + delta);
        t[i] = (t[i] & flag_bit) | moved;
    }
    h->base_ms -= delta;
}

}  // namespace

entry_header* create(entry_kind kind, std::uint16_t spec_index, std::int64_t time_ms) {
    entry_header* h = allocate_list(kind, capacity_for(kind, 1));
    h->base_ms = time_ms;
    h->spec_index = spec_index;
    return h;
}

bool add(entry_header*& h, std::int64_t kept_ms, std::int64_t time_ms, bool flag, double amount,
         std::uint8_t flags) {
    const std::int64_t newest = std::max(h->newest_ms(), time_ms);
    if (time_ms <= newest - kept_ms) return false;
    prune(h, newest - kept_ms);
    const std::uint32_t live = h->end - h->first;
    if (h->capacity > 32 && live * 4 < h->capacity) {
        h = reallocate(h, capacity_for(h->kind, std::max<std::uint32_t>(live * 2, 1)));
    }
    // Keep every live time and the newest one within 31 bits of base_ms. Both moves fit:
    // what is live lies within the window, at most 2^30 ms.
    if (time_ms < h->base_ms) {
        shift_offsets(h, h->base_ms - time_ms);
    } else if (newest - h->base_ms > max_offset) {
        const std::int64_t new_base = live > 0 ? h->base_ms + time_at(times(h), h->first) : time_ms;
        shift_offsets(h, h->base_ms - new_base);
    }
    h->newest_off = static_cast<std::uint32_t>(newest - h->base_ms);
    h->referenced = 1;

    if (h->end == h->capacity) {
        if (h->first > 0 && h->first >= h->capacity / 4) {
            compact(h);
        } else {
            h = reallocate(h, capacity_for(h->kind, live + std::max<std::uint32_t>(live / 2, 1)));
        }
    }
    std::uint32_t* t = times(h);
    const auto offset = static_cast<std::uint32_t>(time_ms - h->base_ms);
    // Records arrive nearly in order: walk back from the end to keep the list sorted.
    std::uint32_t pos = h->end;
    while (pos > h->first && time_at(t, pos - 1) > offset) --pos;
    const std::uint32_t after = h->end - pos;
    if (after > 0) std::memmove(t + pos + 1, t + pos, after * sizeof(std::uint32_t));
    const bool flagged = flag && h->kind == entry_kind::flagged_times;
    t[pos] = offset | (flagged ? flag_bit : 0);
    h->flagged += flagged ? 1 : 0;
    if (has_amounts(h->kind)) {
        double* a = amounts(h);
        if (after > 0) std::memmove(a + pos + 1, a + pos, after * sizeof(double));
        a[pos] = amount;
        sums(h).running_sum += amount;
    }
    if (has_member_flags(h->kind)) {
        std::uint8_t* f = member_flags(h);
        if (after > 0) std::memmove(f + pos + 1, f + pos, after);
        f[pos] = flags;
        count_flags(counts(h), f, pos, pos + 1, +1);
    }
    ++h->end;
    return true;
}

bool retract(entry_header* h, std::int64_t time_ms, double amount) {
    if (h->kind != entry_kind::times && h->kind != entry_kind::amount_times) return false;
    if (h->first == h->end || time_ms < h->base_ms || time_ms - h->base_ms > max_offset) return false;
    const auto offset = static_cast<std::uint32_t>(time_ms - h->base_ms);
    const std::uint32_t* t = times(h);
    // Newest first: the event taken back was stored moments ago, near the end.
    std::uint32_t at = h->end;
    const bool amounts_kept = has_amounts(h->kind);
    while (at > h->first) {
        const std::uint32_t i = at - 1;
        const std::uint32_t ti = time_at(t, i);
        if (ti < offset) return false;
        if (ti == offset && (!amounts_kept || amounts(h)[i] == amount)) break;
        --at;
    }
    if (at == h->first) return false;
    const std::uint32_t i = at - 1;
    const std::uint32_t after = h->end - i - 1;
    std::memmove(times(h) + i, times(h) + i + 1, after * sizeof(std::uint32_t));
    if (amounts_kept) {
        double* a = amounts(h);
        sums(h).running_sum -= a[i];
        ++sums(h).removed_since_exact;  // a subtraction like a pruned amount's: counts to the rebuild
        std::memmove(a + i, a + i + 1, after * sizeof(double));
    }
    --h->end;
    if (h->first == h->end) {
        h->first = h->end = 0;
        if (amounts_kept) sums(h) = sum_state{};
        return true;  // the caller drops an empty entry
    }
    if (amounts_kept && sums(h).removed_since_exact > h->end - h->first) rebuild_sum(h);
    // The key's clock goes back to its newest event kept: a record taken back (blocked,
    // perhaps stamped ahead) must not make the next records of the key look late. Only
    // stored events move the clock of these lists, and the newest is never pruned, so the
    // newest kept is what the clock would be had it never come.
    h->newest_off = time_at(times(h), h->end - 1);
    return true;
}

double value(const entry_header& h, window_function fn, std::int64_t window_ms, std::int64_t t_ms) {
    const std::uint32_t* t = times(&h);
    const std::uint32_t hi =
        t_ms >= h.newest_ms() ? h.end : upper_index(t, h.first, h.end, t_ms - h.base_ms);
    const std::uint32_t lo = upper_index(t, h.first, hi, t_ms - window_ms - h.base_ms);
    const std::uint32_t inside = hi - lo;
    const std::uint32_t outside = (h.end - h.first) - inside;
    switch (fn) {
        case window_function::count:
            return inside;
        case window_function::ratio:
        case window_function::outgoing_share: {
            if (inside == 0) return no_share;
            const std::uint32_t flagged =
                inside <= outside
                    ? flagged_between(t, lo, hi)
                    : h.flagged - flagged_between(t, h.first, lo) - flagged_between(t, hi, h.end);
            return static_cast<double>(flagged) / inside;
        }
        case window_function::sum: {
            if (inside == 0) return 0;
            if (outside == 0) return sums(&h).running_sum;
            const double* a = amounts(&h);
            return inside <= outside ? sum_between(a, lo, hi)
                                     : sums(&h).running_sum - sum_between(a, h.first, lo) -
                                           sum_between(a, hi, h.end);
        }
        case window_function::distinct:
            return 0;
    }
    return 0;
}

double member_value(const entry_header& h, window_function fn, unsigned bit, std::int64_t window_ms,
                    std::int64_t born_ms, std::int64_t t_ms) {
    const std::uint32_t* t = times(&h);
    const std::uint32_t hi =
        t_ms >= h.newest_ms() ? h.end : upper_index(t, h.first, h.end, t_ms - h.base_ms);
    // A member a reload added at T reads the events after T only (T: the newest record time
    // then, so the events at T came before it).
    const std::int64_t from = std::max(t_ms - window_ms, born_ms);
    const std::uint32_t lo = upper_index(t, h.first, hi, from - h.base_ms);
    const std::uint32_t inside = hi - lo;
    const std::uint32_t outside = (h.end - h.first) - inside;
    const std::uint8_t* f = member_flags(&h);
    const std::uint8_t mask = static_cast<std::uint8_t>(1u << bit);
    auto set_between = [&](std::uint32_t a, std::uint32_t b) {
        std::uint32_t n = 0;
        for (std::uint32_t i = a; i < b; ++i) n += (f[i] & mask) != 0 ? 1 : 0;
        return n;
    };
    const std::uint32_t flagged = inside <= outside ? set_between(lo, hi)
                                                    : counts(&h).flagged[bit] - set_between(h.first, lo) -
                                                          set_between(hi, h.end);
    if (fn == window_function::ratio) return inside == 0 ? no_share : static_cast<double>(flagged) / inside;
    return flagged;
}

void remap_members(entry_header* h, const std::array<std::uint8_t, 256>& new_flags) {
    std::uint8_t* f = member_flags(h);
    for (std::uint32_t i = h->first; i < h->end; ++i) f[i] = new_flags[f[i]];
    counts(h) = member_counts{};
    count_flags(counts(h), f, h->first, h->end, +1);
}

std::uint32_t size(const entry_header& h) { return h.end - h.first; }

std::size_t bytes(const entry_header& h) {
    return heap_chunk_bytes(request_bytes(h.kind, h.capacity));
}

void destroy(entry_header* h) { free_block(h); }

void serialize(const entry_header& h, byte_writer& out) {
    const std::uint32_t* t = times(&h);
    out.u32(h.end - h.first);
    for (std::uint32_t i = h.first; i < h.end; ++i) out.u32(t[i]);
    if (has_amounts(h.kind)) {
        const double* a = amounts(&h);
        for (std::uint32_t i = h.first; i < h.end; ++i) out.f64(a[i]);
    }
    if (has_member_flags(h.kind)) {
        const std::uint8_t* f = member_flags(&h);
        for (std::uint32_t i = h.first; i < h.end; ++i) out.u8(f[i]);
    }
}

entry_header* deserialize(byte_reader& in, entry_kind kind, const entry_header& fields,
                          std::string& error) {
    const std::uint32_t n = in.u32();
    if (in.failed() || !in.can_read(n, event_bytes(kind))) {
        error = "event list is truncated";
        return nullptr;
    }
    entry_header* h = allocate_list(kind, capacity_for(kind, std::max<std::uint32_t>(n, 1)));
    h->base_ms = fields.base_ms;
    h->newest_off = fields.newest_off;
    h->spec_index = fields.spec_index;
    std::uint32_t* t = times(h);
    std::uint32_t previous = 0;
    for (std::uint32_t i = 0; i < n; ++i) {
        t[i] = in.u32();
        const std::uint32_t offset = t[i] & offset_mask;
        if ((t[i] & flag_bit) != 0 && kind != entry_kind::flagged_times) {
            error = "event flag set in a list without flags";
        } else if (offset < previous || offset > fields.newest_off) {
            error = "event times are out of order or after the newest time";
        }
        if (!error.empty()) {
            free_block(h);
            return nullptr;
        }
        previous = offset;
        h->flagged += t[i] >> 31;
    }
    if (has_amounts(kind)) {
        double* a = amounts(h);
        for (std::uint32_t i = 0; i < n; ++i) a[i] = in.f64();
    }
    if (has_member_flags(kind)) {  // can_read above vouched for these bytes too
        std::uint8_t* f = member_flags(h);
        for (std::uint32_t i = 0; i < n; ++i) f[i] = in.u8();
        count_flags(counts(h), f, 0, n, +1);
    }
    h->end = n;
    if (has_amounts(kind)) rebuild_sum(h);
    return h;
}

}  // namespace ringfence::engine::state::event_list
