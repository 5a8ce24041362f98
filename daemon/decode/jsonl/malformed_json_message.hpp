// Turns a simdjson rejection of one JSON line into the one-line message of a malformed_json
// error ("malformed JSON at byte 17: unexpected '}'"). Runs only on the error path, so it
// may rescan the line to find the byte that is at fault.
#pragma once

#include "common/utf8_check.hpp"

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

using common::first_invalid_utf8;  // (common/utf8_check.hpp)

}  // namespace ringfence::decode
