#include "decode/jsonl/record_reader.hpp"

#include <arpa/inet.h>

#include "model/brandname.hpp"
#include "model/dial_string.hpp"

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

std::string_view describe(model::normalize_error error) noexcept {
    switch (error) {
        case model::normalize_error::none:
            return "no error";
        case model::normalize_error::empty:
            return "empty";
        case model::normalize_error::bad_character:
            return "bad character";
        case model::normalize_error::too_long:
            return "too long";
        case model::normalize_error::too_short:
            return "too short";
        case model::normalize_error::bad_country_code:
            return "no country code begins with 0";
    }
    return "rejected";
}

std::string not_a_number(std::string_view field, model::normalize_error error) {
    return fmt::format("field '{}': not a telephone number: {}", field, describe(error));
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

// A well-formed time outside what the log can show.
std::string time_out_of_range(std::string_view shown) {
    return fmt::format("field 'time': {} is outside 1970-01-01T00:00:00Z .. 9999-12-31T23:59:59.999Z", shown);
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
    return finish(received_at_ms);
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
        rec_.id.assign(id);
        rec_.id_is_integer = false;
    } else if (type == od::json_type::number) {
        // An integer id is kept as the decimal text the sender wrote.
        std::string_view token;
        od::number number;
        if (!values_.read_number_token(v, "id", token, number)) return false;
        if (number.get_number_type() == od::number_type::floating_point_number)
            return values_.fail(parse_error::wrong_type,
                                "field 'id': expected a string or an integer, got a number with a "
                                "fraction or exponent");
        rec_.id.assign(token);
        rec_.id_is_integer = true;
    } else {
        return values_.fail_wrong_type("id", "a string or an integer", type);
    }
    has_id_ = true;
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
    rec_.kind = *kind;
    has_kind_ = true;
    return true;
}

bool record_reader::read_time(value& v) {
    od::json_type type;
    const got g = values_.read_type(v, type);
    if (g != got::value) return g == got::absent;
    std::int64_t ms = -1;
    if (type == od::json_type::string) {
        std::string_view text;
        if (values_.read_string(v, "time", text) == got::failed) return false;
        const auto parsed = parse_rfc3339_ms(text);
        if (!parsed) return values_.fail(parse_error::bad_value, bad_time(echoed(text)));
        ms = *parsed;
        // Before 1970 or after 9999 the decision log cannot show the time as RFC 3339.
        if (ms < model::rfc3339_min_epoch_ms || ms > model::rfc3339_max_epoch_ms)
            return values_.fail(parse_error::bad_value, time_out_of_range(echoed(text)));
    } else if (type == od::json_type::number) {
        std::string_view token;
        od::number number;
        if (!values_.read_number_token(v, "time", token, number)) return false;
        const bool integer = number.get_number_type() == od::number_type::signed_integer;
        if (integer) ms = number.get_int64();
        // The upper bound also catches microseconds or nanoseconds sent by mistake.
        if (ms < model::rfc3339_min_epoch_ms || ms > model::rfc3339_max_epoch_ms)
            return values_.fail(parse_error::bad_value, !integer ? bad_time(token)
                                                        : ms > model::rfc3339_max_epoch_ms
                                                            ? fmt::format("field 'time': {} is after 9999 as epoch milliseconds (microseconds sent by mistake?)", token)
                                                            : time_out_of_range(token));
    } else {
        return values_.fail_wrong_type("time", "a string or an integer", type);
    }
    rec_.time_ms = ms;
    has_time_ = true;
    return true;
}

bool record_reader::read_number(value& v, std::string_view field, model::number_info& out) {
    std::string_view raw;
    const got g = values_.read_string(v, field, raw);
    if (g != got::value) return g == got::absent;
    const model::normalize_error error = plan_.normalize(raw, out);
    if (error != model::normalize_error::none)
        return values_.fail(parse_error::bad_number, not_a_number(field, error));
    return true;
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
                if (!read_string_into(field, name, rec_.origin.ip)) return false;
                // Rules match it against CIDR lists and the country database: it must be an
                // address, written as one (IPv4 dotted quad or IPv6).
                unsigned char address[16];
                if (!rec_.origin.ip.empty() && ::inet_pton(AF_INET, rec_.origin.ip.c_str(), address) != 1 &&
                    ::inet_pton(AF_INET6, rec_.origin.ip.c_str(), address) != 1)
                    return values_.fail(parse_error::bad_value, fmt::format("field 'origin.ip': not an IP address: {}", echoed(rec_.origin.ip)));
                return true;
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
        if (ms < 0)
            return values_.fail(parse_error::bad_value,
                                fmt::format("field '{}': must not be negative, got {}", name, ms));
        (index == c_ring_ms ? rec_.call.ring_ms : rec_.call.talk_ms) = ms;
        return true;
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
                if (sender_got == got::value) {
                    rec_.sms.sender.assign(text);
                    rec_.sms.sender_is_alpha = model::holds_letter(text);
                    has_sender_ = true;
                }
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
                sender_alphanumeric_ = flag;
                return true;
            }
            default: {
                std::int64_t parts = 1;
                const got parts_got = values_.read_integer(field, name, parts);
                if (parts_got != got::value) return parts_got == got::absent;
                if (parts < 1 || parts > 255)
                    return values_.fail(
                        parse_error::bad_value,
                        fmt::format("field 'sms.parts': must be between 1 and 255, got {}", parts));
                rec_.sms.parts = parts;
                return true;
            }
        }
    });
}

bool record_reader::finish(std::int64_t received_at_ms) {
    if (!has_id_) return values_.fail(parse_error::missing_field, "field 'id': missing");
    if (!has_kind_) return values_.fail(parse_error::missing_field, "field 'kind': missing");
    if (!rec_.callee.present)
        return values_.fail(parse_error::missing_field, "field 'callee': missing");
    bool caller_from_sender = false;
    // A brandname as the operator registered it: the SMSC marked it alphanumeric (SMPP TON
    // 5), whatever it holds ("Tiki*", "12345"); or, unmarked, letters with diacritics
    // ("ViệtBank"). Unmarked ASCII punctuation ("a_b!") is still refused: nothing says it
    // is not a mistyped number.
    const bool sender_is_brandname =
        has_sender_ && model::is_brandname_text(rec_.sms.sender) &&
        (sender_alphanumeric_ || model::is_unmarked_brandname_with_diacritics(rec_.sms.sender));
    if (!rec_.caller.present) {
        const bool sms = model::is_sms(rec_.kind);
        if (sms && sender_is_brandname) {
            rec_.caller.clear();
            rec_.caller.present = true;
            rec_.caller.raw = rec_.sms.sender;
            rec_.caller.type = model::number_type::alphanumeric;
            caller_from_sender = true;
        } else if (sms && has_sender_) {
            // The SMSC gave only the sender (often a brandname): it is the caller.
            const model::normalize_error error = plan_.normalize(rec_.sms.sender, rec_.caller);
            if (error != model::normalize_error::none)
                return values_.fail(parse_error::bad_number, not_a_number("sms.sender", error));
            caller_from_sender = true;
        } else {
            return values_.fail(parse_error::missing_field,
                                fmt::format("field 'caller': missing (required for {}{})",
                                            model::to_string(rec_.kind),
                                            sms ? " unless sms.sender is present" : ""));
        }
    }
    if (sender_alphanumeric_) rec_.sms.sender_is_alpha = true;
    if (has_sender_ && !sender_is_brandname) {
        // The sender is checked whether or not it stands in for the caller, so the same
        // sender is not refused in one record and taken in the next.
        if (const model::normalize_error error = model::dial_string::scan(rec_.sms.sender).error(); error != model::normalize_error::none)
            return values_.fail(parse_error::bad_number, not_a_number("sms.sender", error));
    }
    const char* caller_field = caller_from_sender ? "sms.sender" : "caller";
    for (const auto& [name, number] : {std::pair<const char*, const model::number_info*>{caller_field, &rec_.caller}, {"callee", &rec_.callee},
                                     {"asserted", &rec_.asserted}, {"diversion", &rec_.diversion}}) {
        // A sender the SMSC marked alphanumeric is what it says, digits and all ("12345").
        if (number == &rec_.caller && caller_from_sender && sender_alphanumeric_) continue;
        if (number->present && model::looks_like_mistyped_number(*number))
            return values_.fail(parse_error::bad_number,
                                fmt::format("field '{}': not a telephone number: '{}' mixes letters and digits", name, number->raw));
    }
    if (!has_time_) {
        rec_.time_ms = received_at_ms;
        rec_.time_from_receipt = true;
    }
    return true;
}

}  // namespace ringfence::decode
