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
