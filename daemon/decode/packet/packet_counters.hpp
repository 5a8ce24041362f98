// What the L2-L4 decoder saw and why it skipped what it skipped. Every packet that does not
// reach a transport payload is counted under exactly one drop reason; the reassemblers add
// their own outcomes (timeouts, caps) so memory limits are never silent.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace ringfence::decode::packet {

enum class drop_reason : std::uint8_t {
    unsupported_link_type,  // the capture's link type is not one we read
    truncated_link_header,  // shorter than its link-layer header
    not_ip,                 // ARP, LLDP, ...: a valid frame, not IP
    truncated_ip_header,   // shorter than an IP header
    truncated_ip_payload,  // a whole IP header, and less than its length says: cut by the snap length (or damaged)
    bad_ip_header,       // version, header length or total length inconsistent
    bad_ipv6_extension,  // an extension header runs past the packet
    not_udp_or_tcp,      // ICMP, SCTP, ESP, ...
    truncated_transport_header,
    bad_udp_length,
    bad_tcp_header,         // data offset below 5 or past the packet
    fragment_too_large,     // would reassemble past 65535 bytes
    fragment_table_full,    // too many datagrams or bytes in reassembly
    tcp_stream_table_full,  // too many TCP streams tracked; the segment was not followed
    count_
};
inline constexpr std::size_t drop_reason_count = static_cast<std::size_t>(drop_reason::count_);
std::string_view to_string(drop_reason r) noexcept;

struct packet_counters {
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;
    std::uint64_t udp_datagrams = 0;
    std::uint64_t tcp_segments = 0;
    std::uint64_t fragments = 0;  // IP fragments received
    std::uint64_t datagrams_reassembled = 0;
    std::uint64_t fragments_timed_out = 0;  // datagrams given up after fragment_timeout
    std::uint64_t tcp_retransmitted_bytes = 0;
    std::uint64_t tcp_out_of_order_segments = 0;
    std::uint64_t tcp_gaps_skipped = 0;      // a hole never filled: bytes before it were lost
    std::uint64_t tcp_stream_overflows = 0;  // a stream's buffer passed its cap and was reset
    std::uint64_t tcp_streams_timed_out = 0;
    std::uint64_t tcp_streams_cut_short = 0;  // a stream ended (FIN, RST, idle, end of capture) inside a message
    std::array<std::uint64_t, drop_reason_count> drops{};

    void drop(drop_reason r) noexcept { ++drops[static_cast<std::size_t>(r)]; }
    std::uint64_t dropped() const noexcept;
    // "packets=… bytes=… drops{truncated_ip_header=…}" with only the non-zero drops.
    std::string summary() const;
};

}  // namespace ringfence::decode::packet
