// libFuzzer target for the SIP parser: arbitrary bytes as a datagram and as a stream.
// Checks, beyond "no crash":
//   - consumed never passes the input, and a message consumes something;
//   - every view the message holds lies inside the input;
//   - over a stream, the messages found one after another consume exactly what they say,
//     and a prefix that parsed as incomplete never parses as a different message;
//   - reading only the record requests' parties (request_parties::record_requests, the
//     capture decoder's way) frames the same message with the same keys the dialog table
//     matches by (method, status, Call-ID, CSeq, tags).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "decode/sip/sip_parser.hpp"

namespace {

using namespace ringfence::decode::sip;

void require(bool condition) {
    if (!condition) std::abort();
}

void require_inside(std::string_view part, std::string_view whole) {
    if (part.empty()) return;
    require(part.data() >= whole.data() &&
            part.data() + part.size() <= whole.data() + whole.size());
}

void check_message(const sip_message& m, std::string_view input) {
    for (std::string_view v :
         {m.method, m.request_uri, m.request_user, m.reason, m.call_id, m.cseq_method, m.via_first,
          m.via_last, m.user_agent, m.server, m.identity, m.content_type, m.body}) {
        require_inside(v, input);
    }
    for (const name_addr* a :
         {&m.from, &m.to, &m.p_asserted_identity, &m.remote_party_id, &m.diversion, &m.contact}) {
        for (std::string_view v : {a->value, a->display, a->uri, a->user, a->host, a->tag})
            require_inside(v, input);
    }
    require(m.is_request ? !m.method.empty() : (m.status_code >= 100 && m.status_code <= 699));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    sip_message m;

    const parse_outcome datagram = parse_sip_message(input, false, m);
    require(datagram.consumed <= size);
    if (datagram.result == parse_result::message) check_message(m, input);
    require(datagram.result != parse_result::incomplete);

    sip_message lean;
    const parse_outcome lean_datagram = parse_sip_message(input, false, lean, request_parties::record_requests);
    require(lean_datagram.result == datagram.result && lean_datagram.consumed == datagram.consumed);
    if (datagram.result == parse_result::message) {
        check_message(lean, input);
        require(lean.is_request == m.is_request && lean.method == m.method && lean.status_code == m.status_code);
        require(lean.call_id == m.call_id && lean.cseq_number == m.cseq_number && lean.cseq_method == m.cseq_method);
        require(lean.from.tag == m.from.tag && lean.to.tag == m.to.tag);
    }

    std::size_t used = 0;
    for (int i = 0; i < 64 && used < size; ++i) {
        const std::string_view rest = input.substr(used);
        const parse_outcome r = parse_sip_message(rest, true, m);
        require(r.consumed <= rest.size());
        if (r.result == parse_result::message) {
            require(r.consumed > 0);
            check_message(m, rest);
            require(m.body.size() == m.content_length);
        } else if (r.result == parse_result::keepalive) {
            require(r.consumed > 0);
        } else {
            break;
        }
        used += r.consumed;
    }
    looks_like_sip(input);
    return 0;
}
