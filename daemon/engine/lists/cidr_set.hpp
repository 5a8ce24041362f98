// A set of IPv4 and IPv6 CIDR ranges compiled once from a list ("203.0.113.0/24",
// "2001:db8::/32", or a bare address for one host) and asked, per record, whether an IP
// address falls in one, and in which: the most specific (longest prefix) range.
//
// Layout: per family, the ranges sorted by first address (shorter prefix first on a tie),
// each with the index of the nearest range enclosing it. CIDR ranges nest or are
// disjoint, so the most specific range holding an address is the last range starting at
// or before it, or one of that range's enclosing ranges: a binary search and a short walk
// up (at most one step per nesting level).
//
// Contract: an entry with host bits set ("203.0.113.5/24") means its network
// (203.0.113.0/24); an IPv4-mapped IPv6 range (::ffff:0:0/96 and longer) is stored as the
// IPv4 range it maps, and queries are read by parse_ip_address, so both spellings of an
// IPv4 peer meet the same entries. Entry indexes count the successful add() calls from 0;
// a range added twice keeps its first index.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "engine/lists/ip_address.hpp"

namespace ringfence::engine::lists {

enum class cidr_error : std::uint8_t {
    none,
    bad_address,        // the part before '/' is not an IPv4 or IPv6 address
    bad_prefix_length,  // not a decimal number within 0-32 (IPv4) or 0-128 (IPv6)
};
// "", "not an IPv4 or IPv6 address", "prefix length must be 0-32 for IPv4 and 0-128 for IPv6"
std::string_view to_string(cidr_error e) noexcept;

class cidr_set {
  public:
    class builder {
      public:
        cidr_error add(std::string_view cidr);
        std::size_t size() const noexcept { return ranges_.size(); }
        cidr_set build() &&;

      private:
        struct pending {
            ip_address first, last;
            std::uint32_t prefix;
            std::uint32_t index;
        };
        std::vector<pending> ranges_;
        std::uint32_t next_index_ = 0;
    };

    cidr_set() = default;

    bool contains(std::string_view ip_text) const noexcept {
        return longest_match(ip_text).has_value();
    }
    // The entry index of the most specific range holding the address; nullopt when none
    // does or the text is not an IP address.
    std::optional<std::uint32_t> longest_match(std::string_view ip_text) const noexcept;
    std::optional<std::uint32_t> longest_match(const ip_address& ip) const noexcept;

    std::size_t size() const noexcept { return v4_.size() + v6_.size(); }
    std::size_t memory_bytes() const noexcept {
        return v4_.capacity() * sizeof(v4_[0]) + v6_.capacity() * sizeof(v6_[0]);
    }

  private:
    static constexpr std::uint32_t no_parent = 0xFFFFFFFF;
    struct v6_key {
        std::uint64_t high = 0, low = 0;
        auto operator<=>(const v6_key&) const = default;
    };
    template <class Key>
    struct range {
        Key first, last;
        std::uint32_t index;   // entry index
        std::uint32_t parent;  // position of the nearest enclosing range, or no_parent
    };

    template <class Key>
    static void append(std::vector<range<Key>>& out, Key first, Key last, std::uint32_t index);
    template <class Key>
    static std::optional<std::uint32_t> find(const std::vector<range<Key>>& ranges,
                                             Key ip) noexcept;

    std::vector<range<std::uint32_t>> v4_;  // 16 bytes a range
    std::vector<range<v6_key>> v6_;         // 40 bytes a range
};

}  // namespace ringfence::engine::lists
