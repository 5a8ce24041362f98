// number_prefix_set: per-length sorted keys with a bucket directory over each length's key
// range.
#include "engine/lists/number_prefix_set.hpp"

#include <algorithm>
#include <array>

namespace ringfence::engine::lists {
namespace {

constexpr std::uint32_t keys_per_bucket = 4;

std::string_view without_plus(std::string_view s) {
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    return s;
}

}  // namespace

bool number_prefix_set::builder::add(std::string_view digits) {
    digits = without_plus(digits);
    if (digits.size() > max_digits) return false;
    std::uint64_t value = 0;
    for (const char c : digits) {
        if (c < '0' || c > '9') return false;
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    const std::uint32_t index = next_index_++;
    if (digits.empty()) {
        if (!has_empty_) empty_index_ = index;
        has_empty_ = true;
    } else {
        entries_.push_back({value, static_cast<std::uint32_t>(digits.size()), index});
    }
    return true;
}

number_prefix_set number_prefix_set::builder::build() && {
    std::sort(entries_.begin(), entries_.end(), [](const entry& a, const entry& b) {
        if (a.length != b.length) return a.length > b.length;
        if (a.value != b.value) return a.value < b.value;
        return a.index < b.index;
    });
    number_prefix_set set;
    set.has_empty_ = has_empty_;
    set.empty_index_ = empty_index_;
    set.keys_.reserve(entries_.size());
    set.indexes_.reserve(entries_.size());
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        const entry& e = entries_[i];
        if (i > 0 && e.length == entries_[i - 1].length && e.value == entries_[i - 1].value)
            continue;
        if (set.tables_.empty() || set.tables_.back().length != e.length) {
            length_table t;
            t.length = e.length;
            t.begin = t.end = static_cast<std::uint32_t>(set.keys_.size());
            set.tables_.push_back(t);
        }
        set.keys_.push_back(e.value);
        set.indexes_.push_back(e.index);
        ++set.tables_.back().end;
    }
    entries_.clear();
    entries_.shrink_to_fit();
    for (length_table& t : set.tables_) {
        const std::uint32_t count = t.end - t.begin;
        t.min = set.keys_[t.begin];
        const std::uint64_t range = set.keys_[t.end - 1] - t.min + 1;
        t.bucket_count = std::max<std::uint32_t>(1, count / keys_per_bucket);
        t.bucket_width =
            std::max<std::uint64_t>(1, range / t.bucket_count + (range % t.bucket_count != 0));
        t.directory = static_cast<std::uint32_t>(set.directory_.size());
        std::uint32_t k = t.begin;
        for (std::uint32_t b = 0; b < t.bucket_count; ++b) {
            while (k < t.end && (set.keys_[k] - t.min) / t.bucket_width < b) ++k;
            set.directory_.push_back(k);
        }
        set.directory_.push_back(t.end);
    }
    set.directory_.shrink_to_fit();
    return set;
}

std::optional<std::uint32_t> number_prefix_set::find(const length_table& t,
                                                     std::uint64_t value) const noexcept {
    if (value < t.min) return std::nullopt;
    const std::uint64_t bucket = (value - t.min) / t.bucket_width;
    if (bucket >= t.bucket_count) return std::nullopt;
    const auto first = keys_.begin() + directory_[t.directory + bucket];
    const auto last = keys_.begin() + directory_[t.directory + bucket + 1];
    const auto at = std::lower_bound(first, last, value);
    if (at == last || *at != value) return std::nullopt;
    return indexes_[static_cast<std::size_t>(at - keys_.begin())];
}

std::optional<number_prefix_set::match> number_prefix_set::longest_match(
    std::string_view number) const noexcept {
    number = without_plus(number);
    // Only as many digits as the longest stored prefix has: a list of 3-digit ranges reads
    // three (values past n are never read).
    std::array<std::uint64_t, max_digits + 1> values;
    values[0] = 0;
    const std::size_t limit = tables_.empty() ? 0 : tables_.front().length;
    std::size_t n = 0;
    std::uint64_t value = 0;
    while (n < number.size() && n < limit && number[n] >= '0' && number[n] <= '9') {
        value = value * 10 + static_cast<std::uint64_t>(number[n] - '0');
        values[++n] = value;
    }
    for (const length_table& t : tables_) {
        if (t.length > n) continue;
        if (const auto index = find(t, values[t.length])) return match{*index, t.length};
    }
    if (has_empty_) return match{empty_index_, 0};
    return std::nullopt;
}

bool number_prefix_set::contains(std::string_view number) const noexcept {
    number = without_plus(number);
    if (number.empty()) return has_empty_;
    if (number.size() > max_digits) return false;
    std::uint64_t value = 0;
    for (const char c : number) {
        if (c < '0' || c > '9') return false;
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    for (const length_table& t : tables_)
        if (t.length == number.size()) return find(t, value).has_value();
    return false;
}

std::size_t number_prefix_set::memory_bytes() const noexcept {
    return keys_.capacity() * sizeof(std::uint64_t) + indexes_.capacity() * sizeof(std::uint32_t) +
           directory_.capacity() * sizeof(std::uint32_t) +
           tables_.capacity() * sizeof(length_table);
}

}  // namespace ringfence::engine::lists
