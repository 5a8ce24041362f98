// Renders a call event as one line of the JSON-lines wire form (decode/jsonl/record_parser.hpp),
// exactly what the socket and `ringfence decide` accept: `ringfence replay --output records`
// prints these lines, and any source can take them. The daemon decides captured SIP from a
// record built with the same fields and checks (call_record.hpp), without the line.
//   {"id":"<Call-ID>","kind":"call.end","time":<epoch ms>,"caller":"…","callee":"…",
//    "asserted":"…","diversion":"…","origin":{"kind":"…","trunk":"…","ip":"…","user_agent":"…"},
//    "call":{"ring_ms":…,"talk_ms":…,"cause":"…"}}
// sms.submit carries the From user as sms.sender (a brandname is not a caller number) and
// the text of a text/* body. Empty fields are left out.
#pragma once

#include <string>
#include <string_view>

#include "decode/sip/call_event.hpp"

namespace ringfence::decode::sip {

// Appends the line, without its "\n".
void append_record_line(std::string& out, const call_event& event);

// A header value folded over several lines (RFC 3261 7.3.1: a line starting with a space or
// tab continues the one before) as one line: each run of CR, LF, space and tab is one space.
// The value itself when it holds no line break, else the copy made in scratch.
std::string_view unfolded_header_value(std::string_view value, std::string& scratch);

}  // namespace ringfence::decode::sip
