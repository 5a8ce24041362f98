// A call or SMS event of captured SIP as a normalised model::record, with no JSON in between:
// the fields append_record_line would write, handed to the same checks the JSON-lines parser
// applies (decode::record_builder), in the same order. The record, or the error, is the one
// parsing that line gives (tests/ingest/test_call_record_equivalence.cpp holds the two side
// by side on every shared capture, fuzz/fuzz_call_record.cpp on any bytes); only the writing
// and reading of the line is saved.
#pragma once

#include "decode/parse_status.hpp"
#include "decode/record_builder.hpp"
#include "decode/sip/call_event.hpp"
#include "model/numbering_plan.hpp"
#include "model/record.hpp"

namespace ringfence::decode::sip {

// Clears out and fills it from the event. On error, out must not be used. numbers as for a
// line (record_builder.hpp): captured SIP, which nobody answers, keeps them as written.
parse_status build_call_record(const call_event& event, const model::numbering_plan& plan, model::record& out,
                               unparsed_numbers numbers = unparsed_numbers::refuse);

}  // namespace ringfence::decode::sip
