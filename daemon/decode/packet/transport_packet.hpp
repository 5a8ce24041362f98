// One UDP datagram or TCP segment as the L2-L4 decoder hands it on: addresses, ports and the
// payload, which points into the captured packet (or the reassembler's buffer for a
// reassembled datagram) and is valid only until the next packet is decoded.
#pragma once

#include <cstdint>
#include <string_view>

#include "decode/packet/ip_address.hpp"

namespace ringfence::decode::packet {

inline constexpr std::uint8_t ip_protocol_tcp = 6;
inline constexpr std::uint8_t ip_protocol_udp = 17;

inline constexpr std::uint8_t tcp_flag_fin = 0x01;
inline constexpr std::uint8_t tcp_flag_syn = 0x02;
inline constexpr std::uint8_t tcp_flag_rst = 0x04;

struct transport_packet {
    std::int64_t time_us = 0;   // capture timestamp, Unix epoch microseconds
    std::uint8_t protocol = 0;  // ip_protocol_udp or ip_protocol_tcp
    ip_address src;
    ip_address dst;
    std::uint16_t src_port = 0;
    std::uint16_t dst_port = 0;
    std::uint32_t tcp_seq = 0;
    std::uint8_t tcp_flags = 0;
    std::string_view payload;
};

}  // namespace ringfence::decode::packet
