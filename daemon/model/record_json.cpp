#include "model/record_json.hpp"

#include <string_view>

#include "common/json_writer.hpp"
#include "model/time_format.hpp"

namespace ringfence::model {

namespace {

using common::append_json_int;
using common::append_json_string;

void append_bool(std::string& out, bool v) { out.append(v ? "true" : "false"); }

void append_string_or_null(std::string& out, std::string_view s) {
    if (s.empty())
        out.append("null");
    else
        append_json_string(out, s);
}

// ,"name":{…} for a number the record carried; nothing for one it did not.
void append_number(std::string& out, std::string_view key, const number_info& n) {
    if (!n.present) return;
    out.append(",\"");
    out.append(key);
    out.append("\":{\"raw\":");
    append_json_string(out, n.raw);
    out.append(",\"e164\":");
    append_string_or_null(out, n.e164);
    out.append(",\"country\":");
    append_string_or_null(out, n.country);
    out.append(",\"type\":");
    append_json_string(out, to_string(n.type));
    out.append(",\"is_home\":");
    append_bool(out, n.is_home);
    out.push_back('}');
}

void append_origin(std::string& out, const origin_info& o) {
    const std::string_view kind = to_string(o.kind);
    if (kind.empty() && o.trunk.empty() && o.ip.empty() && o.user_agent.empty()) return;
    out.append(",\"origin\":{");
    bool first = true;
    auto field = [&](std::string_view key, std::string_view value) {
        if (value.empty()) return;
        if (!first) out.push_back(',');
        first = false;
        out.push_back('"');
        out.append(key);
        out.append("\":");
        append_json_string(out, value);
    };
    field("kind", kind);
    field("trunk", o.trunk);
    field("ip", o.ip);
    field("user_agent", o.user_agent);
    out.push_back('}');
}

void append_optional_int(std::string& out, const std::optional<std::int64_t>& v) {
    if (v)
        append_json_int(out, *v);
    else
        out.append("null");
}

void append_call(std::string& out, const call_info& c) {
    if (!c.present) return;
    out.append(",\"call\":{\"ring_ms\":");
    append_optional_int(out, c.ring_ms);
    out.append(",\"talk_ms\":");
    append_optional_int(out, c.talk_ms);
    out.append(",\"cause\":");
    append_string_or_null(out, c.cause);
    out.push_back('}');
}

void append_sms(std::string& out, const sms_info& s, bool with_text) {
    if (!s.present) return;
    out.append(",\"sms\":{\"sender\":");
    append_json_string(out, s.sender);
    out.append(",\"sender_is_alpha\":");
    append_bool(out, s.sender_is_alpha);
    if (with_text) {
        out.append(",\"text\":");
        append_json_string(out, s.text);
    } else {
        out.append(",\"text\":null,\"text_bytes\":");
        append_json_int(out, static_cast<std::int64_t>(s.text.size()));
    }
    out.append(",\"parts\":");
    append_json_int(out, s.parts);
    out.push_back('}');
}

// The names of the extra fields, not their values.
void append_extra_names(std::string& out, const std::vector<extra_field>& extra) {
    if (extra.empty()) return;
    out.append(",\"extra_withheld\":[");
    for (std::size_t i = 0; i < extra.size(); ++i) {
        if (i > 0) out.push_back(',');
        append_json_string(out, extra[i].name);
    }
    out.push_back(']');
}

void append_extra(std::string& out, const std::vector<extra_field>& extra) {
    if (extra.empty()) return;
    out.append(",\"extra\":{");
    bool first = true;
    for (const extra_field& f : extra) {
        if (!first) out.push_back(',');
        first = false;
        append_json_string(out, f.name);
        out.push_back(':');
        if (f.type == extra_field::json_type::string)
            append_json_string(out, f.text);
        else if (f.text.empty())
            out.append("null");  // keep the object valid even if a decoder left the text empty
        else
            out.append(f.text);  // already JSON text, kept as it came
    }
    out.push_back('}');
}

}  // namespace

void append_record_json(std::string& out, const record& r, bool with_content) {
    out.append("{\"id\":");
    // An id the sender gave as a JSON integer stays one, as the reply echoes it.
    if (r.id_is_integer) out.append(r.id);
    else append_json_string(out, r.id);
    out.append(",\"kind\":");
    append_json_string(out, to_string(r.kind));
    out.append(",\"time\":\"");
    append_rfc3339_utc(out, r.time_ms);
    out.append("\",\"time_ms\":");
    append_json_int(out, r.time_ms);
    out.append(",\"time_from_receipt\":");
    append_bool(out, r.time_from_receipt);
    if (r.time_sent_ms != 0) {
        out.append(",\"time_sent\":\"");
        append_rfc3339_utc(out, r.time_sent_ms);
        out.push_back('"');
    }
    append_number(out, "caller", r.caller);
    append_number(out, "callee", r.callee);
    append_number(out, "asserted", r.asserted);
    append_number(out, "diversion", r.diversion);
    append_origin(out, r.origin);
    append_call(out, r.call);
    append_sms(out, r.sms, with_content);
    if (with_content)
        append_extra(out, r.extra);
    else
        append_extra_names(out, r.extra);
    out.push_back('}');
}

}  // namespace ringfence::model
