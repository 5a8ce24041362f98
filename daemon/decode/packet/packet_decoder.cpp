#include "decode/packet/packet_decoder.hpp"

#include "decode/packet/byte_order.hpp"
#include "decode/packet/link_type.hpp"

namespace ringfence::decode::packet {

namespace {

constexpr std::uint8_t ipv6_hop_by_hop = 0;
constexpr std::uint8_t ipv6_routing = 43;
constexpr std::uint8_t ipv6_fragment = 44;
constexpr std::uint8_t ipv6_auth = 51;
constexpr std::uint8_t ipv6_destination = 60;
constexpr int max_ipv6_extensions = 16;

const unsigned char* bytes_of(std::string_view s) noexcept {
    return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

packet_decoder::packet_decoder(int link_type, fragment_settings fragments,
                               packet_counters& counters)
    : link_type_(link_type), counters_(counters), fragments_(fragments, counters) {}

bool packet_decoder::decode(const unsigned char* frame, std::size_t caplen, std::int64_t time_us,
                            transport_packet& out) {
    ++counters_.packets;
    counters_.bytes += caplen;
    out.time_us = time_us;
    const network_layer net = find_network_layer(link_type_, frame, caplen);
    if (net.ip_version == 0) {
        counters_.drop(net.drop);
        return false;
    }
    if (net.ip_version == 4) return decode_ipv4(frame + net.offset, caplen - net.offset, out);
    return decode_ipv6(frame + net.offset, caplen - net.offset, out);
}

bool packet_decoder::decode_ipv4(const unsigned char* p, std::size_t length,
                                 transport_packet& out) {
    if (length < 20) {
        counters_.drop(drop_reason::truncated_ip_header);
        return false;
    }
    const std::size_t header = static_cast<std::size_t>(p[0] & 0x0f) * 4;
    const std::size_t total = read_be16(p + 2);
    if ((p[0] >> 4) != 4 || header < 20 || total < header) {
        counters_.drop(drop_reason::bad_ip_header);
        return false;
    }
    if (length < header) {
        counters_.drop(drop_reason::truncated_ip_header);
        return false;
    }
    if (length < total) {
        counters_.drop(drop_reason::truncated_ip_payload);  // cut by the snap length
        return false;
    }
    out.src.set_v4(p + 12);
    out.dst.set_v4(p + 16);
    const std::uint8_t protocol = p[9];
    const std::uint16_t flags_offset = read_be16(p + 6);
    const bool more = (flags_offset & 0x2000) != 0;
    const std::size_t offset = static_cast<std::size_t>(flags_offset & 0x1fff) * 8;
    const unsigned char* payload = p + header;
    const std::size_t payload_length = total - header;  // frames may carry padding past total
    if (!more && offset == 0) return decode_transport(protocol, payload, payload_length, out);

    if (protocol != ip_protocol_udp && protocol != ip_protocol_tcp) {
        counters_.drop(drop_reason::not_udp_or_tcp);
        return false;
    }
    fragment_key key{out.src, out.dst, read_be16(p + 4), protocol};
    bool completed = false;
    const std::string_view whole =
        fragments_.add(key, offset, more, {reinterpret_cast<const char*>(payload), payload_length},
                       out.time_us, completed);
    if (!completed) return false;
    return decode_transport(protocol, bytes_of(whole), whole.size(), out);
}

bool packet_decoder::decode_ipv6(const unsigned char* p, std::size_t length,
                                 transport_packet& out) {
    if (length < 40) {
        counters_.drop(drop_reason::truncated_ip_header);
        return false;
    }
    const std::size_t payload_length = read_be16(p + 4);
    if ((p[0] >> 4) != 6 || payload_length == 0) {  // 0 is a jumbogram, never seen on a SIP network
        counters_.drop(drop_reason::bad_ip_header);
        return false;
    }
    if (length < 40 + payload_length) {
        counters_.drop(drop_reason::truncated_ip_payload);  // cut by the snap length
        return false;
    }
    out.src.set_v6(p + 8);
    out.dst.set_v6(p + 24);
    std::uint8_t next = p[6];
    const unsigned char* cursor = p + 40;
    std::size_t left = payload_length;
    for (int i = 0; i < max_ipv6_extensions; ++i) {
        if (next == ipv6_hop_by_hop || next == ipv6_routing || next == ipv6_destination ||
            next == ipv6_auth) {
            if (left < 8) break;
            const std::size_t size = next == ipv6_auth ? (std::size_t{cursor[1]} + 2) * 4
                                                       : (std::size_t{cursor[1]} + 1) * 8;
            if (size > left) break;
            next = cursor[0];
            cursor += size;
            left -= size;
            continue;
        }
        if (next == ipv6_fragment) {
            if (left < 8) break;
            const std::uint8_t protocol = cursor[0];
            const std::uint16_t offset_flags = read_be16(cursor + 2);
            const std::size_t offset = static_cast<std::size_t>(offset_flags >> 3) * 8;
            const bool more = (offset_flags & 1) != 0;
            const std::uint32_t id = read_be32(cursor + 4);
            cursor += 8;
            left -= 8;
            if (!more && offset == 0) {  // an atomic fragment (RFC 6946)
                next = protocol;
                continue;
            }
            // The fragmentable part may start with more extension headers (destination
            // options, routing, AH: RFC 8200 4.1) before UDP or TCP.
            const bool extension_follows = protocol == ipv6_destination || protocol == ipv6_routing || protocol == ipv6_auth;
            if (protocol != ip_protocol_udp && protocol != ip_protocol_tcp && !extension_follows) {
                counters_.drop(drop_reason::not_udp_or_tcp);
                return false;
            }
            bool completed = false;
            const std::string_view whole = fragments_.add(
                fragment_key{out.src, out.dst, id, protocol}, offset, more,
                {reinterpret_cast<const char*>(cursor), left}, out.time_us, completed);
            if (!completed) return false;
            const unsigned char* at = bytes_of(whole);
            std::size_t rest = whole.size();
            std::uint8_t inner = protocol;
            for (int k = 0; k < max_ipv6_extensions && (inner == ipv6_destination || inner == ipv6_routing || inner == ipv6_auth); ++k) {
                if (rest < 8) break;
                const std::size_t size = inner == ipv6_auth ? (std::size_t{at[1]} + 2) * 4 : (std::size_t{at[1]} + 1) * 8;
                if (size > rest) break;
                inner = at[0];
                at += size;
                rest -= size;
            }
            return decode_transport(inner, at, rest, out);
        }
        return decode_transport(next, cursor, left, out);
    }
    counters_.drop(drop_reason::bad_ipv6_extension);
    return false;
}

bool packet_decoder::decode_transport(std::uint8_t protocol, const unsigned char* p,
                                      std::size_t length, transport_packet& out) {
    out.protocol = protocol;
    if (protocol == ip_protocol_udp) {
        if (length < 8) {
            counters_.drop(drop_reason::truncated_transport_header);
            return false;
        }
        const std::size_t udp_length = read_be16(p + 4);
        if (udp_length < 8 || udp_length > length) {
            counters_.drop(drop_reason::bad_udp_length);
            return false;
        }
        out.src_port = read_be16(p);
        out.dst_port = read_be16(p + 2);
        out.tcp_seq = 0;
        out.tcp_flags = 0;
        out.payload = {reinterpret_cast<const char*>(p + 8), udp_length - 8};
        ++counters_.udp_datagrams;
        return true;
    }
    if (protocol == ip_protocol_tcp) {
        if (length < 20) {
            counters_.drop(drop_reason::truncated_transport_header);
            return false;
        }
        const std::size_t header = static_cast<std::size_t>(p[12] >> 4) * 4;
        if (header < 20 || header > length) {
            counters_.drop(drop_reason::bad_tcp_header);
            return false;
        }
        out.src_port = read_be16(p);
        out.dst_port = read_be16(p + 2);
        out.tcp_seq = read_be32(p + 4);
        out.tcp_flags = p[13];
        out.payload = {reinterpret_cast<const char*>(p + header), length - header};
        ++counters_.tcp_segments;
        return true;
    }
    counters_.drop(drop_reason::not_udp_or_tcp);
    return false;
}

}  // namespace ringfence::decode::packet
