// A call's numbers as the first record built from its dialog read them through the
// numbering plan. The answer and the end of a call carry the parties of its attempt, the
// same strings, so their records take these readings instead of normalising again (about
// a thousand instructions a number: two thirds of a captured call's normalisation).
#pragma once

#include "model/number.hpp"

namespace ringfence::model {
class numbering_plan;
}

namespace ringfence::decode::sip {

struct party_numbers {
    struct reading {
        model::number_info number;
        model::normalize_error error = model::normalize_error::none;
    };
    // The plan the readings were made under; nullptr: none made yet for this call (a dialog
    // taken again from the pool starts so).
    const model::numbering_plan* plan = nullptr;
    reading caller, callee, asserted, diversion;
};

}  // namespace ringfence::decode::sip
