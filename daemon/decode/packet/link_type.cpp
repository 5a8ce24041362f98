#include "decode/packet/link_type.hpp"

#include "decode/packet/byte_order.hpp"

namespace ringfence::decode::packet {

namespace {

constexpr std::uint16_t ethertype_ipv4 = 0x0800;
constexpr std::uint16_t ethertype_ipv6 = 0x86dd;
constexpr std::uint16_t ethertype_vlan = 0x8100;
constexpr std::uint16_t ethertype_qinq = 0x88a8;
constexpr std::uint16_t ethertype_qinq_old = 0x9100;
constexpr std::uint16_t ethertype_pppoe_session = 0x8864;
constexpr std::uint16_t ppp_ipv4 = 0x0021;
constexpr std::uint16_t ppp_ipv6 = 0x0057;
constexpr int max_vlan_tags = 4;

network_layer not_ip(drop_reason why) noexcept {
    network_layer n;
    n.drop = why;
    return n;
}

network_layer ip_at(std::uint8_t version, std::size_t offset) noexcept {
    network_layer n;
    n.ip_version = version;
    n.offset = offset;
    return n;
}

// An EtherType at frame[type_offset]; VLAN tags (each 4 bytes: TCI, inner type) are skipped
// and PPPoE sessions (DSL access links, as in the DTMFsipinfo sample) opened.
network_layer from_ethertype(const unsigned char* frame, std::size_t length,
                             std::size_t type_offset) noexcept {
    for (int tags = 0; tags <= max_vlan_tags; ++tags) {
        if (length < type_offset + 2) return not_ip(drop_reason::truncated_link_header);
        const std::uint16_t type = read_be16(frame + type_offset);
        if (type == ethertype_ipv4) return ip_at(4, type_offset + 2);
        if (type == ethertype_ipv6) return ip_at(6, type_offset + 2);
        if (type == ethertype_pppoe_session) {
            // PPPoE session header (6 bytes), then the PPP protocol number (RFC 2516)
            const std::size_t ppp = type_offset + 2 + 6;
            if (length < ppp + 2) return not_ip(drop_reason::truncated_link_header);
            const std::uint16_t protocol = read_be16(frame + ppp);
            if (protocol == ppp_ipv4) return ip_at(4, ppp + 2);
            if (protocol == ppp_ipv6) return ip_at(6, ppp + 2);
            return not_ip(drop_reason::not_ip);
        }
        if (type != ethertype_vlan && type != ethertype_qinq && type != ethertype_qinq_old) {
            return not_ip(drop_reason::not_ip);
        }
        type_offset += 4;
    }
    return not_ip(drop_reason::not_ip);  // more tags than any real network stacks
}

network_layer from_version_nibble(const unsigned char* frame, std::size_t length,
                                  std::size_t offset) noexcept {
    if (length <= offset) return not_ip(drop_reason::truncated_link_header);
    const int version = frame[offset] >> 4;
    if (version == 4) return ip_at(4, offset);
    if (version == 6) return ip_at(6, offset);
    return not_ip(drop_reason::not_ip);
}

// BSD AF_ values: AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD/OpenBSD), 28 (FreeBSD),
// 30 (macOS), 10 (Linux).
network_layer from_bsd_family(std::uint32_t family, std::size_t offset) noexcept {
    if (family == 2) return ip_at(4, offset);
    if (family == 24 || family == 28 || family == 30 || family == 10) return ip_at(6, offset);
    return not_ip(drop_reason::not_ip);
}

}  // namespace

bool is_supported_link_type(int type) noexcept {
    switch (type) {
        case link_type::null_bsd:
        case link_type::ethernet:
        case link_type::raw_ip_openbsd:
        case link_type::raw_ip_bsdos:
        case link_type::raw_ip:
        case link_type::loop_bsd:
        case link_type::linux_sll:
        case link_type::linux_sll2:
        case link_type::ipv4:
        case link_type::ipv6:
            return true;
        default:
            return false;
    }
}

network_layer find_network_layer(int type, const unsigned char* frame,
                                 std::size_t length) noexcept {
    switch (type) {
        case link_type::ethernet:
            return from_ethertype(frame, length, 12);
        case link_type::linux_sll:
            if (length < 16) return not_ip(drop_reason::truncated_link_header);
            return from_ethertype(frame, length, 14);
        case link_type::linux_sll2:
            if (length < 20) return not_ip(drop_reason::truncated_link_header);
            {
                network_layer n = from_ethertype(frame, 2, 0);
                if (n.ip_version != 0) n.offset = 20;
                return n;
            }
        case link_type::raw_ip:
        case link_type::raw_ip_openbsd:
        case link_type::raw_ip_bsdos:
            return from_version_nibble(frame, length, 0);
        case link_type::ipv4:
            if (length == 0) return not_ip(drop_reason::truncated_link_header);
            return ip_at(4, 0);
        case link_type::ipv6:
            if (length == 0) return not_ip(drop_reason::truncated_link_header);
            return ip_at(6, 0);
        case link_type::null_bsd: {
            if (length < 4) return not_ip(drop_reason::truncated_link_header);
            // Host order of the capturing machine, which may not be ours: a family is a small
            // number, so the order that gives one is the right one.
            std::uint32_t family = read_le32(frame);
            if (family > 0xffff) family = read_be32(frame);
            return from_bsd_family(family, 4);
        }
        case link_type::loop_bsd:
            if (length < 4) return not_ip(drop_reason::truncated_link_header);
            return from_bsd_family(read_be32(frame), 4);
        default:
            return not_ip(drop_reason::unsupported_link_type);
    }
}

}  // namespace ringfence::decode::packet
