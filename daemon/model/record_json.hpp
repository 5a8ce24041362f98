// The normalised record as one JSON object: the record_json column of the decision log and
// the record shown by `ringfence decide --explain`. Auditors read it, so its shape is stable:
//
//   {"id":…,"kind":"call.attempt","time":"2026-11-28T03:00:00.123Z","time_ms":…,
//    "time_from_receipt":false,
//    "time_sent":"…",                                only for a record whose time lay too far
//                                                    ahead of its arrival (time is then the arrival)
//    "caller":{"raw":…,"e164":…|null,"country":…|null,"type":"mobile","is_home":true},
//    "callee":{…},"asserted":{…},"diversion":{…},    each only when the record carried it
//    "origin":{"kind":…,"trunk":…,"ip":…,"user_agent":…},  only the fields that are set;
//                                                    left out when none is
//    "call":{"ring_ms":…|null,"talk_ms":…|null,"cause":…|null},             when present
//    "sms":{"sender":…,"sender_is_alpha":false,"text":…,"parts":1},         when present
//    "extra":{"name":value,…}}                       when there are any; strings as JSON
//                                                    strings, other types as their JSON text
//
// With the content withheld (the decision log keeps message text and extra fields only
// where a rule matched, by default), "text" is null and "text_bytes" gives its length, and
// "extra" is replaced by "extra_withheld":["name",…].
#pragma once

#include <string>

#include "model/record.hpp"

namespace ringfence::model {

// Appends the object (no trailing newline) to out; allocates only if out must grow.
// with_content false leaves out the SMS text and the values of extra fields.
void append_record_json(std::string& out, const record& r, bool with_content = true);

}  // namespace ringfence::model
