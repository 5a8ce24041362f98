#include "decode/sip/call_record_line.hpp"

#include "common/find_any.hpp"
#include "common/json_writer.hpp"

namespace ringfence::decode::sip {

namespace {

void append_field(std::string& out, std::string_view name, std::string_view value, bool& first) {
    if (value.empty()) return;
    if (!first) out += ',';
    first = false;
    out += '"';
    out += name;
    out += "\":";
    common::append_json_string(out, value);
}

void append_number(std::string& out, std::string_view name, std::int64_t value, bool& first) {
    if (!first) out += ',';
    first = false;
    out += '"';
    out += name;
    out += "\":";
    common::append_json_int(out, value);
}

}  // namespace

std::string_view unfolded_header_value(std::string_view value, std::string& scratch) {
    if (common::find_any(value, "\r\n") == std::string_view::npos) return value;
    scratch.clear();
    bool blank = false;
    for (const char c : value) {
        const bool is_blank = c == ' ' || c == '\t' || c == '\r' || c == '\n';
        if (is_blank && !blank) scratch.push_back(' ');
        if (!is_blank) scratch.push_back(c);
        blank = is_blank;
    }
    return scratch;
}

void append_record_line(std::string& out, const call_event& e) {
    bool first = true;
    out += '{';
    out += "\"id\":";
    common::append_json_string(out, e.call_id);
    out += ",\"kind\":";
    common::append_json_string(out, model::to_string(e.kind));
    out += ",\"time\":";
    common::append_json_int(out, e.time_us / 1000);
    first = false;
    const bool sms = model::is_sms(e.kind);
    if (!sms) append_field(out, "caller", e.caller, first);
    append_field(out, "callee", e.callee, first);
    append_field(out, "asserted", e.asserted, first);
    append_field(out, "diversion", e.diversion, first);

    out += ",\"origin\":{";
    bool inner = true;
    append_field(out, "kind", model::to_string(e.origin_kind), inner);
    append_field(out, "trunk", e.trunk, inner);
    append_field(out, "ip", e.origin_ip, inner);
    thread_local std::string scratch;
    append_field(out, "user_agent", unfolded_header_value(e.user_agent, scratch), inner);
    out += '}';

    if (e.ring_ms || e.talk_ms || !e.cause.empty()) {
        out += ",\"call\":{";
        inner = true;
        if (e.ring_ms) append_number(out, "ring_ms", *e.ring_ms, inner);
        if (e.talk_ms) append_number(out, "talk_ms", *e.talk_ms, inner);
        append_field(out, "cause", e.cause, inner);
        out += '}';
    }
    if (sms) {
        out += ",\"sms\":{";
        inner = true;
        append_field(out, "sender", e.caller, inner);
        append_field(out, "text", e.sms_text, inner);
        out += '}';
    }
    out += '}';
}

}  // namespace ringfence::decode::sip
