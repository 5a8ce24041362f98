// The L2-L4 decoder on real frame bytes: every link type it claims, VLAN and QinQ tags, IPv6
// extension headers, and bad input: every truncation and corruption of a valid frame is
// either decoded or counted under exactly one drop reason, never a crash.
#include <doctest/doctest.h>

#include <random>

#include "decode/packet/link_type.hpp"
#include "decode/packet/packet_decoder.hpp"
#include "support/packet_builder.hpp"

namespace ringfence::test {
namespace {

using decode::packet::drop_reason;
using decode::packet::packet_counters;
using decode::packet::packet_decoder;
using decode::packet::transport_packet;
namespace link = decode::packet::link_type;

constexpr std::string_view sip_options = "OPTIONS sip:100@192.0.2.1 SIP/2.0\r\nCall-ID: x\r\n\r\n";

bytes udp_ipv4() {
    return ipv4_packet(ip4(198, 51, 100, 7), ip4(192, 0, 2, 1), 17,
                       udp_header_and_payload(5080, 5060, sip_options));
}

struct decoded {
    bytes frame;  // the payload views point into it
    bool ok = false;
    transport_packet packet;
    packet_counters counters;
};

// Returned by value: the vector's buffer (and so the payload view) survives the move.
decoded decode_one(int type, const bytes& frame) {
    decoded d;
    d.frame = frame;
    packet_decoder decoder(type, {}, d.counters);
    d.ok = decoder.decode(d.frame.data(), d.frame.size(), 1'700'000'000'000'000, d.packet);
    return d;
}

void check_udp(const decoded& d) {
    REQUIRE(d.ok);
    CHECK(d.packet.protocol == decode::packet::ip_protocol_udp);
    CHECK(d.packet.src.to_string() == "198.51.100.7");
    CHECK(d.packet.dst.to_string() == "192.0.2.1");
    CHECK(d.packet.src_port == 5080);
    CHECK(d.packet.dst_port == 5060);
    CHECK(d.packet.payload == sip_options);
    CHECK(d.packet.time_us == 1'700'000'000'000'000);
    CHECK(d.counters.dropped() == 0);
}

TEST_CASE("every supported link type leads to the same UDP datagram") {
    check_udp(decode_one(link::ethernet, ethernet(udp_ipv4(), 0x0800)));
    check_udp(decode_one(link::ethernet, ethernet(udp_ipv4(), 0x0800, {0x8100})));  // 802.1Q
    check_udp(decode_one(link::ethernet, ethernet(udp_ipv4(), 0x0800, {0x88a8, 0x8100})));  // QinQ
    check_udp(decode_one(link::linux_sll, linux_sll(udp_ipv4(), 0x0800)));
    check_udp(decode_one(link::linux_sll2, linux_sll2(udp_ipv4(), 0x0800)));
    check_udp(decode_one(link::null_bsd, bsd_null(udp_ipv4(), 2)));
    check_udp(decode_one(link::raw_ip, udp_ipv4()));
    check_udp(decode_one(link::ipv4, udp_ipv4()));
    bytes pppoe = {0x11, 0x00, 0x00, 0x01, 0x00, 0x00};
    put16(pppoe, 0x0021);
    append(pppoe, udp_ipv4());
    pppoe[4] = static_cast<unsigned char>((pppoe.size() - 6) >> 8);
    pppoe[5] = static_cast<unsigned char>(pppoe.size() - 6);
    check_udp(decode_one(link::ethernet, ethernet(pppoe, 0x8864)));
}

TEST_CASE("Ethernet frames padded past the IP total length are cut to it") {
    bytes frame = ethernet(udp_ipv4(), 0x0800);
    frame.insert(frame.end(), 18, 0);
    check_udp(decode_one(link::ethernet, frame));
}

TEST_CASE("IPv6 with hop-by-hop and destination options headers reaches TCP") {
    std::array<unsigned char, 16> src{0x20, 0x01, 0x0d, 0xb8};
    std::array<unsigned char, 16> dst{0x20, 0x01, 0x0d, 0xb8};
    src[15] = 1;
    dst[15] = 2;
    const bytes tcp = tcp_header_and_payload(40000, 5060, 1000, 0x18, sip_options);
    const bytes hop = {0, 0, 1, 4, 0, 0, 0, 0};  // next, length 0 (8 bytes), PadN
    bytes dest(16, 0);                           // length 1 (16 bytes)
    dest[1] = 1;
    const decoded d = decode_one(
        link::ethernet, ethernet(ipv6_packet(src, dst, 6, tcp, {{0, hop}, {60, dest}}), 0x86dd));
    REQUIRE(d.ok);
    CHECK(d.packet.protocol == decode::packet::ip_protocol_tcp);
    CHECK(d.packet.src.to_string() == "2001:db8::1");
    CHECK(d.packet.tcp_seq == 1000);
    CHECK(d.packet.payload == sip_options);
}

TEST_CASE("an IPv6 extension header that runs past the packet is counted") {
    std::array<unsigned char, 16> a{};
    bytes hop = {0, 200, 0, 0, 0, 0, 0, 0};  // claims 1608 bytes
    const decoded d = decode_one(
        link::raw_ip, ipv6_packet(a, a, 17, udp_header_and_payload(1, 5060, "x"), {{0, hop}}));
    CHECK_FALSE(d.ok);
    CHECK(d.counters.drops[static_cast<std::size_t>(drop_reason::bad_ipv6_extension)] == 1);
}

TEST_CASE("frames that are not UDP or TCP over IP are counted by reason") {
    CHECK(decode_one(link::ethernet, ethernet({1, 2, 3}, 0x0806))
              .counters.drops[static_cast<std::size_t>(drop_reason::not_ip)] == 1);
    CHECK(decode_one(147, udp_ipv4())
              .counters.drops[static_cast<std::size_t>(drop_reason::unsupported_link_type)] == 1);
    const bytes icmp = ipv4_packet(ip4(1, 1, 1, 1), ip4(2, 2, 2, 2), 1, {8, 0, 0, 0});
    CHECK(decode_one(link::raw_ip, icmp)
              .counters.drops[static_cast<std::size_t>(drop_reason::not_udp_or_tcp)] == 1);
    bytes bad_udp = udp_ipv4();
    bad_udp[20 + 4] = 0xff;  // UDP length past the packet
    CHECK(decode_one(link::raw_ip, bad_udp)
              .counters.drops[static_cast<std::size_t>(drop_reason::bad_udp_length)] == 1);
    bytes bad_tcp = ipv4_packet(ip4(1, 1, 1, 1), ip4(2, 2, 2, 2), 6,
                                tcp_header_and_payload(1, 5060, 1, 0x10, ""));
    bad_tcp[20 + 12] = 0x20;  // data offset 2 words
    CHECK(decode_one(link::raw_ip, bad_tcp)
              .counters.drops[static_cast<std::size_t>(drop_reason::bad_tcp_header)] == 1);
}

TEST_CASE("every truncation of a valid frame is decoded or counted under exactly one reason") {
    for (int type : {link::ethernet, link::linux_sll, link::linux_sll2, link::null_bsd}) {
        const bytes whole = type == link::ethernet     ? ethernet(udp_ipv4(), 0x0800, {0x8100})
                            : type == link::linux_sll  ? linux_sll(udp_ipv4(), 0x0800)
                            : type == link::linux_sll2 ? linux_sll2(udp_ipv4(), 0x0800)
                                                       : bsd_null(udp_ipv4(), 2);
        packet_counters counters;
        packet_decoder decoder(type, {}, counters);
        transport_packet out;
        std::uint64_t decoded_count = 0;
        for (std::size_t n = 0; n <= whole.size(); ++n) {
            const bytes cut(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(n));
            if (decoder.decode(cut.data(), cut.size(), 0, out)) ++decoded_count;
        }
        CHECK(decoded_count == 1);  // only the whole frame
        CHECK(counters.packets == whole.size() + 1);
        CHECK(counters.dropped() == whole.size());
    }
}

TEST_CASE("random corruption of frames never crashes and every failure is counted") {
    std::mt19937 rng(2026);
    const bytes base = ethernet(udp_ipv4(), 0x0800, {0x8100});
    packet_counters counters;
    packet_decoder decoder(link::ethernet, {}, counters);
    transport_packet out;
    int uncounted = 0;
    for (int i = 0; i < 20000; ++i) {
        bytes frame = base;
        const int flips = 1 + static_cast<int>(rng() % 8);
        for (int f = 0; f < flips; ++f)
            frame[rng() % frame.size()] = static_cast<unsigned char>(rng());
        frame.resize(rng() % (frame.size() + 1));
        const std::uint64_t drops_before = counters.dropped();
        const std::uint64_t fragments_before = counters.fragments;
        const bool ok = decoder.decode(frame.data(), frame.size(), i, out);
        if (ok) {
            CHECK(out.payload.size() <= 65535);
        } else if (counters.dropped() == drops_before && counters.fragments == fragments_before) {
            ++uncounted;  // neither decoded, nor dropped with a reason, nor held as a fragment
        }
    }
    CHECK(counters.packets == 20000);
    CHECK(uncounted == 0);
}

}  // namespace
}  // namespace ringfence::test
