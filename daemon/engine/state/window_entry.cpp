#include "engine/state/window_entry.hpp"

#include <algorithm>
#include <memory>
#include <new>

#include "engine/state/byte_codec.hpp"
#include "engine/state/distinct_sketch.hpp"
#include "engine/state/distinct_values.hpp"
#include "engine/state/event_list.hpp"
#include "engine/state/heap_block.hpp"
#include "engine/state/key_hash.hpp"

namespace ringfence::engine::state::window_entry {
namespace {

constexpr std::uint8_t blob_format = 1;

// A sketch entry is the header and a pointer to the sketch. Its header keeps
// base_ms = newest time and newest_off = 0.
struct sketch_block {
    entry_header header;
    distinct_sketch* sketch;
};

distinct_sketch& sketch_of(entry_header& h) { return *reinterpret_cast<sketch_block&>(h).sketch; }
const distinct_sketch& sketch_of(const entry_header& h) {
    return *reinterpret_cast<const sketch_block&>(h).sketch;
}

entry_header* make_sketch_block(const entry_header& fields, std::unique_ptr<distinct_sketch> s) {
    auto* block = new (allocate_block(sizeof(sketch_block))) sketch_block{};
    block->header.base_ms = fields.newest_ms();
    block->header.spec_index = fields.spec_index;
    block->header.kind = entry_kind::distinct_sketch;
    block->header.referenced = 1;
    block->sketch = s.release();
    return &block->header;
}

// Replaces an exact distinct entry by a sketch holding every time it kept.
entry_header* switch_to_sketch(entry_header* h, std::int64_t window_ms) {
    auto sketch = std::make_unique<distinct_sketch>(window_ms);
    const distinct_values::value_times* v = distinct_values::values(*h);
    for (std::uint32_t i = 0; i < distinct_values::size(*h); ++i) {
        if (v[i].prev != no_time) sketch->add(v[i].hash, h->base_ms + v[i].prev);
        sketch->add(v[i].hash, h->base_ms + v[i].last);
    }
    entry_header* block = make_sketch_block(*h, std::move(sketch));
    distinct_values::destroy(h);
    return block;
}

add_result add_to_sketch(entry_header* h, std::int64_t window_ms, const observation& o,
                         std::uint64_t hash) {
    const std::int64_t newest = std::max(h->newest_ms(), o.time_ms);
    if (o.time_ms <= newest - window_ms || !sketch_of(*h).add(hash, o.time_ms)) {
        return add_result::too_late;
    }
    h->base_ms = newest;
    h->referenced = 1;
    return add_result::stored;
}

bool kind_fits(entry_kind kind, const entry_rules& rules) {
    if (rules.shared()) return kind == entry_kind::member_flagged_times;
    const window_function fn = rules.fn;
    if (fn == window_function::distinct) {
        return kind == entry_kind::distinct_values || kind == entry_kind::distinct_sketch;
    }
    return kind == initial_kind(fn);
}

}  // namespace

entry_header* create(const entry_rules& rules, std::uint16_t spec_index, std::int64_t time_ms) {
    if (rules.shared()) return event_list::create(entry_kind::member_flagged_times, spec_index, time_ms);
    if (rules.fn == window_function::distinct) {
        return distinct_values::create(spec_index, time_ms);
    }
    return event_list::create(initial_kind(rules.fn), spec_index, time_ms);
}

add_result add(entry_header*& h, const entry_rules& rules, const observation& o, std::optional<double>* value_now) {
    if (!o.matched && !rules.keeps_unmatched) return add_result::unmatched;
    switch (h->kind) {
        case entry_kind::member_flagged_times:
            return event_list::add(h, rules.kept_ms(), o.time_ms, false, 0, o.flags) ? add_result::stored
                                                                                     : add_result::too_late;
        case entry_kind::times:
        case entry_kind::amount_times:
            return event_list::add(h, rules.kept_ms(), o.time_ms, false, o.amount)
                       ? add_result::stored
                       : add_result::too_late;
        case entry_kind::flagged_times: {
            const bool flag = rules.fn == window_function::ratio ? o.matched : o.outgoing;
            return event_list::add(h, rules.kept_ms(), o.time_ms, flag, 0) ? add_result::stored
                                                                           : add_result::too_late;
        }
        case entry_kind::distinct_values: {
            const std::uint64_t hash = mix64(o.value_hash);
            std::uint32_t in_window = 0;
            switch (distinct_values::add(h, rules.kept_ms(), rules.distinct_exact_limit, o.time_ms, hash, rules.window_ms,
                                         value_now != nullptr ? &in_window : nullptr)) {
                case distinct_values::add_outcome::stored:
                    if (value_now != nullptr) *value_now = in_window;
                    return add_result::stored;
                case distinct_values::add_outcome::too_late:
                    return add_result::too_late;
                case distinct_values::add_outcome::over_limit:
                    break;
            }
            h = switch_to_sketch(h, rules.window_ms);
            add_to_sketch(h, rules.window_ms, o, hash);
            return add_result::switched_to_sketch;
        }
        case entry_kind::distinct_sketch:
            return add_to_sketch(h, rules.window_ms, o, mix64(o.value_hash));
    }
    return add_result::too_late;
}

bool retract(entry_header& h, const entry_rules& rules, const observation& o) {
    if (rules.shared() || (rules.fn != window_function::count && rules.fn != window_function::sum)) return false;
    return event_list::retract(&h, o.time_ms, rules.fn == window_function::sum ? o.amount : 0);
}

bool empty(const entry_header& h) {
    return (h.kind == entry_kind::times || h.kind == entry_kind::amount_times || h.kind == entry_kind::flagged_times ||
            h.kind == entry_kind::member_flagged_times) &&
           event_list::size(h) == 0;
}

double value(entry_header& h, const entry_rules& rules, std::int64_t t_ms) {
    switch (h.kind) {
        case entry_kind::times:
        case entry_kind::flagged_times:
        case entry_kind::amount_times:
        case entry_kind::member_flagged_times:  // the events kept (member_value reads a member)
            return event_list::value(h, rules.fn, rules.window_ms, t_ms);
        case entry_kind::distinct_values:
            return distinct_values::value(h, rules.window_ms, t_ms);
        case entry_kind::distinct_sketch:
            return sketch_of(h).estimate(t_ms);
    }
    return 0;
}

double member_value(const entry_header& h, const entry_rules& rules, unsigned member, std::int64_t t_ms) {
    return event_list::member_value(h, rules.member_fn[member], member, rules.window_ms, rules.member_born_ms[member], t_ms);
}

void member_values_at(const entry_header& h, const entry_rules& rules, std::int64_t t_ms, member_values& out) {
    for (unsigned m = 0; m < rules.member_count; ++m) out[m] = member_value(h, rules, m, t_ms);
}

void lone_member_values(const entry_rules& rules, const observation& o, member_values& out) {
    for (unsigned m = 0; m < rules.member_count; ++m) {
        const bool set = (o.flags >> m & 1u) != 0;
        out[m] = set ? 1 : 0;  // count 1 or 0; ratio 1 of 1 or 0 of 1
    }
}

void remap_members(entry_header& h, const std::array<std::uint8_t, 256>& new_flags) {
    if (h.kind == entry_kind::member_flagged_times) event_list::remap_members(&h, new_flags);
}

double empty_value(window_function fn) {
    return fn == window_function::ratio || fn == window_function::outgoing_share ? no_share : 0;
}

double lone_value(window_function fn, const observation& o) {
    switch (fn) {
        case window_function::count:
        case window_function::distinct:
            return o.matched ? 1 : 0;
        case window_function::ratio:
            return o.matched ? 1 : 0;
        case window_function::sum:
            return o.matched ? o.amount : 0;
        case window_function::outgoing_share:
            return o.outgoing ? 1 : 0;
    }
    return 0;
}

std::size_t bytes(const entry_header& h) {
    switch (h.kind) {
        case entry_kind::times:
        case entry_kind::flagged_times:
        case entry_kind::amount_times:
        case entry_kind::member_flagged_times:
            return event_list::bytes(h);
        case entry_kind::distinct_values:
            return distinct_values::bytes(h);
        case entry_kind::distinct_sketch:
            return heap_chunk_bytes(sizeof(sketch_block)) + sketch_of(h).bytes();
    }
    return 0;
}

void destroy(entry_header* h) {
    if (h->kind == entry_kind::distinct_sketch) delete &sketch_of(*h);
    free_block(h);
}

void serialize(const entry_header& h, std::string& out) {
    byte_writer writer(out);
    writer.u8(blob_format);
    writer.u8(static_cast<std::uint8_t>(h.kind));
    writer.i64(h.base_ms);
    writer.u32(h.newest_off);
    switch (h.kind) {
        case entry_kind::times:
        case entry_kind::flagged_times:
        case entry_kind::amount_times:
        case entry_kind::member_flagged_times:
            event_list::serialize(h, writer);
            break;
        case entry_kind::distinct_values:
            distinct_values::serialize(h, writer);
            break;
        case entry_kind::distinct_sketch:
            sketch_of(h).serialize(writer);
            break;
    }
}

entry_header* deserialize(std::span<const std::uint8_t> blob, const entry_rules& rules,
                          std::uint16_t spec_index, std::string& error) {
    byte_reader reader(blob);
    const std::uint8_t format = reader.u8();
    const std::uint8_t kind_byte = reader.u8();
    entry_header fields{};
    fields.base_ms = reader.i64();
    fields.newest_off = reader.u32();
    fields.spec_index = spec_index;
    if (reader.failed()) {
        error = "entry blob is truncated";
        return nullptr;
    }
    if (format != blob_format) {
        error = "entry blob has unknown format " + std::to_string(format);
        return nullptr;
    }
    const auto kind = static_cast<entry_kind>(kind_byte);
    if (kind_byte > static_cast<std::uint8_t>(entry_kind::member_flagged_times) ||
        !kind_fits(kind, rules) || fields.newest_off > max_offset) {
        error = "entry blob does not fit a " + std::string(to_string(rules.fn)) + " window";
        return nullptr;
    }
    entry_header* h = nullptr;
    switch (kind) {
        case entry_kind::times:
        case entry_kind::flagged_times:
        case entry_kind::amount_times:
        case entry_kind::member_flagged_times:
            h = event_list::deserialize(reader, kind, fields, error);
            break;
        case entry_kind::distinct_values:
            h = distinct_values::deserialize(reader, fields, rules.kept_ms(), error);
            break;
        case entry_kind::distinct_sketch: {
            auto sketch = distinct_sketch::deserialize(reader, rules.window_ms, error);
            if (sketch) h = make_sketch_block(fields, std::move(sketch));
            break;
        }
    }
    if (h != nullptr && reader.remaining() != 0) {
        error = "entry blob has trailing bytes";
        destroy(h);
        return nullptr;
    }
    if (h != nullptr) h->referenced = 1;
    return h;
}

}  // namespace ringfence::engine::state::window_entry
