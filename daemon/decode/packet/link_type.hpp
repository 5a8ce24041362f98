// The pcap link-layer types the decoder reads (the LINKTYPE_ values of pcap files and
// pcap_datalink()), and where the network layer starts in a frame of each.
#pragma once

#include <cstdint>
#include <string_view>

#include "decode/packet/packet_counters.hpp"

namespace ringfence::decode::packet {

namespace link_type {
inline constexpr int null_bsd = 0;         // BSD loopback: 4-byte address family, host order
inline constexpr int ethernet = 1;         // with 802.1Q / 802.1ad (QinQ) tags
inline constexpr int raw_ip_openbsd = 12;  // raw IP on some platforms (DLT_RAW's old values)
inline constexpr int raw_ip_bsdos = 14;
inline constexpr int raw_ip = 101;
inline constexpr int loop_bsd = 108;  // OpenBSD loopback: the family in network order
inline constexpr int linux_sll = 113;
inline constexpr int linux_sll2 = 276;
inline constexpr int ipv4 = 228;
inline constexpr int ipv6 = 229;
}  // namespace link_type

bool is_supported_link_type(int type) noexcept;

// Where the IP header starts in a frame and which IP version it is.
struct network_layer {
    std::uint8_t ip_version = 0;  // 4 or 6; 0 when not IP (then drop says why)
    std::size_t offset = 0;
    drop_reason drop = drop_reason::not_ip;
};

network_layer find_network_layer(int type, const unsigned char* frame, std::size_t length) noexcept;

}  // namespace ringfence::decode::packet
