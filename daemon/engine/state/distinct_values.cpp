#include "engine/state/distinct_values.hpp"

#include <algorithm>
#include <cstring>
#include <new>

#include "engine/state/heap_block.hpp"

namespace ringfence::engine::state::distinct_values {
namespace {

std::size_t request_bytes(std::size_t capacity) {
    return sizeof(entry_header) + capacity * sizeof(value_times);
}

std::uint32_t capacity_for(std::size_t min_values) {
    const std::size_t fill = heap_fill_request(request_bytes(min_values));
    return static_cast<std::uint32_t>((fill - sizeof(entry_header)) / sizeof(value_times));
}

value_times* mutable_values(entry_header* h) {
    return reinterpret_cast<value_times*>(reinterpret_cast<char*>(h) + sizeof(entry_header));
}

entry_header* allocate(std::uint32_t capacity) {
    auto* h = new (allocate_block(request_bytes(capacity))) entry_header{};
    h->kind = entry_kind::distinct_values;
    h->capacity = capacity;
    return h;
}

entry_header* reallocate(entry_header* h, std::uint32_t capacity) {
    entry_header* moved = allocate(capacity);
    const std::uint32_t new_capacity = moved->capacity;
    *moved = *h;
    moved->capacity = new_capacity;
    std::memcpy(mutable_values(moved), mutable_values(h), h->end * sizeof(value_times));
    free_block(h);
    return moved;
}

void shift_offsets(entry_header* h, std::int64_t delta) {
    value_times* v = mutable_values(h);
    for (std::uint32_t i = 0; i < h->end; ++i) {
        v[i].last = static_cast<std::uint32_t>(v[i].last + delta);
        if (v[i].prev != no_time) v[i].prev = static_cast<std::uint32_t>(v[i].prev + delta);
    }
    h->base_ms -= delta;
}

// The oldest time still held, as an offset (the entry must not be empty).
std::uint32_t oldest_offset(const entry_header* h) {
    const value_times* v = values(*h);
    std::uint32_t oldest = no_time;
    for (std::uint32_t i = 0; i < h->end; ++i) {
        oldest = std::min(oldest, v[i].prev != no_time ? v[i].prev : v[i].last);
    }
    return oldest;
}

}  // namespace

entry_header* create(std::uint16_t spec_index, std::int64_t time_ms) {
    entry_header* h = allocate(capacity_for(1));
    h->base_ms = time_ms;
    h->spec_index = spec_index;
    return h;
}

namespace {
// Whether a value whose times are v counts in the window (lo, hi] (offsets), as value() counts.
bool counts_in(const value_times& v, std::int64_t lo, std::int64_t hi) {
    if (v.last <= hi) return v.last > lo;
    return v.prev != no_time && v.prev <= hi && v.prev > lo;
}
}  // namespace

add_outcome add(entry_header*& h, std::int64_t kept_ms, std::uint32_t limit, std::int64_t time_ms,
                std::uint64_t hash, std::int64_t window_ms, std::uint32_t* in_window) {
    const std::int64_t newest = std::max(h->newest_ms(), time_ms);
    if (time_ms <= newest - kept_ms) return add_outcome::too_late;

    // One pass: drop values whose last time is no longer kept, forget previous times that
    // are not, look for the value, and count the others in the window at time_ms.
    const std::int64_t cutoff = newest - kept_ms - h->base_ms;
    const std::int64_t hi = time_ms - h->base_ms;
    const std::int64_t lo = hi - window_ms;
    value_times* v = mutable_values(h);
    std::int64_t found = -1;
    std::uint32_t others = 0;
    for (std::uint32_t i = 0; i < h->end;) {
        if (v[i].last <= cutoff) {
            v[i] = v[--h->end];
            continue;
        }
        if (v[i].prev != no_time && v[i].prev <= cutoff) v[i].prev = no_time;
        if (v[i].hash == hash) {
            found = i;
        } else {
            others += counts_in(v[i], lo, hi) ? 1 : 0;
        }
        ++i;
    }
    if (h->capacity > 16 && h->end * 4 < h->capacity) {
        h = reallocate(h, capacity_for(std::max<std::uint32_t>(h->end * 2, 1)));
        v = mutable_values(h);
    }
    if (time_ms < h->base_ms) {
        shift_offsets(h, h->base_ms - time_ms);
    } else if (newest - h->base_ms > max_offset) {
        const std::int64_t new_base = h->end > 0 ? h->base_ms + oldest_offset(h) : time_ms;
        shift_offsets(h, h->base_ms - new_base);
    }
    h->newest_off = static_cast<std::uint32_t>(newest - h->base_ms);
    h->referenced = 1;
    const auto offset = static_cast<std::uint32_t>(time_ms - h->base_ms);

    if (found >= 0) {
        value_times& seen = v[found];
        if (offset > seen.last) {
            seen.prev = seen.last;
            seen.last = offset;
        } else if (offset < seen.last && (seen.prev == no_time || offset > seen.prev)) {
            seen.prev = offset;
        }
        if (in_window != nullptr) *in_window = others + (counts_in(seen, offset - window_ms, offset) ? 1 : 0);
        return add_outcome::stored;
    }
    if (h->end >= limit) {
        // Full, but part of what is kept may be there only for late records (the grace kept
        // past the window): those go before exactness does. A 10 s window of one value a
        // second kept 70 values, and a limit of 64 sent it to the sketch, which over-counts.
        // Offsets may have moved to a new base above: the bounds are taken again from it.
        const std::int64_t window_cut = newest - window_ms - h->base_ms;
        const std::int64_t hi_now = time_ms - h->base_ms;
        for (std::uint32_t i = 0; i < h->end;) {
            if (v[i].last <= window_cut) {
                others -= counts_in(v[i], hi_now - window_ms, hi_now) ? 1 : 0;
                v[i] = v[--h->end];
                continue;
            }
            ++i;
        }
        if (h->end >= limit) return add_outcome::over_limit;
    }
    if (h->end == h->capacity) {
        h = reallocate(h, capacity_for(h->end + std::max<std::uint32_t>(h->end / 2, 1)));
        v = mutable_values(h);
    }
    v[h->end++] = value_times{hash, offset, no_time};
    if (in_window != nullptr) *in_window = others + 1;  // the value just added is at time_ms
    return add_outcome::stored;
}

double value(const entry_header& h, std::int64_t window_ms, std::int64_t t_ms) {
    // The entry keeps values a little older than the window (for late records), so even at
    // the newest time each is checked against the window.
    const std::int64_t hi_key = t_ms - h.base_ms;
    const std::int64_t lo_key = t_ms - window_ms - h.base_ms;
    const value_times* v = values(h);
    std::uint32_t n = 0;
    for (std::uint32_t i = 0; i < h.end; ++i) n += counts_in(v[i], lo_key, hi_key) ? 1 : 0;
    return n;
}

const value_times* values(const entry_header& h) {
    return reinterpret_cast<const value_times*>(reinterpret_cast<const char*>(&h) +
                                                sizeof(entry_header));
}

std::uint32_t size(const entry_header& h) { return h.end; }

std::size_t bytes(const entry_header& h) { return heap_chunk_bytes(request_bytes(h.capacity)); }

void destroy(entry_header* h) { free_block(h); }

void serialize(const entry_header& h, byte_writer& out) {
    const value_times* v = values(h);
    out.u32(h.end);
    for (std::uint32_t i = 0; i < h.end; ++i) {
        out.u64(v[i].hash);
        out.u32(v[i].last);
        out.u32(v[i].prev);
    }
}

entry_header* deserialize(byte_reader& in, const entry_header& fields, std::int64_t window_ms,
                          std::string& error) {
    const std::uint32_t n = in.u32();
    if (in.failed() || !in.can_read(n, sizeof(value_times))) {
        error = "distinct value list is truncated";
        return nullptr;
    }
    entry_header* h = allocate(capacity_for(std::max<std::uint32_t>(n, 1)));
    h->base_ms = fields.base_ms;
    h->newest_off = fields.newest_off;
    h->spec_index = fields.spec_index;
    value_times* v = mutable_values(h);
    for (std::uint32_t i = 0; i < n; ++i) {
        v[i].hash = in.u64();
        v[i].last = in.u32();
        v[i].prev = in.u32();
        if (v[i].last > fields.newest_off || v[i].last <= fields.newest_off - window_ms ||
            (v[i].prev != no_time && v[i].prev >= v[i].last)) {
            error = "distinct value times are inconsistent";
            free_block(h);
            return nullptr;
        }
    }
    h->end = n;
    return h;
}

}  // namespace ringfence::engine::state::distinct_values
