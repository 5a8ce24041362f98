// Brandname senders (alphanumeric SMS senders such as VCB or ViệtBank) as the wire form and
// `ringfence normalize` recognise them: one rule for both, so a sender `normalize` refuses
// is refused on the wire too.
#pragma once

#include <string_view>

namespace ringfence::model {

// 1 to 11 characters (the GSM limit; UTF-8 counted by character) and no control character:
// a sender the SMSC marked alphanumeric is taken as written when it is this.
bool is_brandname_text(std::string_view s) noexcept;
// Holds a letter; any non-ASCII character counts as one (Vietnamese brandnames may carry
// diacritics), digits and separators do not.
bool holds_letter(std::string_view s) noexcept;
// Unmarked, a sender with a non-ASCII letter is a brandname when its ASCII characters are
// the ones brandnames hold (letters, digits, space, - . _ &).
bool is_unmarked_brandname_with_diacritics(std::string_view s) noexcept;

}  // namespace ringfence::model
