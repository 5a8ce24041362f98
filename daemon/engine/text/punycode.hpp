// Punycode (RFC 3492): the encoding IDNA uses to write a label of Unicode code points with
// the ASCII letters, digits and hyphen that DNS carries ("bücher" <-> "bcher-kva").
// Pure functions; failures (overflow, malformed input) are a false return, never a throw.
#pragma once

#include <string>
#include <string_view>

namespace ringfence::engine::text {

// Appends the Punycode form of code_points to out (without the "xn--" prefix). Returns
// false, leaving out unspecified, only when the deltas overflow (labels far beyond DNS's 63
// bytes) or a value is not a Unicode scalar value.
bool punycode_encode(std::u32string_view code_points, std::string& out);

// Replaces out with the code points of a Punycode string (without "xn--"). Returns false on
// a character that is not a Punycode digit, a truncated number, overflow, or a result that
// is not a Unicode scalar value.
bool punycode_decode(std::string_view ascii, std::u32string& out);

}  // namespace ringfence::engine::text
