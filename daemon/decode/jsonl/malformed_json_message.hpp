// Turns a simdjson rejection of one JSON line into the one-line message of a malformed_json
// error ("malformed JSON at byte 17: unexpected '}'"). Runs only on the error path, so it
// may rescan the line to find the byte that is at fault.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ringfence::decode {

// line: the input as given (without padding). where: the byte offset (0-based) at which the
// parser stopped, when it knows one. Offsets in messages are 0-based byte offsets into line.
// simdjson::TRAILING_CONTENT means a complete object was followed by more tokens.
std::string malformed_json_message(std::string_view line, simdjson::error_code error,
                                   std::optional<std::size_t> where);

// The offset of the first byte that does not start or continue a valid UTF-8 sequence
// (overlong forms, surrogates and code points past U+10FFFF are invalid); nullopt if none.
std::optional<std::size_t> first_invalid_utf8(std::string_view text) noexcept;

}  // namespace ringfence::decode
