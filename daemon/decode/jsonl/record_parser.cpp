#include "decode/jsonl/record_parser.hpp"

#include <simdjson.h>

#include <array>
#include <cstring>

#include "decode/jsonl/malformed_json_message.hpp"
#include "decode/jsonl/record_reader.hpp"

namespace ringfence::decode {

namespace od = simdjson::ondemand;

namespace {

// The parse already failed before the id was read: rescan the top level for it, skipping
// every other value unchecked, so the error reply still correlates when the id is intact.
std::optional<std::string> recover_id(od::parser& parser, const char* data, std::size_t length,
                                      std::size_t capacity, bool& is_integer) {
    is_integer = false;
    od::document doc;
    if (parser.iterate(data, length, capacity).get(doc)) return std::nullopt;
    od::object root;
    if (doc.get_object().get(root)) return std::nullopt;
    for (auto field_result : root) {
        od::field field;
        if (std::move(field_result).get(field)) return std::nullopt;
        std::string_view key;
        if (field.unescaped_key().get(key)) return std::nullopt;
        if (key != "id") continue;  // the loop skips the unread value
        od::json_type type;
        if (field.value().type().get(type)) return std::nullopt;
        if (type == od::json_type::string) {
            std::string_view id;
            if (field.value().get_string().get(id)) return std::nullopt;
            return std::string(id);
        }
        if (type == od::json_type::number) {
            const std::string_view token = field.value().raw_json_token();
            od::number number;
            if (field.value().get_number().get(number) ||
                number.get_number_type() == od::number_type::floating_point_number)
                return std::nullopt;
            is_integer = true;
            return std::string(trim_json_whitespace(token));
        }
        return std::nullopt;
    }
    return std::nullopt;
}

// When the line is not even well-formed JSON (invalid UTF-8, an unclosed string...), no
// document can be read; an id written first, as the wire form shows it, is still echoed if
// it is intact: {"id":"c-9",... or {"id":42,...
std::optional<std::string> leading_id(std::string_view line, bool& is_integer) {
    is_integer = false;
    std::size_t i = 0;
    auto skip_space = [&] {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\n')) ++i;
    };
    skip_space();
    if (i >= line.size() || line[i++] != '{') return std::nullopt;
    skip_space();
    if (line.substr(i, 4) != "\"id\"") return std::nullopt;
    i += 4;
    skip_space();
    if (i >= line.size() || line[i++] != ':') return std::nullopt;
    skip_space();
    if (i < line.size() && line[i] == '"') {
        const std::size_t start = ++i;
        while (i < line.size() && line[i] != '"') {
            const auto c = static_cast<unsigned char>(line[i]);
            if (c == '\\' || c < 0x20) return std::nullopt;  // escapes and controls: not worth guessing
            ++i;
        }
        if (i >= line.size()) return std::nullopt;
        const std::string_view id = line.substr(start, i - start);
        if (!simdjson::validate_utf8(id.data(), id.size())) return std::nullopt;
        return std::string(id);
    }
    const std::size_t start = i;
    if (i < line.size() && line[i] == '-') ++i;
    const std::size_t digits = i;
    while (i < line.size() && line[i] >= '0' && line[i] <= '9') ++i;
    if (i == digits || i - digits > 19) return std::nullopt;
    skip_space();
    if (i >= line.size() || (line[i] != ',' && line[i] != '}')) return std::nullopt;
    is_integer = true;
    return std::string(trim_json_whitespace(line.substr(start, i - start)));
}

}  // namespace


struct record_json_parser::impl {
    const model::numbering_plan* plan;
    od::parser parser;
    // The line copied with SIMDJSON_PADDING readable bytes after it, as simdjson requires.
    // Grows to the longest line seen, then is reused: one memcpy per line, no allocation.
    std::unique_ptr<char[]> buffer;
    std::size_t buffer_capacity = 0;
    std::string name_scratch;  // reused by the reader to build extra-field names

    explicit impl(const model::numbering_plan& p) : plan(&p) {}

    void load(std::string_view line) {
        const std::size_t needed = line.size() + simdjson::SIMDJSON_PADDING;
        if (needed > buffer_capacity) {
            std::size_t capacity = buffer_capacity == 0 ? 4096 : buffer_capacity;
            while (capacity < needed) capacity *= 2;
            buffer = std::make_unique<char[]>(capacity);
            buffer_capacity = capacity;
        }
        if (!line.empty()) std::memcpy(buffer.get(), line.data(), line.size());
        // simdjson reads the padding; keep it deterministic.
        std::memset(buffer.get() + line.size(), 0, simdjson::SIMDJSON_PADDING);
    }

    parse_status parse(std::string_view line, std::int64_t received_at_ms, model::record& out, unparsed_numbers numbers) {
        out.clear();
        parse_status status;
        load(line);
        const std::string_view copy(buffer.get(), line.size());
        od::document doc;
        if (const auto error = parser.iterate(copy.data(), copy.size(), buffer_capacity).get(doc)) {
            // Stage 1 failures (UTF-8, unclosed strings, control characters, empty line)
            // leave no document to read an id from: only one written first is echoed.
            status.ok = false;
            status.error = parse_error::malformed_json;
            status.message = malformed_json_message(line, error, std::nullopt);
            status.id = leading_id(line, status.id_is_integer);
            return status;
        }
        record_reader reader(*plan, doc, copy, out, status, name_scratch, numbers);
        if (reader.read_document(received_at_ms)) return status;
        if (reader.id_was_read()) {
            status.id = out.id;
            status.id_is_integer = out.id_is_integer;
        } else {
            status.id = recover_id(parser, copy.data(), copy.size(), buffer_capacity, status.id_is_integer);
        }
        return status;
    }
};

record_json_parser::record_json_parser(const model::numbering_plan& plan)
    : impl_(std::make_unique<impl>(plan)) {}
record_json_parser::record_json_parser(record_json_parser&&) noexcept = default;
record_json_parser& record_json_parser::operator=(record_json_parser&&) noexcept = default;
record_json_parser::~record_json_parser() = default;

parse_status record_json_parser::parse(std::string_view line, std::int64_t received_at_ms,
                                       model::record& out, unparsed_numbers numbers) {
    return impl_->parse(line, received_at_ms, out, numbers);
}

}  // namespace ringfence::decode
