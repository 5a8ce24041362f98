// The reply lines of the JSON-lines protocol. Field order is fixed (clients may compare
// lines byte for byte in tests); every string goes through append_json_string, so ids,
// reasons and messages holding quotes, control characters or invalid UTF-8 still give
// one valid JSON line.
#include "output/reply_json.hpp"

#include "common/json_writer.hpp"

namespace ringfence::output {

void append_decision_line(std::string& out, std::string_view id, const engine::decision& d,
                          std::int64_t latency_us, bool id_is_integer) {
    out.append("{\"id\":");
    if (id_is_integer) {
        out.append(id);  // the digits the parser accepted as a JSON integer
    } else {
        common::append_json_string(out, id);
    }
    out.append(",\"action\":");
    common::append_json_string(out, engine::to_string(d.final_action));
    out.append(",\"rules\":[");
    bool first = true;
    for (const engine::matched_rule& rule : d.rules) {
        if (!first) out.push_back(',');
        first = false;
        out.append("{\"rule\":");
        common::append_json_string(out, rule.rule);
        out.append(",\"priority\":");
        common::append_json_string(out, rule.priority);
        out.append(",\"action\":");
        common::append_json_string(out, engine::to_string(rule.rule_action));
        if (rule.shadow) out.append(",\"shadow\":true");
        out.append(",\"reason\":");
        common::append_json_string(out, rule.reason);
        // Evidence is the engine's JSON object (aggregate values, list entries); an empty
        // one is left out to keep replies short.
        if (!rule.evidence_json.empty() && rule.evidence_json != "{}") {
            out.append(",\"evidence\":");
            out.append(rule.evidence_json);
        }
        out.push_back('}');
    }
    out.append("],\"latency_us\":");
    common::append_json_int(out, latency_us);
    out.append("}\n");
}

void append_error_line(std::string& out, const std::string* id, std::string_view code,
                       std::string_view message, bool id_is_integer) {
    out.append("{\"id\":");
    if (id != nullptr && id_is_integer) {
        out.append(*id);
    } else if (id != nullptr) {
        common::append_json_string(out, *id);
    } else {
        out.append("null");
    }
    out.append(",\"error\":{\"code\":");
    common::append_json_string(out, code);
    out.append(",\"message\":");
    common::append_json_string(out, message);
    out.append("}}\n");
}

void append_error_for_decision_line(std::string& out, std::string_view decision_line, std::string_view code,
                                    std::string_view message) {
    // {"id":<JSON>,"action":… : inside a JSON string every quote is escaped, so the first
    // ,"action": ends the id, whatever it holds.
    constexpr std::string_view head = "{\"id\":";
    const std::size_t end = decision_line.find(",\"action\":");
    const std::string_view id_json = decision_line.rfind(head, 0) == 0 && end != std::string_view::npos
                                         ? decision_line.substr(head.size(), end - head.size())
                                         : std::string_view("null");
    out.append(head);
    out.append(id_json);
    out.append(",\"error\":{\"code\":");
    common::append_json_string(out, code);
    out.append(",\"message\":");
    common::append_json_string(out, message);
    out.append("}}\n");
}

}  // namespace ringfence::output
