// The SMPP stream framer: PDUs out of a TCP byte stream cut into arbitrary pieces, and
// what it does with garbage and with lying command_length values.
#include <doctest/doctest.h>

#include <random>
#include <span>

#include "decode/smpp/smpp_pdu.hpp"
#include "decode/smpp/smpp_stream_framer.hpp"
#include "smpp_test_pdus.hpp"

using namespace ringfence::decode::smpp;
using smpp_test::bytes;
using smpp_test::pdu_builder;

namespace {

bytes session_stream() {
    return smpp_test::concat({smpp_test::bind(command::bind_transceiver, "esme", 1),
                              pdu_builder().build(command::enquire_link, 2),
                              smpp_test::message(command::submit_sm, 3, {0, 1, "100"}, {1, 1, "84912345678"}, 0, 0,
                                                 smpp_test::text("hello")),
                              pdu_builder().build(command::unbind, 4)});
}

struct collected {
    std::vector<bytes> pdus;
    framer_counters counters;
};

// Feeds stream in pieces of the given sizes (cycled) and collects the PDUs.
collected feed_in_pieces(smpp_stream_framer& f, const bytes& stream, const std::vector<std::size_t>& sizes) {
    collected c;
    std::size_t pos = 0;
    for (std::size_t i = 0; pos < stream.size(); ++i) {
        const std::size_t n = std::min(sizes[i % sizes.size()], stream.size() - pos);
        f.feed(std::span<const std::uint8_t>(stream.data() + pos, n), c.counters,
               [&](std::span<const std::uint8_t> p) { c.pdus.emplace_back(p.begin(), p.end()); });
        pos += n;
    }
    return c;
}

std::vector<std::uint32_t> sequences(const collected& c) {
    std::vector<std::uint32_t> out;
    for (const auto& p : c.pdus) out.push_back(read_header(p).sequence);
    return out;
}

}  // namespace

TEST_CASE("whole PDUs, several in one piece, come out in order and unchanged") {
    smpp_stream_framer f;
    const bytes stream = session_stream();
    const collected c = feed_in_pieces(f, stream, {stream.size()});
    CHECK(sequences(c) == std::vector<std::uint32_t>{1, 2, 3, 4});
    CHECK(smpp_test::concat({c.pdus[0], c.pdus[1], c.pdus[2], c.pdus[3]}) == stream);
    CHECK(c.counters.pdus == 4);
    CHECK(f.buffered_bytes() == 0);
}

TEST_CASE("the same stream one byte at a time, and in random pieces, gives the same PDUs") {
    const bytes stream = session_stream();
    smpp_stream_framer whole;
    const collected expected = feed_in_pieces(whole, stream, {stream.size()});
    {
        smpp_stream_framer f;
        const collected c = feed_in_pieces(f, stream, {1});
        CHECK(c.pdus == expected.pdus);
    }
    std::mt19937 rng(42);
    for (int round = 0; round < 200; ++round) {
        std::vector<std::size_t> sizes;
        for (int i = 0; i < 16; ++i) sizes.push_back(1 + rng() % 40);
        smpp_stream_framer f;
        const collected c = feed_in_pieces(f, stream, sizes);
        REQUIRE(c.pdus == expected.pdus);
        CHECK(c.counters.resyncs == 0);
    }
}

TEST_CASE("garbage before a PDU is skipped, counted, and the framer finds the next header") {
    const bytes stream = smpp_test::concat({smpp_test::text("GET / HTTP/1.1\r\n\r\n"), session_stream()});
    for (const std::size_t piece : {std::size_t{1}, std::size_t{7}, stream.size()}) {
        CAPTURE(piece);
        smpp_stream_framer f;
        const collected c = feed_in_pieces(f, stream, {piece});
        CHECK(sequences(c) == std::vector<std::uint32_t>{1, 2, 3, 4});
        CHECK(c.counters.resyncs == 1);
        CHECK(c.counters.bytes_skipped == 18);
    }
}

TEST_CASE("command_length below the header size, or above the bound, is garbage") {
    smpp_stream_framer::limits l;
    l.max_pdu_bytes = 1024;
    SUBCASE("length 8") {
        smpp_stream_framer f(l);
        const bytes stream = smpp_test::concat({bytes{0, 0, 0, 8, 0, 0, 0, 0x15, 0, 0, 0, 0}, pdu_builder().build(command::enquire_link, 9)});
        const collected c = feed_in_pieces(f, stream, {5});
        CHECK(sequences(c) == std::vector<std::uint32_t>{9});
        CHECK(c.counters.bad_length == 1);
        CHECK(c.counters.bytes_skipped == 12);
    }
    SUBCASE("a lying length above the bound: the PDU is not waited for") {
        smpp_stream_framer f(l);
        bytes lying = pdu_builder().build(command::enquire_link, 1);
        lying[1] = 0x10;  // 0x00100010 bytes
        const collected c = feed_in_pieces(f, smpp_test::concat({lying, pdu_builder().build(command::enquire_link, 2)}), {3});
        CHECK(sequences(c) == std::vector<std::uint32_t>{2});
        CHECK(c.counters.bad_length == 1);
    }
    SUBCASE("an unknown command_id") {
        smpp_stream_framer f(l);
        const collected c = feed_in_pieces(
            f, smpp_test::concat({pdu_builder().build(0x00000777, 1), pdu_builder().build(command::enquire_link, 2)}), {64});
        CHECK(sequences(c) == std::vector<std::uint32_t>{2});
        CHECK(c.counters.unknown_command == 1);
        CHECK(c.counters.bytes_skipped == 16);
    }
}

TEST_CASE("a lying command_length within the bound swallows what follows, later PDUs come out once back in step") {
    // The length says 40, the PDU has 16: the framer takes the next 24 bytes as its body
    // (a PDU parse error downstream), then continues after them.
    bytes lying = pdu_builder().build(command::enquire_link, 1);
    lying[3] = 40;
    const bytes stream = smpp_test::concat({lying, pdu_builder().raw(bytes(8, 0)).build(command::enquire_link, 2),
                                            pdu_builder().build(command::enquire_link, 3)});
    smpp_stream_framer f;
    const collected c = feed_in_pieces(f, stream, {1});
    REQUIRE(c.pdus.size() == 2);
    CHECK(c.pdus[0].size() == 40);
    CHECK(read_header(c.pdus[1]).sequence == 3);
}

TEST_CASE("a stream that never gets back in step is given up, its bytes dropped and counted, until reset") {
    smpp_stream_framer::limits l;
    l.max_resync_bytes = 100;
    smpp_stream_framer f(l);
    const bytes noise(300, 0xFF);
    const collected c = feed_in_pieces(f, noise, {33});
    CHECK(c.pdus.empty());
    CHECK(f.given_up());
    CHECK(c.counters.streams_given_up == 1);
    CHECK(c.counters.bytes_skipped + c.counters.bytes_dropped == 300);

    f.reset();
    CHECK_FALSE(f.given_up());
    const collected after = feed_in_pieces(f, pdu_builder().build(command::enquire_link, 5), {16});
    CHECK(sequences(after) == std::vector<std::uint32_t>{5});
}

TEST_CASE("a request with a non-zero command_status is not taken as a header while resynchronising") {
    // After garbage, 00 00 00 10 | 00 00 00 15 | 00 00 00 01 looks like enquire_link with
    // status 1: implausible for a request, so the framer keeps looking.
    const bytes fake{0, 0, 0, 0x10, 0, 0, 0, 0x15, 0, 0, 0, 1, 0x7F, 0x7F, 0x7F, 0x7F};
    const bytes stream = smpp_test::concat({bytes{0xFF}, fake, pdu_builder().build(command::enquire_link, 7)});
    smpp_stream_framer f;
    const collected c = feed_in_pieces(f, stream, {stream.size()});
    CHECK(sequences(c) == std::vector<std::uint32_t>{7});
    CHECK(c.counters.bytes_skipped == 17);
}
