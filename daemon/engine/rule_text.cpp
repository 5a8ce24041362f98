#include "engine/rule_text.hpp"

#include <fmt/format.h>

namespace ringfence::engine {

namespace {


const char* text_op_name(condition::text_op op) {
    switch (op) {
        case condition::text_op::startswith: return "startswith";
        case condition::text_op::endswith: return "endswith";
        case condition::text_op::contains: return "contains";
        case condition::text_op::icontains: return "icontains";
        case condition::text_op::matches: return "matches";
    }
    return "?";
}

std::string operand_text(const compiled_ruleset& rs, const operand& o) {
    switch (o.k) {
        case operand::kind::field: return o.field.name();
        case operand::kind::number: return fmt::format("{}", o.number);
        case operand::kind::text: return fmt::format("\"{}\"", o.text);
        case operand::kind::boolean: return o.boolean ? "true" : "false";
        case operand::kind::aggregate: return rs.aggregates[o.aggregate].fingerprint;
    }
    return "?";
}

// Appends the UTF-8 encoding of cp.
void put_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

std::uint32_t lower_code_point(std::uint32_t cp) {
    if (cp >= 'A' && cp <= 'Z') return cp + 32;
    if ((cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)) return cp + 32;  // Latin-1 capitals
    if (cp >= 0x100 && cp <= 0x17F) {                               // Latin Extended-A: pairs, capital even
        if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) return (cp % 2 == 1) ? cp + 1 : cp;
        return (cp % 2 == 0) ? cp + 1 : cp;
    }
    if (cp == 0x1A0 || cp == 0x1AF) return cp + 1;                   // Ơ Ư
    if (cp >= 0x1EA0 && cp <= 0x1EF9) return (cp % 2 == 0) ? cp + 1 : cp;  // Vietnamese: capital even
    if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) return cp + 32;  // Greek
    if (cp >= 0x410 && cp <= 0x42F) return cp + 32;                 // Cyrillic
    if (cp >= 0x400 && cp <= 0x40F) return cp + 80;
    return cp;
}

}  // namespace

std::string describe(const compiled_ruleset& rs, std::uint32_t idx) {
    if (idx == no_node) return "";
    const node& n = rs.nodes[idx];
    switch (n.o) {
        case node::op::and_:
        case node::op::or_: {
            std::string s = "(";
            for (std::size_t i = 0; i < n.children.size(); ++i) {
                if (i) s += n.o == node::op::and_ ? " and " : " or ";
                s += describe(rs, n.children[i]);
            }
            return s + ")";
        }
        case node::op::not_: return "not " + describe(rs, n.children[0]);
        case node::op::compare: return fmt::format("{} {} {}", operand_text(rs, n.lhs), condition::to_string(n.cmp), operand_text(rs, n.rhs));
        case node::op::in_values: {
            std::string s = operand_text(rs, n.lhs) + " in (";
            bool first = true;
            for (const auto& v : n.text_values) {
                s += (first ? "\"" : ", \"") + v + "\"";
                first = false;
            }
            for (double v : n.number_values) {
                s += (first ? "" : ", ") + fmt::format("{}", v);
                first = false;
            }
            return s + ")";
        }
        case node::op::in_list: return fmt::format("{} in list {}", operand_text(rs, n.lhs), rs.lists[n.list]->name());
        case node::op::text_test: return fmt::format("{} {} \"{}\"", operand_text(rs, n.lhs), text_op_name(n.top), n.rhs.text);
        case node::op::matches: return fmt::format("{} matches \"{}\"", operand_text(rs, n.lhs), rs.regexes[n.regex] ? "…" : "");
        case node::op::exists: return operand_text(rs, n.lhs) + " exists";
        case node::op::bool_field: return operand_text(rs, n.lhs);
        case node::op::time_between: return fmt::format("time.between({:02}:{:02}, {:02}:{:02})", n.from_minutes / 60, n.from_minutes % 60,
                                                        n.to_minutes / 60, n.to_minutes % 60);
        case node::op::constant: return n.constant ? "true" : "false";
    }
    return "?";
}

std::string format_duration(std::int64_t ms) {
    if (ms % 86400000 == 0) return fmt::format("{}d", ms / 86400000);
    if (ms % 3600000 == 0) return fmt::format("{}h", ms / 3600000);
    if (ms % 60000 == 0) return fmt::format("{}m", ms / 60000);
    if (ms % 1000 == 0) return fmt::format("{}s", ms / 1000);
    return fmt::format("{}ms", ms);
}

void lower_text_into(std::string_view s, std::string& out) {
    out.clear();
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b < 0x80) {
            out.push_back(static_cast<char>(b >= 'A' && b <= 'Z' ? b + 32 : b));
            ++i;
            continue;
        }
        std::uint32_t cp = 0;
        std::size_t len = 0;
        if ((b & 0xE0) == 0xC0) { cp = b & 0x1F; len = 2; }
        else if ((b & 0xF0) == 0xE0) { cp = b & 0x0F; len = 3; }
        else { out.push_back(static_cast<char>(b)); ++i; continue; }
        if (i + len > s.size()) { out.append(s.substr(i)); break; }
        bool ok = true;
        for (std::size_t k = 1; k < len; ++k) {
            const auto c = static_cast<unsigned char>(s[i + k]);
            if ((c & 0xC0) != 0x80) ok = false;
            cp = (cp << 6) | (c & 0x3F);
        }
        if (!ok) { out.push_back(static_cast<char>(b)); ++i; continue; }
        put_utf8(out, lower_code_point(cp));
        i += len;
    }
}

std::string lower_text(std::string_view s) {
    std::string out;
    lower_text_into(s, out);
    return out;
}

bool parse_reason(const std::string& text, std::vector<reason_part>& out, std::string& why) {
    out.clear();
    std::string literal;
    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') { literal += '{'; i += 2; continue; }
        if (c == '}' && i + 1 < text.size() && text[i + 1] == '}') { literal += '}'; i += 2; continue; }
        if (c == '}') { why = fmt::format("unbalanced '}}' at position {} of the reason", i + 1); return false; }
        if (c != '{') { literal += c; ++i; continue; }
        const auto close = text.find('}', i);
        if (close == std::string::npos) { why = fmt::format("'{{' at position {} of the reason is not closed", i + 1); return false; }
        const std::string name = text.substr(i + 1, close - i - 1);
        auto f = find_field(name);
        if (!f) { why = fmt::format("the reason names unknown field '{}'", name); return false; }
        if (!literal.empty()) out.push_back({false, std::move(literal), {}});
        literal.clear();
        out.push_back({true, {}, *f});
        i = close + 1;
    }
    if (!literal.empty()) out.push_back({false, std::move(literal), {}});
    return true;
}

}  // namespace ringfence::engine
