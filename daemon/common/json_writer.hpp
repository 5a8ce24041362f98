// Appends JSON text to a caller-owned buffer with no intermediate allocations; the hot
// path renders every reply line and log row through it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ringfence::common {

// Appends s as a JSON string literal (with quotes), escaping control characters, quotes
// and backslashes; invalid UTF-8 bytes are replaced with U+FFFD so output is always valid.
void append_json_string(std::string& out, std::string_view s);
void append_json_int(std::string& out, std::int64_t v);
// s as append_json_string writes it and a JSON parser reads it back: s itself when it is
// valid UTF-8 (no copy), else a copy in scratch with each invalid byte replaced by U+FFFD.
std::string_view valid_utf8(std::string_view s, std::string& scratch);
void append_json_double(std::string& out, double v);

}  // namespace ringfence::common
