// A compiled, read-only trie over decimal digit strings, generic over the value stored at a
// prefix. It answers "which stored prefixes does this number start with" (longest prefix,
// or every one in order) and "is this exact number stored", walking one node per digit
// with no allocation, so it serves numbering plans (hundreds of prefixes) and number lists
// (a million subscriber or blocklisted numbers) alike.
//
// Layout: every node is 12 bytes (static_assert below) -- a 10-bit child mask, the index of
// its first child, and the index of its value (or none). The children of a node are stored
// next to each other in digit order, so child d is first_child + popcount(mask below d).
// Values live in their own vector, so a node costs 12 bytes whatever the value type and a
// stored prefix costs sizeof(Value) more. A trie of N nodes therefore takes 12*N bytes; while
// it is built, the builder holds the keys as strings plus 12 bytes of scratch per node (it
// never materialises 10-child nodes). Indexes are uint32: up to 4,294,967,294 nodes.
//
// Building: add (digits, value) pairs to a builder in any order, then build(). A key given
// twice keeps the value added last; the empty key stores a value at the root. Lookups stop
// at the first character that is not a digit, so "+8491" finds nothing beyond the root.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ringfence::model {

namespace digit_trie_detail {

// The set bits of a mask of up to 16 bits (a node's has ten, one a digit), inline: the
// packaged build targets baseline x86-64, which has no popcnt instruction, so std::popcount
// is a library call (__popcountdi2) on every digit of every number looked up.
constexpr std::uint32_t bits_set(std::uint32_t x) noexcept {
    x = x - ((x >> 1) & 0x5555u);
    x = (x & 0x3333u) + ((x >> 2) & 0x3333u);
    x = (x + (x >> 4)) & 0x0F0Fu;
    return (x + (x >> 8)) & 0x1Fu;
}
static_assert([] {
    for (std::uint32_t x = 0; x < 0x400; ++x)  // every mask of the ten digits
        if (bits_set(x) != static_cast<std::uint32_t>(std::popcount(x))) return false;
    return true;
}());

}  // namespace digit_trie_detail

template <class Value>
class digit_trie {
  public:
    // One match: the stored value and how many leading digits of the query it covers.
    struct match {
        const Value* value = nullptr;
        std::size_t length = 0;
        explicit operator bool() const noexcept { return value != nullptr; }
    };

    class builder {
      public:
        // Returns false (and stores nothing) when digits holds anything but '0'..'9'.
        bool add(std::string_view digits, Value value) {
            for (const char c : digits)
                if (c < '0' || c > '9') return false;
            entries_.emplace_back(std::string(digits), std::move(value));
            return true;
        }
        std::size_t size() const noexcept { return entries_.size(); }
        digit_trie build() &&;

      private:
        std::vector<std::pair<std::string, Value>> entries_;
    };

    digit_trie() = default;

    // The longest stored prefix of digits (the empty prefix counts when the root has a value).
    match longest_prefix(std::string_view digits) const noexcept {
        match best;
        for_each_prefix(digits, [&](std::size_t length, const Value& v) { best = {&v, length}; });
        return best;
    }

    // Calls visit(length, value) for every stored prefix of digits, shortest first.
    template <class Visit>
    void for_each_prefix(std::string_view digits, Visit&& visit) const {
        if (nodes_.empty()) return;
        std::uint32_t at = 0;
        for (std::size_t depth = 0;; ++depth) {
            const node& n = nodes_[at];
            if (n.value != no_value) visit(depth, values_[n.value]);
            if (depth == digits.size()) return;
            at = child(n, digits[depth]);
            if (at == no_node) return;
        }
    }

    // The value stored for exactly these digits, or nullptr.
    const Value* find(std::string_view digits) const noexcept {
        if (nodes_.empty()) return nullptr;
        std::uint32_t at = 0;
        for (const char c : digits) {
            at = child(nodes_[at], c);
            if (at == no_node) return nullptr;
        }
        const node& n = nodes_[at];
        return n.value == no_value ? nullptr : &values_[n.value];
    }

    bool empty() const noexcept { return values_.empty(); }
    std::size_t value_count() const noexcept { return values_.size(); }
    std::size_t node_count() const noexcept { return nodes_.size(); }
    std::size_t memory_bytes() const noexcept {
        return nodes_.capacity() * sizeof(node) + values_.capacity() * sizeof(Value);
    }
    static constexpr std::size_t bytes_per_node = 12;

  private:
    static constexpr std::uint32_t no_value = std::numeric_limits<std::uint32_t>::max();
    static constexpr std::uint32_t no_node = std::numeric_limits<std::uint32_t>::max();

    struct node {
        std::uint32_t first_child = 0;
        std::uint32_t value = no_value;
        std::uint16_t child_mask = 0;  // bit d set: a child for digit d
    };
    static_assert(sizeof(node) == bytes_per_node);

    std::uint32_t child(const node& n, char c) const noexcept {
        const unsigned d = static_cast<unsigned char>(c) - static_cast<unsigned>('0');
        if (d > 9) return no_node;
        const unsigned bit = 1u << d;
        if ((n.child_mask & bit) == 0) return no_node;
        return n.first_child + digit_trie_detail::bits_set(static_cast<std::uint32_t>(n.child_mask & (bit - 1)));
    }


    std::vector<node> nodes_;
    std::vector<Value> values_;
};

// Breadth-first over the sorted keys: the keys below a node are one contiguous run, its
// exact key (if any) sorts first, and the runs of its children follow in digit order, so
// each node's children are appended as one block. The queue entry i describes node i.
template <class Value>
digit_trie<Value> digit_trie<Value>::builder::build() && {
    std::stable_sort(entries_.begin(), entries_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    // Keep the last of equal keys (stable sort keeps insertion order among them).
    std::vector<std::pair<std::string, Value>> keys;
    keys.reserve(entries_.size());
    for (std::size_t i = 0; i < entries_.size(); ++i)
        if (i + 1 == entries_.size() || entries_[i].first != entries_[i + 1].first)
            keys.push_back(std::move(entries_[i]));
    entries_.clear();
    entries_.shrink_to_fit();

    digit_trie trie;
    trie.values_.reserve(keys.size());
    struct run {
        std::uint32_t begin, end, depth;
    };
    std::vector<run> queue;
    queue.push_back({0, static_cast<std::uint32_t>(keys.size()), 0});
    trie.nodes_.emplace_back();
    for (std::size_t i = 0; i < queue.size(); ++i) {
        auto [begin, end, depth] = queue[i];
        if (begin < end && keys[begin].first.size() == depth) {
            trie.nodes_[i].value = static_cast<std::uint32_t>(trie.values_.size());
            trie.values_.push_back(std::move(keys[begin].second));
            ++begin;
        }
        trie.nodes_[i].first_child = static_cast<std::uint32_t>(trie.nodes_.size());
        std::uint16_t mask = 0;
        while (begin < end) {
            const char digit = keys[begin].first[depth];
            std::uint32_t stop = begin + 1;
            while (stop < end && keys[stop].first[depth] == digit) ++stop;
            mask = static_cast<std::uint16_t>(mask | (1u << (digit - '0')));
            queue.push_back({begin, stop, depth + 1});
            trie.nodes_.emplace_back();
            begin = stop;
        }
        trie.nodes_[i].child_mask = mask;
    }
    trie.nodes_.shrink_to_fit();
    return trie;
}

}  // namespace ringfence::model
