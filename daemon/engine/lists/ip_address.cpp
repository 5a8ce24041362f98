// parse_ip_address: a strict dotted-quad reader and an RFC 4291 IPv6 reader.
#include "engine/lists/ip_address.hpp"

#include <array>

namespace ringfence::engine::lists {
namespace {

std::optional<std::uint32_t> parse_ipv4(std::string_view s) {
    std::uint32_t address = 0;
    int octets = 0;
    std::size_t i = 0;
    while (octets < 4) {
        const std::size_t start = i;
        unsigned value = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3)
            value = value * 10 + (s[i++] - '0');
        const std::size_t digits = i - start;
        if (digits == 0 || value > 255 || (digits > 1 && s[start] == '0')) return std::nullopt;
        address = (address << 8) | value;
        if (++octets < 4) {
            if (i >= s.size() || s[i] != '.') return std::nullopt;
            ++i;
        }
    }
    if (i != s.size()) return std::nullopt;
    return address;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::array<std::uint16_t, 8>> parse_ipv6(std::string_view s) {
    std::array<std::uint16_t, 8> groups{};
    int count = 0;
    int gap = -1;  // where "::" stands, in groups
    std::size_t i = 0;
    if (s.starts_with("::")) {
        gap = 0;
        i = 2;
        if (i == s.size()) return groups;
    }
    while (i < s.size()) {
        if (count == 8) return std::nullopt;
        // A dotted-quad tail takes the last two groups.
        const std::size_t next_colon = s.find(':', i);
        const std::string_view rest =
            s.substr(i, next_colon == std::string_view::npos ? s.size() - i : next_colon - i);
        if (next_colon == std::string_view::npos && rest.find('.') != std::string_view::npos) {
            const auto v4 = parse_ipv4(rest);
            if (!v4 || count > 6) return std::nullopt;
            groups[static_cast<std::size_t>(count++)] = static_cast<std::uint16_t>(*v4 >> 16);
            groups[static_cast<std::size_t>(count++)] = static_cast<std::uint16_t>(*v4 & 0xFFFF);
            i = s.size();
            break;
        }
        unsigned value = 0;
        const std::size_t start = i;
        while (i < s.size() && i - start < 4 && hex_value(s[i]) >= 0)
            value = value * 16 + static_cast<unsigned>(hex_value(s[i++]));
        if (i == start) return std::nullopt;
        groups[static_cast<std::size_t>(count++)] = static_cast<std::uint16_t>(value);
        if (i == s.size()) break;
        if (s[i] != ':') return std::nullopt;
        ++i;
        if (i < s.size() && s[i] == ':') {
            if (gap >= 0) return std::nullopt;  // a second "::"
            gap = count;
            ++i;
            if (i == s.size()) break;
        } else if (i == s.size()) {
            return std::nullopt;  // a trailing single ':'
        }
    }
    if (gap < 0) {
        if (count != 8) return std::nullopt;
        return groups;
    }
    if (count >= 8) return std::nullopt;  // "::" must stand for at least one group
    std::array<std::uint16_t, 8> expanded{};
    const int tail = count - gap;
    for (int k = 0; k < gap; ++k)
        expanded[static_cast<std::size_t>(k)] = groups[static_cast<std::size_t>(k)];
    for (int k = 0; k < tail; ++k)
        expanded[static_cast<std::size_t>(8 - tail + k)] =
            groups[static_cast<std::size_t>(gap + k)];
    return expanded;
}

}  // namespace

std::optional<ip_address> parse_ip_address(std::string_view text) noexcept {
    if (text.find(':') == std::string_view::npos) {
        const auto v4 = parse_ipv4(text);
        if (!v4) return std::nullopt;
        return ip_address{false, 0, *v4};
    }
    if (text.size() >= 2 && text.front() == '[' && text.back() == ']')
        text = text.substr(1, text.size() - 2);
    if (const std::size_t zone = text.find('%'); zone != std::string_view::npos) {
        if (zone + 1 == text.size()) return std::nullopt;
        text = text.substr(0, zone);
    }
    const auto groups = parse_ipv6(text);
    if (!groups) return std::nullopt;
    ip_address a{true, 0, 0};
    for (int k = 0; k < 4; ++k) a.high = (a.high << 16) | (*groups)[static_cast<std::size_t>(k)];
    for (int k = 4; k < 8; ++k) a.low = (a.low << 16) | (*groups)[static_cast<std::size_t>(k)];
    if (a.high == 0 && (a.low >> 32) == 0xFFFF)
        return ip_address{false, 0, a.low & 0xFFFFFFFF};  // ::ffff:a.b.c.d
    return a;
}

}  // namespace ringfence::engine::lists
