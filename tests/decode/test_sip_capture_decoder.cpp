// SIP over TCP through the capture decoder: messages split over many small segments are
// framed correctly and in linear time (each byte scanned once), keep-alives between
// messages, and the resync after bytes that are not SIP.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "decode/sip/sip_capture_decoder.hpp"
#include "decode/sip/sip_parser.hpp"
#include "support/packet_builder.hpp"

namespace ringfence::test {
namespace {

using namespace decode::sip;
using decode::packet::transport_packet;

class message_log final : public sip_message_observer {
  public:
    void on_sip_message(const sip_message& m, const transport_packet&) override {
        call_ids.emplace_back(m.call_id);
        body_sizes.push_back(m.body.size());
    }
    std::vector<std::string> call_ids;
    std::vector<std::size_t> body_sizes;
};

class no_events final : public call_event_sink {
  public:
    void on_call_event(const call_event&) override {}
};

struct tcp_fixture {
    decode::packet::packet_counters packet_counters;
    sip_counters counters;
    peer_origin_map origins;
    no_events events;
    sip_dialog_table dialogs{{}, origins, counters, events};
    message_log log;
    sip_capture_settings settings;
    sip_capture_decoder decoder{settings, packet_counters, counters, dialogs, &log};
    std::uint32_t seq = 1000;

    void send(std::string_view bytes) {
        transport_packet p;
        p.protocol = decode::packet::ip_protocol_tcp;
        p.src = decode::packet::ip_address::v4(ip4(10, 0, 0, 1).a.data());
        p.dst = decode::packet::ip_address::v4(ip4(10, 0, 0, 2).a.data());
        p.src_port = 40000;
        p.dst_port = 5060;
        p.tcp_seq = seq;
        p.tcp_flags = 0x18;
        p.payload = bytes;
        seq += static_cast<std::uint32_t>(bytes.size());
        decoder.on_packet(p);
    }
};

std::string message_with_headers(std::string_view call_id, std::size_t header_bytes,
                                 std::size_t body) {
    std::string m = "MESSAGE sip:0987654321@h SIP/2.0\r\nCall-ID: " + std::string(call_id) + "\r\n";
    while (m.size() < header_bytes) m += "X-A: b\r\n";
    m += "Content-Length: " + std::to_string(body) + "\r\n\r\n" + std::string(body, 'z');
    return m;
}

TEST_CASE("a message sent three bytes per segment is framed once, in linear time") {
    tcp_fixture f;
    const std::string m = message_with_headers("slow-1", 60 * 1024, 3000);
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < m.size(); i += 3) f.send(std::string_view(m).substr(i, 3));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    REQUIRE(f.log.call_ids.size() == 1);
    CHECK(f.log.call_ids[0] == "slow-1");
    CHECK(f.log.body_sizes[0] == 3000);
    // Rescanning the held bytes on every segment would take seconds here (quadratic).
    CHECK(seconds < 0.5);
}

TEST_CASE("messages, keep-alives and junk over one stream, in segments of every size") {
    const std::string stream = "\r\n\r\n" + message_with_headers("k-1", 100, 5) + "\r\n\r\n" +
                               "GET / HTTP/1.1\r\nHost: x\r\n\r\n" +
                               message_with_headers("k-2", 200, 0);
    for (std::size_t size : {1, 2, 7, 64, 1000}) {
        tcp_fixture f;
        for (std::size_t i = 0; i < stream.size(); i += size)
            f.send(std::string_view(stream).substr(i, size));
        INFO("segment size ", size);
        CHECK(f.log.call_ids == std::vector<std::string>{"k-1", "k-2"});
        CHECK(f.counters.keepalives >= 2);
        CHECK(f.counters.not_sip >= 1);
    }
}

}  // namespace
}  // namespace ringfence::test

namespace ringfence::test {
namespace {

TEST_CASE("a mirrored TCP payload holding several messages gives each, over UDP the payload is one message") {
    tcp_fixture f;
    transport_packet p;
    p.protocol = decode::packet::ip_protocol_tcp;
    const std::string two = message_with_headers("hep4", 60, 3) + message_with_headers("hep5", 60, 0) + "\r\n" +
                            "MESSAGE sip:x@h SIP/2.0\r\nCall-ID: hep6\r\nContent-Length: 40\r\n\r\ncut short";
    p.payload = two;
    f.decoder.on_mirrored_message(p);
    CHECK(f.log.call_ids == std::vector<std::string>{"hep4", "hep5", "hep6"});  // the cut one from its headers
    CHECK(f.counters.keepalives == 1);
    p.protocol = decode::packet::ip_protocol_udp;
    const std::string one = message_with_headers("hep7", 60, 0);
    p.payload = one;
    f.decoder.on_mirrored_message(p);
    CHECK(f.log.call_ids.back() == "hep7");
}

}  // namespace
}  // namespace ringfence::test

namespace ringfence::test {
namespace {

TEST_CASE("binary junk with no line break before the next message on a stream does not cost that message") {
    tcp_fixture f;
    f.send(message_with_headers("tcp1", 60, 0));
    std::string junk("\x17\x03\x03\x00\x20", 5);
    for (int i = 0; i < 32; ++i) junk.push_back(static_cast<char>(i));  // holds a bare \n (byte 10)
    f.send(junk);
    f.send(message_with_headers("tcp2", 60, 0));
    f.send(junk + message_with_headers("tcp3", 60, 0));  // junk and a message in one segment
    CHECK(f.log.call_ids == std::vector<std::string>{"tcp1", "tcp2", "tcp3"});
    CHECK(f.counters.stream_resyncs >= 1);
}

}  // namespace
}  // namespace ringfence::test

namespace ringfence::test {
namespace {

TEST_CASE("one malformed request on a stream is counted once, not once per letter of its method") {
    tcp_fixture f;
    f.send("SUBSCRIBE sip:x@h SIP/2.0\r\nCall-ID: bad1\r\nContent-Length: abc\r\n\r\n");
    CHECK(f.counters.malformed == 1);
    CHECK(f.counters.stream_resyncs == 1);
    f.send(message_with_headers("good1", 60, 0));
    CHECK(f.log.call_ids == std::vector<std::string>{"good1"});
    CHECK(f.counters.malformed == 1);
}

}  // namespace
}  // namespace ringfence::test

namespace ringfence::test {

TEST_CASE("a TCP message whose Content-Length the stream cannot hold is malformed, its body passed over, and the messages after it are read") {
    std::string after;
    for (const char* id : {"n1", "n2", "n3"}) after += message_with_headers(id, 0, 0);
    for (const std::size_t segment : {std::size_t{1460}, std::size_t{65536}}) {
        CAPTURE(segment);
        tcp_fixture f;
        // The body's last bytes run straight into the next request line: only its length
        // tells where the next message starts.
        const std::string head = "INVITE sip:0987654321@h SIP/2.0\r\nCall-ID: big\r\nContent-Length: 300000\r\n\r\n";
        std::string stream = head + std::string(300'000 - 11, 'A') + "INVITE sip:";  // exactly 300,000 bytes of body
        REQUIRE(stream.size() == head.size() + 300'000);
        stream += after;
        for (std::size_t at = 0; at < stream.size(); at += segment) f.send(std::string_view(stream).substr(at, segment));
        CHECK(f.log.call_ids == std::vector<std::string>{"n1", "n2", "n3"});
        CHECK(f.counters.malformed == 1);
        CHECK(f.counters.stream_resyncs == 0);
        CHECK(f.counters.not_sip == 0);
        CHECK(f.counters.junk_prefixed == 0);
        CHECK(f.counters.bytes_passed_over == head.size() + 300'000);
        CHECK(f.packet_counters.tcp_stream_overflows == 0);
    }
}

TEST_CASE("a TCP Content-Length over 1 MiB is not believed: the stream resynchronises at the next message") {
    tcp_fixture f;
    f.send("INVITE sip:0987654321@h SIP/2.0\r\nCall-ID: big\r\nContent-Length: 5000000\r\n\r\nabc\r\n");
    std::string after;
    for (const char* id : {"n1", "n2"}) after += message_with_headers(id, 0, 0);
    f.send(after);
    CHECK(f.log.call_ids == std::vector<std::string>{"n1", "n2"});
    CHECK(f.counters.malformed == 1);
}

TEST_CASE("two different Content-Lengths: a stream cannot frame the message (malformed), a datagram keeps the first (counted)") {
    const std::string inner = "INVITE sip:0987654321@h SIP/2.0\r\nCall-ID: hidden\r\nContent-Length: 0\r\n\r\n";
    const std::string outer = "INVITE sip:0987654321@h SIP/2.0\r\nCall-ID: outer\r\nContent-Length: " + std::to_string(inner.size()) +
                              "\r\nContent-Length: 0\r\n\r\n" + inner;
    sip_message m;
    CHECK(parse_sip_message(outer, true, m).result == parse_result::malformed);
    REQUIRE(parse_sip_message(outer, false, m).result == parse_result::message);
    CHECK(m.bad_content_length);
    tcp_fixture f;
    f.send(outer);
    CHECK(f.log.call_ids == std::vector<std::string>{"hidden"});  // what follows the unframed headers is still read
    CHECK(f.counters.malformed == 1);
    // The same length twice is no conflict.
    const std::string twice = "INVITE sip:x@h SIP/2.0\r\nCall-ID: t\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab";
    REQUIRE(parse_sip_message(twice, true, m).result == parse_result::message);
    CHECK(m.body == "ab");
}

}  // namespace ringfence::test

namespace ringfence::test {
namespace {

TEST_CASE("an idle TCP stream times out while the capture carries only UDP after it") {
    tcp_fixture f;
    f.send("INVITE sip:0987654321@h SIP/2.0\r\nCall-ID: half");  // never finished
    REQUIRE(f.decoder.tcp_streams() == 1);
    transport_packet udp;
    udp.protocol = decode::packet::ip_protocol_udp;
    udp.src = decode::packet::ip_address::v4(ip4(10, 0, 0, 3).a.data());
    udp.dst = decode::packet::ip_address::v4(ip4(10, 0, 0, 4).a.data());
    udp.src_port = 5060;
    udp.dst_port = 5060;
    const std::string options = "OPTIONS sip:x SIP/2.0\r\nCall-ID: o\r\nCSeq: 1 OPTIONS\r\n\r\n";
    udp.payload = options;
    udp.time_us = 400'000'000;  // past the 300 s idle timeout
    f.decoder.on_packet(udp);
    CHECK(f.decoder.tcp_streams() == 0);
    CHECK(f.packet_counters.tcp_streams_timed_out == 1);
    CHECK(f.packet_counters.tcp_streams_cut_short == 1);
}

}  // namespace
}  // namespace ringfence::test
