// HEP v3 packets: every chunk ringfence reads (IPv4 and IPv6), compressed payloads, vendor
// chunks skipped, and every malformed packet rejected with its reason.
#include <doctest/doctest.h>

#include <zlib.h>

#include <string>

#include "decode/hep/hep_packet.hpp"
#include "hep_test_packets.hpp"

using namespace ringfence::decode::hep;
using hep_test::bytes;
using hep_test::packet_builder;

namespace {

const std::string invite = "INVITE sip:+84912345678@example.net SIP/2.0\r\nCall-ID: a1\r\n\r\n";

hep_error parse(hep_parser& p, const bytes& b, hep_packet& out) { return p.parse(std::span<const std::uint8_t>(b), out); }

bytes deflate_bytes(std::string_view s, bool gzip) {
    z_stream z{};
    REQUIRE(deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, gzip ? 15 + 16 : 15, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    bytes out(deflateBound(&z, static_cast<uLong>(s.size())) + 32);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(s.data()));
    z.avail_in = static_cast<uInt>(s.size());
    z.next_out = out.data();
    z.avail_out = static_cast<uInt>(out.size());
    REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

}  // namespace

TEST_CASE("a SIP packet over IPv4: every chunk") {
    hep_parser parser;
    hep_packet p;
    const bytes b = hep_test::sip_ipv4_head().text(0x11, "corr-1").u16(0x12, 42).text(0x13, "sbc-hn-1").text(15, invite).build();
    REQUIRE(parse(parser, b, p) == hep_error::none);
    CHECK(p.ip_family == family_ipv4);
    CHECK(p.ip_protocol == 17);
    CHECK(p.source.to_string() == "192.0.2.10");
    CHECK(p.destination.to_string() == "198.51.100.5");
    CHECK(p.source_port == 5060);
    CHECK(p.destination_port == 5080);
    CHECK(p.timestamp_seconds == 1795834800);
    CHECK(p.timestamp_microseconds == 123456);
    CHECK(p.time_us() == 1795834800123456);
    CHECK(p.protocol_type == protocol::sip);
    CHECK(p.capture_agent_id == std::optional<std::uint32_t>(2001));
    REQUIRE(p.auth_key.has_value());
    CHECK(*p.auth_key == "secret-key");
    CHECK(p.correlation_id == "corr-1");
    CHECK(p.vlan_id == std::optional<std::uint16_t>(42));
    CHECK(p.node_name == "sbc-hn-1");
    CHECK(p.payload == invite);
    CHECK_FALSE(p.compressed);
    CHECK(p.chunks_skipped == 0);
}

TEST_CASE("IPv6 addresses, vendor chunks and unknown generic chunks are skipped, optional chunks may be absent") {
    hep_parser parser;
    hep_packet p;
    packet_builder b;
    b.u8(1, 10).u8(2, 6);
    b.chunk(5, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
    b.chunk(6, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2});
    b.u16(7, 5061).u16(8, 5061).u32(9, 1700000000).u8(11, 1);
    b.chunk(0x0020, {1, 2, 3, 4});                // MOS: not read
    b.chunk(0x0001, {9, 9, 9}, 0x0003);           // a vendor chunk reusing a generic type id
    b.text(15, invite);
    REQUIRE(parse(parser, b.build(), p) == hep_error::none);
    CHECK(p.source.to_string() == "2001:db8::1");
    CHECK(p.destination.to_string() == "2001:db8::2");
    CHECK(p.ip_protocol == 6);
    CHECK(p.timestamp_microseconds == 0);
    CHECK_FALSE(p.capture_agent_id.has_value());
    CHECK_FALSE(p.auth_key.has_value());
    CHECK(p.chunks_skipped == 2);
}

TEST_CASE("a compressed payload (zlib or gzip) is inflated and flagged, a bad or oversized one is rejected") {
    hep_parser parser(4096);
    hep_packet p;
    for (const bool gzip : {false, true}) {
        CAPTURE(gzip);
        REQUIRE(parse(parser, hep_test::sip_ipv4_head().chunk(16, deflate_bytes(invite, gzip)).build(), p) == hep_error::none);
        CHECK(p.compressed);
        CHECK(p.payload == invite);
    }
    CHECK(parse(parser, hep_test::sip_ipv4_head().chunk(16, {1, 2, 3, 4, 5}).build(), p) == hep_error::inflate_failed);
    bytes cut = deflate_bytes(invite, false);
    cut.resize(cut.size() / 2);
    CHECK(parse(parser, hep_test::sip_ipv4_head().chunk(16, cut).build(), p) == hep_error::inflate_failed);
    const std::string big(5000, 'A');  // a 5000-byte payload inflates past the 4096 cap
    CHECK(parse(parser, hep_test::sip_ipv4_head().chunk(16, deflate_bytes(big, false)).build(), p) ==
          hep_error::inflated_too_large);
    CHECK(parse(parser, hep_test::sip_ipv4_head().text(15, invite).chunk(16, deflate_bytes(invite, false)).build(), p) ==
          hep_error::duplicate_chunk);
}

TEST_CASE("malformed packets: each reason") {
    hep_parser parser;
    hep_packet p;
    const bytes good = hep_test::sip_ipv4_head().text(15, invite).build();
    REQUIRE(parse(parser, good, p) == hep_error::none);

    CHECK(parse(parser, bytes{'H', 'E', 'P'}, p) == hep_error::too_short);
    bytes v2 = good;
    v2[3] = '2';
    CHECK(parse(parser, v2, p) == hep_error::bad_magic);
    bytes longer = good;
    longer.push_back(0);
    CHECK(parse(parser, longer, p) == hep_error::bad_length);
    bytes shorter(good.begin(), good.end() - 1);
    CHECK(parse(parser, shorter, p) == hep_error::bad_length);
    bytes zero_total = good;
    zero_total[4] = 0;
    zero_total[5] = 4;
    CHECK(parse(parser, zero_total, p) == hep_error::bad_length);

    // A chunk whose length is below its header, or past the end.
    CHECK(parse(parser, hep_test::sip_ipv4_head().raw({0, 0, 0, 15, 0, 3}).build(), p) == hep_error::bad_chunk_length);
    CHECK(parse(parser, hep_test::sip_ipv4_head().raw({0, 0, 0, 15, 0, 60, 'x'}).build(), p) == hep_error::bad_chunk_length);
    CHECK(parse(parser, hep_test::sip_ipv4_head().raw({0, 0, 0}).build(), p) == hep_error::bad_chunk_length);

    CHECK(parse(parser, packet_builder().chunk(1, {2, 2}).build(), p) == hep_error::bad_chunk_size);
    CHECK(parse(parser, hep_test::sip_ipv4_head().chunk(0x12, {1}).text(15, invite).build(), p) == hep_error::bad_chunk_size);
    CHECK(parse(parser, hep_test::sip_ipv4_head().u8(11, 1).text(15, invite).build(), p) == hep_error::duplicate_chunk);

    packet_builder no_ts;
    no_ts.u8(1, 2).chunk(3, {1, 2, 3, 4}).chunk(4, {1, 2, 3, 5}).u16(7, 1).u16(8, 2).u8(11, 1).text(15, invite);
    CHECK(parse(parser, no_ts.build(), p) == hep_error::missing_chunk);
    CHECK(parse(parser, hep_test::sip_ipv4_head().build(), p) == hep_error::missing_chunk);  // no payload

    packet_builder family7;
    family7.u8(1, 7).chunk(3, {1, 2, 3, 4}).chunk(4, {1, 2, 3, 5}).u16(7, 1).u16(8, 2).u32(9, 1).u8(11, 1).text(15, invite);
    CHECK(parse(parser, family7.build(), p) == hep_error::bad_family);
    packet_builder mixed;
    mixed.u8(1, 2).chunk(3, {1, 2, 3, 4}).chunk(6, bytes(16, 1)).u16(7, 1).u16(8, 2).u32(9, 1).u8(11, 1).text(15, invite);
    CHECK(parse(parser, mixed.build(), p) == hep_error::bad_family);

    CHECK(parse(parser, hep_test::sip_ipv4_head(1, 1'000'000).text(15, invite).build(), p) == hep_error::bad_timestamp);
    CHECK(to_string(hep_error::bad_timestamp) == "bad_timestamp");
}
