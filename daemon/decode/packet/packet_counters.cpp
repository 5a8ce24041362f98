#include "decode/packet/packet_counters.hpp"

#include <fmt/format.h>

namespace ringfence::decode::packet {

std::string_view to_string(drop_reason r) noexcept {
    switch (r) {
        case drop_reason::unsupported_link_type:
            return "unsupported_link_type";
        case drop_reason::truncated_link_header:
            return "truncated_link_header";
        case drop_reason::not_ip:
            return "not_ip";
        case drop_reason::truncated_ip_header:
            return "truncated_ip_header";
        case drop_reason::truncated_ip_payload:
            return "truncated_ip_payload";
        case drop_reason::bad_ip_header:
            return "bad_ip_header";
        case drop_reason::bad_ipv6_extension:
            return "bad_ipv6_extension";
        case drop_reason::not_udp_or_tcp:
            return "not_udp_or_tcp";
        case drop_reason::truncated_transport_header:
            return "truncated_transport_header";
        case drop_reason::bad_udp_length:
            return "bad_udp_length";
        case drop_reason::bad_tcp_header:
            return "bad_tcp_header";
        case drop_reason::fragment_too_large:
            return "fragment_too_large";
        case drop_reason::fragment_table_full:
            return "fragment_table_full";
        case drop_reason::tcp_stream_table_full:
            return "tcp_stream_table_full";
        case drop_reason::count_:
            break;
    }
    return "unknown";
}

std::uint64_t packet_counters::dropped() const noexcept {
    std::uint64_t n = 0;
    for (auto d : drops) n += d;
    return n;
}

std::string packet_counters::summary() const {
    std::string s = fmt::format(
        "packets={} bytes={} udp={} tcp={} fragments={} reassembled={} fragments_timed_out={} "
        "tcp_out_of_order={} tcp_retransmitted_bytes={} tcp_gaps_skipped={} "
        "tcp_stream_overflows={} "
        "tcp_streams_timed_out={} tcp_streams_cut_short={} drops{{",
        packets, bytes, udp_datagrams, tcp_segments, fragments, datagrams_reassembled,
        fragments_timed_out, tcp_out_of_order_segments, tcp_retransmitted_bytes, tcp_gaps_skipped,
        tcp_stream_overflows, tcp_streams_timed_out, tcp_streams_cut_short);
    bool first = true;
    for (std::size_t i = 0; i < drop_reason_count; ++i) {
        if (drops[i] == 0) continue;
        s += fmt::format("{}{}={}", first ? "" : " ", to_string(static_cast<drop_reason>(i)),
                         drops[i]);
        first = false;
    }
    s += '}';
    return s;
}

}  // namespace ringfence::decode::packet
