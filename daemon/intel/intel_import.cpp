#include "intel/intel_import.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <map>
#include <vector>

#include "decode/jsonl/rfc3339.hpp"
#include "common/control_chars.hpp"
#include "common/text_file.hpp"
#include "common/yaml_fields.hpp"
#include "engine/text/utf8.hpp"
#include "intel/intel_values.hpp"

namespace ringfence::intel {

namespace {

constexpr std::size_t max_reason_bytes = 500;
constexpr std::size_t max_value_bytes = 2048;
constexpr int max_yaml_nesting = 32;

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

bool valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();)
        if (engine::text::decode_utf8(s, i) == engine::text::invalid_code_point) return false;
    return true;
}

// Shows a value in a message: at most 60 bytes, cut on a character boundary.
std::string shown(std::string_view s) {
    if (s.size() <= 60) return std::string(s);
    std::size_t cut = 60;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    return std::string(s.substr(0, cut)) + "…";
}

class row_checker {
public:
    row_checker(const value_context& ctx, import_rows& out, std::size_t max_problems) : ctx_(ctx), out_(out), max_(max_problems) {}

    void problem(int line, std::string field, std::string message) {
        // Messages quote the file's text: one line each, whatever the file holds.
        for (auto* s : {&field, &message})
            for (char& c : *s)
                if (common::is_control_byte(c)) c = '?';
        ++count_;
        if (out_.problems.size() < max_) out_.problems.push_back({line, std::move(field), std::move(message)});
    }

    void row(int line, std::string_view value, std::string_view source, std::string_view reason, std::string_view expires) {
        new_entry e;
        bool ok = true;
        std::string why;
        if (value.size() > max_value_bytes || !valid_utf8(value)) {
            problem(line, "value", value.size() > max_value_bytes ? fmt::format("longer than {} bytes", max_value_bytes) : "not valid UTF-8");
            ok = false;
        } else if (auto v = normalise_value(ctx_.kind, value, ctx_.plan, why)) {
            e.value = std::move(v->value);
            e.bank_code = std::move(v->bank_code);
        } else {
            problem(line, "value", why);
            ok = false;
        }
        if (auto s = parse_entry_source(trim(source))) e.source = *s;
        else {
            problem(line, "source", fmt::format("'{}' is not a source: police, bank, spam_reports or internal", shown(trim(source))));
            ok = false;
        }
        if (auto r = check_reason(reason, why)) e.reason = std::move(*r);
        else {
            problem(line, "reason", why);
            ok = false;
        }
        if (auto x = parse_expiry(expires, ctx_.zone, ctx_.now_ms, why)) e.expires_at_ms = *x;
        else {
            problem(line, "expires", why);
            ok = false;
        }
        if (!ok) return;
        if (auto [it, fresh] = seen_.try_emplace(e.value, line); !fresh) {
            problem(line, "value", fmt::format("'{}' is already on line {} of this file", e.value, it->second));
            return;
        }
        out_.rows.push_back(std::move(e));
        out_.lines.push_back(line);
    }

    void finish() {
        if (count_ > out_.problems.size()) out_.problems.push_back({0, "", fmt::format("and {} more problems", count_ - out_.problems.size())});
    }

private:
    const value_context& ctx_;
    import_rows& out_;
    std::size_t max_;
    std::size_t count_ = 0;
    std::map<std::string, int> seen_;
};

// One CSV line into fields; false with why for an unterminated quote or text after one.
bool split_csv(std::string_view line, std::vector<std::string>& fields, std::string& why) {
    fields.clear();
    std::size_t i = 0;
    while (true) {
        std::string f;
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        if (i < line.size() && line[i] == '"') {
            ++i;
            bool closed = false;
            while (i < line.size()) {
                if (line[i] == '"') {
                    if (i + 1 < line.size() && line[i + 1] == '"') {
                        f += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    closed = true;
                    break;
                }
                f += line[i++];
            }
            if (!closed) {
                why = fmt::format("field {}: a quoted field must end on its line", fields.size() + 1);
                return false;
            }
            while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
            if (i < line.size() && line[i] != ',') {
                why = fmt::format("field {}: text after the closing quote", fields.size() + 1);
                return false;
            }
        } else {
            const std::size_t comma = line.find(',', i);
            const std::size_t end = comma == std::string_view::npos ? line.size() : comma;
            f.assign(trim(line.substr(i, end - i)));
            i = end;
        }
        fields.push_back(std::move(f));
        if (i >= line.size()) return true;
        ++i;  // the comma
    }
}

void read_csv(std::string_view text, row_checker& check) {
    std::map<std::string, std::size_t> columns;  // name -> index
    bool have_header = false;
    std::vector<std::string> fields;
    std::string why;
    int line_no = 0;
    std::size_t pos = 0;
    if (text.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;  // a byte-order mark some spreadsheets write
    // Another encoding would read as a header lacking every column: said as what it is.
    if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF")) {
        check.problem(1, "", "the file is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8");
        return;
    }
    if (common::has_cr_only_line_endings(text)) {
        check.problem(1, "", "lines end with CR alone (classic Mac line endings): save the file with LF or CRLF line endings");
        return;
    }
    while (pos < text.size()) {
        std::size_t eol = text.find('\n', pos);
        if (eol == std::string_view::npos) eol = text.size();
        const std::string_view line = trim(text.substr(pos, eol - pos));
        pos = eol + 1;
        ++line_no;
        if (line.empty() || line.front() == '#') continue;
        if (!split_csv(line, fields, why)) {
            check.problem(line_no, have_header ? "" : "header", why);
            if (!have_header) return;
            continue;
        }
        if (!have_header) {
            have_header = true;
            for (std::size_t i = 0; i < fields.size(); ++i) {
                std::string name(fields[i]);
                for (auto& c : name) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
                if (name != "value" && name != "source" && name != "reason" && name != "expires")
                    check.problem(line_no, "header", fmt::format("column {} is '{}': the columns are value, source, reason and expires", i + 1, shown(name)));
                else if (!columns.emplace(name, i).second)
                    check.problem(line_no, "header", fmt::format("column '{}' appears twice", name));
            }
            for (const char* need : {"value", "source", "reason"})
                if (!columns.count(need)) check.problem(line_no, "header", fmt::format("no '{}' column (the header is value,source,reason,expires)", need));
            if (columns.size() != fields.size() || !columns.count("value") || !columns.count("source") || !columns.count("reason")) return;
            continue;
        }
        if (fields.size() != columns.size()) {
            check.problem(line_no, "", fmt::format("{} fields, the header has {}", fields.size(), columns.size()));
            continue;
        }
        auto get = [&](const char* name) -> std::string_view {
            auto it = columns.find(name);
            return it == columns.end() ? std::string_view() : std::string_view(fields[it->second]);
        };
        check.row(line_no, get("value"), get("source"), get("reason"), get("expires"));
    }
    if (!have_header) check.problem(0, "header", "the file is empty: it needs the header value,source,reason,expires");
}

// yaml-cpp recurses per nesting level: refuse deep flow nesting before it parses.
bool nesting_ok(std::string_view text) {
    int depth = 0;
    bool in_single = false, in_double = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_double) {
            if (c == '\\') ++i;
            else if (c == '"') in_double = false;
        } else if (in_single) {
            if (c == '\'') in_single = false;
        } else if (c == '"') in_double = true;
        else if (c == '\'') in_single = true;
        else if (c == '[' || c == '{') {
            if (++depth > max_yaml_nesting) return false;
        } else if (c == ']' || c == '}') depth = depth > 0 ? depth - 1 : 0;
        else if (c == '\n') in_single = false;
    }
    return true;
}

void read_yaml(std::string_view text, row_checker& check) {
    if (!nesting_ok(text)) {
        check.problem(0, "", fmt::format("nested deeper than {} levels: an import file is a sequence of flat mappings", max_yaml_nesting));
        return;
    }
    // A second document ("---" after content) is refused, not silently left out, as
    // YAML::Load would. Found by its marker line: yaml-cpp's LoadAll loops forever on some
    // malformed input (",].[" under the fuzzer).
    if (const int line = common::second_yaml_document_line(text); line > 0) {
        check.problem(line, "", "a second YAML document: an import file is one sequence of mappings");
        return;
    }
    YAML::Node root;
    try {
        root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        check.problem(e.mark.line + 1, "", fmt::format("not YAML: {}", e.msg));
        return;
    }
    if (root.IsNull()) {  // as an empty CSV (no header) is refused; "[]" imports nothing
        check.problem(0, "", "the file is empty: it needs a sequence of entries (- value: ..., source: ..., reason: ...)");
        return;
    }
    if (!root.IsSequence()) {
        check.problem(root.Mark().line + 1, "", "expected a sequence of mappings (- value: ..., source: ..., reason: ...)");
        return;
    }
    for (const auto& item : root) {
        const int line = item.Mark().line + 1;
        if (!item.IsMap()) {
            check.problem(line, "", "each entry is a mapping with value, source, reason and optionally expires");
            continue;
        }
        std::map<std::string, std::string> f;
        bool ok = true;
        for (const auto& kv : item) {
            const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "?";
            if (key != "value" && key != "source" && key != "reason" && key != "expires") {
                check.problem(kv.first.Mark().line + 1, shown(key), "unknown key: the keys are value, source, reason and expires");
                ok = false;
            } else if (f.count(key) != 0) {
                // YAML would keep the last one silently (a CSV header with a column twice is refused too).
                check.problem(kv.first.Mark().line + 1, key, "given twice in one entry");
                ok = false;
            } else if (!kv.second.IsScalar() && !kv.second.IsNull()) {
                check.problem(kv.second.Mark().line + 1, key, "expected text, not a list or mapping");
                ok = false;
            } else {
                f[key] = kv.second.IsScalar() ? kv.second.Scalar() : "";
            }
        }
        for (const char* need : {"value", "source", "reason"})
            if (ok && !f.count(need)) {
                check.problem(line, need, "missing");
                ok = false;
            }
        if (ok) check.row(line, f["value"], f["source"], f["reason"], f["expires"]);
    }
}

}  // namespace

std::optional<import_format> import_format_of(std::string_view name) {
    auto ends = [&](std::string_view ext) { return name.size() >= ext.size() && name.substr(name.size() - ext.size()) == ext; };
    if (ends(".csv") || ends(".CSV")) return import_format::csv;
    if (ends(".yaml") || ends(".yml") || ends(".YAML") || ends(".YML")) return import_format::yaml;
    return std::nullopt;
}

std::optional<std::string> check_reason(std::string_view text, std::string& why) {
    const std::string_view r = trim(text);
    if (r.empty()) {
        why = "a reason is required: say why the entry is listed (it is shown in every decision it causes)";
        return std::nullopt;
    }
    if (r.size() > max_reason_bytes) {
        why = fmt::format("longer than {} bytes", max_reason_bytes);
        return std::nullopt;
    }
    if (!valid_utf8(r)) {
        why = "not valid UTF-8";
        return std::nullopt;
    }
    if (common::holds_control_byte(r)) {
        why = "control characters (tabs, line breaks) are not allowed";
        return std::nullopt;
    }
    // The C1 controls (U+0080..U+009F, "\xC2\x80".."\xC2\x9F" in UTF-8) and the
    // bidirectional overrides and isolates (U+202A..U+202E, U+2066..U+2069), which make a
    // reason read otherwise than it is stored in the evidence.
    for (std::size_t i = 0; i + 1 < r.size(); ++i) {
        const auto b0 = static_cast<unsigned char>(r[i]);
        const auto b1 = static_cast<unsigned char>(r[i + 1]);
        const bool c1 = common::c1_control_at(r, i);
        const bool bidi = i + 2 < r.size() && b0 == 0xE2 &&
                          ((b1 == 0x80 && static_cast<unsigned char>(r[i + 2]) >= 0xAA && static_cast<unsigned char>(r[i + 2]) <= 0xAE) ||
                           (b1 == 0x81 && static_cast<unsigned char>(r[i + 2]) >= 0xA6 && static_cast<unsigned char>(r[i + 2]) <= 0xA9));
        if (c1 || bidi) {
            why = "control characters (C1 controls, bidirectional overrides) are not allowed";
            return std::nullopt;
        }
    }
    return std::string(r);
}

std::optional<std::int64_t> parse_expiry(std::string_view raw, const common::time_zone& zone, std::int64_t now_ms, std::string& why) {
    const std::string_view text = trim(raw);
    if (text.empty()) return 0;
    std::optional<std::int64_t> at;
    if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
        // A date: the entry lasts through that day, local time.
        if (auto midnight_utc = decode::parse_rfc3339_ms(std::string(text) + "T00:00:00Z")) {
            const std::int64_t next_day_utc = *midnight_utc + 86'400'000;
            at = next_day_utc - static_cast<std::int64_t>(zone.offset_seconds(next_day_utc)) * 1000;
        }
    } else if (text.size() >= 2 && text.find_first_not_of("0123456789") == text.size() - 1) {
        std::int64_t n = 0;
        auto [p, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, n);
        const char unit = text.back();
        const std::int64_t ms = unit == 'd' ? 86'400'000 : unit == 'h' ? 3'600'000 : unit == 'm' ? 60'000 : unit == 's' ? 1000 : 0;
        if (ec == std::errc() && ms != 0 && n > 0 && n <= 36500LL * 86'400'000 / ms) at = now_ms + n * ms;
    } else {
        at = decode::parse_rfc3339_ms(text);
    }
    if (!at) {
        why = fmt::format("'{}' is not an expiry: write a date (2026-12-31), an RFC 3339 time (2026-12-31T18:00:00+07:00) or a duration (90d, 12h, 30m)",
                          shown(text));
        return std::nullopt;
    }
    if (*at <= now_ms) {
        why = fmt::format("'{}' is already past", shown(text));
        return std::nullopt;
    }
    return at;
}

import_rows read_import(std::string_view text, import_format format, const value_context& ctx, std::size_t max_problems) {
    import_rows out;
    row_checker check(ctx, out, max_problems);
    if (format == import_format::csv) read_csv(text, check);
    else read_yaml(text, check);
    check.finish();
    if (!out.problems.empty()) {
        out.rows.clear();
        out.lines.clear();
    }
    return out;
}

}  // namespace ringfence::intel
