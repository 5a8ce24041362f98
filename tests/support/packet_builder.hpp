// Builds real packet bytes for tests: Ethernet (with VLAN tags), Linux SLL/SLL2 and BSD
// loopback frames around IPv4/IPv6 packets carrying UDP or TCP, IPv4 fragments. Header
// checksums are computed so tshark and tcpdump read the files the tests write.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ringfence::test {

using bytes = std::vector<unsigned char>;

inline void put16(bytes& b, std::uint16_t v) {
    b.push_back(static_cast<unsigned char>(v >> 8));
    b.push_back(static_cast<unsigned char>(v));
}
inline void put32(bytes& b, std::uint32_t v) {
    put16(b, static_cast<std::uint16_t>(v >> 16));
    put16(b, static_cast<std::uint16_t>(v));
}
inline void append(bytes& b, std::string_view s) { b.insert(b.end(), s.begin(), s.end()); }
inline void append(bytes& b, const bytes& s) { b.insert(b.end(), s.begin(), s.end()); }

inline std::uint16_t ip_checksum(const unsigned char* p, std::size_t n) {
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i + 1 < n; i += 2)
        sum += static_cast<std::uint32_t>((p[i] << 8) | p[i + 1]);
    if (n % 2 != 0) sum += static_cast<std::uint32_t>(p[n - 1] << 8);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

struct ipv4 {
    std::array<unsigned char, 4> a;
};
inline constexpr ipv4 ip4(unsigned char a, unsigned char b, unsigned char c, unsigned char d) {
    return {{a, b, c, d}};
}

inline bytes udp_header_and_payload(std::uint16_t sport, std::uint16_t dport,
                                    std::string_view payload) {
    bytes b;
    put16(b, sport);
    put16(b, dport);
    put16(b, static_cast<std::uint16_t>(8 + payload.size()));
    put16(b, 0);  // no checksum (allowed for UDP over IPv4)
    append(b, payload);
    return b;
}

inline bytes tcp_header_and_payload(std::uint16_t sport, std::uint16_t dport, std::uint32_t seq,
                                    std::uint8_t flags, std::string_view payload) {
    bytes b;
    put16(b, sport);
    put16(b, dport);
    put32(b, seq);
    put32(b, 1);  // ack
    b.push_back(5 << 4);
    b.push_back(flags);
    put16(b, 65535);
    put16(b, 0);
    put16(b, 0);
    append(b, payload);
    return b;
}

// An IPv4 packet carrying `upper` (protocol 17 or 6), possibly one fragment of it.
inline bytes ipv4_packet(ipv4 src, ipv4 dst, std::uint8_t protocol, const bytes& upper,
                         std::uint16_t id = 1, std::size_t fragment_offset = 0,
                         bool more_fragments = false) {
    bytes b;
    b.push_back(0x45);
    b.push_back(0);
    put16(b, static_cast<std::uint16_t>(20 + upper.size()));
    put16(b, id);
    put16(b, static_cast<std::uint16_t>((more_fragments ? 0x2000 : 0) | (fragment_offset / 8)));
    b.push_back(64);
    b.push_back(protocol);
    put16(b, 0);
    b.insert(b.end(), src.a.begin(), src.a.end());
    b.insert(b.end(), dst.a.begin(), dst.a.end());
    const std::uint16_t sum = ip_checksum(b.data(), 20);
    b[10] = static_cast<unsigned char>(sum >> 8);
    b[11] = static_cast<unsigned char>(sum);
    append(b, upper);
    return b;
}

// The fragments of a UDP datagram, each carrying at most `chunk` bytes (a multiple of 8).
inline std::vector<bytes> ipv4_udp_fragments(ipv4 src, ipv4 dst, std::uint16_t sport,
                                             std::uint16_t dport, std::string_view payload,
                                             std::size_t chunk, std::uint16_t id) {
    const bytes whole = udp_header_and_payload(sport, dport, payload);
    std::vector<bytes> out;
    for (std::size_t off = 0; off < whole.size(); off += chunk) {
        const std::size_t n = std::min(chunk, whole.size() - off);
        const bytes part(whole.begin() + static_cast<std::ptrdiff_t>(off),
                         whole.begin() + static_cast<std::ptrdiff_t>(off + n));
        out.push_back(ipv4_packet(src, dst, 17, part, id, off, off + n < whole.size()));
    }
    return out;
}

// IPv6 with optional extension headers before the upper layer: each {type, bytes incl. its
// next-header and length octets} is chained in order.
inline bytes ipv6_packet(const std::array<unsigned char, 16>& src,
                         const std::array<unsigned char, 16>& dst, std::uint8_t protocol,
                         const bytes& upper,
                         const std::vector<std::pair<std::uint8_t, bytes>>& extensions = {}) {
    bytes ext;
    std::uint8_t first = protocol;
    for (std::size_t i = extensions.size(); i-- > 0;) {
        bytes h = extensions[i].second;
        h[0] = first;
        first = extensions[i].first;
        h.insert(h.end(), ext.begin(), ext.end());
        ext = h;
    }
    bytes b;
    put32(b, 0x60000000);
    put16(b, static_cast<std::uint16_t>(ext.size() + upper.size()));
    b.push_back(first);
    b.push_back(64);
    b.insert(b.end(), src.begin(), src.end());
    b.insert(b.end(), dst.begin(), dst.end());
    append(b, ext);
    append(b, upper);
    return b;
}

inline bytes ethernet(const bytes& payload, std::uint16_t ethertype,
                      const std::vector<std::uint16_t>& vlan_tpids = {}) {
    bytes b = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb};
    for (std::uint16_t tpid : vlan_tpids) {
        put16(b, tpid);
        put16(b, 100);  // VLAN id
    }
    put16(b, ethertype);
    append(b, payload);
    return b;
}

inline bytes linux_sll(const bytes& payload, std::uint16_t protocol) {
    bytes b;
    put16(b, 0);  // packet type: to us
    put16(b, 1);  // ARPHRD_ETHER
    put16(b, 6);
    for (int i = 0; i < 8; ++i) b.push_back(static_cast<unsigned char>(i));
    put16(b, protocol);
    append(b, payload);
    return b;
}

inline bytes linux_sll2(const bytes& payload, std::uint16_t protocol) {
    bytes b;
    put16(b, protocol);
    put16(b, 0);     // reserved
    put32(b, 2);     // interface index
    put16(b, 1);     // ARPHRD_ETHER
    b.push_back(0);  // packet type
    b.push_back(6);  // address length
    for (int i = 0; i < 8; ++i) b.push_back(static_cast<unsigned char>(i));
    append(b, payload);
    return b;
}

// BSD loopback (DLT_NULL): the address family in the capturing host's order (little endian here).
inline bytes bsd_null(const bytes& payload, std::uint32_t family) {
    bytes b = {static_cast<unsigned char>(family), static_cast<unsigned char>(family >> 8),
               static_cast<unsigned char>(family >> 16), static_cast<unsigned char>(family >> 24)};
    append(b, payload);
    return b;
}

}  // namespace ringfence::test
