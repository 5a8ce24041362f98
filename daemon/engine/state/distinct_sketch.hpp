// A windowed HyperLogLog for distinct() once an entry holds more than distinct_exact_limit
// values. Record time is cut into buckets of width ceil(window / 8), aligned to multiples of
// the width; each bucket has its own 1024-register HyperLogLog (precision 10, one byte a
// register, allocated when the bucket first gets a value), and a ring of 9 buckets covers
// the window. A query at t merges (register-wise max) the buckets overlapping (t - window, t].
//
// Error, stated for the rule author:
// - Relative standard error 1.04 / sqrt(1024) = 3.25% (Ertl's estimator, unbiased from 0
//   up): about 68% of estimates within 3.25% of the true count, 99.7% within 9.75%.
// - Bucket approximation at the window's old edge: the oldest bucket is counted whole, so
//   values last seen up to one bucket width (window / 8) before the window may still count,
//   which can only raise the estimate. For a query earlier than the newest record, values
//   in the query's own bucket but later than t count too.
// - Estimates are rounded to whole numbers: below a few dozen values the sketch counts
//   them almost always exactly (linear counting over 1024 registers).
// A fully used sketch costs about 9.6 KiB. The merged histogram and its estimate are cached,
// so the common query (at the newest time, after an add) is O(1).
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>

#include "engine/state/byte_codec.hpp"
#include "engine/state/hyperloglog.hpp"

namespace ringfence::engine::state {

class distinct_sketch {
  public:
    static constexpr int buckets_per_window = 8;
    static constexpr int ring_size = buckets_per_window + 1;

    explicit distinct_sketch(std::int64_t window_ms);

    // Adds a (mixed) value hash seen at time_ms. False, adding nothing, when time_ms lies
    // before the oldest bucket the ring still holds.
    bool add(std::uint64_t hash, std::int64_t time_ms);

    // Estimated distinct values in (t - window, t], with the error stated above.
    double estimate(std::int64_t t_ms);

    std::int64_t bucket_width_ms() const { return width_ms_; }
    std::size_t bytes() const { return bytes_; }  // this object and its register arrays

    // Blob payload: i64 width, i64 newest bucket, u8 n, then n times (i64 bucket, registers).
    void serialize(byte_writer& out) const;
    static std::unique_ptr<distinct_sketch> deserialize(byte_reader& in, std::int64_t window_ms,
                                                        std::string& error);

  private:
    static constexpr std::int64_t no_bucket = std::numeric_limits<std::int64_t>::min();

    struct bucket {
        std::int64_t number = no_bucket;  // time / width of the values it holds
        std::unique_ptr<std::uint8_t[]> registers;
    };

    bucket& slot_for(std::int64_t number);
    bool in_cache(std::int64_t number) const {
        return cache_valid_ && number >= cache_lo_ && number <= cache_hi_;
    }
    std::uint8_t merged_register(std::uint32_t index, std::int64_t lo, std::int64_t hi) const;
    void rebuild_cache(std::int64_t lo, std::int64_t hi);

    std::int64_t window_ms_;
    std::int64_t width_ms_;
    std::int64_t newest_bucket_ = no_bucket;
    std::array<bucket, ring_size> ring_;
    // Histogram of the registers merged over buckets [cache_lo_, cache_hi_], kept current
    // by add() so repeated queries over the same buckets need no merge.
    bool cache_valid_ = false;
    std::int64_t cache_lo_ = 0;
    std::int64_t cache_hi_ = 0;
    hyperloglog::histogram histogram_{};
    // The estimate from histogram_ while no register it covers has changed: once a sketch
    // is past a few thousand values, most adds change no register.
    bool estimate_valid_ = false;
    double estimate_ = 0;
    std::size_t bytes_;
};

}  // namespace ringfence::engine::state
