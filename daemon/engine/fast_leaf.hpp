// Tests that compile to one bit test. A call attempt's rules test the origin's kind, the
// numbers' types and whether they are home numbers a dozen times; through the general path
// each such test built a field_value from the record and compared text ("premium" against
// each literal). The record holds these fields as enumerations and flags, so the compiler
// works out, for every value the field can take, whether the test holds (with the general
// path's own comparison, so the two cannot disagree) and keeps the answers as a mask.
#pragma once

#include "engine/compiled_ruleset.hpp"
#include "model/record.hpp"

namespace ringfence::engine {

// Sets node::fast and fast_decides on every node of rs the record's
// enumerations and flags answer: compare (=, !=, <, ... a literal), in (literals) and in a
// pack list on origin.kind and the caller's, callee's and asserted number's type; compare
// and bare tests of those numbers' is_home and of sms.sender_is_alpha. A list test is only
// rejected this way: where the list holds the value, the general path makes it, for its
// evidence. Sets node::call_number on a call's number compared with a literal. Then sets
// each rule's gates.
void assign_fast_leaves(compiled_ruleset& rs);

// The number a party test reads.
inline const model::number_info& party_of(const model::record& r, std::uint8_t party) {
    switch (party) {
        case 0: return r.caller;
        case 1: return r.callee;
        default: return r.asserted;
    }
}

// Whether t holds on r: the record carries the field and its value's bit is set in t.mask.
inline bool fast_test_passes(const model::record& r, const fast_test& t) {
    bool present = true;
    unsigned value = 0;
    switch (t.f) {
        case fast_test::field::none: return false;
        case fast_test::field::origin_kind: value = static_cast<unsigned>(r.origin.kind); break;
        case fast_test::field::party_type:
            present = party_of(r, t.party).present;
            value = static_cast<unsigned>(party_of(r, t.party).type);
            break;
        case fast_test::field::party_is_home:
            present = party_of(r, t.party).present;
            value = party_of(r, t.party).is_home ? 1 : 0;
            break;
        case fast_test::field::sender_is_alpha:  // an SMS's field: absent on a call (eval_context::compute)
            present = r.sms.present && model::is_sms(r.kind);
            value = r.sms.sender_is_alpha ? 1 : 0;
            break;
    }
    return present && ((t.mask >> value) & 1) != 0;
}

// False when one of the rule's gates fails: its condition is false on r.
inline bool gates_pass(const model::record& r, const compiled_rule& rule) {
    for (std::uint8_t i = 0; i < rule.gate_count; ++i)
        if (!fast_test_passes(r, rule.gates[i])) return false;
    return true;
}

}  // namespace ringfence::engine
