// SMPP sessions into records: binds name the origin, submit_sm/deliver_sm/data_sm give
// sms.submit/sms.deliver with numbers read by TON, concatenated messages (UDH 8- and
// 16-bit, SAR) joined with a timeout and a memory cap, receipts skipped, every outcome
// counted, and the same records whatever pieces the stream arrives in.
#include <doctest/doctest.h>

#include <random>
#include <span>
#include <string>
#include <vector>

#include "decode/smpp/smpp_decoder.hpp"
#include "jsonl_test_plan.hpp"
#include "smpp_test_pdus.hpp"

using namespace ringfence::decode::smpp;
using ringfence::model::event_kind;
using ringfence::model::number_type;
using ringfence::model::origin_kind;
using ringfence::model::record;
using smpp_test::bytes;
using smpp_test::pdu_builder;
using smpp_test::text;
using smpp_test::tlv_bytes;

namespace {

constexpr std::int64_t t0 = 1795834800'000000;  // 2026-11-28T03:00:00Z in microseconds

struct harness {
    smpp_settings settings;
    std::vector<record> records;
    std::unique_ptr<smpp_decoder> decoder;
    std::unique_ptr<smpp_session> session;

    explicit harness(smpp_settings s = default_settings()) : settings(std::move(s)) {
        decoder = std::make_unique<smpp_decoder>(settings, jsonl_test::shipped_plan(),
                                                 [this](record& r) { records.push_back(r); });
        session = std::make_unique<smpp_session>(*decoder, tcp_connection_info{"192.0.2.10", 40000, "198.51.100.5", 2775});
    }
    static smpp_settings default_settings() {
        smpp_settings s;
        s.origin_kind = origin_kind::interconnect;
        return s;
    }
    void esme(const bytes& b, std::int64_t t = t0) { session->on_bytes(stream_side::initiator, b, t); }
    void smsc(const bytes& b, std::int64_t t = t0) { session->on_bytes(stream_side::responder, b, t); }
    void bound(std::string_view system_id = "bulk-1") {
        esme(smpp_test::bind(command::bind_transceiver, system_id, 1));
        smsc(smpp_test::bind_resp(command::bind_transceiver, "SMSC", 1));
    }
    const smpp_counters& counters() { return decoder->counters(); }
};

bytes submit(std::uint32_t seq, const smpp_test::address& src, const smpp_test::address& dst, std::uint8_t dc,
             const bytes& sm, std::uint8_t esm_class = 0, const bytes& tlvs = {}) {
    return smpp_test::message(command::submit_sm, seq, src, dst, esm_class, dc, sm, tlvs);
}

bytes ucs2(std::u16string_view s) {
    bytes out;
    for (const char16_t c : s) {
        out.push_back(static_cast<std::uint8_t>(c >> 8));
        out.push_back(static_cast<std::uint8_t>(c));
    }
    return out;
}

bytes udh8(std::uint8_t ref, std::uint8_t total, std::uint8_t seq) { return {0x05, 0x00, 0x03, ref, total, seq}; }
bytes udh16(std::uint16_t ref, std::uint8_t total, std::uint8_t seq) {
    return {0x06, 0x08, 0x04, static_cast<std::uint8_t>(ref >> 8), static_cast<std::uint8_t>(ref), total, seq};
}

}  // namespace

TEST_CASE("a bound session's submit_sm gives one sms.submit record with every field") {
    harness h;
    h.bound("bulk-1");
    h.esme(submit(2, {1, 1, "84912345678"}, {0, 1, "0987654321"}, 0, text("Your code is 1234")), t0 + 1500);
    REQUIRE(h.records.size() == 1);
    const record& r = h.records[0];
    CHECK(r.kind == event_kind::sms_submit);
    CHECK(r.id == "smpp:192.0.2.10:40000/2");
    CHECK(r.time_ms == (t0 + 1500) / 1000);
    CHECK_FALSE(r.time_from_receipt);
    CHECK(r.caller.raw == "+84912345678");  // TON 1: international
    CHECK(r.caller.e164 == "+84912345678");
    CHECK(r.caller.is_home);
    CHECK(r.callee.raw == "0987654321");
    CHECK(r.callee.e164 == "+84987654321");
    CHECK(r.origin.kind == origin_kind::interconnect);
    CHECK(r.origin.trunk == "bulk-1");
    CHECK(r.origin.ip == "192.0.2.10");
    CHECK(r.sms.present);
    CHECK(r.sms.sender == "84912345678");
    CHECK_FALSE(r.sms.sender_is_alpha);
    CHECK(r.sms.text == "Your code is 1234");
    CHECK(r.sms.parts == 1);
    CHECK(h.session->bound());
    CHECK(h.counters().binds == 1);
    CHECK(h.counters().submit_sm == 1);
    CHECK(h.counters().records == 1);
    CHECK(h.counters().unbound_messages == 0);
}

TEST_CASE("alphanumeric sender (TON 5) is a brandname, national TON reads through the plan") {
    harness h;
    h.bound();
    h.esme(submit(2, {5, 0, "VCB"}, {2, 1, "912345678"}, 0, text("OTP 9999")));
    REQUIRE(h.records.size() == 1);
    const record& r = h.records[0];
    CHECK(r.sms.sender == "VCB");
    CHECK(r.sms.sender_is_alpha);
    CHECK(r.caller.type == number_type::alphanumeric);
    CHECK(r.callee.e164 == "+84912345678");
}

TEST_CASE("a sender marked alphanumeric is a brandname whatever it holds, counted as no unread number, and UTF-8 octets stay UTF-8") {
    harness h;
    h.bound();
    h.esme(submit(2, {5, 0, "Tiki*"}, {1, 1, "84912345678"}, 0, text("a")));
    h.esme(submit(3, {5, 0, "8088"}, {1, 1, "84912345678"}, 0, text("b")));
    h.esme(submit(4, {5, 0, "Vi\xe1\xbb\x87tBank"}, {1, 1, "84912345678"}, 0, text("c")));  // ViệtBank in UTF-8
    h.esme(submit(5, {5, 0, "Caf\xe9"}, {1, 1, "84912345678"}, 0, text("d")));              // Latin-1: not UTF-8
    REQUIRE(h.records.size() == 4);
    for (const record& r : h.records) {
        CHECK(r.caller.raw == r.sms.sender);
        CHECK(r.sms.sender_is_alpha);
        if (&r != &h.records[1]) CHECK(r.caller.type == number_type::alphanumeric);
    }
    CHECK(h.records[0].sms.sender == "Tiki*");
    CHECK(h.records[1].sms.sender == "8088");
    CHECK(h.records[1].caller.type != number_type::alphanumeric);  // digits the plan reads keep its reading
    CHECK(h.records[2].sms.sender == "Vi\xe1\xbb\x87tBank");
    CHECK(h.records[3].sms.sender == "Caf\xc3\xa9");
    CHECK(h.counters().numbers_unparsed == 0);
}

TEST_CASE("deliver_sm gives sms.deliver, delivery receipts and intermediate notifications are skipped and counted") {
    harness h;
    h.bound();
    h.smsc(smpp_test::message(command::deliver_sm, 10, {1, 1, "447700900123"}, {0, 1, "0912345678"}, 0, 3,
                              {'c', 'a', 'f', 0xE9}));
    h.smsc(smpp_test::message(command::deliver_sm, 11, {1, 1, "447700900123"}, {0, 1, "0912345678"}, 0x04, 0,
                              text("id:abc sub:001 dlvrd:001 stat:DELIVRD")));
    h.smsc(smpp_test::message(command::deliver_sm, 12, {1, 1, "447700900123"}, {0, 1, "0912345678"}, 0x20, 0, text("x")));
    REQUIRE(h.records.size() == 1);
    CHECK(h.records[0].kind == event_kind::sms_deliver);
    CHECK(h.records[0].sms.text == "café");
    CHECK(h.records[0].caller.country == "GB");
    CHECK(h.records[0].origin.ip == "198.51.100.5");
    CHECK(h.records[0].origin.trunk == "bulk-1");
    CHECK(h.counters().deliver_sm == 3);
    CHECK(h.counters().delivery_receipts == 2);
}

TEST_CASE("data_sm: its direction decides submit or deliver, message_payload carries the text") {
    harness h;
    h.bound();
    const bytes payload = tlv_bytes(tlv::message_payload, ucs2(u"Chuyển tiền"));
    h.esme(smpp_test::data_sm(5, {1, 1, "84912345678"}, {1, 1, "84987654321"}, 0, 8, payload));
    h.smsc(smpp_test::data_sm(6, {1, 1, "84987654321"}, {1, 1, "84912345678"}, 0, 8, payload));
    REQUIRE(h.records.size() == 2);
    CHECK(h.records[0].kind == event_kind::sms_submit);
    CHECK(h.records[0].sms.text == "Chuyển tiền");
    CHECK(h.records[1].kind == event_kind::sms_deliver);
    CHECK(h.counters().data_sm == 2);
}

TEST_CASE("every coding through a whole PDU: GSM 7 with extension, IA5, Latin-1, UCS-2, binary, unsupported") {
    harness h;
    h.bound();
    h.esme(submit(2, {0, 1, "100"}, {0, 1, "0912345678"}, 0, {0x1B, 0x65, '5', 0x00, 0x1B, 0x3C, 'x', 0x1B, 0x3E}));
    h.esme(submit(3, {0, 1, "100"}, {0, 1, "0912345678"}, 1, text("ia5")));
    h.esme(submit(4, {0, 1, "100"}, {0, 1, "0912345678"}, 3, {0xC0, 0xE9}));
    h.esme(submit(5, {0, 1, "100"}, {0, 1, "0912345678"}, 8, ucs2(u"\U0001F600 ok")));
    h.esme(submit(6, {0, 1, "100"}, {0, 1, "0912345678"}, 4, {0xCA, 0xFE}));
    h.esme(submit(7, {0, 1, "100"}, {0, 1, "0912345678"}, 6, {0xB0}));
    REQUIRE(h.records.size() == 6);
    CHECK(h.records[0].sms.text == "€5@[x]");
    CHECK(h.records[1].sms.text == "ia5");
    CHECK(h.records[2].sms.text == "Àé");
    CHECK(h.records[3].sms.text == "\U0001F600 ok");
    CHECK(h.records[4].sms.text == "cafe");
    CHECK(h.records[5].sms.text == "b0");
    CHECK(h.counters().unsupported_coding == 1);
}

TEST_CASE("GSM 7-bit packed links: fill bits after the UDH") {
    smpp_settings s = harness::default_settings();
    s.gsm7_packed = true;
    harness h(s);
    h.bound();
    h.esme(submit(2, {0, 1, "100"}, {0, 1, "0912345678"}, 0, {0xE8, 0x32, 0x9B, 0xFD, 0x46, 0x97, 0xD9, 0xEC, 0x37}));
    h.esme(submit(3, {0, 1, "100"}, {0, 1, "0912345678"}, 0, smpp_test::pack_septets(text("Hello "), 1, udh8(9, 2, 1)), 0x40));
    h.esme(submit(4, {0, 1, "100"}, {0, 1, "0912345678"}, 0, smpp_test::pack_septets(text("world"), 1, udh8(9, 2, 2)), 0x40));
    REQUIRE(h.records.size() == 2);
    CHECK(h.records[0].sms.text == "hellohello");
    CHECK(h.records[1].sms.text == "Hello world");
    CHECK(h.records[1].sms.parts == 2);
}

TEST_CASE("UDH 8-bit reference: three parts out of order make one record, another message's parts stay apart") {
    harness h;
    h.bound();
    const smpp_test::address src{1, 1, "84912345678"}, dst{1, 1, "84987654321"};
    h.esme(submit(2, src, dst, 0, smpp_test::concat({udh8(7, 3, 3), text("three")}), 0x40), t0 + 3000);
    h.esme(submit(3, src, dst, 0, smpp_test::concat({udh8(7, 3, 1), text("one ")}), 0x40), t0 + 1000);
    h.esme(submit(4, src, {1, 1, "84911111111"}, 0, smpp_test::concat({udh8(7, 2, 1), text("other")}), 0x40), t0 + 1000);
    CHECK(h.records.empty());
    h.esme(submit(5, src, dst, 0, smpp_test::concat({udh8(7, 3, 2), text("two ")}), 0x40), t0 + 2000);
    REQUIRE(h.records.size() == 1);
    CHECK(h.records[0].sms.text == "one two three");
    CHECK(h.records[0].sms.parts == 3);
    CHECK(h.records[0].time_ms == (t0 + 3000) / 1000);
    CHECK(h.records[0].extra.empty());
    CHECK(h.counters().reassembly.completed == 1);
    CHECK(h.counters().reassembly.parts == 4);
}

TEST_CASE("UDH 16-bit reference with UCS-2: a surrogate pair split across two parts comes out whole") {
    harness h;
    h.bound();
    const bytes all = ucs2(u"ab\U0001F600cd");  // 00 61 00 62 D8 3D | DE 00 00 63 00 64
    const bytes first(all.begin(), all.begin() + 6), second(all.begin() + 6, all.end());
    const smpp_test::address src{5, 0, "ACB"}, dst{1, 1, "84987654321"};
    h.esme(submit(2, src, dst, 8, smpp_test::concat({udh16(0xBEEF, 2, 1), first}), 0x40));
    h.esme(submit(3, src, dst, 8, smpp_test::concat({udh16(0xBEEF, 2, 2), second}), 0x40));
    REQUIRE(h.records.size() == 1);
    CHECK(h.records[0].sms.text == "ab\U0001F600cd");
    CHECK(h.records[0].sms.parts == 2);
    CHECK(h.records[0].sms.sender_is_alpha);
}

TEST_CASE("SAR TLVs join parts, a duplicate part is counted and ignored, incomplete SAR is one message") {
    harness h;
    h.bound();
    const smpp_test::address src{1, 1, "84912345678"}, dst{1, 1, "84987654321"};
    const auto sar = [](std::uint16_t ref, std::uint8_t total, std::uint8_t seq) {
        return smpp_test::concat({tlv_bytes(tlv::sar_msg_ref_num, {static_cast<std::uint8_t>(ref >> 8), static_cast<std::uint8_t>(ref)}),
                                  tlv_bytes(tlv::sar_total_segments, {total}), tlv_bytes(tlv::sar_segment_seqnum, {seq})});
    };
    h.esme(submit(2, src, dst, 0, text("Hello "), 0, sar(300, 2, 1)));
    h.esme(submit(3, src, dst, 0, text("again "), 0, sar(300, 2, 1)));
    h.esme(submit(4, src, dst, 0, text("world"), 0, sar(300, 2, 2)));
    REQUIRE(h.records.size() == 1);
    CHECK(h.records[0].sms.text == "Hello world");
    CHECK(h.counters().reassembly.duplicate_parts == 1);

    h.esme(submit(5, src, dst, 0, text("alone"), 0, tlv_bytes(tlv::sar_msg_ref_num, {0, 1})));
    REQUIRE(h.records.size() == 2);
    CHECK(h.records[1].sms.text == "alone");
    CHECK(h.counters().sar_incomplete == 1);
}

TEST_CASE("a part's PDU sent again after its message was joined is a duplicate, a new submit of the same text a message of its own") {
    smpp_settings s = harness::default_settings();
    s.reassembly.timeout_us = 60'000'000;
    harness h(s);
    h.bound();
    const smpp_test::address src{1, 1, "84912345678"}, dst{1, 1, "84987654321"};
    h.esme(submit(2, src, dst, 0, smpp_test::concat({udh8(4, 2, 1), text("Hello ")}), 0x40), t0);
    h.esme(submit(3, src, dst, 0, smpp_test::concat({udh8(4, 2, 2), text("world")}), 0x40), t0 + 100'000);
    REQUIRE(h.records.size() == 1);
    // Part 2's PDU again (its submit_sm_resp was lost): nothing new, now or at the end.
    h.esme(submit(3, src, dst, 0, smpp_test::concat({udh8(4, 2, 2), text("world")}), 0x40), t0 + 200'000);
    h.decoder->flush();
    CHECK(h.records.size() == 1);
    CHECK(h.counters().reassembly.duplicate_parts == 1);
    // The same message submitted again (new PDUs, same reference and text): a second SMS.
    h.esme(submit(4, src, dst, 0, smpp_test::concat({udh8(4, 2, 1), text("Hello ")}), 0x40), t0 + 300'000);
    h.esme(submit(5, src, dst, 0, smpp_test::concat({udh8(4, 2, 2), text("world")}), 0x40), t0 + 400'000);
    REQUIRE(h.records.size() == 2);
    CHECK(h.records[1].sms.text == "Hello world");
    // The reference used again for another message whose first part reads the same: joined
    // whole, not cut to its second part.
    h.esme(submit(6, src, dst, 0, smpp_test::concat({udh8(4, 2, 1), text("Hello ")}), 0x40), t0 + 500'000);
    h.esme(submit(7, src, dst, 0, smpp_test::concat({udh8(4, 2, 2), text("again")}), 0x40), t0 + 600'000);
    REQUIRE(h.records.size() == 3);
    CHECK(h.records[2].sms.text == "Hello again");
    CHECK(h.counters().reassembly.duplicate_parts == 1);
}

TEST_CASE("a partial message is emitted when its timeout passes, with the parts that came, and counted") {
    smpp_settings s = harness::default_settings();
    s.reassembly.timeout_us = 60'000'000;
    harness h(s);
    h.bound();
    const smpp_test::address src{1, 1, "84912345678"}, dst{1, 1, "84987654321"};
    h.esme(submit(2, src, dst, 0, smpp_test::concat({udh8(1, 3, 1), text("first ")}), 0x40), t0);
    h.esme(submit(3, src, dst, 0, smpp_test::concat({udh8(1, 3, 3), text("third")}), 0x40), t0 + 5'000'000);
    h.decoder->expire(t0 + 59'000'000);
    CHECK(h.records.empty());
    h.decoder->expire(t0 + 60'000'000);
    REQUIRE(h.records.size() == 1);
    const record& r = h.records[0];
    CHECK(r.sms.text == "first third");
    CHECK(r.sms.parts == 3);
    CHECK(r.time_ms == (t0 + 5'000'000) / 1000);
    REQUIRE(r.extra.size() == 1);
    CHECK(r.extra[0].name == "sms.parts_received");
    CHECK(r.extra[0].text == "2");
    CHECK(h.counters().reassembly.timed_out == 1);

    // A later PDU's capture time expires pending parts too, before it is handled.
    h.esme(submit(4, src, dst, 0, smpp_test::concat({udh8(2, 2, 1), text("x")}), 0x40), t0 + 70'000'000);
    h.esme(pdu_builder().build(command::enquire_link, 5), t0 + 200'000'000);
    CHECK(h.records.size() == 2);
    CHECK(h.counters().reassembly.timed_out == 2);

    h.esme(submit(6, src, dst, 0, smpp_test::concat({udh8(3, 2, 1), text("y")}), 0x40), t0 + 210'000'000);
    h.decoder->flush();
    CHECK(h.records.size() == 3);
    CHECK(h.counters().reassembly.flushed == 1);
}

TEST_CASE("the memory cap evicts the oldest pending message, emitted with what arrived") {
    smpp_settings s = harness::default_settings();
    s.reassembly.max_messages = 2;
    harness h(s);
    h.bound();
    const smpp_test::address dst{1, 1, "84987654321"};
    for (std::uint8_t ref = 1; ref <= 3; ++ref)
        h.esme(submit(ref, {1, 1, "8491234567" + std::to_string(ref)}, dst, 0,
                      smpp_test::concat({udh8(ref, 2, 1), text("m" + std::to_string(ref))}), 0x40));
    REQUIRE(h.records.size() == 1);
    CHECK(h.records[0].sms.text == "m1");
    CHECK(h.counters().reassembly.evicted == 1);

    smpp_settings b = harness::default_settings();
    b.reassembly.max_bytes = 1;  // any pending message is over: emitted at once
    harness tiny(b);
    tiny.bound();
    tiny.esme(submit(2, {1, 1, "84912345678"}, dst, 0, smpp_test::concat({udh8(1, 2, 1), text("big")}), 0x40));
    CHECK(tiny.records.size() == 1);
    CHECK(tiny.counters().reassembly.evicted == 1);
}

TEST_CASE("the same session byte by byte and in random pieces gives the same records") {
    const smpp_test::address src{1, 1, "84912345678"}, dst{1, 1, "84987654321"};
    const bytes esme_stream = smpp_test::concat(
        {smpp_test::bind(command::bind_transmitter, "esme-7", 1), pdu_builder().build(command::enquire_link, 2),
         submit(3, src, dst, 8, smpp_test::concat({udh8(4, 2, 1), ucs2(u"Xin ch")}), 0x40),
         submit(4, src, dst, 8, smpp_test::concat({udh8(4, 2, 2), ucs2(u"ào")}), 0x40),
         submit(5, {5, 0, "Shop"}, dst, 0, text("Sale 50%")), pdu_builder().build(command::unbind, 6)});
    const bytes smsc_stream = smpp_test::concat({smpp_test::bind_resp(command::bind_transmitter, "SMSC", 1),
                                                 pdu_builder().build(command::enquire_link | command::response_bit, 2)});
    const auto run = [&](std::mt19937* rng) {
        harness h;
        h.smsc(smsc_stream);
        for (std::size_t pos = 0; pos < esme_stream.size();) {
            const std::size_t n = std::min<std::size_t>(rng ? 1 + (*rng)() % 23 : 1, esme_stream.size() - pos);
            h.esme(bytes(esme_stream.begin() + static_cast<std::ptrdiff_t>(pos), esme_stream.begin() + static_cast<std::ptrdiff_t>(pos + n)));
            pos += n;
        }
        std::string out;
        for (const auto& r : h.records) out += r.id + "|" + r.origin.trunk + "|" + r.sms.sender + "|" + r.sms.text + "\n";
        CHECK(h.counters().framing.resyncs == 0);
        return out;
    };
    const std::string expected =
        "smpp:192.0.2.10:40000/3|esme-7|84912345678|Xin chào\n"  // a joined message keeps its first part's id
        "smpp:192.0.2.10:40000/5|esme-7|Shop|Sale 50%\n";
    CHECK(run(nullptr) == expected);
    std::mt19937 rng(7);
    for (int i = 0; i < 50; ++i) CHECK(run(&rng) == expected);
}

TEST_CASE("bad PDUs are counted by reason and decoding goes on") {
    harness h;
    h.bound();
    bytes truncated = submit(2, {0, 1, "100"}, {0, 1, "0912345678"}, 0, text("hello"));
    truncated.resize(truncated.size() - 3);
    truncated[3] = static_cast<std::uint8_t>(truncated.size());  // command_length agrees; sm_length lies
    h.esme(truncated);
    h.esme(pdu_builder().raw(std::string(80, 'x')).build(command::submit_sm, 3));
    h.esme(smpp_test::concat({bytes{0xDE, 0xAD, 0xBE, 0xEF}, submit(4, {0, 1, "100"}, {0, 1, "0912345678"}, 0, text("after"))}));
    h.esme(submit(5, {0, 1, "100"}, {0, 1, "0912345678"}, 0, {0x09, 0x00}, 0x40));  // UDH longer than the message
    h.smsc(pdu_builder().build(command::generic_nack, 5, 0x03));
    REQUIRE(h.records.size() == 2);
    CHECK(h.records[0].sms.text == "after");
    CHECK(h.records[1].sms.text == "0900");
    const smpp_counters& c = h.counters();
    CHECK(c.pdu_errors[static_cast<std::size_t>(pdu_error::bad_sm_length)] == 1);
    CHECK(c.pdu_errors[static_cast<std::size_t>(pdu_error::unterminated_string)] == 1);
    CHECK(c.framing.resyncs == 1);
    CHECK(c.framing.bytes_skipped == 4);
    CHECK(c.udh_truncated == 1);
    CHECK(c.generic_nacks == 1);
    CHECK(c.error_responses == 1);
    CHECK(c.summary().find("bad_sm_length=1") != std::string::npos);
}

TEST_CASE("a capture that starts after the bind: no trunk, counted, a refused bind is counted") {
    harness h;
    h.esme(submit(9, {0, 1, "100"}, {0, 1, "0912345678"}, 0, text("mid-session")));
    REQUIRE(h.records.size() == 1);
    CHECK(h.records[0].origin.trunk.empty());
    CHECK(h.counters().unbound_messages == 1);

    h.esme(smpp_test::bind(command::bind_transmitter, "bad", 10));
    h.smsc(smpp_test::bind_resp(command::bind_transmitter, "SMSC", 10, 0x0E));
    CHECK_FALSE(h.session->bound());
    CHECK(h.counters().binds_refused == 1);
    // What the connection carries after the refusal names no trunk.
    h.esme(submit(11, {0, 1, "100"}, {0, 1, "0912345678"}, 0, text("after the refusal")));
    REQUIRE(h.records.size() == 2);
    CHECK(h.records[1].origin.trunk.empty());
    CHECK(h.counters().unbound_messages == 2);
}

TEST_CASE("TON 1 digits written with the international prefix 00 are read as such") {
    harness h;
    h.bound();
    h.esme(submit(3, {1, 1, "0084911000001"}, {1, 1, "84912345678"}, 0, text("hi")));
    REQUIRE(h.records.size() == 1);
    CHECK(h.records[0].caller.e164 == "+84911000001");
    CHECK(h.records[0].callee.e164 == "+84912345678");
}

TEST_CASE("submit_multi gives one sms.submit per SME destination, distribution lists are counted") {
    harness h;
    h.bound("bulk-2");
    smpp_test::pdu_builder b;
    b.cstr("").u8(5).u8(0).cstr("SHOPX").u8(3);                  // source, number_of_dests
    b.u8(1).u8(1).u8(1).cstr("84912000001");                     // an SME address
    b.u8(2).cstr("customers");                                   // a distribution list
    b.u8(1).u8(0).u8(1).cstr("0912000002");                      // another SME address
    // esm, protocol, priority, times, receipt, replace_if_present (submit_multi has it, as
    // submit_sm does: SMPP 3.4 4.5.1), coding (IA5), default msg
    b.u8(0).u8(0).u8(0).cstr("").cstr("").u8(0).u8(0).u8(1).u8(0);
    const bytes sm = text("[QC] Sale 50%");
    b.u8(static_cast<std::uint8_t>(sm.size())).raw(sm);
    h.esme(b.build(command::submit_multi, 7));
    REQUIRE(h.records.size() == 2);
    CHECK(h.records[0].kind == ringfence::model::event_kind::sms_submit);
    CHECK(h.records[0].callee.e164 == "+84912000001");
    CHECK(h.records[1].callee.e164 == "+84912000002");
    CHECK(h.records[0].sms.text == "[QC] Sale 50%");
    CHECK(h.records[0].id != h.records[1].id);
    CHECK(h.records[0].origin.trunk == "bulk-2");
    CHECK(h.counters().submit_multi == 1);
    CHECK(h.counters().submit_multi_lists == 1);
}

TEST_CASE("addresses the plan rejects are kept raw and counted, the record is still emitted") {
    harness h;
    h.bound();
    h.esme(submit(2, {0, 1, "12#45"}, {1, 1, "84912345678"}, 0, text("hi")));
    REQUIRE(h.records.size() == 1);
    CHECK(h.records[0].caller.raw == "12#45");
    CHECK(h.records[0].caller.e164.empty());
    CHECK(h.counters().numbers_unparsed == 1);
}

TEST_CASE("a gap in the captured stream drops the partial PDU and decoding resumes at the next header") {
    harness h;
    h.bound();
    const bytes first = submit(2, {0, 1, "100"}, {0, 1, "0912345678"}, 0, text("lost in the gap"));
    const bytes second = submit(3, {0, 1, "100"}, {0, 1, "0912345678"}, 0, text("after the gap"));
    const bytes third = submit(4, {0, 1, "100"}, {0, 1, "0912345678"}, 0, text("and on"));
    h.esme(bytes(first.begin(), first.begin() + 20));
    h.session->on_gap(stream_side::initiator);
    // The capture resumes in the middle of the second PDU: its tail is garbage, the third
    // PDU is found by resynchronising.
    h.esme(smpp_test::concat({bytes(second.begin() + 9, second.end()), third}));
    REQUIRE(h.records.size() == 1);
    CHECK(h.records[0].sms.text == "and on");
    CHECK(h.counters().stream_gaps == 1);
    CHECK(h.counters().framing.bytes_dropped == 20);
    CHECK(h.counters().framing.bytes_skipped == second.size() - 9);
}
