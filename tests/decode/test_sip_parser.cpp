// The SIP parser: the header fields ringfence reads, compact forms, name-addr forms, stream
// framing by Content-Length (several messages in one buffer, one message over several),
// junk before the request line, and what is not SIP or is broken.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "decode/sip/sip_parser.hpp"

namespace ringfence::test {
namespace {

using namespace decode::sip;

constexpr std::string_view invite =
    "INVITE sip:0987654321@192.0.2.1;user=phone SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 203.0.113.7:5060;branch=z9hG4bK1, SIP/2.0/UDP "
    "198.51.100.1;branch=z9hG4bK0\r\n"
    "Via: SIP/2.0/UDP 198.51.100.9;branch=z9hG4bKorigin\r\n"
    "From: \"Bank <VCB>\" <sip:+84912345678@203.0.113.7>;tag=abc\r\n"
    "To: <sip:0987654321@192.0.2.1>\r\n"
    "P-Asserted-Identity: <tel:+84912345678;cpc=ordinary>\r\n"
    "Remote-Party-ID: \"x\" <sip:111@h>;party=calling\r\n"
    "Diversion: <sip:0911000000@192.0.2.1>;reason=unconditional\r\n"
    "Contact: <sip:+84912345678@203.0.113.7:5060>\r\n"
    "Call-ID: 4f2a@203.0.113.7\r\n"
    "CSeq: 102 INVITE\r\n"
    "User-Agent: Sonus SBC\r\n"
    "Identity: eyJhbGciOiJFUzI1NiJ9.x.y;info=<https://cert.example/c.pem>\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: 4\r\n"
    "\r\n"
    "v=0\n";

// Every field of a name-addr, empty.
void check_empty(const name_addr& a) {
    CHECK(a.value.empty());
    CHECK(a.display.empty());
    CHECK(a.uri.empty());
    CHECK(a.user.empty());
    CHECK(a.host.empty());
    CHECK(a.tag.empty());
}

// Every field a bare "SIP/2.0 100 Trying" with only a Call-ID leaves empty, empty.
void check_empty_but_status_line_and_call_id(const sip_message& m) {
    CHECK(m.method.empty());
    CHECK(m.request_uri.empty());
    CHECK(m.request_user.empty());
    for (const name_addr* a : {&m.from, &m.to, &m.p_asserted_identity, &m.remote_party_id, &m.diversion, &m.contact}) check_empty(*a);
    CHECK(m.cseq_number == 0);
    CHECK(m.cseq_method.empty());
    CHECK(m.via_first.empty());
    CHECK(m.via_last.empty());
    CHECK(m.user_agent.empty());
    CHECK(m.server.empty());
    CHECK(m.identity.empty());
    CHECK(m.content_type.empty());
    CHECK_FALSE(m.has_content_length);
    CHECK_FALSE(m.bad_content_length);
    CHECK(m.content_length == 0);
    CHECK(m.body.empty());
    CHECK(m.junk_skipped == 0);
}

// A full INVITE parsed into m, with the two flags it leaves false set as well.
void fill_with_invite(sip_message& m) {
    REQUIRE(parse_sip_message(invite, false, m).result == parse_result::message);
    REQUIRE(m.p_asserted_identity.present());
    REQUIRE(m.contact.present());
    REQUIRE(m.has_content_length);
    m.bad_content_length = true;
    m.junk_skipped = 3;
}

TEST_CASE("a message parsed into the object of an earlier one keeps nothing of it (the parties a message seldom has cleared only where set)") {
    sip_message m;
    fill_with_invite(m);
    // A response with none of the optional headers, read as the capture reads one.
    constexpr std::string_view bare = "SIP/2.0 100 Trying\r\nCall-ID: z\r\n\r\n";
    REQUIRE(parse_sip_message(bare, false, m, request_parties::record_requests).result == parse_result::message);
    CHECK_FALSE(m.is_request);
    CHECK(m.status_code == 100);
    CHECK(m.reason == "Trying");
    CHECK(m.call_id == "z");
    check_empty_but_status_line_and_call_id(m);

    // Bytes that are no message (not SIP, broken SIP, a stream's incomplete message, a
    // keep-alive) leave nothing of the message before either: at most the start line they
    // have themselves.
    for (const auto& [bytes, stream] : {std::pair<std::string_view, bool>{"GET / HTTP/1.1\r\nHost: x\r\n\r\n", false},
                                        {"OPTIONS sip:x SIP/2.0\r\nFrom: <sip:a@h>;tag=1\r\nno colon\r\n\r\n", false},
                                        {"OPTIONS sip:x SIP/2.0\r\nFrom: <sip:a@h>;tag=1\r\n", true},
                                        {"\r\n\r\n", false}}) {
        CAPTURE(bytes);
        fill_with_invite(m);
        REQUIRE(parse_sip_message(bytes, stream, m).result != parse_result::message);
        CHECK((m.method.empty() || m.method == "OPTIONS"));
        CHECK((m.request_uri.empty() || m.request_uri == "sip:x"));
        CHECK(m.status_code == 0);
        CHECK(m.reason.empty());
        CHECK(m.call_id.empty());
        sip_message start_line_only;  // the fields no start line sets
        static_cast<sip_message_fields&>(start_line_only) = m;
        start_line_only.is_request = false;
        start_line_only.method = start_line_only.request_uri = {};
        check_empty_but_status_line_and_call_id(start_line_only);
        for (const name_addr* a : {&m.from, &m.to, &m.p_asserted_identity, &m.remote_party_id, &m.diversion, &m.contact}) check_empty(*a);
    }
}

TEST_CASE("request_parties::record_requests: INVITE and MESSAGE in full, other requests as a response is read") {
    std::string invite_text(invite);
    auto as_method = [&](std::string_view method) {
        std::string text = invite_text;
        text.replace(0, 6, method);  // "INVITE sip:..." -> "BYE sip:..."
        return text;
    };
    for (const std::string_view method : {"INVITE", "MESSAGE"}) {
        CAPTURE(method);
        const std::string text = as_method(method);
        sip_message m;
        REQUIRE(parse_sip_message(text, false, m, request_parties::record_requests).result == parse_result::message);
        CHECK(m.method == method);
        CHECK(m.request_user == "0987654321");
        CHECK(m.from.user == "+84912345678");
        CHECK(m.to.user == "0987654321");
        CHECK(m.p_asserted_identity.user == "+84912345678");
        CHECK(m.diversion.user == "0911000000");
        CHECK(m.contact.user == "+84912345678");
    }
    for (const std::string_view method : {"ACK", "BYE", "CANCEL", "INFO"}) {
        CAPTURE(method);
        const std::string text = as_method(method);
        sip_message m;
        REQUIRE(parse_sip_message(text, false, m, request_parties::record_requests).result == parse_result::message);
        CHECK(m.is_request);
        CHECK(m.method == method);
        CHECK(m.request_uri == "sip:0987654321@192.0.2.1;user=phone");
        CHECK(m.request_user.empty());
        CHECK(m.from.uri == "sip:+84912345678@203.0.113.7");
        CHECK(m.from.tag == "abc");  // what the dialog table matches by
        CHECK(m.from.user.empty());
        CHECK(m.to.user.empty());
        CHECK(!m.p_asserted_identity.present());
        CHECK(!m.contact.present());
        CHECK(m.call_id == "4f2a@203.0.113.7");
        CHECK(m.cseq_number == 102);
        // The default reads every request in full.
        sip_message full;
        REQUIRE(parse_sip_message(text, false, full).result == parse_result::message);
        CHECK(full.request_user == "0987654321");
        CHECK(full.from.user == "+84912345678");
        CHECK(full.p_asserted_identity.user == "+84912345678");
    }
}

namespace {

struct recorded_call_ids final : call_id_hint {
    std::vector<std::string> seen;
    void on_call_id(std::string_view call_id) noexcept override { seen.emplace_back(call_id); }
};

}  // namespace

TEST_CASE("call_id_hint: told the Call-ID once, as the message holds it, in either form, and never without one") {
    recorded_call_ids hint;
    sip_message m;
    REQUIRE(parse_sip_message(invite, false, m, request_parties::record_requests, &hint).result == parse_result::message);
    CHECK(hint.seen == std::vector<std::string>{"4f2a@203.0.113.7"});

    hint.seen.clear();
    const std::string_view compact = "SIP/2.0 200 OK\r\nv: SIP/2.0/UDP h\r\ni:  abc@h \r\nCall-ID: second@h\r\nCSeq: 1 INVITE\r\n\r\n";
    REQUIRE(parse_sip_message(compact, true, m, request_parties::record_requests, &hint).result == parse_result::message);
    CHECK(m.call_id == "abc@h");
    CHECK(hint.seen == std::vector<std::string>{"abc@h"});

    hint.seen.clear();
    const std::string_view none = "SIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\n\r\n";
    REQUIRE(parse_sip_message(none, true, m, request_parties::record_requests, &hint).result == parse_result::message);
    CHECK(hint.seen.empty());
}

TEST_CASE("a full INVITE: every header ringfence reads") {
    sip_message m;
    const parse_outcome r = parse_sip_message(invite, false, m);
    REQUIRE(r.result == parse_result::message);
    CHECK(r.consumed == invite.size());
    CHECK(m.is_request);
    CHECK(m.method == "INVITE");
    CHECK(m.request_uri == "sip:0987654321@192.0.2.1;user=phone");
    CHECK(m.request_user == "0987654321");
    CHECK(m.from.display == "Bank <VCB>");
    CHECK(m.from.user == "+84912345678");
    CHECK(m.from.host == "203.0.113.7");
    CHECK(m.from.tag == "abc");
    CHECK(m.to.user == "0987654321");
    CHECK(m.to.tag.empty());
    CHECK(m.p_asserted_identity.user == "+84912345678");
    CHECK(m.remote_party_id.user == "111");
    CHECK(m.diversion.user == "0911000000");
    CHECK(m.contact.user == "+84912345678");
    CHECK(m.call_id == "4f2a@203.0.113.7");
    CHECK(m.cseq_number == 102);
    CHECK(m.cseq_method == "INVITE");
    CHECK(m.via_first == "SIP/2.0/UDP 203.0.113.7:5060;branch=z9hG4bK1");
    CHECK(m.via_last == "SIP/2.0/UDP 198.51.100.9;branch=z9hG4bKorigin");
    CHECK(m.user_agent == "Sonus SBC");
    CHECK(m.identity.substr(0, 20) == "eyJhbGciOiJFUzI1NiJ9");
    CHECK(m.content_length == 4);
    CHECK(m.body == "v=0\n");
    CHECK(m.junk_skipped == 0);
}

TEST_CASE("compact header forms, odd case and spacing, folded lines, bare LF") {
    const std::string msg =
        "MESSAGE sip:0987654321@h SIP/2.0\n"
        "v: SIP/2.0/TCP a\n"
        "f:sip:alice@h;tag=1\n"
        "t:   <sip:0987654321@h>\n"
        "i: call-7\n"
        "cseq: 1 MESSAGE\n"
        "m: <sip:alice@10.0.0.1>\n"
        "c: text/plain\n"
        "USER-AGENT: Some\n"
        "  Phone\n"
        "l: 5\n"
        "\n"
        "hello";
    sip_message m;
    REQUIRE(parse_sip_message(msg, true, m).result == parse_result::message);
    CHECK(m.method == "MESSAGE");
    CHECK(m.from.user == "alice");
    CHECK(m.from.tag == "1");
    CHECK(m.to.user == "0987654321");
    CHECK(m.call_id == "call-7");
    CHECK(m.cseq_method == "MESSAGE");
    CHECK(m.contact.user == "alice");
    CHECK(m.content_type == "text/plain");
    CHECK(m.user_agent == "Some\n  Phone");
    CHECK(m.via_first == "SIP/2.0/TCP a");
    CHECK(m.body == "hello");
}

TEST_CASE("a header name is matched whole and in any case, with only spaces and tabs before its colon: a CR makes it another header") {
    const auto parsed = [](std::string_view headers) {
        const std::string msg = "INVITE sip:0987654321@h SIP/2.0\r\nFrom: <sip:0912000107@h>;tag=a\r\nTo: <sip:0987654321@h>\r\n" +
                                std::string(headers) + "CSeq: 1 INVITE\r\n\r\n";
        sip_message m;
        REQUIRE(parse_sip_message(msg, false, m).result == parse_result::message);
        return std::string(m.call_id);
    };
    CHECK(parsed("cALL-iD: odd-case\r\n") == "odd-case");
    CHECK(parsed("CALL-ID \t: blanks-before-colon\r\n") == "blanks-before-colon");
    CHECK(parsed("i: compact\r\n") == "compact");
    // A bare CR before or after the name, or inside it: not the Call-ID (tshark reads none).
    CHECK(parsed("\rCall-ID: fake\r\nCall-ID: real\r\n") == "real");
    CHECK(parsed("\ri: fake\r\n").empty());
    CHECK(parsed("Call-ID\r: fake\r\n").empty());
    CHECK(parsed("Call\rID: fake\r\n").empty());
    CHECK(parsed(std::string_view("Call\0ID: fake\r\nX-Call-ID: other\r\n", 33)).empty());
    // Every known name in upper case, as its 8-byte comparison reads it near the buffer's
    // end too (the last header right before the end of a datagram with no blank line).
    for (const std::string name : {"P-ASSERTED-IDENTITY", "REMOTE-PARTY-ID", "CONTENT-LENGTH", "CALL-ID"}) {
        const std::string msg = "INVITE sip:0987654321@h SIP/2.0\r\nCSeq: 1 INVITE\r\n" + name + ":1";
        sip_message m;
        CAPTURE(name);
        CHECK(parse_sip_message(msg, false, m).result == parse_result::message);
    }
    sip_message last;
    REQUIRE(parse_sip_message("INVITE sip:0987654321@h SIP/2.0\r\nCSeq: 1 INVITE\r\nCALL-ID:x", false, last).result == parse_result::message);
    CHECK(last.call_id == "x");
}

TEST_CASE("responses: status, reason, CSeq method") {
    const std::string msg =
        "SIP/2.0 486 Busy Here\r\nCall-ID: z\r\nCSeq: 7 INVITE\r\nServer: Asterisk\r\n\r\n";
    sip_message m;
    REQUIRE(parse_sip_message(msg, false, m).result == parse_result::message);
    CHECK_FALSE(m.is_request);
    CHECK(m.status_code == 486);
    CHECK(m.reason == "Busy Here");
    CHECK(m.cseq_number == 7);
    CHECK(m.server == "Asterisk");
}

TEST_CASE("the version in any case, nothing else: SIP/2.0 read eight bytes at a time, and byte by byte at a datagram's very end") {
    sip_message m;
    CHECK(parse_sip_message("sip/2.0 200 OK\r\nCall-ID: a\r\n\r\n", false, m).result == parse_result::message);
    CHECK(m.status_code == 200);
    CHECK(parse_sip_message("BYE sip:x@h Sip/2.0\r\nCall-ID: b\r\n\r\n", false, m).result == parse_result::message);
    CHECK(m.method == "BYE");
    for (const char* bad : {"BYE sip:x@h SIP/2.1\r\n\r\n", "BYE sip:x@h SIP/2.00\r\n\r\n", "BYE sip:x@h SIP/2\r\n\r\n",
                            "BYE sip:x@h SIP\x0f2.0\r\n\r\n", "SIP/2.1 200 OK\r\n\r\n", "SIP\x0f2.0 200 OK\r\n\r\n"}) {
        CAPTURE(bad);
        CHECK(parse_sip_message(bad, false, m).result != parse_result::message);
    }
    // The start line is all the datagram has but its LF: fewer than eight bytes from the
    // version to the end.
    CHECK(parse_sip_message("BYE sip:x@h sIp/2.0\n", false, m).result == parse_result::message);
    CHECK(parse_sip_message("BYE sip:x@h SIP/2.1\n", false, m).result != parse_result::message);
}

TEST_CASE("Via: one hop is both the first and the last, and hops over several headers and in one") {
    sip_message m;
    REQUIRE(parse_sip_message("BYE sip:x@h SIP/2.0\r\nVia: SIP/2.0/UDP a;branch=1\r\nCall-ID: c\r\n\r\n", false, m).result ==
            parse_result::message);
    CHECK(m.via_first == "SIP/2.0/UDP a;branch=1");
    CHECK(m.via_last == "SIP/2.0/UDP a;branch=1");
    REQUIRE(parse_sip_message("BYE sip:x@h SIP/2.0\r\nVia: SIP/2.0/UDP a , SIP/2.0/UDP b\r\nVia: SIP/2.0/UDP c\r\n"
                              "Via: SIP/2.0/UDP d,  SIP/2.0/UDP e \r\n\r\n",
                              false, m)
                .result == parse_result::message);
    CHECK(m.via_first == "SIP/2.0/UDP a");
    CHECK(m.via_last == "SIP/2.0/UDP e");
}

TEST_CASE("name-addr forms: tel URIs, addr-spec with header parameters, passwords, no user") {
    CHECK(parse_name_addr("<tel:+84912345678;phone-context=+84>").user == "+84912345678");
    const name_addr spec = parse_name_addr("sip:bob:secret@example.com;tag=9");
    CHECK(spec.user == "bob");
    CHECK(spec.host == "example.com");
    CHECK(spec.tag == "9");
    CHECK(spec.uri == "sip:bob:secret@example.com");
    const name_addr no_user = parse_name_addr("\"testtest\"<sip:10.0.1.199>");
    CHECK(no_user.user.empty());
    CHECK(no_user.host == "10.0.1.199");
    CHECK(no_user.display == "testtest");
    CHECK(parse_name_addr("Anonymous <sips:anonymous@anonymous.invalid>").display == "Anonymous");
    CHECK(parse_name_addr("<mailto:x@y>").user.empty());
    CHECK(parse_name_addr("").value.empty());
    // A telephone-subscriber user's parameters (number portability) are not the number.
    CHECK(parse_name_addr("<sip:+84912345678;npdi;rn=+84900000000@x;user=phone>").user == "+84912345678");
    std::string unescaped;
    assign_unescaped_user(unescaped, parse_name_addr("<sip:%2B84912345678@x>").user);
    CHECK(unescaped == "+84912345678");
    assign_unescaped_user(unescaped, "50%zz%4");
    CHECK(unescaped == "50%zz%4");
}

TEST_CASE("a header value that starts after a fold, a datagram's Content-Length that is not a number, Remote-Party-ID of the called party") {
    sip_message m;
    const std::string folded =
        "INVITE sip:0987654321@h SIP/2.0\r\nFrom:\r\n <sip:0912345678@h>;tag=1\r\nTo: <sip:0987654321@h>\r\n"
        "Call-ID:\r\n\tw5\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
    REQUIRE(parse_sip_message(folded, false, m).result == parse_result::message);
    CHECK(m.from.user == "0912345678");
    CHECK(m.from.tag == "1");
    CHECK(m.call_id == "w5");

    const std::string negative = "INVITE sip:x@h SIP/2.0\r\nFrom: <sip:0912345678@h>\r\nCall-ID: h2\r\nContent-Length: -5\r\n\r\nbody";
    REQUIRE(parse_sip_message(negative, false, m).result == parse_result::message);
    CHECK(m.bad_content_length);
    CHECK(m.call_id == "h2");
    CHECK(m.body == "body");
    CHECK(parse_sip_message(negative, true, m).result == parse_result::malformed);  // a stream cannot be framed

    const std::string rpid =
        "INVITE sip:x@h SIP/2.0\r\nCall-ID: r1\r\nRemote-Party-ID: <sip:0944444444@x>;party=called\r\n"
        "Remote-Party-ID: <sip:0955555555@x>;party=calling\r\n\r\n";
    REQUIRE(parse_sip_message(rpid, false, m).result == parse_result::message);
    CHECK(m.remote_party_id.user == "0955555555");
    const std::string only_called = "INVITE sip:x@h SIP/2.0\r\nCall-ID: r2\r\nRemote-Party-ID: <sip:0944444444@x>;party=called\r\n\r\n";
    REQUIRE(parse_sip_message(only_called, false, m).result == parse_result::message);
    CHECK(m.remote_party_id.user.empty());
}

TEST_CASE("a stream: several messages in one buffer, one message over several") {
    const std::string a = "OPTIONS sip:x@h SIP/2.0\r\nCall-ID: 1\r\nContent-Length: 0\r\n\r\n";
    const std::string b = "MESSAGE sip:x@h SIP/2.0\r\nCall-ID: 2\r\nContent-Length: 3\r\n\r\nabc";
    const std::string both = "\r\n\r\n" + a + b;
    sip_message m;
    parse_outcome r = parse_sip_message(both, true, m);
    REQUIRE(r.result == parse_result::keepalive);
    CHECK(r.consumed == 4);
    std::size_t at = r.consumed;
    r = parse_sip_message(std::string_view(both).substr(at), true, m);
    REQUIRE(r.result == parse_result::message);
    CHECK(m.call_id == "1");
    CHECK(r.consumed == a.size());
    at += r.consumed;
    r = parse_sip_message(std::string_view(both).substr(at), true, m);
    REQUIRE(r.result == parse_result::message);
    CHECK(m.call_id == "2");
    CHECK(m.body == "abc");
    // Every proper prefix of a stream message is incomplete, never an error.
    for (std::size_t n = 1; n < b.size(); ++n) {
        CHECK(parse_sip_message(std::string_view(b).substr(0, n), true, m).result ==
              parse_result::incomplete);
    }
    CHECK(parse_sip_message("\r\n\r\n", true, m).result == parse_result::keepalive);
}

TEST_CASE("a datagram: the body is the rest, cut to Content-Length") {
    const std::string msg =
        "MESSAGE sip:x@h SIP/2.0\r\nCall-ID: 2\r\nContent-Length: 3\r\n\r\nabcdef";
    sip_message m;
    REQUIRE(parse_sip_message(msg, false, m).result == parse_result::message);
    CHECK(m.body == "abc");
    const std::string no_length = "MESSAGE sip:x@h SIP/2.0\r\nCall-ID: 2\r\n\r\nabcdef";
    REQUIRE(parse_sip_message(no_length, false, m).result == parse_result::message);
    CHECK(m.body == "abcdef");
}

TEST_CASE("junk before the method is skipped and counted (Zeek GH-1507)") {
    const std::string msg = "DBREGISTER sip:1.1.1.1:5060 SIP/2.0\r\nExpires: 3600\r\n\r\n";
    sip_message m;
    REQUIRE(parse_sip_message(msg, false, m).result == parse_result::message);
    CHECK(m.method == "REGISTER");
    CHECK(m.junk_skipped == 2);
    CHECK(m.request_uri == "sip:1.1.1.1:5060");
    CHECK(looks_like_sip(msg));
}

TEST_CASE("not SIP, or SIP that is broken") {
    sip_message m;
    CHECK(parse_sip_message("GET / HTTP/1.1\r\nHost: x\r\n\r\n", false, m).result ==
          parse_result::not_sip);
    CHECK(parse_sip_message("HTTP/1.1 200 OK\r\n\r\n", true, m).result == parse_result::not_sip);
    // A start line that names SIP but does not parse is broken SIP.
    CHECK(parse_sip_message("SIP/2.0 99 Low\r\n\r\n", false, m).result == parse_result::malformed);
    CHECK(parse_sip_message("SIP/2.0 2OO OK\r\n\r\n", false, m).result == parse_result::malformed);
    CHECK(parse_sip_message("INVITE sip:x SIP/3.0\r\n\r\n", false, m).result == parse_result::malformed);
    CHECK(parse_sip_message("INVITE SIP/2.0\r\n\r\n", false, m).result == parse_result::malformed);
    // Blanks after the version are not a broken start line.
    CHECK(parse_sip_message("INVITE sip:x SIP/2.0 \t\r\nCall-ID: a\r\n\r\n", false, m).result == parse_result::message);
    CHECK(m.request_uri == "sip:x");
    CHECK(parse_sip_message("", false, m).result == parse_result::not_sip);
    CHECK(parse_sip_message("INVITE sip:x SIP/2.0\r\nno colon here\r\n\r\n", false, m).result ==
          parse_result::malformed);
    CHECK(parse_sip_message("INVITE sip:x SIP/2.0\r\nContent-Length: -1\r\n\r\n", true, m).result ==
          parse_result::malformed);
    CHECK(parse_sip_message("INVITE sip:x SIP/2.0\r\nContent-Length: 99999999999\r\n\r\n", true, m)
              .result == parse_result::malformed);
    const std::string huge =
        "INVITE sip:x SIP/2.0\r\nX: " + std::string(max_header_bytes + 10, 'a');
    CHECK(parse_sip_message(huge, true, m).result == parse_result::malformed);
    CHECK_FALSE(looks_like_sip("GET / HTTP/1.1\r\n"));
    CHECK_FALSE(looks_like_sip("\x80\x00\x12"));
}

}  // namespace
}  // namespace ringfence::test

namespace ringfence::test {
namespace {

TEST_CASE("find_header_end resumes where it stopped and finds the blank line once") {
    const std::string msg = "INVITE sip:x SIP/2.0\r\nCall-ID: 1\r\n\r\nbody";
    std::size_t line_start = 0;
    std::size_t scanned = 0;
    for (std::size_t n = 1; n < 36; ++n) {
        CHECK(find_header_end(std::string_view(msg).substr(0, n), line_start, scanned) ==
              std::string_view::npos);
        CHECK(scanned == n);
    }
    CHECK(find_header_end(msg, line_start, scanned) == 36);
    std::size_t a = 0;
    std::size_t b = 0;
    CHECK(find_header_end("\r\n\r\n", a, b) == 4);  // the first line is never the blank one
    a = b = 0;
    CHECK(find_header_end("SIP/2.0 200 OK\n\n", a, b) == 16);
}

}  // namespace
}  // namespace ringfence::test
