#include "decode/jsonl/record_reader.hpp"

#include <fmt/format.h>

#include <array>

#include "decode/jsonl/rfc3339.hpp"
#include "model/time_format.hpp"

namespace ringfence::decode {

namespace od = simdjson::ondemand;

namespace {

// Each object's defined fields; the index is the field's bit in that object's "seen" mask.
// The *_names arrays are the names messages use.
enum top_field : int {
    f_id,
    f_kind,
    f_time,
    f_caller,
    f_callee,
    f_asserted,
    f_diversion,
    f_origin,
    f_call,
    f_sms
};
constexpr std::array<std::string_view, 10> top_fields{
    "id", "kind", "time", "caller", "callee", "asserted", "diversion", "origin", "call", "sms"};

enum origin_field : int { o_kind, o_trunk, o_ip, o_user_agent };
constexpr std::array<std::string_view, 4> origin_fields{"kind", "trunk", "ip", "user_agent"};
constexpr std::array<std::string_view, 4> origin_names{"origin.kind", "origin.trunk", "origin.ip",
                                                       "origin.user_agent"};

enum call_field : int { c_ring_ms, c_talk_ms, c_cause };
constexpr std::array<std::string_view, 3> call_fields{"ring_ms", "talk_ms", "cause"};
constexpr std::array<std::string_view, 3> call_names{"call.ring_ms", "call.talk_ms", "call.cause"};

enum sms_field : int { s_sender, s_text, s_parts, s_sender_alphanumeric };
constexpr std::array<std::string_view, 4> sms_fields{"sender", "text", "parts", "sender_alphanumeric"};
constexpr std::array<std::string_view, 4> sms_names{"sms.sender", "sms.text", "sms.parts", "sms.sender_alphanumeric"};

// Keys are a few bytes long: comparing them inline beats a library memcmp call per
// candidate, which showed up as the largest single cost of a call record.
bool same_key(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i] != b[i]) return false;
    return true;
}

template <std::size_t N>
int field_index(const std::array<std::string_view, N>& names, std::string_view key) noexcept {
    for (std::size_t i = 0; i < N; ++i)
        if (same_key(names[i], key)) return static_cast<int>(i);
    return -1;
}

const std::string& event_kind_list() {
    static const std::string list = [] {
        std::string s;
        for (int i = 0; i < model::event_kind_count; ++i) {
            if (i > 0) s += ", ";
            s += model::to_string(static_cast<model::event_kind>(i));
        }
        return s;
    }();
    return list;
}

const std::string& origin_kind_list() {
    static const std::string list = [] {
        std::string s;
        for (int i = 1; i <= static_cast<int>(model::origin_kind::ott); ++i) {
            if (i > 1) s += ", ";
            s += model::to_string(static_cast<model::origin_kind>(i));
        }
        return s;
    }();
    return list;
}

std::string bad_time(std::string_view shown) {
    return fmt::format("field 'time': not RFC 3339 or epoch milliseconds: {}", shown);
}


}  // namespace

bool record_reader::first_time(std::uint32_t& seen, int bit, std::string_view name) {
    const std::uint32_t mask = std::uint32_t{1} << bit;
    if ((seen & mask) != 0)
        return values_.fail(parse_error::bad_value,
                            fmt::format("field '{}': appears more than once", name));
    seen |= mask;
    return true;
}

bool record_reader::read_document(std::int64_t received_at_ms) {
    od::json_type type;
    if (const auto error = doc_.type().get(type)) return values_.fail_json(error);
    if (type != od::json_type::object) {
        // Point at the top-level value itself, not at the start of the line.
        const char* start = nullptr;
        if (doc_.current_location().get(start)) start = nullptr;
        return values_.fail_not_object(type, start);
    }
    od::object root;
    if (const auto error = doc_.get_object().get(root)) return values_.fail_json(error);
    std::uint32_t seen = 0;
    const bool read = values_.walk_object(
        root, [&](std::string_view key, value& v) { return read_top_level_field(key, v, seen); });
    if (!read) return false;
    // After the closing brace only whitespace may follow: the iterator must be at the end.
    const char* rest = nullptr;
    if (!doc_.current_location().get(rest))
        return values_.fail_json(simdjson::TRAILING_CONTENT, rest);
    return build_.finish(received_at_ms);
}

bool record_reader::read_top_level_field(std::string_view key, value& v, std::uint32_t& seen) {
    const int index = field_index(top_fields, key);
    if (index < 0) return values_.keep_extra(rec_.extra, {}, key, v);
    if (!first_time(seen, index, top_fields[static_cast<std::size_t>(index)])) return false;
    switch (index) {
        case f_id:
            return read_id(v);
        case f_kind:
            return read_kind(v);
        case f_time:
            return read_time(v);
        case f_caller:
            return read_number(v, "caller", rec_.caller);
        case f_callee:
            return read_number(v, "callee", rec_.callee);
        case f_asserted:
            return read_number(v, "asserted", rec_.asserted);
        case f_diversion:
            return read_number(v, "diversion", rec_.diversion);
        case f_origin:
            return read_origin(v);
        case f_call:
            return read_call(v);
        default:
            return read_sms(v);
    }
}

bool record_reader::read_id(value& v) {
    od::json_type type;
    const got g = values_.read_type(v, type);
    if (g != got::value) return g == got::absent;
    if (type == od::json_type::string) {
        std::string_view id;
        if (values_.read_string(v, "id", id) == got::failed) return false;
        build_.id(id, false);
    } else if (type == od::json_type::number) {
        // An integer id is kept as the decimal text the sender wrote.
        std::string_view token;
        od::number number;
        if (!values_.read_number_token(v, "id", token, number)) return false;
        if (number.get_number_type() == od::number_type::floating_point_number)
            return values_.fail(parse_error::wrong_type,
                                "field 'id': expected a string or an integer, got a number with a "
                                "fraction or exponent");
        build_.id(token, true);
    } else {
        return values_.fail_wrong_type("id", "a string or an integer", type);
    }
    return true;
}

bool record_reader::read_kind(value& v) {
    std::string_view text;
    const got g = values_.read_string(v, "kind", text);
    if (g != got::value) return g == got::absent;
    const auto kind = model::parse_event_kind(text);
    if (!kind)
        return values_.fail(parse_error::unknown_kind,
                            fmt::format("field 'kind': unknown event kind {} (expected {})",
                                        echoed(text), event_kind_list()));
    build_.kind(*kind);
    return true;
}

bool record_reader::read_time(value& v) {
    od::json_type type;
    const got g = values_.read_type(v, type);
    if (g != got::value) return g == got::absent;
    if (type == od::json_type::string) {
        std::string_view text;
        if (values_.read_string(v, "time", text) == got::failed) return false;
        const auto parsed = parse_rfc3339_ms(text);
        if (!parsed) return values_.fail(parse_error::bad_value, bad_time(echoed(text)));
        // Before 1970 or after 9999 the decision log cannot show the time as RFC 3339.
        if (*parsed < model::rfc3339_min_epoch_ms || *parsed > model::rfc3339_max_epoch_ms)
            return values_.fail(parse_error::bad_value, time_out_of_range_message(echoed(text)));
        build_.time(*parsed);
        return true;
    }
    if (type == od::json_type::number) {
        std::string_view token;
        od::number number;
        if (!values_.read_number_token(v, "time", token, number)) return false;
        if (number.get_number_type() != od::number_type::signed_integer) return values_.fail(parse_error::bad_value, bad_time(token));
        return build_.epoch_ms(number.get_int64(), token);
    }
    return values_.fail_wrong_type("time", "a string or an integer", type);
}

bool record_reader::read_number(value& v, std::string_view field, model::number_info& out) {
    od::json_type type;
    if (values_.read_type(v, type) == got::value && type != od::json_type::string) {
        // A JSON number's digits as written, whatever its size (not parsed: a caller of 25
        // digits is as unreadable as one of 5, and as keepable).
        const std::string_view token = type == od::json_type::number ? trim_json_whitespace(v.raw_json_token()) : std::string_view();
        if (build_.unreadable_number(token, out)) return true;  // with unparsed numbers kept
    }
    std::string_view raw;
    const got g = values_.read_string(v, field, raw);
    if (g != got::value) return g == got::absent;
    return build_.number(field, raw, out);
}

bool record_reader::read_string_into(value& v, std::string_view field, std::string& out) {
    std::string_view text;
    const got g = values_.read_string(v, field, text);
    if (g == got::value) out.assign(text);
    return g != got::failed;
}

bool record_reader::read_origin(value& v) {
    od::object object;
    const got g = values_.read_object(v, "origin", object);
    if (g != got::value) return g == got::absent;
    std::uint32_t seen = 0;
    return values_.walk_object(object, [&](std::string_view key, value& field) {
        const int index = field_index(origin_fields, key);
        if (index < 0) return values_.keep_extra(rec_.extra, "origin", key, field);
        const std::string_view name = origin_names[static_cast<std::size_t>(index)];
        if (!first_time(seen, index, name)) return false;
        switch (index) {
            case o_kind: {
                std::string_view text;
                const got kind_got = values_.read_string(field, name, text);
                if (kind_got != got::value) return kind_got == got::absent;
                const auto kind = model::parse_origin_kind(text);
                if (!kind)
                    return values_.fail(
                        parse_error::bad_value,
                        fmt::format("field 'origin.kind': unknown origin kind {} (expected {})",
                                    echoed(text), origin_kind_list()));
                rec_.origin.kind = *kind;
                return true;
            }
            case o_trunk:
                return read_string_into(field, name, rec_.origin.trunk);
            case o_ip: {
                std::string_view ip;
                const got ip_got = values_.read_string(field, name, ip);
                if (ip_got != got::value) return ip_got != got::failed;
                return build_.origin_ip(ip);
            }
            default:
                return read_string_into(field, name, rec_.origin.user_agent);
        }
    });
}

bool record_reader::read_call(value& v) {
    od::object object;
    const got g = values_.read_object(v, "call", object);
    if (g != got::value) return g == got::absent;
    rec_.call.present = true;
    std::uint32_t seen = 0;
    return values_.walk_object(object, [&](std::string_view key, value& field) {
        const int index = field_index(call_fields, key);
        if (index < 0) return values_.keep_extra(rec_.extra, "call", key, field);
        const std::string_view name = call_names[static_cast<std::size_t>(index)];
        if (!first_time(seen, index, name)) return false;
        if (index == c_cause) return read_string_into(field, name, rec_.call.cause);
        std::int64_t ms = 0;
        const got ms_got = values_.read_integer(field, name, ms);
        if (ms_got != got::value) return ms_got == got::absent;
        return build_.call_ms(name, ms, index == c_ring_ms ? rec_.call.ring_ms : rec_.call.talk_ms);
    });
}

bool record_reader::read_sms(value& v) {
    od::object object;
    const got g = values_.read_object(v, "sms", object);
    if (g != got::value) return g == got::absent;
    rec_.sms.present = true;
    std::uint32_t seen = 0;
    return values_.walk_object(object, [&](std::string_view key, value& field) {
        const int index = field_index(sms_fields, key);
        if (index < 0) return values_.keep_extra(rec_.extra, "sms", key, field);
        const std::string_view name = sms_names[static_cast<std::size_t>(index)];
        if (!first_time(seen, index, name)) return false;
        switch (index) {
            case s_sender: {
                std::string_view text;
                const got sender_got = values_.read_string(field, name, text);
                if (sender_got == got::value) build_.sms_sender(text);
                return sender_got != got::failed;
            }
            case s_text:
                return read_string_into(field, name, rec_.sms.text);
            case s_sender_alphanumeric: {
                // What the SMSC's address type said (SMPP TON 5): a sender of digits only may
                // still be a brandname.
                od::json_type type;
                const got type_got = values_.read_type(field, type);
                if (type_got != got::value) return type_got == got::absent;
                if (type != od::json_type::boolean) return values_.fail_wrong_type(name, "true or false", type);
                bool flag = false;
                if (const auto error = field.get_bool().get(flag)) return values_.fail_json(error);
                build_.sender_alphanumeric(flag);
                return true;
            }
            default: {
                std::int64_t parts = 1;
                const got parts_got = values_.read_integer(field, name, parts);
                if (parts_got != got::value) return parts_got == got::absent;
                return build_.sms_parts(parts);
            }
        }
    });
}

}  // namespace ringfence::decode
