// Capture files through the whole pipeline (libpcap reader, L2-L4, reassembly, SIP, dialogs,
// record lines): pcap files the tests write with libpcap's pcap_dump, and shared captures
// with known edge cases.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <unistd.h>

#include "capture_test_support.hpp"
#include "decode/hep_test_packets.hpp"
#include "decode/smpp_test_pdus.hpp"
#include "decode/packet/link_type.hpp"
#include "support/packet_builder.hpp"
#include "support/pcap_writer.hpp"
#include "support/shipped_plan.hpp"

namespace ringfence::test {
namespace {

namespace fs = std::filesystem;

class temp_pcap {
  public:
    explicit temp_pcap(std::string_view name)
        : path_(fs::temp_directory_path() / fmt::format("ringfence-{}-{}.pcap", ::getpid(), name)) {
    }
    ~temp_pcap() {
        std::error_code ec;
        fs::remove(path_, ec);
    }
    std::string path() const { return path_.string(); }

  private:
    fs::path path_;
};

std::string invite(std::string_view call_id, std::size_t body_bytes) {
    const std::string body(body_bytes, 'v');
    return fmt::format(
        "INVITE sip:0987654321@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 203.0.113.7\r\n"
        "From: <sip:+84912345678@203.0.113.7>;tag=1\r\nTo: <sip:0987654321@192.0.2.1>\r\n"
        "Call-ID: {}\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\nContent-Length: "
        "{}\r\n\r\n{}",
        call_id, body.size(), body);
}

struct capture_run {
    line_collector records;
    ingest::capture::capture_settings settings;
    std::unique_ptr<ingest::capture::capture_pipeline> pipeline;

    void run(const std::string& path) {
        pipeline = std::make_unique<ingest::capture::capture_pipeline>(settings, records);
        std::string error;
        REQUIRE_MESSAGE(ingest::capture::replay_pcap_file(path, *pipeline, error), error);
    }
};

TEST_CASE("a SIP INVITE fragmented over three IPv4 packets, out of order, makes one call.attempt") {
    const std::string msg = invite("frag-1@203.0.113.7", 3000);
    auto parts =
        ipv4_udp_fragments(ip4(203, 0, 113, 7), ip4(192, 0, 2, 1), 5060, 5060, msg, 1480, 4242);
    REQUIRE(parts.size() == 3);
    temp_pcap file("fragments");
    write_pcap(file.path(), decode::packet::link_type::ethernet,
               {{1'700'000'000'000'000, ethernet(parts[1], 0x0800)},
                {1'700'000'000'000'100, ethernet(parts[2], 0x0800)},
                {1'700'000'000'000'200, ethernet(parts[0], 0x0800)}});
    capture_run r;
    r.run(file.path());
    REQUIRE(r.records.lines.size() == 1);
    CHECK(
        r.records.lines[0].line ==
        R"({"id":"frag-1@203.0.113.7","kind":"call.attempt","time":1700000000000,"caller":"+84912345678","callee":"0987654321","origin":{"ip":"203.0.113.7"}})");
    CHECK(r.pipeline->packets().datagrams_reassembled == 1);
    CHECK(r.pipeline->sip().messages == 1);
}

TEST_CASE("HEP3 datagrams in a capture: the SIP inside is decoded with the addresses and time the agent reported") {
    const std::string msg = invite("hep-1@192.0.2.10", 0);
    const hep_test::bytes sip = hep_test::sip_ipv4_head(1'795'834'800, 123'456).text(15, msg).build();
    // An agent whose clock is a day behind: its message is taken at the frame's time.
    const hep_test::bytes skewed = hep_test::sip_ipv4_head(1'795'834'800 - 86'400, 0).text(15, invite("hep-2@192.0.2.10", 0)).build();
    const hep_test::bytes rtcp = hep_test::sip_ipv4_head(1'795'834'801, 0, 5).text(15, "{\"type\":200}").build();
    hep_test::bytes cut = sip;
    cut.resize(cut.size() - 10);  // the total length no longer matches the datagram
    auto datagram = [](const hep_test::bytes& payload, std::uint16_t dport) {
        const std::string text(payload.begin(), payload.end());
        return ethernet(ipv4_packet(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 17, udp_header_and_payload(40000, dport, text)), 0x0800);
    };
    temp_pcap file("hep");
    // The outer packets' own time is 20 s later (the collector's clock, the mirror's delay):
    // the record keeps the agent's, within 30 s of it.
    write_pcap(file.path(), decode::packet::link_type::ethernet,
               {{1'795'834'820'000'000, datagram(sip, 9060)},
                {1'795'834'820'000'100, datagram(rtcp, 9060)},
                {1'795'834'820'000'200, datagram(cut, 9061)},
                {1'795'834'821'000'000, datagram(skewed, 9060)}});
    // Live capture leaves HEP to the daemon's listener: nothing is read off the wire.
    capture_run live;
    live.run(file.path());
    CHECK(live.records.lines.empty());
    CHECK(live.pipeline->hep().packets == 0);
    CHECK(live.pipeline->hep().ignored == 4);
    CHECK(live.pipeline->summary().find("hep_ignored=4") != std::string::npos);
    CHECK(live.pipeline->sip().messages == 0);
    capture_run r;
    r.settings.hep_on_wire = true;  // as `ringfence replay` reads files
    r.run(file.path());
    REQUIRE(r.records.lines.size() == 2);
    CHECK(r.records.lines[0].line ==
          R"({"id":"hep-1@192.0.2.10","kind":"call.attempt","time":1795834800123,"caller":"+84912345678","callee":"0987654321","origin":{"ip":"192.0.2.10"}})");
    CHECK(r.records.lines[1].line ==
          R"({"id":"hep-2@192.0.2.10","kind":"call.attempt","time":1795834821000,"caller":"+84912345678","callee":"0987654321","origin":{"ip":"192.0.2.10"}})");
    CHECK(r.pipeline->hep().packets == 3);
    CHECK(r.pipeline->hep().sip == 2);
    CHECK(r.pipeline->hep().other == 1);
    CHECK(r.pipeline->hep().clock_corrected == 1);
    CHECK(r.pipeline->hep().errors[static_cast<std::size_t>(decode::hep::hep_error::bad_length)] == 1);
    CHECK(r.pipeline->sip().messages == 2);
    CHECK(r.pipeline->summary().find("hep_packets=3 hep_sip=2 hep_other=1 hep_clock_corrected=1 hep_errors{bad_length=1}") != std::string::npos);
}

TEST_CASE("the shared HEP capture replays into the calls its SIP payloads describe") {
    const auto path = std::filesystem::path(RINGFENCE_SHARED_DATA_DIR) / "hep" / "hep.pcap";
    if (!std::filesystem::exists(path)) {
        MESSAGE("skipped: the shared capture " << path.string() << " is not here");
        return;
    }
    capture_run r;
    r.settings.hep_on_wire = true;
    r.run(path.string());
    r.pipeline->finish();  // the 407 ends the call once no authenticated retry can follow
    // 6 SIP payloads (INVITE, 100, 407 of one call; OPTIONS, 200; PUBLISH), 1 RTCP, 1 log.
    CHECK(r.pipeline->hep().packets == 8);
    CHECK(r.pipeline->hep().sip == 6);
    CHECK(r.pipeline->hep().other == 2);
    CHECK(r.pipeline->sip().messages == 6);
    REQUIRE(r.records.lines.size() == 2);
    CHECK(r.records.lines[0].line.find(R"("kind":"call.attempt")") != std::string::npos);
    CHECK(r.records.lines[1].line.find(R"("cause":"sip_407")") != std::string::npos);
    CHECK(r.records.lines[0].line.find(R"("origin":{"ip":"192.168.1.1")") != std::string::npos);
}

TEST_CASE("pcap times from 2038 on (seconds past 2^31, unsigned in the file) stay in the future") {
    const std::string msg = invite("y2038@203.0.113.7", 10);
    temp_pcap file("y2038");
    write_pcap(file.path(), decode::packet::link_type::ethernet,
               {{2'200'000'000'000'000, ethernet(ipv4_udp_fragments(ip4(203, 0, 113, 7), ip4(192, 0, 2, 1), 5060, 5060, msg, 1480, 7)[0], 0x0800)}});
    capture_run r;
    r.run(file.path());
    REQUIRE(r.records.lines.size() == 1);
    CHECK(r.records.lines[0].line.find(R"("time":2200000000000,)") != std::string::npos);
}

TEST_CASE("a datagram missing a fragment is given up by the capture's clock, and at the end of the file") {
    const std::string msg = invite("frag-lost@203.0.113.7", 3000);
    auto parts =
        ipv4_udp_fragments(ip4(203, 0, 113, 7), ip4(192, 0, 2, 1), 5060, 5060, msg, 1480, 4343);
    REQUIRE(parts.size() == 3);
    const std::int64_t t0 = 1'700'000'000'000'000;
    const std::string later = invite("later@203.0.113.7", 10);
    const auto later_packet = ipv4_udp_fragments(ip4(203, 0, 113, 7), ip4(192, 0, 2, 1), 5060, 5060, later, 1480, 4344);
    REQUIRE(later_packet.size() == 1);
    SUBCASE("ordinary packets after the timeout") {
        temp_pcap file("fragment-lost");
        // Fragments 1 and 3 only; then unfragmented traffic for two minutes.
        write_pcap(file.path(), decode::packet::link_type::ethernet,
                   {{t0, ethernet(parts[0], 0x0800)},
                    {t0 + 100, ethernet(parts[2], 0x0800)},
                    {t0 + 60'000'000, ethernet(later_packet[0], 0x0800)},
                    {t0 + 120'000'000, ethernet(later_packet[0], 0x0800)}});
        capture_run r;
        r.settings.fragments.timeout_us = 30'000'000;
        r.run(file.path());
        CHECK(r.pipeline->packets().fragments_timed_out == 1);  // before finish(): by packet time
        CHECK(r.pipeline->packets().datagrams_reassembled == 0);
    }
    SUBCASE("the file ends before the timeout") {
        temp_pcap file("fragment-cut");
        write_pcap(file.path(), decode::packet::link_type::ethernet, {{t0, ethernet(parts[0], 0x0800)}});
        capture_run r;
        r.run(file.path());
        CHECK(r.pipeline->packets().fragments_timed_out == 0);
        r.pipeline->finish();
        CHECK(r.pipeline->packets().fragments_timed_out == 1);
    }
}

TEST_CASE("SIP over TCP: out of order, retransmitted, split over segments and two in one segment") {
    const std::string first = invite("tcp-1", 200);
    const std::string second = invite("tcp-2", 10);
    const std::string stream = first + second;
    // Segments: [0,100) [100,250) [250,end) where the last holds the end of the first
    // message and all of the second.
    const std::uint32_t isn = 5000;
    auto seg = [&](std::size_t from, std::size_t to) {
        return ethernet(ipv4_packet(ip4(10, 1, 1, 1), ip4(10, 2, 2, 2), 6,
                                    tcp_header_and_payload(
                                        40000, 5060, isn + 1 + static_cast<std::uint32_t>(from),
                                        0x18, std::string_view(stream).substr(from, to - from))),
                        0x0800);
    };
    const auto syn = ethernet(ipv4_packet(ip4(10, 1, 1, 1), ip4(10, 2, 2, 2), 6,
                                          tcp_header_and_payload(40000, 5060, isn, 0x02, "")),
                              0x0800);
    temp_pcap file("tcp");
    write_pcap(file.path(), decode::packet::link_type::ethernet,
               {{1'000'000, syn},
                {1'000'100, seg(100, 250)},              // ahead of a hole
                {1'000'200, seg(0, 100)},                // fills it
                {1'000'300, seg(0, 100)},                // retransmitted
                {1'000'400, seg(250, stream.size())}});  // the rest and the second message
    capture_run r;
    r.run(file.path());
    REQUIRE(r.records.lines.size() == 2);
    CHECK(r.records.lines[0].line.rfind(R"({"id":"tcp-1","kind":"call.attempt","time":1000,)", 0) ==
          0);
    CHECK(r.records.lines[1].line.find(R"("id":"tcp-2")") != std::string::npos);
    CHECK(r.pipeline->packets().tcp_out_of_order_segments == 1);
    CHECK(r.pipeline->packets().tcp_retransmitted_bytes == 100);
    CHECK(r.pipeline->sip().messages == 2);
}

TEST_CASE("SMPP off the SMPP ports: a bind with the first submit_sm in the same segment marks the connection, a non-bind does not") {
    const auto bind = smpp_test::bind(0x09, "bulk-9", 1);
    const auto submit = smpp_test::message(0x04, 2, {5, 0, "VCB"}, {1, 1, "84912345678"}, 0, 0, smpp_test::text("OTP 1234"));
    std::string first(bind.begin(), bind.end());
    first.append(submit.begin(), submit.end());
    const std::uint32_t isn = 7000;
    auto frame = [&](std::uint16_t sport, std::uint16_t dport, std::uint32_t seq, std::uint8_t flags, std::string_view payload) {
        return ethernet(ipv4_packet(ip4(10, 1, 1, 1), ip4(10, 2, 2, 2), 6, tcp_header_and_payload(sport, dport, seq, flags, payload)), 0x0800);
    };
    // The same bytes after a submit_sm alone (no bind) on another connection: not SMPP.
    const std::string lone(submit.begin(), submit.end());
    temp_pcap file("smpp-port");
    write_pcap(file.path(), decode::packet::link_type::ethernet,
               {{1'000'000, frame(41000, 9002, isn, 0x02, "")},
                {1'000'100, frame(41000, 9002, isn + 1, 0x18, first)},
                {1'000'200, frame(41001, 9003, isn, 0x02, "")},
                {1'000'300, frame(41001, 9003, isn + 1, 0x18, lone)}});
    line_collector records;
    // With a numbering plan, as replay and live capture build it: SMPP is decoded.
    const ingest::capture::capture_settings settings;  // the pipeline keeps a reference: it outlives it
    ingest::capture::capture_pipeline pipeline(settings, records, nullptr, &test_support::shipped_plan());
    std::string error;
    REQUIRE_MESSAGE(ingest::capture::replay_pcap_file(file.path(), pipeline, error), error);
    REQUIRE(records.lines.size() == 1);
    CHECK(records.lines[0].line.find(R"("kind":"sms.submit")") != std::string::npos);
    CHECK(records.lines[0].line.find(R"("trunk":"bulk-9")") != std::string::npos);
    CHECK(records.lines[0].line.find(R"("text":"OTP 1234")") != std::string::npos);
}

TEST_CASE("SIP over TCP: a segment the mirror lost does not hide the rest of the connection, and each call keeps its own time") {
    // A first INVITE whose end was lost, then 20 INVITEs 10 s apart on the same connection.
    const std::string lost = invite("lost-1", 300);
    std::string stream = lost;
    std::vector<std::size_t> starts;
    for (int i = 0; i < 20; ++i) {
        starts.push_back(stream.size());
        stream += invite(fmt::format("after-{}", i), 20);
    }
    const std::uint32_t isn = 7000;
    auto seg = [&](std::size_t from, std::size_t to) {
        return ethernet(ipv4_packet(ip4(10, 1, 1, 1), ip4(10, 2, 2, 2), 6,
                                    tcp_header_and_payload(40000, 5060, isn + 1 + static_cast<std::uint32_t>(from), 0x18,
                                                           std::string_view(stream).substr(from, to - from))),
                        0x0800);
    };
    std::vector<timed_frame> frames;
    frames.push_back({1'000'000, seg(0, 100)});  // [100, lost.size()) never captured
    for (int i = 0; i < 20; ++i) {
        const std::size_t to = i + 1 < 20 ? starts[static_cast<std::size_t>(i) + 1] : stream.size();
        frames.push_back({11'000'000 + std::int64_t{i} * 10'000'000, seg(starts[static_cast<std::size_t>(i)], to)});
    }
    temp_pcap file("tcp-lost");
    write_pcap(file.path(), decode::packet::link_type::ethernet, frames);
    capture_run r;
    r.run(file.path());
    r.pipeline->finish();
    REQUIRE(r.records.lines.size() == 20);
    for (int i = 0; i < 20; ++i) {
        CAPTURE(i);
        const auto& line = r.records.lines[static_cast<std::size_t>(i)].line;
        CHECK(line.rfind(fmt::format(R"({{"id":"after-{}","kind":"call.attempt","time":{},)", i, 11'000 + i * 10'000), 0) == 0);
    }
    CHECK(r.pipeline->packets().tcp_gaps_skipped == 1);
}

TEST_CASE("a UDP message with a body shorter than its Content-Length is decoded from its headers and counted") {
    std::string short_body = invite("short-1", 10);
    short_body.replace(short_body.find("Content-Length: 10"), 18, "Content-Length: 5000");
    temp_pcap file("short-body");
    write_pcap(file.path(), decode::packet::link_type::ethernet,
               {{1'000'000, ethernet(ipv4_packet(ip4(203, 0, 113, 7), ip4(192, 0, 2, 1), 17, udp_header_and_payload(5060, 5060, short_body)),
                                     0x0800)}});
    capture_run r;
    r.run(file.path());
    REQUIRE(r.records.lines.size() == 1);
    CHECK(r.pipeline->sip().short_bodies == 1);
    CHECK(r.pipeline->sip().malformed == 0);
}

TEST_CASE(
    "malformed and truncated packets are counted by reason and skipped, the good one still "
    "decodes") {
    const auto good = ipv4_packet(ip4(203, 0, 113, 7), ip4(192, 0, 2, 1), 17,
                                  udp_header_and_payload(5060, 5060, invite("good-1", 0)));
    bytes bad_version = good;
    bad_version[0] = 0x75;
    bytes bad_udp = good;
    bad_udp[24] = 0xff;
    bytes truncated(good.begin(), good.begin() + 30);
    const auto not_sip = ipv4_packet(ip4(1, 1, 1, 1), ip4(2, 2, 2, 2), 17,
                                     udp_header_and_payload(5060, 5060, "\x80\x00garbage"));
    const auto broken_sip =
        ipv4_packet(ip4(1, 1, 1, 1), ip4(2, 2, 2, 2), 17,
                    udp_header_and_payload(5060, 5060, "INVITE sip:x SIP/2.0\r\nno colon\r\n\r\n"));
    temp_pcap file("malformed");
    write_pcap(file.path(), decode::packet::link_type::linux_sll2,
               {{1, linux_sll2(bad_version, 0x0800)},
                {2, linux_sll2(bad_udp, 0x0800)},
                {3, linux_sll2(truncated, 0x0800)},
                {4, bytes{0x08}},
                {5, linux_sll2(not_sip, 0x0800)},
                {6, linux_sll2(broken_sip, 0x0800)},
                {7, linux_sll2(good, 0x0800)}});
    capture_run r;
    r.run(file.path());
    const auto& p = r.pipeline->packets();
    using decode::packet::drop_reason;
    CHECK(p.packets == 7);
    CHECK(p.drops[static_cast<std::size_t>(drop_reason::bad_ip_header)] == 1);
    CHECK(p.drops[static_cast<std::size_t>(drop_reason::bad_udp_length)] == 1);
    CHECK(p.drops[static_cast<std::size_t>(drop_reason::truncated_ip_payload)] == 1);  // a whole header, 30 bytes of its 80
    CHECK(p.drops[static_cast<std::size_t>(drop_reason::truncated_link_header)] == 1);
    CHECK(p.dropped() == 4);
    CHECK(r.pipeline->sip().not_sip == 1);
    CHECK(r.pipeline->sip().malformed == 1);
    REQUIRE(r.records.lines.size() == 1);
    CHECK(r.records.lines[0].line.find(R"("id":"good-1")") != std::string::npos);
}

TEST_CASE(
    "shared captures: HTTP on the SIP port is no call, the junk-before-request sample decodes") {
    if (!fs::is_directory(shared_sip_dir())) {
        MESSAGE("skipped: no shared captures at " << shared_sip_dir().string());
        return;
    }
    capture_run http;
    http.run((shared_sip_dir() / "http_on_sip_port.pcap").string());
    CHECK(http.records.lines.empty());
    CHECK(http.pipeline->sip().messages == 0);
    CHECK(http.pipeline->sip().not_sip >= 1);
    CHECK(http.pipeline->sip().dialogs_created == 0);

    capture_run junk;
    junk.run((shared_sip_dir() / "sip-junk-before-request.pcap").string());
    CHECK(junk.pipeline->sip().requests == 1);
    CHECK(junk.pipeline->packets().dropped() == 0);
}

TEST_CASE("a shared capture replays into the call records its SIP describes") {
    if (!fs::is_directory(shared_sip_dir())) {
        MESSAGE("skipped: no shared captures at " << shared_sip_dir().string());
        return;
    }
    capture_run r;
    r.run((shared_sip_dir() / "sip_ipv4_tcp.pcap").string());
    REQUIRE(r.records.lines.size() == 3);
    CHECK(
        r.records.lines[0].line ==
        R"({"id":"158936656982201062716@10.33.6.100","kind":"call.attempt","time":1311857686562,"caller":"101","callee":"201","origin":{"ip":"10.33.6.100","user_agent":"IPP/v.6.20A.027.012"}})");
    CHECK(r.records.lines[1].line.find(R"("kind":"call.answer","time":1311857690905)") !=
          std::string::npos);
    CHECK(r.records.lines[2].line.find(
              R"("call":{"ring_ms":4284,"talk_ms":2151,"cause":"normal_clearing"})") !=
          std::string::npos);
    CHECK(r.records.lines[2].time_ms == 1311857693057);
}

}  // namespace
}  // namespace ringfence::test
