// Captured SIP is decided from records built directly (decode::sip::build_call_record), not
// from a JSON line written and parsed again. The two must not differ: for every call event of
// every shared capture, and for events made to break each check, the record built directly
// equals the record parsed from the event's wire-form line, field by field, and an event
// refused one way is refused the other way with the same code and message.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "capture_test_support.hpp"
#include "decode/jsonl/record_parser.hpp"
#include "decode/sip/call_record.hpp"
#include "decode/sip/call_record_line.hpp"
#include "decode/sip/peer_origin_map.hpp"
#include "decode/sip/sip_dialog_table.hpp"
#include "decode/sip/sip_parser.hpp"
#include "support/shipped_plan.hpp"

namespace ringfence::test {
namespace {

namespace fs = std::filesystem;

std::string number_fields(const model::number_info& n) {
    return fmt::format("{}/{}/{}/{}/{}/{}", n.present, n.raw, n.e164, n.country, model::to_string(n.type), n.is_home);
}

// Every field of the record, so two records print the same only when they are the same.
std::string all_fields(const model::record& r) {
    std::string s = fmt::format("id={} int={} kind={} time={} receipt={} sent={} ", r.id, r.id_is_integer, model::to_string(r.kind), r.time_ms,
                                r.time_from_receipt, r.time_sent_ms);
    s += "caller=" + number_fields(r.caller) + " callee=" + number_fields(r.callee) + " asserted=" + number_fields(r.asserted) +
         " diversion=" + number_fields(r.diversion);
    s += fmt::format(" origin={}/{}/{}/{}", model::to_string(r.origin.kind), r.origin.trunk, r.origin.ip, r.origin.user_agent);
    s += fmt::format(" call={}/{}/{}/{}", r.call.present, r.call.ring_ms ? std::to_string(*r.call.ring_ms) : "-",
                     r.call.talk_ms ? std::to_string(*r.call.talk_ms) : "-", r.call.cause);
    s += fmt::format(" sms={}/{}/{}/{}/{}", r.sms.present, r.sms.sender, r.sms.sender_is_alpha, r.sms.text, r.sms.parts);
    s += fmt::format(" extra={}", r.extra.size());
    return s;
}

// Builds the event's record both ways, with numbers the plan rejects refused (what a switch
// is answered) and kept as written (what a mirror gets), and checks they agree; returns
// whether it was accepted when refused.
bool check_both_ways(const decode::sip::call_event& e, decode::unparsed_numbers numbers);
bool check_both_ways(const decode::sip::call_event& e) {
    const bool kept = check_both_ways(e, decode::unparsed_numbers::keep_raw);
    const bool accepted = check_both_ways(e, decode::unparsed_numbers::refuse);
    CHECK((kept || !accepted));  // keeping numbers never refuses what refusing them takes
    if (e.numbers == nullptr) {
        // Again as a dialog's records are built: the first reads the numbers and keeps the
        // readings, the next take them; neither differs from the line, nor refuses otherwise.
        decode::sip::party_numbers readings;
        decode::sip::call_event with_readings = e;
        with_readings.numbers = &readings;
        for (int round = 0; round < 2; ++round) {
            CAPTURE(round);
            CHECK(check_both_ways(with_readings, decode::unparsed_numbers::keep_raw) == kept);
            CHECK(check_both_ways(with_readings, decode::unparsed_numbers::refuse) == accepted);
        }
    }
    return accepted;
}

bool check_both_ways(const decode::sip::call_event& e, decode::unparsed_numbers numbers) {
    std::string line;
    decode::sip::append_record_line(line, e);
    decode::record_json_parser parser(test_support::shipped_plan());
    model::record parsed;
    const decode::parse_status from_line = parser.parse(line, e.time_us / 1000, parsed, numbers);
    model::record built;
    const decode::parse_status direct = decode::sip::build_call_record(e, test_support::shipped_plan(), built, numbers);
    INFO("line: ", line, numbers == decode::unparsed_numbers::keep_raw ? " (numbers kept as written)" : "");
    REQUIRE(direct.ok == from_line.ok);
    CHECK(direct.numbers_kept_raw == from_line.numbers_kept_raw);
    if (!from_line.ok) {
        CHECK(direct.code() == from_line.code());
        CHECK(direct.message == from_line.message);
        CHECK(direct.id == from_line.id);
        CHECK(direct.id_is_integer == from_line.id_is_integer);
        return false;
    }
    CHECK(all_fields(built) == all_fields(parsed));
    return true;
}

class both_ways final : public ingest::capture::capture_record_handler {
  public:
    void on_call_event(const decode::sip::call_event& e) override {
        ++events;
        accepted += check_both_ways(e) ? 1 : 0;
    }
    void on_sms_record(const model::record&) override {}
    int events = 0;
    int accepted = 0;
};

TEST_CASE("every call event of the shared captures: the record built directly is the one its line parses into") {
    if (!fs::is_directory(shared_sip_dir())) {
        MESSAGE("skipped: no shared captures at " << shared_sip_dir().string());
        return;
    }
    int events = 0, accepted = 0;
    for (const auto& entry : fs::directory_iterator(shared_sip_dir())) {
        if (entry.path().extension() != ".pcap") continue;
        for (const bool with_origin : {false, true}) {
            INFO("capture: ", entry.path().string(), with_origin ? " (origins set)" : "");
            ingest::capture::capture_settings settings;
            settings.sip.ports = {5060, 6060};
            if (with_origin) {
                // Every source a trunk and an origin kind, so those fields are compared too.
                decode::sip::peer_range all;
                std::string error;
                REQUIRE(decode::sip::parse_cidr("0.0.0.0/0", all.network, all.prefix_length, error));
                all.kind = model::origin_kind::international;
                all.trunk = "MIRROR-1";
                settings.peers.push_back(all);
                settings.default_origin_kind = model::origin_kind::voip;
            }
            both_ways handler;
            ingest::capture::capture_pipeline pipeline(settings, handler);
            feed_file(entry.path().string(), pipeline);
            pipeline.finish();
            events += handler.events;
            accepted += handler.accepted;
        }
    }
    // The shared captures hold calls that are accepted and users that are no numbers.
    CHECK(events > 100);
    CHECK(accepted > 10);
    CHECK(accepted < events);
}

TEST_CASE("call events made to break each check are refused, or taken, the same both ways") {
    using decode::sip::call_event;
    using model::event_kind;
    const std::int64_t t = 1'795'836'000'123'456;  // 2026-11-28T03:20:00.123456Z
    auto invite = [&] {
        call_event e;
        e.kind = event_kind::call_attempt;
        e.time_us = t;
        e.call_id = "a84b4c76e66710@pc33.example";
        e.caller = "+84912345678";
        e.callee = "0987654321";
        e.origin_kind = model::origin_kind::international;
        e.trunk = "INTL-GW-1";
        e.origin_ip = "203.0.113.7";
        e.user_agent = "FPBX-16.0(18.9)";
        return e;
    };
    CHECK(check_both_ways(invite()));

    SUBCASE("accepted") {
        call_event e = invite();
        e.asserted = "+84912345678";
        e.diversion = "0901234567";
        e.user_agent = "SBC 1.2\r\n  build 7\r\n\tlong";  // folded over lines
        CHECK(check_both_ways(e));
        e.user_agent = "UA \xff\xfe end";                    // invalid UTF-8: U+FFFD both ways
        e.call_id = "id-\xc3\x28-\x01\x7f";
        e.trunk = "T\xe9L";
        CHECK(check_both_ways(e));
        e.origin_ip = "203.0.113.\xff";  // refused both ways, after its U+FFFD
        CHECK_FALSE(check_both_ways(e));
        e.origin_kind = model::origin_kind::unspecified;
        e.origin_ip = "2001:db8::7";
        e.trunk = "";
        e.call_id = "";
        CHECK(check_both_ways(e));

        call_event end = invite();
        end.kind = event_kind::call_end;
        end.ring_ms = 4200;
        end.talk_ms = 0;
        end.cause = std::string_view("no_answer\0x", 11);  // a NUL byte survives both ways
        CHECK(check_both_ways(end));
        end.cause = "sip_\xc3\x28";
        CHECK(check_both_ways(end));
        end.ring_ms.reset();
        end.talk_ms.reset();
        end.cause = "timeout";
        CHECK(check_both_ways(end));

        call_event sms = invite();
        sms.kind = event_kind::sms_submit;
        sms.caller = "VCB";
        sms.sms_text = "Tai khoan cua ban bi khoa, truy cap http://vcb-secure.example";
        CHECK(check_both_ways(sms));
        sms.caller = "+84912345678";
        sms.sms_text = "";
        CHECK(check_both_ways(sms));
        sms.caller = "ViệtBank";
        CHECK(check_both_ways(sms));
        sms.caller = "Vi\xe1\xbb" "Bank";  // a cut sequence in a brandname
        sms.sms_text = "Chuy\xe1\xbb\x83n kho\xe1" "n \xff ngay";
        CHECK(check_both_ways(sms));
        e = invite();
        e.caller = "alice";  // a SIP user that is no number: an alphanumeric caller
        CHECK(check_both_ways(e));
        e = invite();
        e.time_us = 0;  // 1970-01-01: the first time the log can show
        CHECK(check_both_ways(e));
    }
    SUBCASE("refused") {
        call_event e = invite();
        e.caller = "a_b!";
        CHECK_FALSE(check_both_ways(e));
        e = invite();
        e.callee = "+84#1";
        CHECK_FALSE(check_both_ways(e));
        e = invite();
        e.caller = "O9I2345678";  // letters for digits
        check_both_ways(e);
        e = invite();
        e.callee = "";
        CHECK_FALSE(check_both_ways(e));
        e = invite();
        e.caller = "";
        CHECK_FALSE(check_both_ways(e));
        e = invite();
        e.asserted = "+";
        CHECK_FALSE(check_both_ways(e));
        e = invite();
        e.diversion = "0123456789012345678901234567890";
        CHECK_FALSE(check_both_ways(e));
        e = invite();
        e.origin_ip = "not-an-ip";
        CHECK_FALSE(check_both_ways(e));
        e = invite();
        e.kind = event_kind::call_end;
        e.ring_ms = -5;
        CHECK_FALSE(check_both_ways(e));
        e.ring_ms = 5;
        e.talk_ms = -1;
        CHECK_FALSE(check_both_ways(e));
        e = invite();
        e.time_us = 400'000'000'000'000'000;  // after 9999
        CHECK_FALSE(check_both_ways(e));
        e.time_us = -5'000'000;  // before 1970
        CHECK_FALSE(check_both_ways(e));
        call_event sms = invite();
        sms.kind = event_kind::sms_submit;
        sms.caller = "a_b!";
        CHECK_FALSE(check_both_ways(sms));
        sms.caller = "";
        CHECK_FALSE(check_both_ways(sms));
    }
}

// The records of one call share the readings of its numbers; a dialog taken again from the
// pool reads its new call's numbers, and a number kept raw is counted in every record.
class built_records final : public decode::sip::call_event_sink {
  public:
    void on_call_event(const decode::sip::call_event& e) override {
        model::record r;
        const decode::parse_status status = decode::sip::build_call_record(e, test_support::shipped_plan(), r, decode::unparsed_numbers::keep_raw);
        REQUIRE(status.ok);
        lines.push_back(fmt::format("{} caller={} callee={} asserted={} kept_raw={}", model::to_string(r.kind), number_fields(r.caller),
                                    number_fields(r.callee), number_fields(r.asserted), status.numbers_kept_raw));
    }
    std::vector<std::string> lines;
};

TEST_CASE("a call's records share its numbers' readings, and a dialog taken again from the pool reads its new call's") {
    decode::sip::peer_origin_map origins({}, model::origin_kind::interconnect);
    decode::sip::sip_counters counters;
    built_records records;
    decode::sip::sip_dialog_table table({}, origins, counters, records);
    const auto send = [&](const std::string& text, std::int64_t time_ms) {
        decode::sip::sip_message m;
        REQUIRE(decode::sip::parse_sip_message(text, false, m).result == decode::sip::parse_result::message);
        decode::packet::transport_packet p;
        p.time_us = time_ms * 1000;
        REQUIRE(decode::packet::ip_address::parse("203.0.113.7", p.src));
        table.on_message(m, p);
    };
    const auto call = [&](std::string_view call_id, std::string_view from, std::string_view to, std::string_view extra, std::int64_t at_ms) {
        send(fmt::format("INVITE sip:{1}@192.0.2.1 SIP/2.0\r\nFrom: <sip:{0}@h>;tag=a\r\nTo: <sip:{1}@192.0.2.1>\r\nCall-ID: {2}\r\n"
                         "CSeq: 1 INVITE\r\n{3}\r\n",
                         from, to, call_id, extra),
             at_ms);
        send(fmt::format("SIP/2.0 200 OK\r\nTo: <sip:{}@192.0.2.1>;tag=b\r\nCall-ID: {}\r\nCSeq: 1 INVITE\r\n\r\n", to, call_id), at_ms + 1000);
        send(fmt::format("BYE sip:{1}@192.0.2.1 SIP/2.0\r\nFrom: <sip:{0}@h>;tag=a\r\nTo: <sip:{1}@192.0.2.1>;tag=b\r\nCall-ID: {2}\r\n"
                         "CSeq: 2 BYE\r\n\r\n",
                         from, to, call_id),
             at_ms + 5000);
    };
    call("p1", "+84912345678", "0987654321", "P-Asserted-Identity: <tel:+84912000000>\r\n", 0);
    send("OPTIONS sip:x@192.0.2.1 SIP/2.0\r\nCall-ID: tick\r\nCSeq: 1 OPTIONS\r\n\r\n", 100000);  // p1 lingers out
    REQUIRE(table.size() == 0);
    call("p2", "+8491234567890123", "02838123456", "", 110000);  // too long: kept raw, in every record
    REQUIRE(records.lines.size() == 6);
    const std::string p1 = "caller=true/+84912345678/+84912345678/VN/mobile/true callee=true/0987654321/+84987654321/VN/mobile/true "
                           "asserted=true/+84912000000/+84912000000/VN/mobile/true kept_raw=0";
    const std::string p2 = "caller=true/+8491234567890123///unknown/false callee=true/02838123456/+842838123456/VN/fixed/true "
                           "asserted=false////unknown/false kept_raw=1";
    CHECK(records.lines[0] == "call.attempt " + p1);
    CHECK(records.lines[1] == "call.answer " + p1);
    CHECK(records.lines[2] == "call.end " + p1);
    CHECK(records.lines[3] == "call.attempt " + p2);
    CHECK(records.lines[4] == "call.answer " + p2);
    CHECK(records.lines[5] == "call.end " + p2);
}

}  // namespace
}  // namespace ringfence::test
