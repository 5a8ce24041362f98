// SMPP PDUs one at a time: every field ringfence reads, every TLV it reads or skips, and
// every way a PDU can be malformed.
#include <doctest/doctest.h>

#include <span>

#include "decode/smpp/smpp_pdu.hpp"
#include "smpp_test_pdus.hpp"

using namespace ringfence::decode::smpp;
using smpp_test::bytes;
using smpp_test::pdu_builder;
using smpp_test::text;
using smpp_test::tlv_bytes;

namespace {

pdu_error parse(const bytes& b, pdu& out) { return parse_pdu(std::span<const std::uint8_t>(b), out); }

}  // namespace

TEST_CASE("bind_transmitter: system_id, system_type and interface_version, the password is not kept") {
    pdu p;
    const bytes b = smpp_test::bind(command::bind_transmitter, "esme-1", 7, 0x50);  // p points into it
    REQUIRE(parse(b, p) == pdu_error::none);
    CHECK(p.header.command_id == command::bind_transmitter);
    CHECK(p.header.sequence == 7);
    CHECK(p.header.length == 16 + 7 + 7 + 4 + 3 + 1);
    REQUIRE(p.kind == pdu::body_kind::bind);
    CHECK(p.bind.system_id == "esme-1");
    CHECK(p.bind.system_type == "VMA");
    CHECK(p.bind.interface_version == 0x50);
    CHECK(command_name(p.header.command_id) == "bind_transmitter");
}

TEST_CASE("bind_transceiver_resp: system_id and the sc_interface_version TLV, a refused bind may have no body") {
    pdu p;
    const bytes resp = pdu_builder().cstr("SMSC").raw(tlv_bytes(tlv::sc_interface_version, {0x34})).build(0x80000009, 1);
    REQUIRE(parse(resp, p) == pdu_error::none);
    CHECK(p.bind.system_id == "SMSC");
    CHECK(p.bind.interface_version == 0x34);
    CHECK(command_name(p.header.command_id) == "bind_transceiver_resp");

    const bytes refused = pdu_builder().build(0x80000002, 2, 0x0E);  // ESME_RINVPASWD
    REQUIRE(parse(refused, p) == pdu_error::none);
    CHECK(p.kind == pdu::body_kind::none);
    CHECK(p.header.status == 0x0E);
}

TEST_CASE("submit_sm: every mandatory field ringfence reads") {
    pdu_builder b;
    b.cstr("CMT").u8(5).u8(0).cstr("VCB").u8(1).u8(1).cstr("84912345678");
    b.u8(0x40).u8(0x7F).u8(1).cstr("").cstr("261128100000000+").u8(1).u8(0).u8(0x08).u8(0);
    b.u8(4).raw(bytes{0x00, 0x41, 0x00, 0x42});
    pdu p;
    const bytes pdu_bytes = b.build(command::submit_sm, 9);
    REQUIRE(parse(pdu_bytes, p) == pdu_error::none);
    REQUIRE(p.kind == pdu::body_kind::message);
    const message_body& m = p.message;
    CHECK(m.service_type == "CMT");
    CHECK(m.source.ton == 5);
    CHECK(m.source.npi == 0);
    CHECK(m.source.value == "VCB");
    CHECK(m.destination.ton == 1);
    CHECK(m.destination.npi == 1);
    CHECK(m.destination.value == "84912345678");
    CHECK(m.esm_class == 0x40);
    CHECK(m.protocol_id == 0x7F);
    CHECK(m.registered_delivery == 1);
    CHECK(m.data_coding == 0x08);
    CHECK(m.short_message == std::string_view("\0A\0B", 4));
    CHECK(m.user_data() == m.short_message);
    CHECK_FALSE(m.message_payload.has_value());
    CHECK(m.tlvs_skipped == 0);
}

TEST_CASE("data_sm: message_payload, the SAR TLVs, and other TLVs skipped by length") {
    const bytes tlvs = smpp_test::concat({tlv_bytes(0x0202, {0x00}),  // source_port: skipped
                                          tlv_bytes(tlv::sar_msg_ref_num, {0x12, 0x34}),
                                          tlv_bytes(tlv::sar_total_segments, {3}), tlv_bytes(tlv::sar_segment_seqnum, {2}),
                                          tlv_bytes(tlv::message_payload, text("payload text")),
                                          tlv_bytes(0x1403, {}),  // a vendor TLV with no value
                                          tlv_bytes(0x0204, {0x00, 0x10})});
    pdu p;
    const bytes pdu_bytes = smpp_test::data_sm(3, {1, 1, "84912345678"}, {2, 1, "912345678"}, 0, 0, tlvs);
    REQUIRE(parse(pdu_bytes, p) == pdu_error::none);
    const message_body& m = p.message;
    CHECK(m.source.value == "84912345678");
    CHECK(m.destination.ton == 2);
    REQUIRE(m.message_payload.has_value());
    CHECK(*m.message_payload == "payload text");
    CHECK(m.user_data() == "payload text");
    CHECK(m.sar_msg_ref_num == std::optional<std::uint16_t>(0x1234));
    CHECK(m.sar_total_segments == std::optional<std::uint8_t>(3));
    CHECK(m.sar_segment_seqnum == std::optional<std::uint8_t>(2));
    CHECK(m.tlvs_skipped == 3);
}

TEST_CASE("deliver_sm with TLVs after short_message") {
    const bytes pdu_bytes = smpp_test::message(command::deliver_sm, 4, {0, 1, "100"}, {1, 1, "1234567890"}, 0x04, 0,
                                               text("id:1 stat:DELIVRD"), tlv_bytes(0x001E, text("1\0")));
    pdu p;
    REQUIRE(parse(pdu_bytes, p) == pdu_error::none);
    CHECK(p.message.esm_class == 0x04);
    CHECK(p.message.short_message == "id:1 stat:DELIVRD");
    CHECK(p.message.tlvs_skipped == 1);
}

TEST_CASE("malformed PDUs: each error by name") {
    pdu p;
    SUBCASE("a PDU shorter than its header") {
        const bytes b{0, 0, 0, 8, 0, 0, 0, 4};
        CHECK(parse(b, p) == pdu_error::truncated);
    }
    SUBCASE("a body that stops inside a mandatory field") {
        CHECK(parse(pdu_builder().cstr("").u8(1).u8(1).cstr("100").build(command::submit_sm, 1), p) == pdu_error::truncated);
        CHECK(parse(pdu_builder().raw("abc").build(command::bind_transmitter, 1), p) == pdu_error::truncated);
    }
    SUBCASE("a C-Octet string with no NUL in 65 octets") {
        CHECK(parse(pdu_builder().raw(std::string(70, 'x')).build(command::bind_transmitter, 1), p) ==
              pdu_error::unterminated_string);
    }
    SUBCASE("sm_length past the end") {
        bytes b = smpp_test::message(command::submit_sm, 1, {0, 1, "100"}, {1, 1, "200"}, 0, 0, text("hello"));
        b.resize(b.size() - 2);
        b[3] = static_cast<std::uint8_t>(b.size());
        CHECK(parse(b, p) == pdu_error::bad_sm_length);
        CHECK(to_string(pdu_error::bad_sm_length) == "bad_sm_length");
    }
    SUBCASE("a TLV header or value past the end, or a SAR TLV of the wrong size") {
        CHECK(parse(smpp_test::data_sm(1, {}, {}, 0, 0, bytes{0x04, 0x24, 0x00}), p) == pdu_error::bad_tlv);
        CHECK(parse(smpp_test::data_sm(1, {}, {}, 0, 0, bytes{0x04, 0x24, 0x00, 0x09, 'a'}), p) == pdu_error::bad_tlv);
        CHECK(parse(smpp_test::data_sm(1, {}, {}, 0, 0, tlv_bytes(tlv::sar_msg_ref_num, {1})), p) == pdu_error::bad_tlv);
        CHECK(parse(smpp_test::data_sm(1, {}, {}, 0, 0, tlv_bytes(tlv::sar_total_segments, {1, 2})), p) ==
              pdu_error::bad_tlv);
    }
    SUBCASE("a TLV ringfence reads, twice") {
        const bytes twice = smpp_test::concat({tlv_bytes(tlv::message_payload, text("a")), tlv_bytes(tlv::message_payload, text("b"))});
        CHECK(parse(smpp_test::data_sm(1, {}, {}, 0, 0, twice), p) == pdu_error::duplicate_tlv);
    }
    SUBCASE("short_message and message_payload both carry text") {
        CHECK(parse(smpp_test::message(command::submit_sm, 1, {}, {}, 0, 0, text("a"), tlv_bytes(tlv::message_payload, text("b"))),
                    p) == pdu_error::payload_conflict);
    }
}

TEST_CASE("command ids: known requests and responses, and garbage") {
    CHECK(is_known_command(command::enquire_link));
    CHECK(is_known_command(command::enquire_link | command::response_bit));
    CHECK(is_known_command(command::generic_nack));
    CHECK(is_known_command(command::outbind));
    CHECK_FALSE(is_known_command(command::outbind | command::response_bit));
    CHECK_FALSE(is_known_command(0x47455420));  // "GET "
    CHECK_FALSE(is_known_command(0));
    CHECK(command_name(command::data_sm | command::response_bit) == "data_sm_resp");
    CHECK(command_name(0x12345678) == "unknown");
}
