// cidr_set: parsing entries into [first, last] ranges, sorting and linking each to its
// enclosing range, and the lookup.
#include "engine/lists/cidr_set.hpp"

#include <algorithm>

namespace ringfence::engine::lists {
namespace {

// The mask of the first `bits` bits of a 64-bit half.
std::uint64_t leading_mask(std::uint32_t bits) {
    if (bits == 0) return 0;
    if (bits >= 64) return ~std::uint64_t{0};
    return ~std::uint64_t{0} << (64 - bits);
}

// first/last address of the network of `a` with `prefix` bits.
void network(const ip_address& a, std::uint32_t prefix, ip_address& first, ip_address& last) {
    first = last = a;
    if (!a.v6) {
        const std::uint64_t mask =
            prefix == 0 ? 0 : (0xFFFFFFFFull << (32 - prefix)) & 0xFFFFFFFFull;
        first.low = a.low & mask;
        last.low = first.low | (~mask & 0xFFFFFFFFull);
        return;
    }
    const std::uint64_t high_mask = leading_mask(prefix);
    const std::uint64_t low_mask = prefix <= 64 ? 0 : leading_mask(prefix - 64);
    first.high = a.high & high_mask;
    first.low = a.low & low_mask;
    last.high = first.high | ~high_mask;
    last.low = first.low | ~low_mask;
}

}  // namespace

std::string_view to_string(cidr_error e) noexcept {
    switch (e) {
        case cidr_error::none:
            return "";
        case cidr_error::bad_address:
            return "not an IPv4 or IPv6 address";
        case cidr_error::bad_prefix_length:
            return "prefix length must be 0-32 for IPv4 and 0-128 for IPv6";
    }
    return "";
}

cidr_error cidr_set::builder::add(std::string_view cidr) {
    const std::size_t slash = cidr.find('/');
    const std::string_view address_text = cidr.substr(0, slash);
    // Parse the address as written (a mapped IPv6 form comes back as IPv4), and know the
    // written family for the prefix length.
    const bool written_v6 = address_text.find(':') != std::string_view::npos;
    const auto address = parse_ip_address(address_text);
    if (!address) return cidr_error::bad_address;
    const std::uint32_t max_prefix = written_v6 ? 128 : 32;
    std::uint32_t prefix = max_prefix;
    if (slash != std::string_view::npos) {
        const std::string_view digits = cidr.substr(slash + 1);
        if (digits.empty() || digits.size() > 3) return cidr_error::bad_prefix_length;
        prefix = 0;
        for (const char c : digits) {
            if (c < '0' || c > '9') return cidr_error::bad_prefix_length;
            prefix = prefix * 10 + static_cast<std::uint32_t>(c - '0');
        }
        if (prefix > max_prefix) return cidr_error::bad_prefix_length;
    }
    ip_address target = *address;
    if (written_v6 && !address->v6) {
        // ::ffff:a.b.c.d/n: the IPv4 range /(n-96); for n < 96 a range that real IPv6
        // addresses fall in too, so it stays IPv6.
        if (prefix >= 96)
            prefix -= 96;
        else
            target = ip_address{true, 0, 0xFFFF00000000ull | address->low};
    }
    pending p{};
    network(target, prefix, p.first, p.last);
    p.prefix = prefix;
    p.index = next_index_++;
    ranges_.push_back(p);
    return cidr_error::none;
}

cidr_set cidr_set::builder::build() && {
    std::sort(ranges_.begin(), ranges_.end(), [](const pending& a, const pending& b) {
        if (a.first.v6 != b.first.v6) return !a.first.v6;
        if (a.first != b.first) return a.first < b.first;
        if (a.prefix != b.prefix) return a.prefix < b.prefix;
        return a.index < b.index;
    });
    cidr_set set;
    for (std::size_t i = 0; i < ranges_.size(); ++i) {
        const pending& p = ranges_[i];
        if (i > 0 && p.first == ranges_[i - 1].first && p.prefix == ranges_[i - 1].prefix) continue;
        if (p.first.v6)
            append(set.v6_, v6_key{p.first.high, p.first.low}, v6_key{p.last.high, p.last.low},
                   p.index);
        else
            append(set.v4_, static_cast<std::uint32_t>(p.first.low),
                   static_cast<std::uint32_t>(p.last.low), p.index);
    }
    ranges_.clear();
    ranges_.shrink_to_fit();
    set.v4_.shrink_to_fit();
    set.v6_.shrink_to_fit();
    return set;
}

// Ranges arrive sorted; the enclosing range of a new one is found by walking up from the
// previous range until one holds its first address.
template <class Key>
void cidr_set::append(std::vector<range<Key>>& out, Key first, Key last, std::uint32_t index) {
    std::uint32_t parent = out.empty() ? no_parent : static_cast<std::uint32_t>(out.size() - 1);
    while (parent != no_parent && out[parent].last < first) parent = out[parent].parent;
    out.push_back({first, last, index, parent});
}

template <class Key>
std::optional<std::uint32_t> cidr_set::find(const std::vector<range<Key>>& ranges,
                                            Key ip) noexcept {
    auto after = std::upper_bound(ranges.begin(), ranges.end(), ip,
                                  [](const Key& a, const range<Key>& r) { return a < r.first; });
    if (after == ranges.begin()) return std::nullopt;
    auto at = static_cast<std::uint32_t>(after - ranges.begin() - 1);
    while (at != no_parent && ranges[at].last < ip) at = ranges[at].parent;
    if (at == no_parent) return std::nullopt;
    return ranges[at].index;
}

std::optional<std::uint32_t> cidr_set::longest_match(const ip_address& ip) const noexcept {
    if (ip.v6) return find(v6_, v6_key{ip.high, ip.low});
    return find(v4_, static_cast<std::uint32_t>(ip.low));
}

std::optional<std::uint32_t> cidr_set::longest_match(std::string_view ip_text) const noexcept {
    const auto ip = parse_ip_address(ip_text);
    if (!ip) return std::nullopt;
    return longest_match(*ip);
}

}  // namespace ringfence::engine::lists
