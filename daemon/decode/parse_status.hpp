// How decoding one record went: ok, or the first error with a stable code and a one-line
// message naming the field. The JSON-lines parser and the capture decoders report the same
// way, so a record is refused for the same reason whichever way it came in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ringfence::decode {

enum class parse_error : std::uint8_t {
    none,
    malformed_json,  // not one well-formed JSON object
    missing_field,   // a required field is absent or null
    wrong_type,      // a field has the wrong JSON type
    bad_value,       // right type, value not allowed (negative duration, unknown origin kind, ...)
    bad_number,      // the numbering plan rejected a telephone number
    unknown_kind,    // kind is not one of the event kinds
};
inline constexpr int parse_error_count = 7;
std::string_view to_string(parse_error e) noexcept;  // "malformed_json", ...; "" for none

struct parse_status {
    bool ok = true;
    parse_error error = parse_error::none;
    std::string message;  // one line; empty when ok
    // Set only when !ok and the id could be read, so the error reply can echo it. On
    // success the id is in record.id.
    std::optional<std::string> id;
    bool id_is_integer = false;  // the id was a JSON integer: echoed as one
    // unparsed_numbers::keep_raw (record_builder.hpp): the numbers the plan rejected, or
    // that look mistyped, kept as written in the record.
    std::uint32_t numbers_kept_raw = 0;

    std::string_view code() const noexcept { return to_string(error); }
    // For output::append_error_line: the id or nullptr.
    const std::string* reply_id() const noexcept { return id ? &*id : nullptr; }
};

// A value echoed in a message: quoted, at most 64 bytes cut on a UTF-8 boundary, control
// characters shown as '?', so the message stays one short line whatever the input holds.
std::string echoed(std::string_view s);

}  // namespace ringfence::decode
