#include "decode/jsonl/json_value_reader.hpp"

#include <fmt/format.h>

#include <cstring>

#include "decode/jsonl/malformed_json_message.hpp"

namespace ringfence::decode {

namespace od = simdjson::ondemand;

namespace {

std::string_view type_name(od::json_type type) noexcept {
    switch (type) {
        case od::json_type::array:
            return "an array";
        case od::json_type::object:
            return "an object";
        case od::json_type::number:
            return "a number";
        case od::json_type::string:
            return "a string";
        case od::json_type::boolean:
            return "a boolean";
        case od::json_type::null:
            return "null";
    }
    return "an unknown type";
}

}  // namespace

std::string_view trim_json_whitespace(std::string_view text) noexcept {
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' ||
                             text.back() == '\r'))
        text.remove_suffix(1);
    return text;
}

// ---- failures ----------------------------------------------------------------------------

bool json_value_reader::fail(parse_error error, std::string message) {
    status_.ok = false;
    status_.error = error;
    status_.message = std::move(message);
    return false;
}

bool json_value_reader::fail_json(simdjson::error_code error, const char* where) {
    if (where == nullptr) {
        const char* location = nullptr;
        if (!doc_.current_location().get(location)) where = location;
    }
    std::optional<std::size_t> offset;
    if (where != nullptr && where >= line_.data() && where <= line_.data() + line_.size())
        offset = static_cast<std::size_t>(where - line_.data());
    return fail(parse_error::malformed_json, malformed_json_message(line_, error, offset));
}

bool json_value_reader::fail_wrong_type(std::string_view field, std::string_view expected,
                                        json_type got_type) {
    return fail(parse_error::wrong_type, fmt::format("field '{}': expected {}, got {}", field,
                                                     expected, type_name(got_type)));
}

bool json_value_reader::fail_not_object(json_type got_type, const char* where) {
    std::size_t offset = 0;
    if (where != nullptr && where >= line_.data() && where <= line_.data() + line_.size())
        offset = static_cast<std::size_t>(where - line_.data());
    // The type is guessed from the first character: "not json" reads as a null, "fast" as a
    // boolean. Name such text for what it is.
    const std::string_view rest = line_.substr(std::min(offset, line_.size()));
    const bool literal = (got_type == json_type::null && rest.starts_with("null")) ||
                         (got_type == json_type::boolean && (rest.starts_with("true") || rest.starts_with("false")));
    if ((got_type == json_type::null || got_type == json_type::boolean) && !literal) {
        constexpr std::size_t shown = 24;
        return fail(parse_error::malformed_json,
                    fmt::format("malformed JSON at byte {}: expected an object, got text that is not JSON: {}", offset,
                                echoed(rest.substr(0, shown))));
    }
    return fail(parse_error::malformed_json,
                fmt::format("malformed JSON at byte {}: expected an object, got {}", offset,
                            type_name(got_type)));
}

// ---- typed reads -------------------------------------------------------------------------

// Keys without escapes (nearly all) are read in place: simdjson's unescaping copy costs a
// call into the parser per key.
simdjson::error_code json_value_reader::read_key(od::field& field, std::string_view& key) noexcept {
    const char* start = field.key().raw();
    const char* end = start;
    // Stage 1 guaranteed a closing quote, so this stops inside the line; the NUL check
    // (control characters cannot appear in a valid string) only guards the padding.
    while (*end != '"' && *end != '\\' && *end != '\0') ++end;
    if (*end == '"') {
        key = std::string_view(start, static_cast<std::size_t>(end - start));
        return simdjson::SUCCESS;
    }
    return field.unescaped_key().get(key);
}

json_value_reader::got json_value_reader::read_type(value& v, json_type& type) {
    if (const auto error = v.type().get(type)) {
        fail_json(error, token_start(v));
        return got::failed;
    }
    if (type != json_type::null) return got::value;
    bool is_null = false;
    if (v.is_null().get(is_null) || !is_null) {
        fail_json(simdjson::N_ATOM_ERROR, token_start(v));
        return got::failed;
    }
    return got::absent;  // a JSON null counts as absent
}

json_value_reader::got json_value_reader::read_string(value& v, std::string_view field,
                                                      std::string_view& out) {
    json_type type;
    const got g = read_type(v, type);
    if (g != got::value) return g;
    if (type != json_type::string) {
        fail_wrong_type(field, "a string", type);
        return got::failed;
    }
    // Without a backslash the string's bytes are its value (stage 1 has checked UTF-8 and
    // control characters): take them in place and skip the unescaping copy.
    const std::string_view token = trim_json_whitespace(v.raw_json_token());
    if (token.size() >= 2 && token.back() == '"') {
        const std::string_view content = token.substr(1, token.size() - 2);
        if (std::memchr(content.data(), '\\', content.size()) == nullptr) {
            od::raw_json_string consumed;
            if (const auto error = v.get_raw_json_string().get(consumed)) {
                fail_json(error, token.data());
                return got::failed;
            }
            out = content;
            return got::value;
        }
    }
    if (const auto error = v.get_string().get(out)) {
        fail_json(error, token.data());
        return got::failed;
    }
    return got::value;
}

namespace {

// JSON's number grammar (RFC 8259 §6): -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool json_number_syntax(std::string_view t) noexcept {
    std::size_t i = 0;
    auto digits = [&] {
        const std::size_t from = i;
        while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
        return i > from;
    };
    if (i < t.size() && t[i] == '-') ++i;
    if (i < t.size() && t[i] == '0') {
        ++i;
    } else if (!digits()) {
        return false;
    }
    if (i < t.size() && t[i] == '.') {
        ++i;
        if (!digits()) return false;
    }
    if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
        ++i;
        if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
        if (!digits()) return false;
    }
    return i == t.size();
}

}  // namespace

bool json_value_reader::read_number_token(value& v, std::string_view field, std::string_view& token, od::number& number,
                                          bool* unrepresentable) {
    token = trim_json_whitespace(v.raw_json_token());
    if (const auto error = v.get_number().get(number)) {
        if (!json_number_syntax(token)) return fail_json(error, token.data());
        if (unrepresentable != nullptr) {
            *unrepresentable = true;
            return true;
        }
        constexpr std::size_t shown = 40;
        return fail(parse_error::bad_value, fmt::format("field '{}': out of range, got {}{}", field, token.substr(0, shown),
                                                        token.size() > shown ? "…" : ""));
    }
    if (unrepresentable != nullptr) *unrepresentable = false;
    return true;
}

json_value_reader::got json_value_reader::read_integer(value& v, std::string_view field,
                                                       std::int64_t& out) {
    json_type type;
    const got g = read_type(v, type);
    if (g != got::value) return g;
    if (type != json_type::number) {
        fail_wrong_type(field, "an integer", type);
        return got::failed;
    }
    std::string_view token;
    od::number number;
    if (!read_number_token(v, field, token, number)) return got::failed;
    switch (number.get_number_type()) {
        case od::number_type::signed_integer:
            out = number.get_int64();
            return got::value;
        case od::number_type::unsigned_integer:
            fail(parse_error::bad_value,
                 fmt::format("field '{}': out of range, got {}", field, token));
            return got::failed;
        case od::number_type::floating_point_number:
            break;
    }
    fail(parse_error::wrong_type,
         fmt::format("field '{}': expected an integer, got a number with a fraction or exponent",
                     field));
    return got::failed;
}

json_value_reader::got json_value_reader::read_object(value& v, std::string_view field,
                                                      od::object& out) {
    json_type type;
    const got g = read_type(v, type);
    if (g != got::value) return g;
    if (type != json_type::object) {
        fail_wrong_type(field, "an object", type);
        return got::failed;
    }
    if (const auto error = v.get_object().get(out)) {
        fail_json(error, token_start(v));
        return got::failed;
    }
    return got::value;
}

// ---- unknown fields ----------------------------------------------------------------------

bool json_value_reader::keep_extra(std::vector<model::extra_field>& extra, std::string_view prefix,
                                   std::string_view key, value& v) {
    name_.clear();
    if (!prefix.empty()) {
        name_.append(prefix);
        name_.push_back('.');
    }
    name_.append(key);
    for (const model::extra_field& kept : extra)
        if (kept.name == name_)
            return fail(parse_error::bad_value,
                        fmt::format("field {}: appears more than once", echoed(name_)));
    if (extra.size() >= record_json_parser::max_extra_fields)
        return fail(parse_error::bad_value,
                    fmt::format("field {}: more than {} unknown fields", echoed(name_),
                                record_json_parser::max_extra_fields));

    json_type type;
    if (const auto error = v.type().get(type)) return fail_json(error, token_start(v));
    const char* start = token_start(v);
    model::extra_field& field = extra.emplace_back();
    field.name = name_;
    using kept_type = model::extra_field::json_type;
    switch (type) {
        case json_type::string: {
            std::string_view text;
            if (read_string(v, field.name, text) == got::failed) return false;
            field.type = kept_type::string;
            field.text.assign(text);
            return true;
        }
        case json_type::number: {
            std::string_view token;
            od::number number;
            bool unrepresentable = false;  // kept as written all the same
            if (!read_number_token(v, field.name, token, number, &unrepresentable)) return false;
            field.type = kept_type::number;
            field.text.assign(token);
            return true;
        }
        case json_type::boolean: {
            bool flag = false;
            if (v.get_bool().get(flag)) return fail_json(simdjson::T_ATOM_ERROR, start);
            field.type = kept_type::boolean;
            field.text.assign(flag ? "true" : "false");
            return true;
        }
        case json_type::null: {
            bool is_null = false;
            if (v.is_null().get(is_null) || !is_null)
                return fail_json(simdjson::N_ATOM_ERROR, start);
            field.type = kept_type::null;
            field.text.assign("null");
            return true;
        }
        case json_type::object:
        case json_type::array: {
            if (!validate_nested(v, 1)) return false;
            // The parent's next token (',' or '}') ends the value's text.
            const char* end = nullptr;
            if (const auto error = doc_.current_location().get(end)) return fail_json(error);
            field.type = type == json_type::object ? kept_type::object : kept_type::array;
            field.text.assign(trim_json_whitespace(
                std::string_view(start, static_cast<std::size_t>(end - start))));
            return true;
        }
    }
    return true;
}

// Reads every scalar inside an unknown object or array once, so its text is known to be
// valid JSON before it is kept (on-demand parsing checks only what is read).
bool json_value_reader::validate_nested(value& v, int depth) {
    json_type type;
    if (const auto error = v.type().get(type)) return fail_json(error, token_start(v));
    // depth: the level of the object or array v opens (a value inside the deepest allowed
    // one is not a level of its own). Past the limit the field is refused unread.
    if ((type == json_type::object || type == json_type::array) && depth > record_json_parser::max_extra_depth)
        return fail(parse_error::bad_value, fmt::format("field {}: nested more than {} levels deep", echoed(name_),
                                                        record_json_parser::max_extra_depth));
    switch (type) {
        case json_type::object: {
            od::object object;
            if (const auto error = v.get_object().get(object))
                return fail_json(error, token_start(v));
            return walk_object(object, [&](std::string_view, value& inner) {
                return validate_nested(inner, depth + 1);
            });
        }
        case json_type::array: {
            od::array array;
            if (const auto error = v.get_array().get(array))
                return fail_json(error, token_start(v));
            for (auto element_result : array) {
                od::value element;
                if (const auto error = std::move(element_result).get(element))
                    return fail_json(error);
                if (!validate_nested(element, depth + 1)) return false;
            }
            return true;
        }
        case json_type::string: {
            std::string_view text;
            if (const auto error = v.get_string().get(text))
                return fail_json(error, token_start(v));
            return true;
        }
        case json_type::number: {
            std::string_view token;
            od::number number;
            bool unrepresentable = false;  // a nested value is kept as written
            return read_number_token(v, "extra", token, number, &unrepresentable);
        }
        case json_type::boolean: {
            bool flag = false;
            if (v.get_bool().get(flag)) return fail_json(simdjson::T_ATOM_ERROR, token_start(v));
            return true;
        }
        case json_type::null: {
            bool is_null = false;
            if (v.is_null().get(is_null) || !is_null)
                return fail_json(simdjson::N_ATOM_ERROR, token_start(v));
            return true;
        }
    }
    return true;
}

}  // namespace ringfence::decode
