// A set of telephone numbers and number prefixes (E.164 digits) compiled once from a list
// and asked, per record, for the longest stored prefix of a number: "is this caller on
// the blocklist", "does this callee fall in a premium range".
//
// Why not model::digit_trie: a trie spends a 12-byte node per digit that is not shared,
// so a million blocklisted 11-digit numbers (about 5.5 unshared digits each) take about
// 66 MB. Here a prefix of L digits is the integer value of those digits, kept in a sorted
// array for its length L, with a directory that splits the key range of each length into
// buckets of about four keys: 12 bytes per entry plus 1 byte of directory, whatever the
// digits. A lookup reads the number's prefix values in one pass and, longest length
// first, finds the bucket by one division and searches a few keys.
//
// Contract: prefixes are 0-19 digits, optionally after one leading '+', which is ignored
// ("+8491" and "8491" are the same prefix); the empty prefix matches every number. Entry
// indexes count the successful add() calls from 0; a prefix added twice keeps its first
// index. A lookup reads digits up to the first non-digit (after an optional '+').
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace ringfence::engine::lists {

class number_prefix_set {
  public:
    struct match {
        std::uint32_t index = 0;   // the entry's index (order of add)
        std::uint32_t length = 0;  // digits of the number it covers
    };

    class builder {
      public:
        // Returns false (and adds nothing) for a non-digit or more than 19 digits.
        bool add(std::string_view digits);
        std::size_t size() const noexcept { return entries_.size() + (has_empty_ ? 1 : 0); }
        number_prefix_set build() &&;

      private:
        struct entry {
            std::uint64_t value;
            std::uint32_t length;
            std::uint32_t index;
        };
        std::vector<entry> entries_;
        bool has_empty_ = false;
        std::uint32_t empty_index_ = 0;
        std::uint32_t next_index_ = 0;
    };

    number_prefix_set() = default;

    // The longest stored prefix of number, as its entry index.
    std::optional<std::uint32_t> longest_prefix(std::string_view number) const noexcept {
        const auto m = longest_match(number);
        return m ? std::optional<std::uint32_t>(m->index) : std::nullopt;
    }
    std::optional<match> longest_match(std::string_view number) const noexcept;
    // number itself is stored (not only a prefix of it).
    bool contains(std::string_view number) const noexcept;

    std::size_t size() const noexcept { return keys_.size() + (has_empty_ ? 1 : 0); }
    std::size_t memory_bytes() const noexcept;

    static constexpr std::size_t max_digits = 19;

  private:
    struct length_table {
        std::uint32_t length = 0;
        std::uint32_t begin = 0, end = 0;  // range in keys_ / indexes_
        std::uint64_t min = 0;             // smallest key of this length
        std::uint64_t bucket_width = 1;    // key values per bucket, from min up
        std::uint32_t directory = 0;       // first of its bucket_count + 1 entries in directory_
        std::uint32_t bucket_count = 0;
    };

    std::optional<std::uint32_t> find(const length_table& t, std::uint64_t value) const noexcept;

    std::vector<std::uint64_t> keys_;       // sorted within each length
    std::vector<std::uint32_t> indexes_;    // entry index of keys_[i]
    std::vector<std::uint32_t> directory_;  // per length: first key of each bucket
    std::vector<length_table> tables_;      // longest length first
    bool has_empty_ = false;
    std::uint32_t empty_index_ = 0;
};

}  // namespace ringfence::engine::lists
