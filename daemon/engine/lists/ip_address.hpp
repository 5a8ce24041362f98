// IP addresses as the list structures compare them: IPv4 as a 32-bit number, IPv6 as 128
// bits (two 64-bit halves), parsed from the text forms that records and lists carry.
//
// Contract of parse_ip_address(text): IPv4 is a dotted quad of decimal octets 0-255
// without leading zeros ("010.1.1.1" is refused: inet_aton would read it as octal). IPv6
// is RFC 4291 text: up to eight groups of 1-4 hex digits (any case), one "::" for a run of
// zero groups, an optional dotted-quad tail ("::ffff:203.0.113.5"), optionally inside
// brackets and with a zone ("fe80::1%eth0", the zone is ignored). An IPv4-mapped IPv6
// address (::ffff:a.b.c.d) is returned as the IPv4 address, so either spelling of an
// IPv4 peer meets the same IPv4 list entries. nullopt for anything else.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ringfence::engine::lists {

struct ip_address {
    bool v6 = false;
    std::uint64_t high = 0;  // IPv6: the first 64 bits; IPv4: 0
    std::uint64_t low = 0;   // IPv6: the last 64 bits; IPv4: the address

    auto operator<=>(const ip_address&) const = default;
};

std::optional<ip_address> parse_ip_address(std::string_view text) noexcept;

}  // namespace ringfence::engine::lists
