// The JSON-lines wire parser: one line from a switch, SBC or SMSC (one JSON object) into one
// normalised model::record, every number run through the numbering plan. Bad input is a
// parse_status value with a stable code and a one-line message naming the field, never an
// exception. One parser per ingest thread; parsers are not thread-safe.
//
// Wire form (see the record fields in model/record.hpp):
//   {"id":"c-1","kind":"call.attempt","time":"2026-11-28T10:00:00.123+07:00",
//    "caller":"+84912345678","callee":"0987654321","asserted":"+84912345678","diversion":"+84987654321",
//    "origin":{"kind":"international","trunk":"INTL-GW-1","ip":"203.0.113.7","user_agent":"..."},
//    "call":{"ring_ms":1200,"talk_ms":0,"cause":"no_answer"},
//    "sms":{"sender":"VCB","text":"...","parts":1}}
//
// Contract:
//   - id (string, or a JSON integer kept as its decimal text), kind and callee are required;
//     caller is required too, except for sms.* records with sms.sender, whose caller is then
//     the sender normalised. A JSON null counts as absent everywhere a field is defined.
//   - time: RFC 3339 (see rfc3339.hpp) or integer epoch milliseconds, either way within
//     1970-01-01 .. 9999-12-31 UTC (the range the decision log can show; the upper bound also
//     catches microseconds sent by mistake); absent -> received_at_ms, time_from_receipt.
//   - A key that appears twice in one object is an error (bad_value, "appears more than
//     once"): a last-wins rule would let two systems reading the same line disagree on
//     which caller it carries.
//   - sms.sender_is_alpha: the sender holds an ASCII letter or any non-ASCII character.
//   - Fields the wire form does not define go to rec.extra ("foo", or "origin.foo" inside
//     origin/call/sms), at most max_extra_fields of them; objects, arrays and numbers keep
//     their JSON text as written, strings are unescaped.
//   - The parser keeps a padded copy of the longest line it has seen; capping line length
//     is the caller's business.
//   - Anything that is not exactly one JSON object (trailing tokens, a non-object top level,
//     invalid UTF-8, bad escapes) is malformed_json. Whitespace, including a trailing "\r",
//     is allowed around the object. An empty line is malformed_json; skipping blank lines is
//     the caller's business. "{}" gives missing_field for id.
//   - Errors are reported in document order; the first one stops the parse. Messages name
//     the field ("field 'call.ring_ms': must not be negative, got -1"); malformed_json
//     messages give a 0-based byte offset into the line when one is known.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "decode/parse_status.hpp"
#include "decode/record_builder.hpp"
#include "model/numbering_plan.hpp"
#include "model/record.hpp"

namespace ringfence::decode {

class record_json_parser {
  public:
    static constexpr std::size_t max_extra_fields = 64;
    static constexpr int max_extra_depth = 32;  // nesting levels inside one unknown field

    // The plan must outlive the parser.
    explicit record_json_parser(const model::numbering_plan& plan);
    record_json_parser(record_json_parser&&) noexcept;
    record_json_parser& operator=(record_json_parser&&) noexcept;
    ~record_json_parser();

    // Parses one line (without its "\n"; a trailing "\r" is fine) into out, which is cleared
    // first and reused so steady-state parsing does not allocate. received_at_ms is the
    // arrival time, used when the record has no time. On error out holds whatever was read
    // before the error and must not be used.
    // numbers: keep_raw for a mirror's records (record_builder.hpp), refuse for a switch's.
    parse_status parse(std::string_view line, std::int64_t received_at_ms, model::record& out,
                       unparsed_numbers numbers = unparsed_numbers::refuse);

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace ringfence::decode
