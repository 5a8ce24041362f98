// Little-endian byte writer and bounds-checked reader for the snapshot's entry blobs, so a
// snapshot reads back the same on any host. The reader never throws: it sets failed() and
// returns zeros once the input runs out.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>

namespace ringfence::engine::state {

class byte_writer {
  public:
    explicit byte_writer(std::string& out) : out_(out) {}

    void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
    void u32(std::uint32_t v) { put(v, 4); }
    void u64(std::uint64_t v) { put(v, 8); }
    void i64(std::int64_t v) { put(static_cast<std::uint64_t>(v), 8); }
    void f64(double v) { put(std::bit_cast<std::uint64_t>(v), 8); }
    void bytes(const std::uint8_t* p, std::size_t n) {
        out_.append(reinterpret_cast<const char*>(p), n);
    }

  private:
    void put(std::uint64_t v, int n) {
        for (int i = 0; i < n; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    }
    std::string& out_;
};

class byte_reader {
  public:
    explicit byte_reader(std::span<const std::uint8_t> in) : in_(in) {}

    std::uint8_t u8() { return static_cast<std::uint8_t>(get(1)); }
    std::uint32_t u32() { return static_cast<std::uint32_t>(get(4)); }
    std::uint64_t u64() { return get(8); }
    std::int64_t i64() { return static_cast<std::int64_t>(get(8)); }
    double f64() { return std::bit_cast<double>(get(8)); }
    // Copies n bytes to out (zeros when the input is too short).
    void bytes(std::uint8_t* out, std::size_t n) {
        if (!take(n)) {
            std::memset(out, 0, n);
            return;
        }
        std::memcpy(out, in_.data() + pos_ - n, n);
    }

    bool failed() const { return failed_; }
    std::size_t remaining() const { return in_.size() - pos_; }
    // True when n more items of item_bytes each can still be read (guards allocations).
    bool can_read(std::uint64_t n, std::size_t item_bytes) const {
        return !failed_ && n <= remaining() / item_bytes;
    }

  private:
    bool take(std::size_t n) {
        if (failed_ || remaining() < n) {
            failed_ = true;
            return false;
        }
        pos_ += n;
        return true;
    }
    std::uint64_t get(int n) {
        if (!take(static_cast<std::size_t>(n))) return 0;
        std::uint64_t v = 0;
        for (int i = 0; i < n; ++i) v |= std::uint64_t{in_[pos_ - n + i]} << (8 * i);
        return v;
    }

    std::span<const std::uint8_t> in_;
    std::size_t pos_ = 0;
    bool failed_ = false;
};

}  // namespace ringfence::engine::state
