#include "engine/state/distinct_sketch.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "engine/state/heap_block.hpp"

namespace ringfence::engine::state {
namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    const std::int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

std::size_t ring_position(std::int64_t number) {
    const std::int64_t r = number % distinct_sketch::ring_size;
    return static_cast<std::size_t>(r < 0 ? r + distinct_sketch::ring_size : r);
}

constexpr std::size_t register_bytes = hyperloglog::register_count;

}  // namespace

distinct_sketch::distinct_sketch(std::int64_t window_ms)
    : window_ms_(window_ms),
      width_ms_(
          std::max<std::int64_t>(1, (window_ms + buckets_per_window - 1) / buckets_per_window)),
      bytes_(heap_chunk_bytes(sizeof(distinct_sketch))) {}

distinct_sketch::bucket& distinct_sketch::slot_for(std::int64_t number) {
    bucket& slot = ring_[ring_position(number)];
    if (slot.number == number) return slot;
    if (in_cache(slot.number)) cache_valid_ = false;
    slot.number = number;
    if (slot.registers) {
        std::memset(slot.registers.get(), 0, register_bytes);
    } else {
        slot.registers = std::make_unique<std::uint8_t[]>(register_bytes);  // zeroed
        bytes_ += heap_chunk_bytes(register_bytes);
    }
    return slot;
}

std::uint8_t distinct_sketch::merged_register(std::uint32_t index, std::int64_t lo,
                                              std::int64_t hi) const {
    std::uint8_t merged = 0;
    for (const bucket& b : ring_) {
        if (b.registers && b.number >= lo && b.number <= hi) {
            merged = std::max(merged, b.registers[index]);
        }
    }
    return merged;
}

bool distinct_sketch::add(std::uint64_t hash, std::int64_t time_ms) {
    const std::int64_t number = floor_div(time_ms, width_ms_);
    if (newest_bucket_ != no_bucket && number <= newest_bucket_ - ring_size) return false;
    newest_bucket_ = std::max(newest_bucket_, number);
    bucket& slot = slot_for(number);
    const std::uint32_t index = hyperloglog::register_of(hash);
    const std::uint8_t rank = hyperloglog::rank_of(hash);
    std::uint8_t& cell = slot.registers[index];
    if (cell >= rank) return true;
    if (in_cache(number)) {
        const std::uint8_t before = merged_register(index, cache_lo_, cache_hi_);
        if (rank > before) {
            --histogram_[before];
            ++histogram_[rank];
            estimate_valid_ = false;
        }
    }
    cell = rank;
    return true;
}

void distinct_sketch::rebuild_cache(std::int64_t lo, std::int64_t hi) {
    std::array<const std::uint8_t*, ring_size> in_window{};
    std::size_t n = 0;
    for (const bucket& b : ring_) {
        if (b.registers && b.number >= lo && b.number <= hi) in_window[n++] = b.registers.get();
    }
    histogram_.fill(0);
    for (std::uint32_t i = 0; i < hyperloglog::register_count; ++i) {
        std::uint8_t merged = 0;
        for (std::size_t k = 0; k < n; ++k) merged = std::max(merged, in_window[k][i]);
        ++histogram_[merged];
    }
    cache_lo_ = lo;
    cache_hi_ = hi;
    cache_valid_ = true;
    estimate_valid_ = false;
}

double distinct_sketch::estimate(std::int64_t t_ms) {
    const std::int64_t hi = floor_div(t_ms, width_ms_);
    const std::int64_t lo = floor_div(t_ms - window_ms_ + 1, width_ms_);
    if (!cache_valid_ || lo != cache_lo_ || hi != cache_hi_) rebuild_cache(lo, hi);
    if (!estimate_valid_) {
        // A distinct count is a whole number: rounded, a key that fell back to a few values
        // after passing the exact limit reads them exactly (with 1024 registers, a few dozen
        // values almost never share one), so `distinct(...) = 1` still works there.
        estimate_ = std::round(hyperloglog::estimate(histogram_));
        estimate_valid_ = true;
    }
    return estimate_;
}

void distinct_sketch::serialize(byte_writer& out) const {
    out.i64(width_ms_);
    out.i64(newest_bucket_);
    std::uint8_t n = 0;
    for (const bucket& b : ring_) n += b.registers && b.number != no_bucket ? 1 : 0;
    out.u8(n);
    for (const bucket& b : ring_) {
        if (!b.registers || b.number == no_bucket) continue;
        out.i64(b.number);
        out.bytes(b.registers.get(), register_bytes);
    }
}

std::unique_ptr<distinct_sketch> distinct_sketch::deserialize(byte_reader& in,
                                                              std::int64_t window_ms,
                                                              std::string& error) {
    auto sketch = std::make_unique<distinct_sketch>(window_ms);
    const std::int64_t width = in.i64();
    const std::int64_t newest = in.i64();
    const std::uint8_t n = in.u8();
    if (in.failed() || width != sketch->width_ms_ || n > ring_size ||
        (n > 0 && newest == no_bucket) || !in.can_read(n, 8 + register_bytes)) {
        error = "distinct sketch header is truncated or has another bucket width";
        return nullptr;
    }
    sketch->newest_bucket_ = newest;
    for (std::uint8_t k = 0; k < n; ++k) {
        const std::int64_t number = in.i64();
        if (number > newest || number <= newest - ring_size ||
            sketch->ring_[ring_position(number)].registers) {
            error = "distinct sketch bucket is outside the ring";
            return nullptr;
        }
        bucket& slot = sketch->slot_for(number);
        in.bytes(slot.registers.get(), register_bytes);
        for (std::size_t i = 0; i < register_bytes; ++i) {
            if (slot.registers[i] > hyperloglog::max_rank) {
                error = "distinct sketch register is out of range";
                return nullptr;
            }
        }
    }
    return sketch;
}

}  // namespace ringfence::engine::state
