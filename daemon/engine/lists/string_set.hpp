// An exact-match set of strings compiled once from a list (numbers in E.164, domains, IP
// addresses as text, bank accounts) and read by every record: up to millions of entries in
// two flat arrays instead of one heap node per string.
//
// Layout: the strings live back to back in one arena, each after its length as a varint;
// an open-addressing table of 8-byte slots (32 bits of hash, 32-bit arena offset) with
// linear probing, at most 70% full, indexed by multiply-shift (any table size, no power of
// two). A lookup hashes once, compares 32-bit tags within a cache line or two, and reads
// the arena only for a tag hit. Memory is 8 bytes per slot (1/0.7 slots per entry) plus the
// strings and their length bytes; memory_bytes() reports it. Limits: 4 GiB of strings.
//
// Building: add strings in any order (duplicates are kept once; the empty string is a
// valid member), then build(). The set is immutable and safe to read from many threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ringfence::engine::lists {

class string_set {
  public:
    class builder {
      public:
        // Returns false (and adds nothing) once the strings would pass 4 GiB.
        bool add(std::string_view s);
        std::size_t size() const noexcept { return ends_.size(); }
        string_set build() &&;

      private:
        std::string arena_;
        std::vector<std::uint64_t> ends_;  // end of each added string in arena_
    };

    string_set() = default;

    // Inline up to the length test: most lookups in a small list (emergency numbers, a
    // list of short codes tested against every callee) end there, before any hashing.
    bool contains(std::string_view s) const noexcept { return holds_length(s.size()) && contains_hashed(s); }
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    std::size_t memory_bytes() const noexcept {
        return slots_.capacity() * sizeof(slot) + arena_.capacity();
    }

  private:
    static constexpr std::uint32_t empty_slot = 0xFFFFFFFF;
    struct slot {
        std::uint32_t tag = 0;
        std::uint32_t offset = empty_slot;  // of the string's varint length in arena_
    };
    static_assert(sizeof(slot) == 8);

    // Bit n of lengths_ (n < 63): some member is n bytes long; bit 63: some is 63 or longer.
    bool holds_length(std::size_t n) const noexcept { return (lengths_ >> (n < 63 ? n : 63)) & 1; }
    bool contains_hashed(std::string_view s) const noexcept;
    // Where s is, or where it would go (an empty slot); found says which.
    std::size_t probe(std::string_view s, std::uint64_t hash, bool& found) const noexcept;
    std::string_view string_at(std::uint32_t offset) const noexcept;

    std::vector<slot> slots_;
    std::string arena_;
    std::size_t size_ = 0;
    std::uint64_t lengths_ = 0;
};

}  // namespace ringfence::engine::lists
