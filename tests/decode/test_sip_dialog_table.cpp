// Dialogs into call events: attempt, answer, end with ring and talk time and cause; digest
// challenges, retransmissions, timeouts and eviction at the cap; MESSAGE into sms.submit;
// peer CIDR ranges into origin kind and trunk; events rendered as wire-form lines.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>
#include <vector>

#include "decode/sip/call_record_line.hpp"
#include "decode/sip/peer_origin_map.hpp"
#include "decode/sip/sip_dialog_table.hpp"
#include "decode/sip/sip_parser.hpp"

namespace ringfence::test {
namespace {

using namespace decode::sip;
using decode::packet::ip_address;
using decode::packet::transport_packet;

class event_log final : public call_event_sink {
  public:
    void on_call_event(const call_event& e) override {
        std::string line;
        append_record_line(line, e);
        lines.push_back(line);
        kinds.push_back(std::string(model::to_string(e.kind)));
    }
    std::vector<std::string> lines;
    std::vector<std::string> kinds;
};

struct dialog_fixture {
    explicit dialog_fixture(dialog_settings s = {}, std::vector<peer_range> peers = {})
        : origins(std::move(peers), model::origin_kind::interconnect),
          table(s, origins, counters, events) {}

    void send(const std::string& text, std::int64_t time_ms,
              std::string_view from_ip = "203.0.113.7") {
        sip_message m;
        REQUIRE(parse_sip_message(text, false, m).result == parse_result::message);
        transport_packet p;
        p.time_us = time_ms * 1000;
        REQUIRE(ip_address::parse(from_ip, p.src));
        table.on_message(m, p);
    }

    peer_origin_map origins;
    sip_counters counters;
    event_log events;
    sip_dialog_table table;
};

std::string request(std::string_view method, std::string_view call_id, int cseq,
                    std::string_view extra = "") {
    return fmt::format(
        "{} sip:0987654321@192.0.2.1 SIP/2.0\r\nFrom: <sip:+84912345678@h>;tag=a\r\n"
        "To: <sip:0987654321@192.0.2.1>\r\nCall-ID: {}\r\nCSeq: {} {}\r\nUser-Agent: UA\r\n{}\r\n",
        method, call_id, cseq, method == "ACK" || method == "CANCEL" ? "INVITE" : method, extra);
}

std::string response(int code, std::string_view call_id, int cseq,
                     std::string_view method = "INVITE") {
    return fmt::format("SIP/2.0 {} Reason\r\nCall-ID: {}\r\nCSeq: {} {}\r\n\r\n", code, call_id,
                       cseq, method);
}

TEST_CASE("an answered call: attempt, answer with ring time, end with talk time") {
    dialog_fixture f;
    f.send(request("INVITE", "c1", 1, "P-Asserted-Identity: <tel:+84912000000>\r\n"), 1000);
    f.send(request("INVITE", "c1", 1), 1500);  // retransmitted
    f.send(response(100, "c1", 1), 1010);
    f.send(response(180, "c1", 1), 1200);
    f.send(response(200, "c1", 1), 4000);
    f.send(request("ACK", "c1", 1), 4010);
    f.send(request("BYE", "c1", 2), 64000);
    f.send(response(200, "c1", 2, "BYE"), 64010);
    f.send(request("BYE", "c1", 2), 64500);  // retransmitted
    REQUIRE(f.events.lines.size() == 3);
    CHECK(
        f.events.lines[0] ==
        R"({"id":"c1","kind":"call.attempt","time":1000,"caller":"+84912345678","callee":"0987654321","asserted":"+84912000000","origin":{"kind":"interconnect","ip":"203.0.113.7","user_agent":"UA"}})");
    CHECK(f.events.lines[1].find(R"("kind":"call.answer","time":4000)") != std::string::npos);
    CHECK(f.events.lines[1].find(R"("call":{"ring_ms":2800})") != std::string::npos);
    CHECK(f.events.lines[2].find(R"("kind":"call.end","time":64000)") != std::string::npos);
    CHECK(f.events.lines[2].find(
              R"("call":{"ring_ms":2800,"talk_ms":60000,"cause":"normal_clearing"})") !=
          std::string::npos);
    CHECK(f.counters.retransmissions == 1);
    CHECK(f.counters.dialogs_answered == 1);
    CHECK(f.counters.dialogs_ended == 1);
}

TEST_CASE("Call-IDs kept in the dialog and beyond its room (62 bytes) are told apart exactly, through the pool") {
    dialog_settings s;
    s.ended_linger_us = 1'000'000;  // ended dialogs go back to the pool a second later
    dialog_fixture f(s);
    const std::string room(inline_call_id::inline_capacity, 'r');
    const std::vector<std::string> ids = {"short@h", room, room + "x", room.substr(1) + "y", std::string(300, 'L') + "@h", "z"};
    std::int64_t t = 1000;
    for (int round = 0; round < 2; ++round) {  // the second round reuses pooled dialogs
        for (const auto& id : ids) f.send(request("INVITE", id, 1), t += 10);
        for (const auto& id : ids) f.send(response(200, id, 1), t += 10);
        for (const auto& id : ids) f.send(request("BYE", id, 2), t += 10);
        t += 5'000;
        f.send(request("OPTIONS", "tick", 1), t);  // a message to move the clock: expiry runs
    }
    REQUIRE(f.events.lines.size() == 2 * 3 * ids.size());
    for (std::size_t round = 0; round < 2; ++round)
        for (std::size_t phase = 0; phase < 3; ++phase)
            for (std::size_t i = 0; i < ids.size(); ++i) {
                const std::string& line = f.events.lines[round * 3 * ids.size() + phase * ids.size() + i];
                CAPTURE(line);
                CHECK(line.find(R"({"id":")" + ids[i] + R"(",)") == 0);
            }
    CHECK(f.counters.retransmissions == 0);
    CHECK(f.counters.dialogs_ended == 2 * ids.size());
}

TEST_CASE("a forwarded call carries the number it was diverted from: the first Diversion header, when it is a number") {
    dialog_fixture f;
    // Two diversions: the top header is the most recent (RFC 5806).
    f.send(request("INVITE", "d1", 1,
                   "Diversion: <sip:0281234567@192.0.2.9>;reason=no-answer;counter=1\r\n"
                   "Diversion: <tel:+84912000001>;reason=unconditional\r\n"),
           1000);
    // A Diversion user that is a name is left out: the call keeps its record.
    f.send(request("INVITE", "d2", 1, "Diversion: <sip:voicemail@192.0.2.9>;reason=user-busy\r\n"), 2000);
    f.send(request("INVITE", "d3", 1), 3000);
    REQUIRE(f.events.lines.size() == 3);
    CHECK(
        f.events.lines[0] ==
        R"({"id":"d1","kind":"call.attempt","time":1000,"caller":"+84912345678","callee":"0987654321","diversion":"0281234567","origin":{"kind":"interconnect","ip":"203.0.113.7","user_agent":"UA"}})");
    CHECK(f.events.lines[1].find("diversion") == std::string::npos);
    CHECK(f.events.lines[2].find("diversion") == std::string::npos);
    // The end of a diverted call says so too.
    f.send(response(486, "d1", 1), 1500);
    REQUIRE(f.events.lines.size() == 4);
    CHECK(f.events.lines[3].find(R"("diversion":"0281234567")") != std::string::npos);
}

TEST_CASE(
    "cancelled and rejected calls end with their cause, a digest challenge does not end a call") {
    dialog_fixture f;
    f.send(request("INVITE", "c2", 1), 0);
    f.send(response(180, "c2", 1), 100);
    f.send(request("CANCEL", "c2", 1), 2100);
    f.send(response(487, "c2", 1), 2110);  // after the end: nothing more
    f.send(request("INVITE", "c3", 1), 5000);
    f.send(response(407, "c3", 1), 5010);
    f.send(request("INVITE", "c3", 2), 5100);  // with credentials
    f.send(response(486, "c3", 2), 5300);
    REQUIRE(f.events.kinds ==
            std::vector<std::string>{"call.attempt", "call.end", "call.attempt", "call.end"});
    CHECK(f.events.lines[1].find(R"("call":{"ring_ms":2000,"talk_ms":0,"cause":"cancel"})") !=
          std::string::npos);
    CHECK(f.events.lines[3].find(R"("call":{"ring_ms":0,"talk_ms":0,"cause":"sip_486"})") !=
          std::string::npos);
}

TEST_CASE("ring time runs from the first 18x, not from the INVITE: routing and a digest challenge before it are not ringing") {
    dialog_fixture f;
    // Challenged, sent again with credentials 17 s later, then alerting (183) 2 s after
    // that, cancelled 1.5 s into the ringing: a one-ring call, whatever came before.
    f.send(request("INVITE", "auth", 1), 0);
    f.send(response(407, "auth", 1), 40);
    f.send(request("INVITE", "auth", 2), 17'000);
    f.send(response(100, "auth", 2), 17'010);
    f.send(response(183, "auth", 2), 19'000);
    f.send(response(180, "auth", 2), 19'500);  // a later 18x does not restart it
    f.send(request("CANCEL", "auth", 2), 20'500);
    f.send(response(487, "auth", 2), 20'510);
    REQUIRE(f.events.kinds == std::vector<std::string>{"call.attempt", "call.end"});
    CHECK(f.events.lines[1].find(R"("call":{"ring_ms":1500,"talk_ms":0,"cause":"cancel"})") != std::string::npos);
    // A 180 that crossed the CANCEL (seen after it): the phone rang, if only just.
    f.send(request("INVITE", "crossed", 1), 30'000);
    f.send(request("CANCEL", "crossed", 1), 31'000);
    f.send(response(180, "crossed", 1), 31'010);
    f.send(response(487, "crossed", 1), 31'020);
    REQUIRE(f.events.lines.size() == 4);
    CHECK(f.events.lines[3].find(R"("call":{"ring_ms":1,"talk_ms":0,"cause":"cancel"})") != std::string::npos);
}

TEST_CASE("a CANCEL has no effect once the call is answered, and a 200 that crossed it answers the call") {
    dialog_fixture f;
    // CANCEL after the 200: the call goes on until its BYE.
    f.send(request("INVITE", "k3", 1), 0);
    f.send(response(200, "k3", 1), 2000);
    f.send(request("CANCEL", "k3", 1), 2050);
    f.send(request("ACK", "k3", 1), 2100);
    f.send(request("BYE", "k3", 2), 62000);
    // CANCEL, then the 200 the callee sent before the CANCEL reached it: answered.
    f.send(request("INVITE", "z1", 1), 100000);
    f.send(response(180, "z1", 1), 100100);
    f.send(request("CANCEL", "z1", 1), 103000);
    f.send(response(200, "z1", 1), 103010);
    f.send(response(481, "z1", 1, "CANCEL"), 103020);
    f.send(request("BYE", "z1", 2), 113010);
    REQUIRE(f.events.kinds == std::vector<std::string>{"call.attempt", "call.answer", "call.end", "call.attempt", "call.answer", "call.end"});
    CHECK(f.events.lines[2].find(R"("call":{"ring_ms":0,"talk_ms":60000,"cause":"normal_clearing"})") != std::string::npos);
    CHECK(f.events.lines[5].find(R"("call":{"ring_ms":2910,"talk_ms":10000,"cause":"normal_clearing"})") != std::string::npos);
}

TEST_CASE("a challenged INVITE never retried ends at the challenge with its cause, a CANCEL with no 487 at the CANCEL") {
    dialog_fixture f;
    f.send(request("INVITE", "p1", 1), 1000);
    f.send(response(407, "p1", 1), 1010);
    f.send(request("ACK", "p1", 1), 1020);
    f.send(request("INVITE", "p2", 1), 2000);
    f.send(response(180, "p2", 1), 2100);
    f.send(request("CANCEL", "p2", 1), 4000);
    f.send(request("OPTIONS", "other", 1), 40000);  // 32 s of linger later
    REQUIRE(f.events.kinds == std::vector<std::string>{"call.attempt", "call.attempt", "call.end", "call.end"});
    CHECK(f.events.lines[2].find(R"("id":"p1","kind":"call.end","time":1010)") != std::string::npos);
    CHECK(f.events.lines[2].find(R"("call":{"ring_ms":0,"talk_ms":0,"cause":"sip_407"})") != std::string::npos);
    CHECK(f.events.lines[3].find(R"("call":{"ring_ms":1900,"talk_ms":0,"cause":"cancel"})") != std::string::npos);
}

TEST_CASE("a new INVITE in the same Call-ID after a redirect (higher CSeq) or from another caller is a new call") {
    dialog_fixture f;
    f.send(request("INVITE", "redir", 1), 0);
    f.send(response(302, "redir", 1), 500);
    f.send(request("INVITE", "redir", 2), 700);  // to the new target, CSeq + 1 (RFC 3261 8.1.3.4)
    f.send(response(200, "redir", 2), 5000);
    f.send(request("BYE", "redir", 3), 15000);
    f.send(request("INVITE", "redir", 2), 15100);  // a late retransmission: nothing new
    REQUIRE(f.events.kinds == std::vector<std::string>{"call.attempt", "call.end", "call.attempt", "call.answer", "call.end"});
    CHECK(f.events.lines[1].find(R"("cause":"sip_302")") != std::string::npos);
    CHECK(f.events.lines[4].find(R"("call":{"ring_ms":0,"talk_ms":10000,"cause":"normal_clearing"})") != std::string::npos);
}

TEST_CASE("a malformed identity header is left out, a From with no user is anonymous: the call keeps its record") {
    dialog_fixture f;
    f.send(request("INVITE", "pai", 1, "P-Asserted-Identity: <sip:*86@h>\r\n"), 0);
    f.send(fmt::format("INVITE sip:0987654321@192.0.2.1 SIP/2.0\r\nFrom: \"Anonymous\" <sip:10.0.0.1>;tag=x\r\n"
                       "To: <sip:0987654321@192.0.2.1>\r\nCall-ID: anon\r\nCSeq: 1 INVITE\r\n\r\n"),
           10);
    REQUIRE(f.events.lines.size() == 2);
    CHECK(f.events.lines[0].find("asserted") == std::string::npos);
    CHECK(f.events.lines[0].find(R"("caller":"+84912345678")") != std::string::npos);
    CHECK(f.events.lines[1].find(R"("caller":"anonymous")") != std::string::npos);
    // No user in the To nor the Request-URI (a probe of the host itself): the callee is
    // anonymous too, and the call is still decided.
    f.send("INVITE sip:@192.0.2.1 SIP/2.0\r\nFrom: <sip:100@10.0.0.1>;tag=y\r\nTo: <sip:@192.0.2.1>\r\nCall-ID: probe\r\nCSeq: 1 INVITE\r\n\r\n", 20);
    REQUIRE(f.events.lines.size() == 3);
    CHECK(f.events.lines[2].find(R"("caller":"100","callee":"anonymous")") != std::string::npos);
}

TEST_CASE("a forked call: the BYE that closes the other fork does not end the call") {
    dialog_fixture f;
    auto answer = [](std::string_view tag) {
        return fmt::format("SIP/2.0 200 OK\r\nTo: <sip:0987654321@192.0.2.1>;tag={}\r\nCall-ID: fork\r\nCSeq: 1 INVITE\r\n\r\n", tag);
    };
    auto bye = [](std::string_view tag, int cseq) {
        return fmt::format("BYE sip:0987654321@192.0.2.1 SIP/2.0\r\nFrom: <sip:+84912345678@h>;tag=a\r\n"
                           "To: <sip:0987654321@192.0.2.1>;tag={}\r\nCall-ID: fork\r\nCSeq: {} BYE\r\n\r\n", tag, cseq);
    };
    f.send(request("INVITE", "fork", 1), 0);
    f.send(answer("b"), 4000);
    f.send(answer("a"), 4500);
    f.send(bye("a", 2), 4700);   // the caller closes the fork that answered second
    f.send(bye("b", 3), 30000);  // and ends the call on the one that answered first
    REQUIRE(f.events.kinds == std::vector<std::string>{"call.attempt", "call.answer", "call.end"});
    CHECK(f.events.lines[2].find(R"("call":{"ring_ms":0,"talk_ms":26000,"cause":"normal_clearing"})") != std::string::npos);
}

TEST_CASE("a dialog kept for reuse after its call lingered out serves the next call, whose records are its own") {
    dialog_fixture f;
    // Answered on fork "b", ended, lingered out: its dialog goes back to the pool.
    f.send(request("INVITE", "r1", 1, "P-Asserted-Identity: <tel:+84912000000>\r\nDiversion: <sip:0901234567@h>\r\n"), 0);
    f.send(response(180, "r1", 1), 1000);
    f.send("SIP/2.0 200 OK\r\nTo: <sip:0987654321@192.0.2.1>;tag=b\r\nCall-ID: r1\r\nCSeq: 1 INVITE\r\n\r\n", 4000);
    f.send(request("BYE", "r1", 2), 10000);
    f.send(request("OPTIONS", "other", 1), 50000);  // the clock passes the linger: r1 is removed
    CHECK(f.table.size() == 0);
    // The next call takes that dialog: its records carry its own fields and times (no
    // asserted identity or diversion, no ringing of its own, ended before an answer).
    f.send(request("INVITE", "r2", 1), 60000);
    f.send("BYE sip:0987654321@192.0.2.1 SIP/2.0\r\nFrom: <sip:+84912345678@h>;tag=a\r\n"
           "To: <sip:0987654321@192.0.2.1>;tag=x\r\nCall-ID: r2\r\nCSeq: 2 BYE\r\n\r\n", 61000);
    REQUIRE(f.events.kinds == std::vector<std::string>{"call.attempt", "call.answer", "call.end", "call.attempt", "call.end"});
    CHECK(f.events.lines[0].find(R"("asserted":"+84912000000","diversion":"0901234567")") != std::string::npos);
    CHECK(f.events.lines[3].find("asserted") == std::string::npos);
    CHECK(f.events.lines[3].find("diversion") == std::string::npos);
    CHECK(f.events.lines[4].find(R"("id":"r2")") != std::string::npos);
    CHECK(f.events.lines[4].find(R"("call":{"ring_ms":0,"talk_ms":0,"cause":"bye_before_answer"})") != std::string::npos);
    CHECK(f.table.open_calls() == 0);
}

TEST_CASE("a re-INVITE (To tag) of a call not seen start makes no record") {
    dialog_fixture f;
    f.send(fmt::format("INVITE sip:0987654321@192.0.2.1 SIP/2.0\r\nFrom: <sip:+84912345678@h>;tag=a\r\n"
                       "To: <sip:0987654321@192.0.2.1>;tag=zz\r\nCall-ID: mid\r\nCSeq: 5 INVITE\r\n\r\n"),
           1000);
    f.send(response(200, "mid", 5), 1100);
    CHECK(f.events.lines.empty());
    CHECK(f.counters.in_dialog_unknown == 1);
}

TEST_CASE("dialogs with no end time out into call.end with a cause saying so") {
    dialog_settings s;
    s.unanswered_timeout_us = 60'000'000;
    s.answered_timeout_us = 3600'000'000;
    dialog_fixture f(s);
    f.send(request("INVITE", "ring", 1), 0);
    f.send(request("INVITE", "talk", 1), 0);
    f.send(response(200, "talk", 1), 1000);
    f.table.expire(61'001'000);
    REQUIRE(f.events.lines.size() == 4);
    CHECK(f.events.lines[3].find(R"("id":"ring","kind":"call.end","time":60000)") !=
          std::string::npos);
    CHECK(f.events.lines[3].find(R"("cause":"timeout_unanswered")") != std::string::npos);
    f.table.expire(3602'000'000);
    REQUIRE(f.events.lines.size() == 5);
    CHECK(f.events.lines[4].find(R"("talk_ms":3600000,"cause":"timeout_no_bye")") !=
          std::string::npos);
    CHECK(f.counters.dialogs_timed_out == 2);
    CHECK(f.table.open_calls() == 0);
}

TEST_CASE("the dialogs' clock: stray timestamps are taken at its time, a quiet link's gap moves it, a new file restarts it") {
    dialog_settings s;
    s.unanswered_timeout_us = 60'000'000;
    s.answered_timeout_us = 3600'000'000;
    const std::int64_t t = 1'795'834'800'000;  // ms
    auto ends_of = [](const dialog_fixture& f) {
        std::string ends;
        for (const auto& line : f.events.lines)
            if (line.find("call.end") != std::string::npos) ends += line + "\n";
        return ends;
    };
    SUBCASE("a message stamped a day back (a pcapng block with no time) neither ends its call nor dates it back") {
        dialog_fixture f(s);
        f.send(request("INVITE", "a", 1), t);
        f.send(request("INVITE", "b", 1), t + 3000);
        f.send(response(180, "b", 1), t + 4000 - 86'400'000);
        CHECK(f.counters.clock_outliers == 1);
        f.send(response(200, "b", 1), t + 6000);
        f.send(response(200, "a", 1), t + 7000);
        f.send(request("BYE", "a", 2), t + 62'000);
        f.send(request("BYE", "b", 2), t + 66'000);
        CHECK(f.counters.dialogs_timed_out == 0);
        const std::string ends = ends_of(f);
        CAPTURE(ends);
        // b rang from the outlier, taken at the clock's time (+3 s), to the answer at +6 s.
        CHECK(ends.find(R"("id":"b","kind":"call.end","time":1795834866000)") != std::string::npos);
        CHECK(ends.find(R"("ring_ms":3000,"talk_ms":60000,"cause":"normal_clearing")") != std::string::npos);
        CHECK(ends.find("timeout") == std::string::npos);
        for (const auto& line : f.events.lines) CHECK(line.find(R"("time":1795748)") == std::string::npos);  // nothing a day back
        CHECK(f.table.clock_us() == (t + 66'000) * 1000);
    }
    SUBCASE("a message stamped two days ahead (a stray timestamp) does not time out the open calls") {
        dialog_fixture f(s);
        f.send(request("INVITE", "a", 1), t);
        f.send(response(200, "a", 1), t + 2000);
        f.send(request("INVITE", "b", 1), t + 3000);
        f.send(response(180, "b", 1), t + 4000);
        f.send(request("INVITE", "skewed", 1), t + 2 * 86'400'000);
        CHECK(f.counters.clock_outliers == 1);
        f.send(response(200, "b", 1), t + 6000);
        f.send(request("BYE", "a", 2), t + 62'000);
        f.send(request("BYE", "b", 2), t + 66'000);
        const std::string ends = ends_of(f);
        CAPTURE(ends);
        // a answered at +2 s, BYE at +62 s; b rang from +4 s to +6 s, BYE at +66 s.
        CHECK(ends.find(R"("id":"a","kind":"call.end","time":1795834862000)") != std::string::npos);
        CHECK(ends.find(R"("ring_ms":0,"talk_ms":60000,"cause":"normal_clearing")") != std::string::npos);
        CHECK(ends.find(R"("ring_ms":2000,"talk_ms":60000,"cause":"normal_clearing")") != std::string::npos);
        // Only the stray call itself rang out (60 s after the clock's +4 s it was dated at).
        CHECK(f.counters.dialogs_timed_out == 1);
        CHECK(ends.find(R"("id":"skewed","kind":"call.end","time":1795834864000)") != std::string::npos);
        REQUIRE(f.events.lines.size() >= 4);
        CHECK(f.events.lines[3].find(R"("id":"skewed","kind":"call.attempt","time":1795834804000)") != std::string::npos);
        CHECK(f.table.clock_us() == (t + 66'000) * 1000);
    }
    SUBCASE("a quiet link: a message minutes or hours after the last moves the clock, and timeouts come on time") {
        dialog_fixture f(s);
        f.send(request("INVITE", "ringing", 1), t);
        f.send(request("INVITE", "later", 1), t + 90'000);  // 90 s of silence
        CHECK(f.counters.clock_outliers == 0);
        CHECK(f.table.clock_us() == (t + 90'000) * 1000);
        CHECK(f.counters.dialogs_timed_out == 1);  // "ringing" rang out at +60 s
        // Its end came before the next call's attempt, as on the wire.
        REQUIRE(f.events.lines.size() == 3);
        CHECK(f.events.lines[1].find(R"("id":"ringing","kind":"call.end")") != std::string::npos);
        CHECK(f.events.lines[1].find(R"("cause":"timeout_unanswered")") != std::string::npos);
        CHECK(f.events.lines[2].find(R"("id":"later","kind":"call.attempt")") != std::string::npos);
        const std::int64_t night = t + 90'000 + 20 * 3'600'000;  // twenty quiet hours in a file
        f.send(request("INVITE", "night", 1), night);
        CHECK(f.counters.clock_outliers == 0);
        CHECK(f.table.clock_us() == night * 1000);
        // A live link quiet for two days: its idle ticks carry the clock, the next call is in step.
        f.table.idle((night + 48 * 3'600'000) * 1000);
        f.send(request("INVITE", "morning", 1), night + 48 * 3'600'000 + 1000);
        f.send(response(180, "morning", 1), night + 48 * 3'600'000 + 2000);
        CHECK(f.counters.clock_outliers == 0);
        CHECK(f.events.lines.back().find(R"("id":"morning","kind":"call.attempt","time":)" + std::to_string(night + 48 * 3'600'000 + 1000)) !=
              std::string::npos);
    }
    SUBCASE("files replayed out of order: each file's calls keep their own times") {
        dialog_fixture f(s);
        f.send(request("INVITE", "late", 1), t + 7'200'000);
        f.table.restart_clock();  // the next file begins two hours earlier
        f.send(request("INVITE", "early", 1), t);
        f.send(response(180, "early", 1), t + 1000);
        f.send(response(200, "early", 1), t + 4000);
        f.send(request("BYE", "early", 2), t + 64'000);
        CHECK(f.counters.clock_outliers == 0);
        CHECK(f.counters.clock_jumps == 1);
        const std::string ends = ends_of(f);
        CAPTURE(ends);
        CHECK(ends.find(R"("id":"early","kind":"call.end","time":1795834864000)") != std::string::npos);
        CHECK(ends.find(R"("ring_ms":3000,"talk_ms":60000,"cause":"normal_clearing")") != std::string::npos);
    }
    SUBCASE("within one source, messages that keep agreeing on another time move the clock there") {
        dialog_fixture f(s);
        f.send(request("INVITE", "first-pass", 1), t + 7'200'000);
        for (int i = 0; i < sip_dialog_table::clock_confirm_messages; ++i)
            f.send(request("INVITE", fmt::format("again-{}", i), 1), t + i);
        CHECK(f.counters.clock_jumps == 1);
        CHECK(f.counters.clock_outliers == sip_dialog_table::clock_confirm_messages - 1);
        CHECK(f.table.clock_us() == (t + sip_dialog_table::clock_confirm_messages - 1) * 1000);
    }
}

TEST_CASE("a host clock stepped within a source: the calls in progress move with it, none ends early or talks for no time") {
    dialog_settings s;
    s.unanswered_timeout_us = 60'000'000;
    s.answered_timeout_us = 3600'000'000;
    const std::int64_t t = 1'795'834'800'000;  // ms
    const int n = sip_dialog_table::clock_confirm_messages;
    for (const std::int64_t step : {std::int64_t{-300'000}, std::int64_t{2 * 86'400'000}}) {
        CAPTURE(step);
        dialog_fixture f(s);
        f.send(request("INVITE", "before", 1), t);
        f.send(response(200, "before", 1), t + 1000);  // talking across the step
        // After the step: calls set up and answered, n messages in all confirm the new clock.
        const std::int64_t u = t + 2000 + step;
        for (int i = 0; i < n / 2; ++i) {
            f.send(request("INVITE", fmt::format("after-{}", i), 1), u + i * 10);
            f.send(response(200, fmt::format("after-{}", i), 1), u + i * 10 + 5);
        }
        CHECK(f.counters.clock_jumps == 1);
        CHECK(f.table.clock_us() == (u + (n / 2 - 1) * 10 + 5) * 1000);
        for (int i = 0; i < n / 2; ++i) f.send(request("BYE", fmt::format("after-{}", i), 2), u + 60'000 + i * 10);
        f.send(request("BYE", "before", 2), u + 61'000);
        CHECK(f.counters.dialogs_timed_out == 0);
        CHECK(f.counters.dialogs_answered == static_cast<std::uint64_t>(n / 2 + 1));
        int ends = 0;
        for (const auto& line : f.events.lines) {
            if (line.find("call.end") == std::string::npos) continue;
            CAPTURE(line);
            ++ends;
            CHECK(line.find("normal_clearing") != std::string::npos);
            CHECK(line.find(R"("talk_ms":0)") == std::string::npos);
            // The calls answered after the step talked about 60 s (the confirming messages'
            // spread aside); the one across it about 61 s.
            const auto at = line.find(R"("talk_ms":)");
            REQUIRE(at != std::string::npos);
            const long talk = std::stol(line.substr(at + 10));
            CHECK(talk >= 59'800);
            CHECK(talk <= 61'200);
        }
        CHECK(ends == n / 2 + 1);
    }
}

TEST_CASE("a call's steps only go forward: a message stamped before its call's last step is taken at that step's time") {
    dialog_fixture f;
    const std::int64_t t = 1'795'834'800'000;
    f.send(request("INVITE", "c", 1), t + 5000);
    f.send(response(180, "c", 1), t + 10'000);
    f.send(response(200, "c", 1), t + 15'000);
    f.send(request("BYE", "c", 2), t + 7000);  // a file out of order: stamped before the answer
    CHECK(f.counters.dialog_times_raised == 1);
    REQUIRE(f.events.lines.size() == 3);
    CHECK(f.events.lines[2].find(R"("kind":"call.end","time":1795834815000)") != std::string::npos);
    CHECK(f.events.lines[2].find(R"("ring_ms":5000,"talk_ms":0,"cause":"normal_clearing")") != std::string::npos);
}

TEST_CASE("dialog memory is capped: the least recently active call is evicted and ended") {
    dialog_settings s;
    s.max_dialogs = 16;
    dialog_fixture f(s);
    for (int i = 0; i < 20; ++i) f.send(request("INVITE", "d" + std::to_string(i), 1), i);
    CHECK(f.table.size() == 16);
    CHECK(f.counters.dialogs_evicted == 4);
    CHECK(f.events.lines[16].find(R"("id":"d0","kind":"call.end")") != std::string::npos);
    CHECK(f.events.lines[16].find(R"("cause":"evicted")") != std::string::npos);
    CHECK(f.events.lines[17].find(R"("id":"d16","kind":"call.attempt")") != std::string::npos);
}

TEST_CASE("SIP MESSAGE gives sms.submit with the sender and the text, retransmissions once") {
    dialog_fixture f;
    const std::string body = "Quy khach vui long xac thuc";
    const std::string extra =
        fmt::format("Content-Type: text/plain;charset=UTF-8\r\nContent-Length: {}\r\n\r\n{}",
                    body.size(), body);
    std::string msg = request("MESSAGE", "m1", 1, "");
    msg.resize(msg.size() - 2);  // before the blank line
    msg += extra;
    f.send(msg, 500);
    f.send(msg, 900);
    REQUIRE(f.events.lines.size() == 1);
    CHECK(
        f.events.lines[0] ==
        R"({"id":"m1","kind":"sms.submit","time":500,"callee":"0987654321","origin":{"kind":"interconnect","ip":"203.0.113.7","user_agent":"UA"},"sms":{"sender":"+84912345678","text":"Quy khach vui long xac thuc"}})");
    CHECK(f.counters.sms_messages == 1);
}

TEST_CASE("a MESSAGE body in Latin-1 or UTF-16 reaches the record as UTF-8") {
    dialog_fixture f;
    auto message = [&](std::string_view call_id, std::string_view content_type, const std::string& body) {
        std::string msg = request("MESSAGE", call_id, 1, "");
        msg.resize(msg.size() - 2);
        msg += fmt::format("Content-Type: {}\r\nContent-Length: {}\r\n\r\n", content_type, body.size()) + body;
        f.send(msg, 500);
    };
    message("j1", "text/plain;charset=ISO-8859-1", "caf\xE9");
    message("j2", "text/plain; charset=\"utf-16le\"", std::string("c\0a\0f\0\xE9\0", 8));
    message("j3", "text/plain;charset=UTF-16", std::string("\xFE\xFF\0c\0a\0f\0\xE9", 10));
    message("j4", "text/plain;charset=windows-1252", "caf\xE9 \x80""5");
    REQUIRE(f.events.lines.size() == 4);
    for (const auto& line : f.events.lines) CHECK(line.find(R"("text":"café)") != std::string::npos);
    CHECK(f.events.lines[3].find(R"("text":"café €5")") != std::string::npos);
}

TEST_CASE("peer ranges map to origin kind and trunk, longest prefix first") {
    std::vector<peer_range> peers(3);
    std::string error;
    REQUIRE(parse_cidr("203.0.113.0/24", peers[0].network, peers[0].prefix_length, error));
    peers[0].kind = model::origin_kind::international;
    peers[0].trunk = "INTL-GW-1";
    REQUIRE(parse_cidr("203.0.113.128/25", peers[1].network, peers[1].prefix_length, error));
    peers[1].kind = model::origin_kind::voip;
    peers[1].trunk = "VOIP-2";
    REQUIRE(parse_cidr("2001:db8::/32", peers[2].network, peers[2].prefix_length, error));
    peers[2].kind = model::origin_kind::ott;
    const peer_origin_map map(peers, model::origin_kind::unspecified);
    ip_address a;
    REQUIRE(ip_address::parse("203.0.113.7", a));
    CHECK(map.find(a).kind == model::origin_kind::international);
    CHECK(map.find(a).trunk == "INTL-GW-1");
    REQUIRE(ip_address::parse("203.0.113.200", a));
    CHECK(map.find(a).trunk == "VOIP-2");
    REQUIRE(ip_address::parse("2001:db8:1::5", a));
    CHECK(map.find(a).kind == model::origin_kind::ott);
    REQUIRE(ip_address::parse("198.51.100.1", a));
    CHECK(map.find(a).kind == model::origin_kind::unspecified);
    CHECK(map.find(a).trunk.empty());
    // An IPv4 address in mapped IPv6 form (a dual-stack HEP agent) is the IPv4 peer.
    REQUIRE(ip_address::parse("::ffff:203.0.113.7", a));
    CHECK(a.family == 6);
    CHECK(map.find(a).trunk == "INTL-GW-1");
    REQUIRE(ip_address::parse("::ffff:203.0.113.200", a));
    CHECK(map.find(a).trunk == "VOIP-2");
    REQUIRE(ip_address::parse("64:ff9b::203.0.113.7", a));  // not mapped: an IPv6 address of its own
    CHECK(map.find(a).kind == model::origin_kind::unspecified);

    ip_address n;
    int length = 0;
    CHECK_FALSE(parse_cidr("203.0.113.0/33", n, length, error));
    CHECK(error == "'203.0.113.0/33': prefix length must be 0..32");
    CHECK_FALSE(parse_cidr("example.com/8", n, length, error));
    REQUIRE(parse_cidr("10.1.2.3", n, length, error));
    CHECK(length == 32);
}

TEST_CASE("the origin comes from the INVITE's source address") {
    std::vector<peer_range> peers(1);
    std::string error;
    REQUIRE(parse_cidr("203.0.113.0/24", peers[0].network, peers[0].prefix_length, error));
    peers[0].kind = model::origin_kind::international;
    peers[0].trunk = "INTL-GW-1";
    dialog_fixture f({}, peers);
    f.send(request("INVITE", "o1", 1), 0, "203.0.113.9");
    f.send(request("INVITE", "o2", 1), 0, "10.0.0.1");
    REQUIRE(f.events.lines.size() == 2);
    CHECK(f.events.lines[0].find(
              R"("origin":{"kind":"international","trunk":"INTL-GW-1","ip":"203.0.113.9")") !=
          std::string::npos);
    CHECK(f.events.lines[1].find(R"("origin":{"kind":"interconnect","ip":"10.0.0.1")") !=
          std::string::npos);
}

}  // namespace
TEST_CASE("a User-Agent folded over two lines reaches the record as one line") {
    dialog_fixture f;
    f.send("INVITE sip:0987654321@192.0.2.1 SIP/2.0\r\nFrom: <sip:+84912345678@h>;tag=a\r\n"
           "To: <sip:0987654321@192.0.2.1>\r\nCall-ID: folded-1\r\nCSeq: 1 INVITE\r\n"
           "User-Agent: Folded\r\n \tUA/2\r\n\r\n",
           1000);
    REQUIRE(f.events.lines.size() == 1);
    INFO(f.events.lines[0]);
    CHECK(f.events.lines[0].find(R"("user_agent":"Folded UA/2")") != std::string::npos);
}

}  // namespace ringfence::test
