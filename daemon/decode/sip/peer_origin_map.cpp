#include "decode/sip/peer_origin_map.hpp"

#include <algorithm>
#include <charconv>

namespace ringfence::decode::sip {

namespace {

bool prefix_matches(const packet::ip_address& a, const packet::ip_address& network,
                    int prefix_length) noexcept {
    if (a.family != network.family) return false;
    const int full_bytes = prefix_length / 8;
    for (int i = 0; i < full_bytes; ++i) {
        if (a.bytes[static_cast<std::size_t>(i)] != network.bytes[static_cast<std::size_t>(i)])
            return false;
    }
    const int rest = prefix_length % 8;
    if (rest == 0) return true;
    const auto mask = static_cast<unsigned char>(0xff << (8 - rest));
    const auto i = static_cast<std::size_t>(full_bytes);
    return (a.bytes[i] & mask) == (network.bytes[i] & mask);
}

}  // namespace

bool parse_cidr(std::string_view text, packet::ip_address& network, int& prefix_length,
                std::string& error) {
    const std::size_t slash = text.find('/');
    if (!packet::ip_address::parse(text.substr(0, slash), network)) {
        error = "'" + std::string(text) + "' is not an IPv4 or IPv6 address or CIDR range";
        return false;
    }
    const int max_length = network.family == 4 ? 32 : 128;
    prefix_length = max_length;
    if (slash != std::string_view::npos) {
        const std::string_view digits = text.substr(slash + 1);
        const auto [end, ec] =
            std::from_chars(digits.data(), digits.data() + digits.size(), prefix_length);
        if (ec != std::errc{} || end != digits.data() + digits.size() || prefix_length < 0 ||
            prefix_length > max_length) {
            error = "'" + std::string(text) + "': prefix length must be 0.." +
                    std::to_string(max_length);
            return false;
        }
    }
    // 10.0.2.7/24 is most likely a peer's own address given a mask by mistake: the range
    // meant is unclear, so it is refused with the form to write, as the intel lists do.
    packet::ip_address masked = network;
    const int bytes = network.family == 4 ? 4 : 16;
    for (int i = 0; i < bytes; ++i) {
        const int keep = std::clamp(prefix_length - i * 8, 0, 8);
        masked.bytes[static_cast<std::size_t>(i)] &= static_cast<unsigned char>(0xFF00 >> keep);
    }
    if (masked.bytes != network.bytes) {
        error = "'" + std::string(text) + "' has bits set past /" + std::to_string(prefix_length) + ": write the range's first address (" +
                masked.to_string() + "/" + std::to_string(prefix_length) + ")";
        return false;
    }
    return true;
}

peer_origin_map::peer_origin_map(std::vector<peer_range> ranges, model::origin_kind default_kind)
    : ranges_(std::move(ranges)), default_kind_(default_kind) {
    std::stable_sort(ranges_.begin(), ranges_.end(), [](const peer_range& a, const peer_range& b) {
        return a.prefix_length > b.prefix_length;
    });
}

peer_origin_map::match peer_origin_map::find(const packet::ip_address& address) const noexcept {
    // A peer written as an IPv4 range also matches its addresses in mapped IPv6 form.
    const packet::ip_address a = address.unmapped();
    for (const peer_range& r : ranges_) {
        if (prefix_matches(a, r.network, r.prefix_length)) return {r.kind, r.trunk};
    }
    return {default_kind_, {}};
}

}  // namespace ringfence::decode::sip
