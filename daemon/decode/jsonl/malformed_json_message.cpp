#include "decode/jsonl/malformed_json_message.hpp"

#include <fmt/format.h>

namespace ringfence::decode {

namespace {

bool is_json_whitespace(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// What a quote- and escape-aware scan of the line finds: the facts simdjson's stage 1
// reports without a position.
struct line_shape {
    std::optional<std::size_t> control_in_string;  // first byte < 0x20 inside a string
    std::optional<std::size_t> unclosed_string;    // opening quote of a string never closed
    std::optional<std::size_t> first_value_end;    // just past the bracket closing the first value
};

line_shape scan_shape(std::string_view line) noexcept {
    line_shape shape;
    int depth = 0;
    bool in_string = false;
    std::size_t string_start = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const auto c = static_cast<unsigned char>(line[i]);
        if (in_string) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                in_string = false;
            } else if (c < 0x20 && !shape.control_in_string) {
                shape.control_in_string = i;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
            string_start = i;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if ((c == '}' || c == ']') && depth > 0) {
            if (--depth == 0 && !shape.first_value_end) shape.first_value_end = i + 1;
        }
    }
    if (in_string) shape.unclosed_string = string_start;
    return shape;
}

std::string describe_byte(char c) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0x21 && b < 0x7F) return fmt::format("'{}'", c);
    return fmt::format("byte 0x{:02x}", b);
}

std::string at(std::optional<std::size_t> where, std::string_view what) {
    if (where) return fmt::format("malformed JSON at byte {}: {}", *where, what);
    return fmt::format("malformed JSON: {}", what);
}

}  // namespace

std::string malformed_json_message(std::string_view line, simdjson::error_code error,
                                   std::optional<std::size_t> where) {
    if (where && *where > line.size()) where = line.size();
    switch (error) {
        case simdjson::EMPTY:
            return at(std::nullopt, "no JSON value in the line");
        case simdjson::UTF8_ERROR:
            return at(first_invalid_utf8(line), "invalid UTF-8");
        case simdjson::UNESCAPED_CHARS:
            return at(scan_shape(line).control_in_string,
                      "unescaped control character in a string");
        case simdjson::UNCLOSED_STRING:
            return at(scan_shape(line).unclosed_string, "string is never closed");
        case simdjson::INCOMPLETE_ARRAY_OR_OBJECT:
        case simdjson::OUT_OF_BOUNDS: {  // the walk ran off the end of the line
            // simdjson only knows the brackets do not pair up at the ends of the line; say
            // whether the object is cut short or something follows it.
            const line_shape shape = scan_shape(line);
            if (shape.first_value_end) {
                for (std::size_t i = *shape.first_value_end; i < line.size(); ++i)
                    if (!is_json_whitespace(line[i]))
                        return at(i, "trailing characters after the object");
            }
            return at(line.size(), "the line ends inside an object or array");
        }
        case simdjson::TRAILING_CONTENT:
            return at(where, "trailing characters after the object");
        case simdjson::TAPE_ERROR:
            if (where && *where < line.size())
                return at(where, fmt::format("unexpected {}", describe_byte(line[*where])));
            return at(line.size(), "the line ends inside an object or array");
        case simdjson::DEPTH_ERROR:
            return at(where, "nested too deeply");
        case simdjson::STRING_ERROR:
            return at(where, "bad escape sequence in a string");
        case simdjson::T_ATOM_ERROR:
        case simdjson::F_ATOM_ERROR:
        case simdjson::N_ATOM_ERROR:
            return at(where, "not a valid literal (true, false or null)");
        case simdjson::NUMBER_ERROR:
        case simdjson::NUMBER_OUT_OF_RANGE:
            return at(where, "bad or out-of-range number");
        default:
            return at(where, simdjson::error_message(error));
    }
}

}  // namespace ringfence::decode
