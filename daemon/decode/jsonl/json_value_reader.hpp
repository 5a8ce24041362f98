// Typed, error-reporting reads of simdjson on-demand values for the JSON-lines wire parser:
// "this field must be a string / an integer / an object", a JSON null read as absent, and
// unknown fields captured as model::extra_field. Every failure fills the parse_status with
// its code and one-line message and returns failed/false; the caller stops at the first.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "decode/jsonl/record_parser.hpp"
#include "decode/parse_status.hpp"
#include "model/record.hpp"

namespace ringfence::decode {

std::string_view trim_json_whitespace(std::string_view text) noexcept;

class json_value_reader {
  public:
    using value = simdjson::ondemand::value;
    using json_type = simdjson::ondemand::json_type;
    enum class got : std::uint8_t { value, absent, failed };

    // line is the padded copy simdjson iterates; message offsets are into it. name_scratch
    // is a string the parser reuses, so naming extra fields does not allocate per record.
    json_value_reader(simdjson::ondemand::document& doc, std::string_view line,
                      parse_status& status, std::string& name_scratch) noexcept
        : doc_(doc), line_(line), status_(status), name_(name_scratch) {}

    got read_type(value& v, json_type& type);  // null -> absent
    got read_string(value& v, std::string_view field, std::string_view& out);
    got read_integer(value& v, std::string_view field, std::int64_t& out);
    got read_object(value& v, std::string_view field, simdjson::ondemand::object& out);

    // Calls handle(key, value&) for each field in document order; stops at the first false.
    template <class Handler>
    bool walk_object(simdjson::ondemand::object& object, Handler&& handle) {
        for (auto field_result : object) {
            simdjson::ondemand::field field;
            if (const auto error = std::move(field_result).get(field)) return fail_json(error);
            std::string_view key;
            if (const auto error = read_key(field, key)) return fail_json(error);
            if (!handle(key, field.value())) return false;
        }
        return true;
    }

    // Appends the unknown field prefix.key (just key when prefix is empty) to extra, after
    // checking its value is valid JSON; a repeated name or more than max_extra_fields fail.
    bool keep_extra(std::vector<model::extra_field>& extra, std::string_view prefix,
                    std::string_view key, value& v);

    // The raw number token (trailing whitespace trimmed) after checking it parses. A valid
    // JSON number too large for a double or a 64-bit integer (1e999999, 2^70) is, when
    // unrepresentable is given, reported there (number is then unset) and accepted: an
    // unknown field keeps its text. Otherwise it fails as bad_value naming field.
    bool read_number_token(value& v, std::string_view field, std::string_view& token, simdjson::ondemand::number& number,
                           bool* unrepresentable = nullptr);

    bool fail(parse_error error, std::string message);
    // A malformed_json failure; where (in line) defaults to the parser's current position.
    bool fail_json(simdjson::error_code error, const char* where = nullptr);
    bool fail_wrong_type(std::string_view field, std::string_view expected, json_type got_type);
    // The line holds one JSON value, but not an object: malformed_json.
    bool fail_not_object(json_type got_type, const char* where);
    const char* token_start(value& v) noexcept { return v.raw_json_token().data(); }

  private:
    static simdjson::error_code read_key(simdjson::ondemand::field& field,
                                         std::string_view& key) noexcept;
    bool validate_nested(value& v, int depth);

    simdjson::ondemand::document& doc_;
    std::string_view line_;
    parse_status& status_;
    std::string& name_;  // the extra field's name being built
};

}  // namespace ringfence::decode
