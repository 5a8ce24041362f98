#include "engine/rule_text.hpp"

#include <fmt/format.h>

#include <cstring>

#include "common/ascii_run.hpp"
#include "engine/regex_matcher.hpp"

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
        case operand::kind::field:
            if (o.except_list != operand::no_except) return fmt::format("{} except {}", o.field.name(), rs.lists[o.except_list]->name());
            return o.field.name();
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

// A lower-case Vietnamese vowel and a combining mark that compose into one letter (NFC),
// generated with Python's unicodedata over a, e, i, o, u, y and what they compose into, so
// text written decomposed (NFD: "e" U+0302 U+0309) reads as the composed "ể".
struct composition {
    std::uint16_t base, mark, composed;
};
constexpr composition compositions[] = {
    {0x0061, 0x0300, 0x00E0},
    {0x0061, 0x0301, 0x00E1},
    {0x0061, 0x0302, 0x00E2},
    {0x0061, 0x0303, 0x00E3},
    {0x0061, 0x0306, 0x0103},
    {0x0061, 0x0309, 0x1EA3},
    {0x0061, 0x0323, 0x1EA1},
    {0x0065, 0x0300, 0x00E8},
    {0x0065, 0x0301, 0x00E9},
    {0x0065, 0x0302, 0x00EA},
    {0x0065, 0x0303, 0x1EBD},
    {0x0065, 0x0306, 0x0115},
    {0x0065, 0x0309, 0x1EBB},
    {0x0065, 0x0323, 0x1EB9},
    {0x0069, 0x0300, 0x00EC},
    {0x0069, 0x0301, 0x00ED},
    {0x0069, 0x0302, 0x00EE},
    {0x0069, 0x0303, 0x0129},
    {0x0069, 0x0306, 0x012D},
    {0x0069, 0x0309, 0x1EC9},
    {0x0069, 0x0323, 0x1ECB},
    {0x006F, 0x0300, 0x00F2},
    {0x006F, 0x0301, 0x00F3},
    {0x006F, 0x0302, 0x00F4},
    {0x006F, 0x0303, 0x00F5},
    {0x006F, 0x0306, 0x014F},
    {0x006F, 0x0309, 0x1ECF},
    {0x006F, 0x031B, 0x01A1},
    {0x006F, 0x0323, 0x1ECD},
    {0x0075, 0x0300, 0x00F9},
    {0x0075, 0x0301, 0x00FA},
    {0x0075, 0x0302, 0x00FB},
    {0x0075, 0x0303, 0x0169},
    {0x0075, 0x0306, 0x016D},
    {0x0075, 0x0309, 0x1EE7},
    {0x0075, 0x031B, 0x01B0},
    {0x0075, 0x0323, 0x1EE5},
    {0x0079, 0x0300, 0x1EF3},
    {0x0079, 0x0301, 0x00FD},
    {0x0079, 0x0302, 0x0177},
    {0x0079, 0x0303, 0x1EF9},
    {0x0079, 0x0309, 0x1EF7},
    {0x0079, 0x0323, 0x1EF5},
    {0x00E2, 0x0300, 0x1EA7},
    {0x00E2, 0x0301, 0x1EA5},
    {0x00E2, 0x0303, 0x1EAB},
    {0x00E2, 0x0309, 0x1EA9},
    {0x00E2, 0x0323, 0x1EAD},
    {0x00EA, 0x0300, 0x1EC1},
    {0x00EA, 0x0301, 0x1EBF},
    {0x00EA, 0x0303, 0x1EC5},
    {0x00EA, 0x0309, 0x1EC3},
    {0x00EA, 0x0323, 0x1EC7},
    {0x00F2, 0x031B, 0x1EDD},
    {0x00F3, 0x031B, 0x1EDB},
    {0x00F4, 0x0300, 0x1ED3},
    {0x00F4, 0x0301, 0x1ED1},
    {0x00F4, 0x0303, 0x1ED7},
    {0x00F4, 0x0309, 0x1ED5},
    {0x00F4, 0x0323, 0x1ED9},
    {0x00F5, 0x0301, 0x1E4D},
    {0x00F5, 0x031B, 0x1EE1},
    {0x00F9, 0x031B, 0x1EEB},
    {0x00FA, 0x031B, 0x1EE9},
    {0x0103, 0x0300, 0x1EB1},
    {0x0103, 0x0301, 0x1EAF},
    {0x0103, 0x0303, 0x1EB5},
    {0x0103, 0x0309, 0x1EB3},
    {0x0103, 0x0323, 0x1EB7},
    {0x0169, 0x0301, 0x1E79},
    {0x0169, 0x031B, 0x1EEF},
    {0x01A1, 0x0300, 0x1EDD},
    {0x01A1, 0x0301, 0x1EDB},
    {0x01A1, 0x0303, 0x1EE1},
    {0x01A1, 0x0309, 0x1EDF},
    {0x01A1, 0x0323, 0x1EE3},
    {0x01B0, 0x0300, 0x1EEB},
    {0x01B0, 0x0301, 0x1EE9},
    {0x01B0, 0x0303, 0x1EEF},
    {0x01B0, 0x0309, 0x1EED},
    {0x01B0, 0x0323, 0x1EF1},
    {0x1EA1, 0x0302, 0x1EAD},
    {0x1EA1, 0x0306, 0x1EB7},
    {0x1EB9, 0x0302, 0x1EC7},
    {0x1ECD, 0x0302, 0x1ED9},
    {0x1ECD, 0x031B, 0x1EE3},
    {0x1ECF, 0x031B, 0x1EDF},
    {0x1EE5, 0x031B, 0x1EF1},
    {0x1EE7, 0x031B, 0x1EED},
};

std::uint32_t compose(std::uint32_t base, std::uint32_t mark) {
    for (const composition& c : compositions)
        if (c.base == base && c.mark == mark) return c.composed;
    return 0;
}

// The last code point of out (UTF-8) and where it starts; 0 when out is empty or ends badly.
std::uint32_t last_code_point(const std::string& out, std::size_t& start) {
    if (out.empty()) return 0;
    start = out.size() - 1;
    while (start > 0 && (static_cast<unsigned char>(out[start]) & 0xC0) == 0x80) --start;
    const auto b = static_cast<unsigned char>(out[start]);
    const std::size_t len = out.size() - start;
    if (b < 0x80) return len == 1 ? b : 0;
    if ((b & 0xE0) == 0xC0 && len == 2) return ((b & 0x1Fu) << 6) | (static_cast<unsigned char>(out[start + 1]) & 0x3Fu);
    if ((b & 0xF0) == 0xE0 && len == 3)
        return ((b & 0x0Fu) << 12) | ((static_cast<unsigned char>(out[start + 1]) & 0x3Fu) << 6) | (static_cast<unsigned char>(out[start + 2]) & 0x3Fu);
    return 0;
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

// The capital of a letter compose() makes (all lower case): Latin-1, the Latin Extended-A
// vowels (ă ĩ ũ), ơ ư, and the Vietnamese block, where the capital is the even one before.
std::uint32_t capital_of_composed(std::uint32_t cp) {
    if (cp >= 0xE0 && cp <= 0xFE && cp != 0xF7) return cp - 32;
    if (cp == 0x103 || cp == 0x129 || cp == 0x169 || cp == 0x1A1 || cp == 0x1B0) return cp - 1;
    if (cp >= 0x1EA1 && cp <= 0x1EF9 && cp % 2 == 1) return cp - 1;
    return cp;
}

// compose() for a capital base too ("A" + U+0302 is "Â"), for text that keeps its case.
std::uint32_t compose_keeping_case(std::uint32_t base, std::uint32_t mark) {
    if (const std::uint32_t composed = compose(base, mark)) return composed;
    const std::uint32_t lower = lower_code_point(base);
    if (lower == base) return 0;
    const std::uint32_t composed = compose(lower, mark);
    return composed != 0 ? capital_of_composed(composed) : 0;
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
        // The pattern itself: a filter whose pattern changed is another definition (its
        // window state is not kept across a reload).
        case node::op::matches: return fmt::format("{} matches \"{}\"", operand_text(rs, n.lhs), rs.regexes[n.regex] ? rs.regexes[n.regex]->pattern() : "");
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

namespace {

// lower_text_into, and compose_text_into when lower is false.
void fold_into(std::string_view s, std::string& out, bool lower) {
    out.clear();
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b < 0x80) {  // a run of ASCII, copied (lower-cased when `lower`) eight bytes at a time
            const std::size_t end = common::ascii_run_end(s, i);
            const std::size_t at = out.size();
            out.resize(at + (end - i));
            if (lower)
                common::copy_ascii_lowered(s.data() + i, end - i, out.data() + at);
            else
                std::memcpy(out.data() + at, s.data() + i, end - i);
            i = end;
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
        i += len;
        if (cp >= 0x0300 && cp <= 0x036F) {  // a combining mark: compose it with the letter before
            std::size_t start = 0;
            const std::uint32_t before = last_code_point(out, start);
            if (const std::uint32_t composed = lower ? compose(before, cp) : compose_keeping_case(before, cp)) {
                out.resize(start);
                put_utf8(out, composed);
                continue;
            }
        }
        put_utf8(out, lower ? lower_code_point(cp) : cp);
    }
}

}  // namespace

void lower_text_into(std::string_view s, std::string& out) { fold_into(s, out, true); }

void compose_text_into(std::string_view s, std::string& out) { fold_into(s, out, false); }

bool has_combining_mark(std::string_view s) noexcept {
    // U+0300-U+036F in UTF-8: CC 80-BF, CD 80-AF. Each lead byte found with find (memchr),
    // which passes text that has none many bytes at a time.
    for (std::size_t i = s.find('\xCC'); i != std::string_view::npos && i + 1 < s.size(); i = s.find('\xCC', i + 1))
        if (const auto next = static_cast<unsigned char>(s[i + 1]); next >= 0x80 && next <= 0xBF) return true;
    for (std::size_t i = s.find('\xCD'); i != std::string_view::npos && i + 1 < s.size(); i = s.find('\xCD', i + 1))
        if (const auto next = static_cast<unsigned char>(s[i + 1]); next >= 0x80 && next <= 0xAF) return true;
    return false;
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
        // A reason is logged with every decision, whatever decision_log.record_content keeps
        // of the message: its text and the sender's extra fields stay out of it.
        if (is_private_content(f->id) || f->id == field_id::sms_urls || f->id == field_id::sms_hosts) {
            why = fmt::format("the reason names '{}': a message's text, links as written and extra fields are not written into reasons "
                              "(the evidence names what matched; decision_log.record_content says where the text is kept)",
                              name);
            return false;
        }
        if (!literal.empty()) out.push_back({false, std::move(literal), {}});
        literal.clear();
        out.push_back({true, {}, *f});
        i = close + 1;
    }
    if (!literal.empty()) out.push_back({false, std::move(literal), {}});
    return true;
}

}  // namespace ringfence::engine
