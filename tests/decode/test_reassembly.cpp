// IPv4 fragment reassembly and TCP stream reassembly on real packet bytes: order, duplicates,
// overlaps, retransmissions, and the memory caps and timeouts that bound them.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "decode/packet/link_type.hpp"
#include "decode/packet/packet_decoder.hpp"
#include "decode/packet/tcp_stream_table.hpp"
#include "support/packet_builder.hpp"

namespace ringfence::test {
namespace {

using decode::packet::drop_reason;
using decode::packet::packet_counters;
using decode::packet::packet_decoder;
using decode::packet::transport_packet;
namespace link = decode::packet::link_type;

std::string big_payload(std::size_t n) {
    std::string s;
    for (std::size_t i = 0; s.size() < n; ++i)
        s += "line " + std::to_string(i) + " of a long SIP body\r\n";
    s.resize(n);
    return s;
}

std::size_t drops(const packet_counters& c, drop_reason r) {
    return c.drops[static_cast<std::size_t>(r)];
}

TEST_CASE("IPv4 fragments reassemble in any order, duplicates included") {
    const std::string payload = big_payload(3000);
    auto parts =
        ipv4_udp_fragments(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 5060, 5060, payload, 1480, 77);
    REQUIRE(parts.size() == 3);
    packet_counters counters;
    packet_decoder decoder(link::raw_ip, {}, counters);
    transport_packet out;
    CHECK_FALSE(decoder.decode(parts[2].data(), parts[2].size(), 1, out));
    CHECK_FALSE(decoder.decode(parts[0].data(), parts[0].size(), 2, out));
    CHECK_FALSE(decoder.decode(parts[0].data(), parts[0].size(), 3, out));  // a duplicate
    REQUIRE(decoder.decode(parts[1].data(), parts[1].size(), 4, out));
    CHECK(out.payload == payload);
    CHECK(out.src_port == 5060);
    CHECK(out.time_us == 4);
    CHECK(counters.datagrams_reassembled == 1);
    CHECK(counters.fragments == 4);
    CHECK(counters.dropped() == 0);
}

TEST_CASE("fragments of different datagrams do not mix") {
    const std::string a = big_payload(2000);
    const std::string b = std::string(2000, 'b');
    auto fa = ipv4_udp_fragments(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 5060, 5060, a, 1480, 1);
    auto fb = ipv4_udp_fragments(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 5060, 5060, b, 1480, 2);
    packet_counters counters;
    packet_decoder decoder(link::raw_ip, {}, counters);
    transport_packet out;
    CHECK_FALSE(decoder.decode(fa[0].data(), fa[0].size(), 1, out));
    CHECK_FALSE(decoder.decode(fb[0].data(), fb[0].size(), 1, out));
    REQUIRE(decoder.decode(fb[1].data(), fb[1].size(), 1, out));
    CHECK(out.payload == b);
    REQUIRE(decoder.decode(fa[1].data(), fa[1].size(), 1, out));
    CHECK(out.payload == a);
}

TEST_CASE("a datagram whose fragments do not all arrive is given up after the timeout") {
    auto parts = ipv4_udp_fragments(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 5060, 5060,
                                    big_payload(3000), 1480, 9);
    packet_counters counters;
    decode::packet::fragment_settings settings;
    settings.timeout_us = 30'000'000;
    packet_decoder decoder(link::raw_ip, settings, counters);
    transport_packet out;
    CHECK_FALSE(decoder.decode(parts[0].data(), parts[0].size(), 0, out));
    CHECK_FALSE(decoder.decode(parts[1].data(), parts[1].size(), 1'000'000, out));
    decoder.expire(40'000'000);
    CHECK(counters.fragments_timed_out == 1);
    // The last fragment alone cannot complete what was given up.
    CHECK_FALSE(decoder.decode(parts[2].data(), parts[2].size(), 41'000'000, out));
    CHECK(counters.datagrams_reassembled == 0);
}

TEST_CASE("fragment memory is capped: too many datagrams, too many bytes, past 65535") {
    decode::packet::fragment_settings settings;
    settings.max_datagrams = 2;
    packet_counters counters;
    packet_decoder decoder(link::raw_ip, settings, counters);
    transport_packet out;
    for (std::uint16_t id = 1; id <= 3; ++id) {
        auto parts = ipv4_udp_fragments(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 5060, 5060,
                                        big_payload(3000), 1480, id);
        decoder.decode(parts[0].data(), parts[0].size(), 0, out);
    }
    CHECK(drops(counters, drop_reason::fragment_table_full) == 1);
    {
        // A full table gives up its oldest datagram for a new one: the whole datagram that
        // follows stale first fragments is reassembled.
        auto parts = ipv4_udp_fragments(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 5060, 5060, big_payload(3000), 1480, 99);
        bool done = false;
        for (const auto& p : parts) done = decoder.decode(p.data(), p.size(), 0, out) || done;
        CHECK(done);
        CHECK(out.payload == big_payload(3000));
        CHECK(drops(counters, drop_reason::fragment_table_full) == 2);
    }

    // Offset 8184*8 = 65472 plus 100 bytes passes the 65535-byte limit.
    const bytes piece(100, 'x');
    const bytes beyond =
        ipv4_packet(ip4(10, 0, 0, 3), ip4(10, 0, 0, 4), 17, piece, 50, 8184 * 8, false);
    CHECK_FALSE(decoder.decode(beyond.data(), beyond.size(), 0, out));
    CHECK(drops(counters, drop_reason::fragment_too_large) == 1);

    decode::packet::fragment_settings small;
    small.max_bytes = 4096;
    packet_counters c2;
    packet_decoder d2(link::raw_ip, small, c2);
    auto p1 = ipv4_udp_fragments(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 5060, 5060, big_payload(6000),
                                 1480, 1);
    for (const auto& p : p1) d2.decode(p.data(), p.size(), 0, out);
    CHECK(drops(c2, drop_reason::fragment_table_full) >= 1);
    CHECK(c2.datagrams_reassembled == 0);

    // At the byte cap too, the oldest datagrams give way to a new one that fits.
    decode::packet::fragment_settings bytes_cap;
    bytes_cap.max_bytes = 8192;
    packet_counters c3;
    packet_decoder d3(link::raw_ip, bytes_cap, c3);
    for (std::uint16_t id = 1; id <= 6; ++id) {  // first fragments that never complete
        auto stale = ipv4_udp_fragments(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 5060, 5060, big_payload(3000), 1480, id);
        d3.decode(stale[0].data(), stale[0].size(), 0, out);
    }
    auto whole = ipv4_udp_fragments(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 5060, 5060, big_payload(3000), 1480, 77);
    bool done = false;
    for (const auto& p : whole) done = d3.decode(p.data(), p.size(), 0, out) || done;
    CHECK(done);
    CHECK(out.payload == big_payload(3000));
    CHECK(drops(c3, drop_reason::fragment_table_full) >= 1);
}

// Collects stream bytes; uses only whole lines ending in '\n' (like a framer would).
class line_consumer final : public decode::packet::tcp_stream_consumer {
  public:
    std::size_t on_stream_data(const transport_packet& segment, std::string_view bytes,
                               decode::packet::stream_cursor&) override {
        const std::size_t end = bytes.rfind('\n');
        if (end == std::string_view::npos) return 0;
        text.append(bytes.substr(0, end + 1));
        times.push_back(segment.time_us);
        return end + 1;
    }
    void on_stream_gap(const transport_packet&) override { ++gaps; }
    std::string text;
    std::vector<std::int64_t> times;  // the capture time of each delivery that framed lines
    int gaps = 0;
};

transport_packet segment(std::uint32_t seq, std::string_view payload, std::uint8_t flags = 0x18,
                         std::int64_t t = 0) {
    transport_packet p;
    p.time_us = t;
    p.protocol = decode::packet::ip_protocol_tcp;
    p.src = decode::packet::ip_address::v4(ip4(10, 0, 0, 1).a.data());
    p.dst = decode::packet::ip_address::v4(ip4(10, 0, 0, 2).a.data());
    p.src_port = 40000;
    p.dst_port = 5060;
    p.tcp_seq = seq;
    p.tcp_flags = flags;
    p.payload = payload;
    return p;
}

TEST_CASE(
    "TCP: out-of-order segments wait for the hole, retransmissions and overlaps are trimmed") {
    packet_counters counters;
    decode::packet::tcp_stream_table table({}, counters);
    line_consumer consumer;
    table.on_segment(segment(999, "", decode::packet::tcp_flag_syn), consumer);
    table.on_segment(segment(1000, "first line\nsec"), consumer);
    table.on_segment(segment(1023, "third line\n"), consumer);  // ahead of a hole
    CHECK(consumer.text == "first line\n");
    table.on_segment(segment(1000, "first line\nsec"), consumer);  // retransmitted
    table.on_segment(segment(1013, "cond line\n"), consumer);  // fills the hole, overlaps 1 byte
    CHECK(consumer.text == "first line\nsecond line\nthird line\n");
    CHECK(counters.tcp_out_of_order_segments == 1);
    CHECK(counters.tcp_retransmitted_bytes == 14 + 1);
    CHECK(consumer.gaps == 0);
}

TEST_CASE(
    "TCP: a stream picked up mid-connection starts at the first segment seen, sequence wraps") {
    packet_counters counters;
    decode::packet::tcp_stream_table table({}, counters);
    line_consumer consumer;
    table.on_segment(segment(0xfffffffa, "abcdef"), consumer);
    table.on_segment(segment(0, "gh\n"), consumer);
    CHECK(consumer.text == "abcdefgh\n");
}

TEST_CASE("TCP: a hole that never fills is skipped at the cap and the consumer is told") {
    packet_counters counters;
    decode::packet::tcp_stream_settings settings;
    settings.max_stream_bytes = 64;
    decode::packet::tcp_stream_table table(settings, counters);
    line_consumer consumer;
    table.on_segment(segment(1, "a\n"), consumer);
    table.on_segment(segment(100, std::string(40, 'x') + "\n"), consumer);  // bytes 3..99 lost
    CHECK(consumer.gaps == 0);
    table.on_segment(segment(141, std::string(40, 'y') + "\n"), consumer);
    CHECK(consumer.gaps == 1);
    CHECK(counters.tcp_gaps_skipped == 1);
    CHECK(counters.tcp_stream_overflows == 1);  // the memory limit was hit: counted as such
    CHECK(consumer.text == "a\n" + std::string(40, 'x') + "\n" + std::string(40, 'y') + "\n");
}

TEST_CASE("TCP: held bytes past the cap that end in no whole message count one overflow, not two") {
    packet_counters counters;
    decode::packet::tcp_stream_settings settings;
    settings.max_stream_bytes = 64;
    decode::packet::tcp_stream_table table(settings, counters);
    line_consumer consumer;
    table.on_segment(segment(1, "a\n"), consumer);
    table.on_segment(segment(100, std::string(40, 'x')), consumer);  // bytes 3..99 lost
    table.on_segment(segment(140, std::string(30, 'y')), consumer);  // 70 bytes held, no newline
    CHECK(counters.tcp_gaps_skipped == 1);
    CHECK(counters.tcp_stream_overflows == 1);
}

TEST_CASE("TCP: a hole is waited for hole_timeout_us, then skipped, the held segments decoded at their own capture times") {
    packet_counters counters;
    decode::packet::tcp_stream_settings settings;
    settings.hole_timeout_us = 1'000'000;
    decode::packet::tcp_stream_table table(settings, counters);
    line_consumer consumer;
    table.on_segment(segment(1, "a\n", 0x18, 0), consumer);
    table.on_segment(segment(100, "b\n", 0x18, 10'000), consumer);  // bytes 3..99 lost by the mirror
    table.on_segment(segment(102, "c\n", 0x18, 900'000), consumer);
    CHECK(consumer.text == "a\n");  // still waiting: a retransmission may fill it
    table.on_segment(segment(104, "d\n", 0x18, 1'010'000), consumer);
    CHECK(counters.tcp_gaps_skipped == 1);
    CHECK(consumer.gaps == 1);
    CHECK(consumer.text == "a\nb\nc\nd\n");
    CHECK(consumer.times == std::vector<std::int64_t>{0, 10'000, 900'000, 1'010'000});
    CHECK(counters.tcp_out_of_order_segments == 2);  // b and c: d came after the skip, in order
}

TEST_CASE("TCP: held data is decoded when its hole times out on a quiet stream, at FIN, and at the end of the capture") {
    packet_counters counters;
    decode::packet::tcp_stream_settings settings;
    settings.hole_timeout_us = 1'000'000;
    {
        decode::packet::tcp_stream_table table(settings, counters);
        line_consumer consumer;
        table.on_segment(segment(1, "a\n", 0x18, 0), consumer);
        table.on_segment(segment(100, "b\n", 0x18, 500'000), consumer);
        table.expire(1'200'000, consumer);  // 0.7 s: not yet
        CHECK(consumer.text == "a\n");
        table.expire(1'600'000, consumer);
        CHECK(consumer.text == "a\nb\n");
        CHECK(consumer.times.back() == 500'000);
        CHECK(consumer.gaps == 1);
    }
    {
        decode::packet::tcp_stream_table table(settings, counters);
        line_consumer consumer;
        table.on_segment(segment(1, "a\n", 0x18, 0), consumer);
        table.on_segment(segment(100, "b\n", 0x18, 1000), consumer);
        table.on_segment(segment(102, "", decode::packet::tcp_flag_fin, 2000), consumer);
        CHECK(consumer.text == "a\nb\n");
        CHECK(table.streams() == 0);
    }
    {
        decode::packet::tcp_stream_table table(settings, counters);
        line_consumer consumer;
        table.on_segment(segment(1, "a\n", 0x18, 0), consumer);
        table.on_segment(segment(100, "b\n", 0x18, 1000), consumer);
        table.flush(consumer);
        CHECK(consumer.text == "a\nb\n");
    }
    CHECK(counters.tcp_gaps_skipped == 3);
}

TEST_CASE(
    "TCP: unframed bytes past the cap reset the stream, idle streams time out, the table is "
    "capped") {
    packet_counters counters;
    decode::packet::tcp_stream_settings settings;
    settings.max_stream_bytes = 32;
    settings.max_streams = 1;
    settings.idle_timeout_us = 10'000'000;
    decode::packet::tcp_stream_table table(settings, counters);
    line_consumer consumer;
    table.on_segment(segment(1, std::string(40, 'z')), consumer);  // no newline: never framed
    CHECK(counters.tcp_stream_overflows == 1);
    CHECK(consumer.gaps == 1);
    transport_packet other = segment(1, "x\n");
    other.src_port = 40001;
    table.on_segment(other, consumer);
    CHECK(counters.drops[static_cast<std::size_t>(drop_reason::tcp_stream_table_full)] == 1);
    table.expire(20'000'000, consumer);
    CHECK(counters.tcp_streams_timed_out == 1);
    CHECK(table.streams() == 0);
    table.on_segment(other, consumer);
    CHECK(consumer.text == "x\n");
}

TEST_CASE("TCP: FIN ends a stream after its data") {
    packet_counters counters;
    decode::packet::tcp_stream_table table({}, counters);
    line_consumer consumer;
    table.on_segment(segment(1, "bye\n", 0x19), consumer);  // PSH|ACK|FIN with data
    CHECK(consumer.text == "bye\n");
    CHECK(table.streams() == 0);
}

TEST_CASE("TCP: a stream that ends inside a message (FIN, idle, end of capture) is counted as cut short") {
    packet_counters counters;
    decode::packet::tcp_stream_settings settings;
    settings.idle_timeout_us = 10'000'000;
    decode::packet::tcp_stream_table table(settings, counters);
    line_consumer consumer;
    // FIN after half a line; then a stream whose whole lines were used, then a bare CRLF.
    table.on_segment(segment(1, "whole\nhalf a li", 0x19), consumer);
    CHECK(consumer.text == "whole\n");
    CHECK(counters.tcp_streams_cut_short == 1);
    transport_packet done = segment(1, "all\n", 0x19);
    done.src_port = 40001;
    table.on_segment(done, consumer);
    transport_packet pong = segment(1, "\r", 0x19);
    pong.src_port = 40002;
    table.on_segment(pong, consumer);
    CHECK(counters.tcp_streams_cut_short == 1);
    // Idle with a partial line, then another one still open when the capture ends.
    transport_packet quiet = segment(1, "never fin", 0x18, 1'000'000);
    quiet.src_port = 40003;
    table.on_segment(quiet, consumer);
    table.expire(20'000'000, consumer);
    CHECK(counters.tcp_streams_timed_out == 1);
    CHECK(counters.tcp_streams_cut_short == 2);
    transport_packet open = segment(1, "to be contin", 0x18, 21'000'000);
    open.src_port = 40004;
    table.on_segment(open, consumer);
    table.flush(consumer);
    CHECK(counters.tcp_streams_cut_short == 3);
    table.flush(consumer);  // flushed twice: counted once
    CHECK(counters.tcp_streams_cut_short == 3);
    CHECK(counters.summary().find("tcp_streams_cut_short=3") != std::string::npos);
}

}  // namespace
}  // namespace ringfence::test

namespace ringfence::test {
namespace {

// An IPv6 fragment header (RFC 8200 4.5): next header, reserved, offset/M, identification.
bytes ipv6_fragment_header(std::size_t offset, bool more, std::uint32_t id) {
    bytes h = {0, 0};
    put16(h, static_cast<std::uint16_t>((offset / 8) << 3 | (more ? 1 : 0)));
    put32(h, id);
    return h;
}

TEST_CASE("IPv6 fragments (fragment extension header) reassemble into one UDP datagram") {
    std::array<unsigned char, 16> src{0x20, 0x01, 0x0d, 0xb8};
    std::array<unsigned char, 16> dst{0x20, 0x01, 0x0d, 0xb8};
    src[15] = 7;
    dst[15] = 9;
    const std::string payload = big_payload(2500);
    const bytes whole = udp_header_and_payload(5060, 5060, payload);
    const std::size_t cut = 1448;  // a multiple of 8
    const bytes first(whole.begin(), whole.begin() + cut);
    const bytes second(whole.begin() + cut, whole.end());
    const bytes f1 =
        ipv6_packet(src, dst, 17, first, {{44, ipv6_fragment_header(0, true, 0xabcdef)}});
    const bytes f2 =
        ipv6_packet(src, dst, 17, second, {{44, ipv6_fragment_header(cut, false, 0xabcdef)}});
    packet_counters counters;
    packet_decoder decoder(link::raw_ip, {}, counters);
    transport_packet out;
    CHECK_FALSE(decoder.decode(f2.data(), f2.size(), 1, out));
    REQUIRE(decoder.decode(f1.data(), f1.size(), 2, out));
    CHECK(out.protocol == decode::packet::ip_protocol_udp);
    CHECK(out.src.to_string() == "2001:db8::7");
    CHECK(out.payload == payload);
    CHECK(counters.datagrams_reassembled == 1);
    CHECK(counters.dropped() == 0);
}

TEST_CASE("IPv6 fragments whose fragmentable part starts with destination options reach UDP") {
    std::array<unsigned char, 16> src{0x20, 0x01, 0x0d, 0xb8};
    std::array<unsigned char, 16> dst{0x20, 0x01, 0x0d, 0xb8};
    src[15] = 7;
    dst[15] = 9;
    const std::string payload = big_payload(2500);
    bytes whole{17, 0, 1, 4, 0, 0, 0, 0};  // destination options (RFC 8200 4.1 order): next UDP, PadN
    append(whole, udp_header_and_payload(5060, 5060, payload));
    const std::size_t cut = 1448;
    const bytes first(whole.begin(), whole.begin() + cut);
    const bytes second(whole.begin() + cut, whole.end());
    const bytes f1 = ipv6_packet(src, dst, 60, first, {{44, ipv6_fragment_header(0, true, 0x1234)}});
    const bytes f2 = ipv6_packet(src, dst, 60, second, {{44, ipv6_fragment_header(cut, false, 0x1234)}});
    packet_counters counters;
    packet_decoder decoder(link::raw_ip, {}, counters);
    transport_packet out;
    CHECK_FALSE(decoder.decode(f1.data(), f1.size(), 1, out));
    REQUIRE(decoder.decode(f2.data(), f2.size(), 2, out));
    CHECK(out.protocol == decode::packet::ip_protocol_udp);
    CHECK(out.payload == payload);
    CHECK(counters.dropped() == 0);
}

}  // namespace
}  // namespace ringfence::test
