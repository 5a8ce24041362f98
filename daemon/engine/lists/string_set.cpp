// string_set: building the arena and the probe table, and the lookup.
#include "engine/lists/string_set.hpp"

#include <cstring>
#include <limits>

#include "engine/lists/string_hash.hpp"

namespace ringfence::engine::lists {
namespace {

constexpr std::uint64_t max_arena = std::numeric_limits<std::uint32_t>::max() - 1;

// multiply-shift: a uniform index in [0, n) from the high 32 bits of the hash.
std::size_t slot_index(std::uint64_t hash, std::size_t n) {
    return static_cast<std::size_t>(((hash >> 32) * static_cast<std::uint64_t>(n)) >> 32);
}

std::uint32_t tag_of(std::uint64_t hash) { return static_cast<std::uint32_t>(hash); }

void append_varint(std::string& out, std::size_t n) {
    while (n >= 0x80) {
        out.push_back(static_cast<char>((n & 0x7F) | 0x80));
        n >>= 7;
    }
    out.push_back(static_cast<char>(n));
}

}  // namespace

bool string_set::builder::add(std::string_view s) {
    if (arena_.size() + s.size() + 5 * (ends_.size() + 1) > max_arena) return false;
    arena_.append(s);
    ends_.push_back(arena_.size());
    return true;
}

string_set string_set::builder::build() && {
    string_set set;
    const std::size_t n = ends_.size();
    // At most 70% full; at least one empty slot so a probe always ends.
    set.slots_.resize(n + n * 3 / 7 + 1);
    set.arena_.reserve(arena_.size() + n);
    std::uint64_t begin = 0;
    for (const std::uint64_t end : ends_) {
        const std::string_view s(arena_.data() + begin, end - begin);
        begin = end;
        const std::uint64_t hash = hash_string(s);
        bool found = false;
        const std::size_t at = set.probe(s, hash, found);
        if (found) continue;
        set.slots_[at] = {tag_of(hash), static_cast<std::uint32_t>(set.arena_.size())};
        append_varint(set.arena_, s.size());
        set.arena_.append(s);
        ++set.size_;
        set.lengths_ |= std::uint64_t{1} << (s.size() < 63 ? s.size() : 63);
    }
    set.arena_.shrink_to_fit();
    arena_.clear();
    ends_.clear();
    return set;
}

std::string_view string_set::string_at(std::uint32_t offset) const noexcept {
    std::size_t length = 0;
    int shift = 0;
    std::size_t at = offset;
    for (;;) {
        const auto byte = static_cast<unsigned char>(arena_[at++]);
        length |= static_cast<std::size_t>(byte & 0x7F) << shift;
        if ((byte & 0x80) == 0) break;
        shift += 7;
    }
    return {arena_.data() + at, length};
}

std::size_t string_set::probe(std::string_view s, std::uint64_t hash, bool& found) const noexcept {
    const std::size_t n = slots_.size();
    const std::uint32_t tag = tag_of(hash);
    std::size_t at = slot_index(hash, n);
    for (;;) {
        const slot& sl = slots_[at];
        if (sl.offset == empty_slot) {
            found = false;
            return at;
        }
        if (sl.tag == tag) {
            const std::string_view stored = string_at(sl.offset);
            if (stored.size() == s.size() &&
                (s.empty() || std::memcmp(stored.data(), s.data(), s.size()) == 0)) {
                found = true;
                return at;
            }
        }
        if (++at == n) at = 0;
    }
}

bool string_set::contains_hashed(std::string_view s) const noexcept {
    if (slots_.empty()) return false;
    bool found = false;
    probe(s, hash_string(s), found);
    return found;
}

}  // namespace ringfence::engine::lists
