// HEP over TCP: packets back to back in a stream cut into arbitrary pieces, and resync at
// the next "HEP3" after garbage.
#include <doctest/doctest.h>

#include <random>
#include <span>
#include <string>

#include "decode/hep/hep_stream_framer.hpp"
#include "hep_test_packets.hpp"

using namespace ringfence::decode::hep;
using hep_test::bytes;

namespace {

bytes packet(std::string_view payload) { return hep_test::sip_ipv4_head().text(15, payload).build(); }

std::vector<bytes> feed_in_pieces(hep_stream_framer& f, const bytes& stream, std::mt19937* rng, hep_framer_counters& c) {
    std::vector<bytes> out;
    for (std::size_t pos = 0; pos < stream.size();) {
        const std::size_t n = std::min<std::size_t>(rng ? 1 + (*rng)() % 97 : 1, stream.size() - pos);
        f.feed(std::span<const std::uint8_t>(stream.data() + pos, n), c,
               [&](std::span<const std::uint8_t> p) { out.emplace_back(p.begin(), p.end()); });
        pos += n;
    }
    return out;
}

}  // namespace

TEST_CASE("packets back to back come out whole, byte by byte and in random pieces") {
    const bytes a = packet("one"), b = packet(std::string(400, 'x')), c = packet("three");
    bytes stream = a;
    stream.insert(stream.end(), b.begin(), b.end());
    stream.insert(stream.end(), c.begin(), c.end());
    const std::vector<bytes> expected{a, b, c};
    {
        hep_stream_framer f;
        hep_framer_counters counters;
        CHECK(feed_in_pieces(f, stream, nullptr, counters) == expected);
        CHECK(counters.packets == 3);
        CHECK(f.buffered_bytes() == 0);
    }
    std::mt19937 rng(3);
    for (int i = 0; i < 100; ++i) {
        hep_stream_framer f;
        hep_framer_counters counters;
        REQUIRE(feed_in_pieces(f, stream, &rng, counters) == expected);
        CHECK(counters.resyncs == 0);
    }
}

TEST_CASE("garbage between packets is skipped to the next HEP3 and counted, a zero length is garbage") {
    const bytes a = packet("one"), b = packet("two");
    const std::string junk = "xxHEHEP2\r\n";
    bytes stream(junk.begin(), junk.end());
    stream.insert(stream.end(), a.begin(), a.end());
    const bytes bad_length{'H', 'E', 'P', '3', 0, 2};
    stream.insert(stream.end(), bad_length.begin(), bad_length.end());
    stream.insert(stream.end(), b.begin(), b.end());
    std::mt19937 rng(5);
    for (int i = 0; i < 50; ++i) {
        hep_stream_framer f;
        hep_framer_counters counters;
        REQUIRE(feed_in_pieces(f, stream, i == 0 ? nullptr : &rng, counters) == std::vector<bytes>{a, b});
        CHECK(counters.bytes_skipped == junk.size() + bad_length.size());
        CHECK(counters.resyncs == 2);
    }
}

namespace {

// A packet whose total length says `declared` instead of its size.
bytes with_length(bytes b, std::size_t declared) {
    b[4] = static_cast<std::uint8_t>(declared >> 8);
    b[5] = static_cast<std::uint8_t>(declared);
    return b;
}

bytes joined(std::initializer_list<bytes> parts) {
    bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

}  // namespace

TEST_CASE("a total length too long costs its own packet only: the packets it would swallow come out, counted") {
    const bytes a = packet("one"), b = packet("two"), c = packet("three");
    for (const std::size_t declared : {std::size_t{0xffff}, b.size() + 3, b.size() + 1}) {
        CAPTURE(declared);
        const bytes bad = with_length(b, declared);
        const bytes stream = joined({a, bad, c, a});
        std::mt19937 rng(11);
        for (int i = 0; i < 30; ++i) {
            hep_stream_framer f;
            hep_framer_counters counters;
            // Byte by byte too: the bad packet is found without waiting for 64 KiB.
            REQUIRE(feed_in_pieces(f, stream, i == 0 ? nullptr : &rng, counters) == std::vector<bytes>{a, c, a});
            CHECK(counters.bad_packets == 1);
            CHECK(counters.bytes_skipped == bad.size());
            CHECK(counters.resyncs == 0);
            CHECK(f.buffered_bytes() == 0);
        }
    }
}

TEST_CASE("a chunk shorter than its header or past the packet's end drops the packet, and the stream is read on from the next HEP3") {
    const bytes a = packet("one"), c = packet("three");
    // A chunk of length 3, and one that runs 100 bytes past its packet's end.
    const bytes short_chunk = hep_test::packet_builder().u8(1, 2).raw({0, 0, 0, 2, 0, 3}).raw({1, 2, 3}).build();
    const bytes long_chunk = hep_test::packet_builder().u8(1, 2).raw({0, 0, 0, 15, 0, 120}).raw(bytes(10, 'x')).build();
    const bytes junk{'x', 'y'};
    for (const bytes& bad : {short_chunk, long_chunk}) {
        // Junk after it or not: the packet is dropped and counted, whatever pieces it came in.
        for (const bytes& stream : {joined({a, bad, junk, c}), joined({a, bad, c})}) {
            std::mt19937 rng(13);
            for (int i = 0; i < 30; ++i) {
                hep_stream_framer f;
                hep_framer_counters counters;
                REQUIRE(feed_in_pieces(f, stream, i == 0 ? nullptr : &rng, counters) == std::vector<bytes>{a, c});
                CHECK(counters.bad_packets == 1);
                CHECK(counters.bytes_skipped == stream.size() - a.size() - c.size());
                CHECK(counters.resyncs == 0);
            }
        }
    }
}

TEST_CASE("a packet trickled in one-byte pieces has its chunks followed once, not again on every piece") {
    // 10,000 six-byte vendor chunks: followed again from the start on each of the 60,000
    // pieces, that would be about 3e8 chunk headers read, which a sender in tiny segments
    // could make the listener do; followed once, each header is read once.
    hep_test::packet_builder b;
    for (int i = 0; i < 10'000; ++i) b.raw({0, 9, 0, 99, 0, 6});
    const bytes big = b.build(), next = packet("after");
    hep_stream_framer f;
    hep_framer_counters counters;
    CHECK(feed_in_pieces(f, joined({big, next}), nullptr, counters) == std::vector<bytes>{big, next});
    CHECK(counters.bad_packets == 0);
    CHECK(counters.chunk_headers_read <= 10'000 + 20);
}

TEST_CASE("a total length too short: the packet is dropped and the rest of it skipped, the next one comes out") {
    const bytes a = packet("one"), b = packet(std::string(300, 'y')), c = packet("three");
    const bytes stream = joined({a, with_length(b, b.size() - 100), c});
    hep_stream_framer f;
    hep_framer_counters counters;
    CHECK(feed_in_pieces(f, stream, nullptr, counters) == std::vector<bytes>{a, c});
    CHECK(counters.bad_packets == 1);
    CHECK(counters.bytes_skipped == b.size());
}

TEST_CASE("finish: a packet begun and not whole when the stream ends is counted cut short, its bytes skipped") {
    const bytes a = packet("one"), b = packet("two");
    hep_stream_framer f;
    hep_framer_counters counters;
    std::vector<bytes> out;
    const bytes stream = joined({a, bytes(b.begin(), b.begin() + 20)});
    f.feed(std::span<const std::uint8_t>(stream), counters, [&](std::span<const std::uint8_t> p) { out.emplace_back(p.begin(), p.end()); });
    CHECK(out == std::vector<bytes>{a});
    f.finish(counters);
    CHECK(counters.cut_short == 1);
    CHECK(counters.bytes_skipped == 20);
    CHECK(f.buffered_bytes() == 0);
    f.finish(counters);  // nothing left: nothing more counted
    CHECK(counters.cut_short == 1);
    CHECK(counters.bytes_skipped == 20);
    // A stray "HE" at the end is no packet begun: skipped, not cut short.
    const bytes stray{'H', 'E'};
    f.feed(std::span<const std::uint8_t>(stray), counters, [&](std::span<const std::uint8_t>) { FAIL("no packet"); });
    f.finish(counters);
    CHECK(counters.cut_short == 1);
    CHECK(counters.bytes_skipped == 22);
}
