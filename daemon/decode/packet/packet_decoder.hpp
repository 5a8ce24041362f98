// L2-L4: one captured frame in, at most one UDP datagram or TCP segment out. Reads the link
// types of link_type.hpp (802.1Q/QinQ tags and PPPoE included), IPv4 (options, fragments), IPv6
// (hop-by-hop, routing, destination options, fragment and AH extension headers), UDP and TCP.
// Nothing is copied except the fragments of a fragmented datagram. Every frame that does not give a
// transport packet is counted under one drop reason (or is a fragment still waiting for its
// others). Checksums are not verified: mirror ports and offloading NICs deliver wrong ones
// routinely.
#pragma once

#include <cstdint>

#include "decode/packet/ip_fragment_reassembler.hpp"
#include "decode/packet/packet_counters.hpp"
#include "decode/packet/transport_packet.hpp"

namespace ringfence::decode::packet {

class packet_decoder {
  public:
    packet_decoder(int link_type, fragment_settings fragments, packet_counters& counters);

    // Decodes one frame of caplen bytes captured at time_us. True when out holds a transport
    // packet (its payload valid until the next call).
    bool decode(const unsigned char* frame, std::size_t caplen, std::int64_t time_us,
                transport_packet& out);

    // Drops reassembly state older than its timeout (for idle live captures).
    void expire(std::int64_t now_us) { fragments_.expire(now_us); }

    int link_type() const noexcept { return link_type_; }

  private:
    bool decode_ipv4(const unsigned char* p, std::size_t length, transport_packet& out);
    bool decode_ipv6(const unsigned char* p, std::size_t length, transport_packet& out);
    bool decode_transport(std::uint8_t protocol, const unsigned char* p, std::size_t length,
                          transport_packet& out);

    int link_type_;
    packet_counters& counters_;
    ip_fragment_reassembler fragments_;
};

}  // namespace ringfence::decode::packet
