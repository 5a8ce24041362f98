// The real SMPP capture (../shared/data/smpp/smpp.cap, one SMPP 3.4 session): every PDU's
// fields match what tshark decodes from the same file (tests/decode/expected/, see the
// README there), and the session gives the one sms.submit record it carries.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "decode/smpp/smpp_decoder.hpp"
#include "decode/smpp/smpp_pdu.hpp"
#include "decode/smpp/smpp_stream_framer.hpp"
#include "jsonl_test_plan.hpp"
#include "pcap_test_reader.hpp"

using namespace ringfence::decode::smpp;

namespace {

const std::string capture_path = RINGFENCE_SHARED_DATA_DIR "/smpp/smpp.cap";
const std::string expected_path = RINGFENCE_SOURCE_DIR "/tests/decode/expected/smpp_cap.tshark.tsv";

std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> out;
    std::string field;
    std::istringstream in(line);
    while (std::getline(in, field, '\t')) out.push_back(field);
    if (!line.empty() && line.back() == '\t') out.emplace_back();
    return out;
}

std::string hex8(std::uint32_t v) {
    char b[16];
    std::snprintf(b, sizeof b, "0x%08x", v);
    return b;
}
std::string hex2(std::uint8_t v) {
    char b[8];
    std::snprintf(b, sizeof b, "0x%02x", v);
    return b;
}
std::string hex_bytes(std::string_view s) {
    std::string out;
    for (const char c : s) {
        char b[4];
        std::snprintf(b, sizeof b, "%02x", static_cast<unsigned char>(c));
        out += b;
    }
    return out;
}

// The fields of one PDU in the column order of the expected file (after frame.number).
std::vector<std::string> fields_as_tshark(const pcap_test::segment& s, const pdu& p) {
    const bool resp = (p.header.command_id & command::response_bit) != 0;
    const bool message = p.kind == pdu::body_kind::message;
    const message_body& m = p.message;
    char when[32];
    std::snprintf(when, sizeof when, "%lld.%06lld000", static_cast<long long>(s.time_us / 1'000'000),
                  static_cast<long long>(s.time_us % 1'000'000));
    return {when,
            s.src_ip,
            std::to_string(s.src_port),
            hex8(p.header.command_id),
            resp ? hex8(p.header.status) : "",
            std::to_string(p.header.sequence),
            p.kind == pdu::body_kind::bind ? std::string(p.bind.system_id) : "",
            message ? hex2(m.source.ton) : "",
            message ? hex2(m.source.npi) : "",
            message ? std::string(m.source.value) : "",
            message ? hex2(m.destination.ton) : "",
            message ? hex2(m.destination.npi) : "",
            message ? std::string(m.destination.value) : "",
            message ? hex2(m.data_coding) : "",
            message ? std::to_string(m.short_message.size()) : "",
            message ? hex_bytes(m.short_message) : ""};
}

}  // namespace

TEST_CASE("smpp.cap: every PDU's fields match tshark's, and the session gives one sms.submit") {
    if (!std::filesystem::exists(capture_path)) {
        MESSAGE("skipped: the shared capture " << capture_path << " is not here");
        return;
    }
    std::string error;
    const auto segments = pcap_test::read_segments(capture_path, error);
    REQUIRE_MESSAGE(segments.has_value(), error);

    std::ifstream expected_file(expected_path);
    REQUIRE(expected_file.good());
    std::string line;
    std::getline(expected_file, line);  // header
    std::vector<std::vector<std::string>> expected;
    while (std::getline(expected_file, line))
        if (!line.empty()) expected.push_back(split_tabs(line));
    REQUIRE(expected.size() == 8);

    // The PDU layer, frame by frame, against tshark.
    smpp_stream_framer framers[2];
    framer_counters fc;
    std::vector<std::vector<std::string>> decoded;
    const std::string client_ip = segments->front().src_ip;
    for (const auto& s : *segments) {
        REQUIRE(s.tcp);
        const int side = s.src_ip == client_ip ? 0 : 1;
        framers[side].feed(s.payload, fc, [&](std::span<const std::uint8_t> bytes) {
            pdu p;
            REQUIRE(parse_pdu(bytes, p) == pdu_error::none);
            std::vector<std::string> row{std::to_string(s.frame)};
            for (auto& f : fields_as_tshark(s, p)) row.push_back(std::move(f));
            decoded.push_back(std::move(row));
        });
    }
    REQUIRE(decoded.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        CAPTURE(i);
        CHECK(decoded[i] == expected[i]);
    }
    CHECK(fc.resyncs == 0);

    // The records.
    std::vector<ringfence::model::record> records;
    smpp_settings settings;
    settings.origin_kind = ringfence::model::origin_kind::interconnect;
    smpp_decoder decoder(settings, jsonl_test::shipped_plan(), [&](ringfence::model::record& r) { records.push_back(r); });
    const auto& first = segments->front();
    smpp_session session(decoder, {first.src_ip, first.src_port, first.dst_ip, first.dst_port});
    for (const auto& s : *segments)
        session.on_bytes(s.src_ip == client_ip ? stream_side::initiator : stream_side::responder, s.payload, s.time_us);
    decoder.flush();
    REQUIRE(records.size() == 1);
    const auto& r = records[0];
    CHECK(r.kind == ringfence::model::event_kind::sms_submit);
    CHECK(r.time_ms == 1217149882792);  // frame 9's timestamp
    CHECK(r.origin.trunk == "abhik");
    CHECK(r.origin.kind == ringfence::model::origin_kind::interconnect);
    CHECK(r.origin.ip == "10.226.202.118");
    CHECK(r.sms.sender == "100");
    CHECK_FALSE(r.sms.sender_is_alpha);
    CHECK(r.caller.raw == "100");
    CHECK(r.callee.raw == "+1234567890");  // dest TON 1
    CHECK(r.callee.e164 == "+1234567890");
    CHECK(r.sms.text == "test");
    CHECK(r.sms.parts == 1);
    const smpp_counters& c = decoder.counters();
    CHECK(c.framing.pdus == 8);
    CHECK(c.binds == 1);
    CHECK(c.submit_sm == 1);
    CHECK(c.records == 1);
    CHECK(c.other_pdus == 5);  // enquire_link and its resp, submit_sm_resp, unbind and its resp
    CHECK_FALSE(session.bound());  // unbind_resp seen
}
