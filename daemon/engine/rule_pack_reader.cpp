#include "engine/rule_pack_reader.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "common/json_writer.hpp"
#include "common/utf8_check.hpp"
#include "common/yaml_fields.hpp"
#include "engine/intel_source.hpp"
#include "common/text_file.hpp"

namespace ringfence::engine {

namespace fs = std::filesystem;

namespace {

constexpr const char* code_prefix = "RULES";

source_loc loc_of(const YAML::Node& n, const std::string& file) {
    source_loc l{file, 0, 0};
    if (n.IsDefined() && n.Mark().line >= 0) {
        l.line = n.Mark().line + 1;
        l.column = n.Mark().column + 1;
    }
    return l;
}

// The source text of the document being read, to tell block and quoted scalars apart
// (their content starts after the indicator or the quote).
thread_local const std::string* current_source = nullptr;

located_text text_of(const YAML::Node& n, const std::string& file) {
    located_text t;
    t.text = n.Scalar();
    t.loc = loc_of(n, file);
    if (current_source && n.Mark().pos >= 0 && static_cast<std::size_t>(n.Mark().pos) < current_source->size()) {
        const char c = (*current_source)[static_cast<std::size_t>(n.Mark().pos)];
        if (c == '|' || c == '>') t.block = true;
        else if (c == '"' || c == '\'') t.loc.column += 1;
    }
    return t;
}

// The bytes a double-quoted scalar's escape at source[j] (a backslash) stands for, and how
// many source bytes it takes (YAML 1.2, 5.7). An escaped line break stands for nothing.
// False for what is not an escape YAML knows (yaml-cpp refused the file then anyway).
bool decode_escape(const std::string& source, std::size_t j, std::string& decoded, std::size_t& length) {
    decoded.clear();
    if (j + 1 >= source.size()) return false;
    const char c = source[j + 1];
    length = 2;
    auto hex = [&](std::size_t digits) {
        if (j + 2 + digits > source.size()) return false;
        std::uint32_t cp = 0;
        for (std::size_t k = 0; k < digits; ++k) {
            const char h = source[j + 2 + k];
            const int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
            if (d < 0) return false;
            cp = cp * 16 + static_cast<std::uint32_t>(d);
        }
        length = 2 + digits;
        if (cp < 0x80) {
            decoded += static_cast<char>(cp);
        } else if (cp < 0x800) {
            decoded += static_cast<char>(0xC0 | (cp >> 6));
            decoded += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            decoded += static_cast<char>(0xE0 | (cp >> 12));
            decoded += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            decoded += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            decoded += static_cast<char>(0xF0 | (cp >> 18));
            decoded += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            decoded += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            decoded += static_cast<char>(0x80 | (cp & 0x3F));
        }
        return true;
    };
    switch (c) {
        case '0': decoded = std::string(1, '\0'); return true;
        case 'a': decoded = "\a"; return true;
        case 'b': decoded = "\b"; return true;
        case 't': case '\t': decoded = "\t"; return true;
        case 'n': decoded = "\n"; return true;
        case 'v': decoded = "\v"; return true;
        case 'f': decoded = "\f"; return true;
        case 'r': decoded = "\r"; return true;
        case 'e': decoded = "\x1b"; return true;
        case ' ': case '"': case '/': case '\\': decoded = std::string(1, c); return true;
        case 'N': decoded = "\xc2\x85"; return true;
        case '_': decoded = "\xc2\xa0"; return true;
        case 'L': decoded = "\xe2\x80\xa8"; return true;
        case 'P': decoded = "\xe2\x80\xa9"; return true;
        case 'x': return hex(2);
        case 'u': return hex(4);
        case 'U': return hex(8);
        case '\n': return true;
        case '\r': length = j + 2 < source.size() && source[j + 2] == '\n' ? 3 : 2; return true;
        default: return false;
    }
}

// Aligns a scalar's value with its source text, so an error at any byte of a condition is
// reported where that byte is in the file, even when YAML folded lines (`>` or a plain
// scalar over several lines), stripped a block's indentation (`|`), unescaped quotes or
// decoded escapes (`\n`, `\u00e9`: every byte an escape stands for is placed at its
// backslash). Every non-blank byte of the value is matched to the next equal byte of the
// source, skipping blanks, line breaks, indentation and quoting; a blank is matched to the
// blank (or line break) at the current place. Gives up (empty) when the two cannot be
// aligned, and the caller then counts from the value's start.
std::vector<std::pair<int, int>> source_positions(const std::string& source, const YAML::Mark& mark, const std::string& value) {
    std::vector<std::pair<int, int>> out;
    if (mark.pos < 0 || static_cast<std::size_t>(mark.pos) >= source.size()) return out;
    std::size_t j = static_cast<std::size_t>(mark.pos);
    int line = mark.line + 1, column = mark.column + 1;
    auto advance = [&] {
        if (source[j] == '\n') {
            ++line;
            column = 1;
        } else if ((static_cast<unsigned char>(source[j]) & 0xC0) != 0x80) {
            ++column;  // columns count characters, not UTF-8 continuation bytes
        }
        ++j;
    };
    const char opener = source[j];
    const bool quoted = opener == '"' || opener == '\'';
    if (opener == '|' || opener == '>') {
        while (j < source.size() && source[j] != '\n') advance();  // the indicator line
    } else if (quoted) {
        advance();
    }
    auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    std::string decoded;
    // At an escape: places the value bytes it stands for at its backslash. False when the
    // value does not hold them there.
    auto take_escape = [&](std::size_t& i) {
        std::size_t length = 0;
        if (!decode_escape(source, j, decoded, length)) return false;
        if (value.compare(i, decoded.size(), decoded) != 0) return false;
        for (std::size_t k = 0; k < decoded.size(); ++k) out.emplace_back(line, column);
        i += decoded.size();
        for (std::size_t k = 0; k < length && j < source.size(); ++k) advance();
        return true;
    };
    out.reserve(value.size() + 1);
    std::size_t i = 0;
    while (i < value.size()) {
        const char v = value[i];
        if (j >= source.size()) return {};
        const bool at_escape = opener == '"' && source[j] == '\\';
        if (blank(v) && !at_escape) {
            out.emplace_back(line, column);
            if (blank(source[j])) advance();
            ++i;
            continue;
        }
        // Skip what YAML removed: blanks, line breaks, indentation.
        while (j < source.size() && blank(source[j]) && source[j] != v) advance();
        if (j >= source.size()) return {};
        if (opener == '"' && source[j] == '\\') {
            if (!take_escape(i)) return {};
            continue;
        }
        if (source[j] != v) return {};
        out.emplace_back(line, column);
        advance();
        ++i;
        if (opener == '\'' && v == '\'' && j < source.size() && source[j] == '\'') advance();  // '' is one quote
    }
    out.emplace_back(line, column);
    return out;
}

// A YAML value of a test record into JSON text: plain scalars that read as numbers, booleans
// or null keep that type; quoted scalars are strings.
void append_yaml_as_json(std::string& out, const YAML::Node& n) {
    switch (n.Type()) {
        case YAML::NodeType::Map: {
            out += '{';
            bool first = true;
            for (const auto& kv : n) {
                if (!first) out += ',';
                first = false;
                common::append_json_string(out, kv.first.Scalar());
                out += ':';
                append_yaml_as_json(out, kv.second);
            }
            out += '}';
            return;
        }
        case YAML::NodeType::Sequence: {
            out += '[';
            bool first = true;
            for (const auto& v : n) {
                if (!first) out += ',';
                first = false;
                append_yaml_as_json(out, v);
            }
            out += ']';
            return;
        }
        case YAML::NodeType::Scalar: {
            const std::string& s = n.Scalar();
            if (n.Tag() == "?") {  // plain scalar
                if (s == "true" || s == "false" || s == "null") {
                    out += s;
                    return;
                }
                if (s == "~") {
                    out += "null";
                    return;
                }
                std::int64_t i = 0;
                auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
                if (ec == std::errc() && p == s.data() + s.size()) {
                    out += s;
                    return;
                }
                double d = 0;
                auto [p2, ec2] = std::from_chars(s.data(), s.data() + s.size(), d);
                if (ec2 == std::errc() && p2 == s.data() + s.size() && !s.empty()) {
                    out += s;
                    return;
                }
            }
            common::append_json_string(out, s);
            return;
        }
        default:
            out += "null";
    }
}

// The scalars (keys and values) of a loaded document that hold bytes that are not UTF-8:
// where each begins in `body` (-1 when yaml-cpp gives no place), and whether it lies in a
// test item (whose problems are the tests', not the rules'). Bounded: an alias makes a node
// reachable more than once (or, to itself, without end), so the walk stops deep or long.
struct scalars_not_utf8 {
    struct found {
        long pos;
        bool in_test;
    };
    std::vector<found> scalars;
    std::set<std::size_t> test_items;  // indices of the test items holding one
    bool cut_short = false;
};
void find_scalars_not_utf8(const YAML::Node& n, scalars_not_utf8& out, int depth, std::size_t& budget, bool in_test) {
    if (out.cut_short || depth > 200 || budget == 0) {
        out.cut_short = true;
        return;
    }
    --budget;
    if (n.IsScalar()) {
        if (common::first_invalid_utf8(n.Scalar())) out.scalars.push_back({n.Mark().pos, in_test});
    } else if (n.IsSequence()) {
        for (const auto& v : n) find_scalars_not_utf8(v, out, depth + 1, budget, in_test);
    } else if (n.IsMap()) {
        for (const auto& kv : n) {
            find_scalars_not_utf8(kv.first, out, depth + 1, budget, in_test);
            find_scalars_not_utf8(kv.second, out, depth + 1, budget, in_test);
        }
    }
}
void find_scalars_not_utf8(const YAML::Node& root, scalars_not_utf8& out) {
    std::size_t budget = 1'000'000;
    if (!root.IsSequence()) return find_scalars_not_utf8(root, out, 0, budget, false);
    std::size_t index = 0;
    for (const auto& item : root) {
        const bool test = item.IsMap() && item["test"].IsDefined();
        const std::size_t before = out.scalars.size();
        find_scalars_not_utf8(item, out, 1, budget, test);
        if (test && out.scalars.size() != before) out.test_items.insert(index);
        ++index;
    }
}

class pack_reader {
public:
    // skip_tests: indices of the document's test items not to read (their bytes are not UTF-8:
    // said already).
    pack_reader(std::string file, rule_items& into, std::vector<common::diagnostic>& diags, std::set<std::size_t> skip_tests = {})
        : file_(std::move(file)), into_(into), diags_(diags), skip_tests_(std::move(skip_tests)) {}

    void read_document(const YAML::Node& root) {
        if (root.IsNull() || (root.IsSequence() && root.size() == 0)) {
            // Loaded as an empty pack, but said: a file emptied or cut short by a failed copy
            // takes every rule it held out of the set.
            common::diagnostic d{common::severity::warning, fmt::format("{}_EMPTY_FILE", code_prefix),
                                 "the file holds no item: every rule it held is gone from the set", file_, 1, 1};
            diags_.push_back(std::move(d));
            return;
        }
        if (!root.IsSequence()) {
            error(root, "BAD_TYPE", "a rule file is a YAML list of items (- rule:, - macro:, - list:, ...)");
            return;
        }
        std::size_t index = 0;
        for (const auto& item : root)
            if (skip_tests_.count(index++) == 0) read_item(item);
    }

private:
    void error(const YAML::Node& n, std::string_view suffix, std::string message) {
        common::diagnostic d;
        d.code = fmt::format("{}_{}", code_prefix, suffix);
        d.message = std::move(message);
        d.file = file_;
        common::yaml_fields::locate(n, d);
        diags_.push_back(std::move(d));
    }

    // The key node of `key` in a mapping (for errors about the key itself); the map when absent.
    static YAML::Node key_node(const YAML::Node& map, const std::string& key) {
        for (const auto& kv : map)
            if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.first;
        return map;
    }

    void read_item(const YAML::Node& item) {
        if (!item.IsMap()) {
            error(item, "BAD_TYPE", "each item is a mapping such as '- rule: NAME'");
            return;
        }
        static const char* kinds[] = {"required_engine_version", "pack", "list", "macro", "rule", "test"};
        std::string kind;
        for (const char* k : kinds) {
            if (item[k].IsDefined()) {
                if (!kind.empty()) {
                    error(item, "BAD_ITEM", fmt::format("an item is one of list, macro, rule, test, pack: this one has both '{}' and '{}'", kind, k));
                    return;
                }
                kind = k;
            }
        }
        if (kind.empty() && item.size() == 0) {
            error(item, "BAD_ITEM", "an empty item: expected list, macro, rule, test, pack or required_engine_version");
            return;
        }
        if (kind.empty()) {
            const std::string first = item.begin()->first.IsScalar() ? item.begin()->first.Scalar() : "?";
            error(item.begin()->first, "BAD_ITEM",
                  fmt::format("unknown item '{}': expected list, macro, rule, test, pack or required_engine_version", first));
            return;
        }
        if (kind == "required_engine_version") return read_version(item);
        if (kind == "pack") return read_pack(item);
        if (kind == "list") return read_list(item);
        if (kind == "macro") return read_macro(item);
        if (kind == "rule") return read_rule(item);
        read_test(item);
    }

    // The item's name, which must be a non-empty scalar.
    bool name_of(common::yaml_fields& f, const std::string& key, std::string& name) {
        const YAML::Node n = f.node(key);
        if (!n.IsScalar() || n.Scalar().empty()) {
            f.error(n, "BAD_TYPE", fmt::format("'{}' needs a name", key));
            return false;
        }
        name = n.Scalar();
        return true;
    }

    std::optional<override_spec> read_override(common::yaml_fields& f, const std::vector<std::string_view>& allowed) {
        const YAML::Node n = f.node("override");
        if (n.IsNull()) return std::nullopt;
        override_spec o;
        o.loc = loc_of(n, file_);
        if (!n.IsMap()) {
            f.error(n, "BAD_TYPE", "'override' is a mapping such as {items: append}");
            return o;
        }
        std::set<std::string> seen;  // {condition: replace, condition: append}: which one was meant?
        for (const auto& kv : n) {
            const std::string field = kv.first.Scalar();
            if (!seen.insert(field).second) {
                f.error(kv.first, "DUPLICATE_KEY", fmt::format("override of '{}' is given twice", field));
                continue;
            }
            if (std::find(allowed.begin(), allowed.end(), field) == allowed.end()) {
                f.error(kv.first, "BAD_OVERRIDE", fmt::format("'{}' cannot be overridden here (allowed: {})", field, fmt::join(allowed, ", ")));
                continue;
            }
            const std::string how = kv.second.IsScalar() ? kv.second.Scalar() : "";
            const bool replace_only = field == "enabled" || field == "action" || field == "priority" || field == "mode" ||
                                      field == "reason" || field == "desc" || field == "events";
            if (how != "append" && how != "replace") {
                f.error(kv.second, "BAD_OVERRIDE", fmt::format("override of '{}' is append or replace, not '{}'", field, how));
                continue;
            }
            if (replace_only && how == "append") {
                f.error(kv.second, "BAD_OVERRIDE", fmt::format("'{}' can only be replaced", field));
                continue;
            }
            o.how[field] = how;
        }
        return o;
    }

    std::vector<located_text> scalar_list(common::yaml_fields& f, const std::string& key, bool& present) {
        std::vector<located_text> out;
        const YAML::Node n = f.node(key);
        present = !n.IsNull();
        if (!present) return out;
        if (!n.IsSequence()) {
            f.error(n, "BAD_TYPE", fmt::format("'{}': expected a list", f.path(key)));
            return out;
        }
        for (const auto& v : n) {
            if (!v.IsScalar()) {
                f.error(v, "BAD_TYPE", fmt::format("'{}': every item must be a scalar", f.path(key)));
                continue;
            }
            out.push_back(text_of(v, file_));
        }
        return out;
    }

    std::optional<located_text> scalar(common::yaml_fields& f, const std::string& key) {
        const YAML::Node n = f.node(key);
        if (n.IsNull()) return std::nullopt;
        if (!n.IsScalar()) {
            f.error(n, "BAD_TYPE", fmt::format("'{}': expected text, got a {}", f.path(key), n.IsMap() ? "mapping" : "list"));
            return std::nullopt;
        }
        located_text t = text_of(n, file_);
        if (current_source) t.positions = source_positions(*current_source, n.Mark(), t.text);
        return t;
    }

    void read_version(const YAML::Node& item) {
        // No prefix: the item's one key is its own name ('required_engine_version', not
        // 'required_engine_version.required_engine_version').
        common::yaml_fields f(item, file_, "", code_prefix, diags_);
        if (auto v = f.get_int("required_engine_version", 0, 1'000'000)) {
            if (*v > engine_version)
                f.error(f.node("required_engine_version"), "ENGINE_VERSION",
                        fmt::format("this pack needs rule engine version {}; this ringfence has {}", *v, engine_version));
        }
        f.reject_unknown_keys();
    }

    void read_pack(const YAML::Node& item) {
        common::yaml_fields f(item, file_, "pack", code_prefix, diags_);
        pack_item p;
        p.loc = loc_of(item, file_);
        if (!name_of(f, "pack", p.name)) return;
        if (auto d = f.get_string("desc")) p.desc = *d;
        if (auto m = f.get_choice("mode", {"enforce", "shadow"})) p.shadow = *m == "shadow";
        f.reject_unknown_keys();
        current_pack_ = p.name;
        current_pack_shadow_ = p.shadow;
        into_.packs.push_back(std::move(p));
    }

    void read_list(const YAML::Node& item) {
        common::yaml_fields f(item, file_, "list", code_prefix, diags_);
        list_item l;
        l.loc = loc_of(item["list"], file_);
        if (!name_of(f, "list", l.name)) return;
        bool present = false;
        l.items = scalar_list(f, "items", present);
        if (auto file = f.get_string("items_file")) {
            read_items_file(f, *file, l);
            present = true;
        }
        if (auto d = f.get_string("desc")) l.desc = *d;
        if (item["intel"].IsDefined()) {
            // An intelligence list: its entries are managed with `ringfence lists`, never here.
            l.intel = scalar(f, "intel");
            if (!l.intel) {
                f.error(f.node("intel"), "BAD_VALUE", fmt::format("list '{}': intel names the kind of entries: {}", l.name, intel_kind_names()));
            } else if (!parse_intel_kind(l.intel->text)) {
                f.error(f.node("intel"), "BAD_VALUE", fmt::format("list '{}': intel is one of {}, not '{}'", l.name, intel_kind_names(), l.intel->text));
                l.intel.reset();
            }
            if (present)
                f.error(item["list"], "BAD_ITEM",
                        fmt::format("list '{}' has both 'intel' and 'items': an intelligence list's entries live in the intel store (ringfence lists add)", l.name));
            present = true;
        }
        l.override_ = read_override(f, {"items"});
        if (!present) f.error(item["list"], "MISSING_KEY", fmt::format("list '{}' has no 'items', 'items_file' or 'intel'", l.name));
        f.reject_unknown_keys();
        into_.order.push_back({rule_items::entry::kind::list, into_.lists.size()});
        into_.lists.push_back(std::move(l));
    }

    // items_file: one item a line (blank lines and # comments skipped), relative to the pack
    // file. Large lists (a million numbers) load far faster this way than as YAML.
    void read_items_file(common::yaml_fields& f, const std::string& name, list_item& l) {
        fs::path p(name);
        if (p.is_relative()) p = fs::path(file_).parent_path() / p;
        std::string text, why;
        std::error_code ec;
        const auto status = fs::status(p, ec);
        if (!ec && fs::exists(status) && !fs::is_regular_file(status) && !fs::is_directory(status))
            why = "not a regular file";  // a device or a pipe (/dev/zero) never ends
        if (!why.empty() || !common::read_text_file(p.string(), text, why)) {
            f.error(f.node("items_file"), "OPEN_FAILED", fmt::format("list '{}': cannot read items_file {}: {}", l.name, p.string(), why));
            return;
        }
        // Items are compared with UTF-8 text and logged: a file that is not UTF-8 is refused
        // at its first bad byte, as a pack file is.
        if (const std::size_t zero = text.find('\0'); zero != std::string::npos) {
            const auto line = static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(zero), '\n')) + 1;
            f.error(f.node("items_file"), "NOT_UTF8",
                    fmt::format("list '{}': items_file {} line {}: a zero byte: the file is not UTF-8 text (UTF-16 or UTF-32? save it as UTF-8)", l.name,
                                p.string(), line));
            return;
        }
        // Bytes that are not UTF-8, at their place in the items file: an error in an item
        // (it would never match a message's text), a warning in a comment line.
        bool refused = false;
        for (std::size_t at = 0, n = 1; at < text.size(); ++n) {
            const std::size_t eol = std::min(text.find('\n', at), text.size());
            std::string_view line(text.data() + at, eol - at);
            if (at == 0 && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);  // a byte order mark is no character of the line
            at = eol + 1;
            const auto bad = common::first_invalid_utf8(line);
            if (!bad) continue;
            const std::size_t first = line.find_first_not_of(" \t");
            const bool comment = first != std::string_view::npos && first < *bad && line[first] == '#';
            const auto column = static_cast<int>(common::utf8_characters(line.substr(0, *bad))) + 1;
            diags_.push_back({comment ? common::severity::warning : common::severity::error, std::string(code_prefix) + "_NOT_UTF8",
                              fmt::format("list '{}': byte 0x{:02X} is not UTF-8{}: an items_file is UTF-8 text (convert it, e.g. with iconv)", l.name,
                                          static_cast<unsigned char>(line[*bad]), comment ? " (in a comment)" : ""),
                              p.string(), static_cast<int>(n), column});
            refused = refused || !comment;
        }
        if (refused) return;
        // The file is part of the rule set: its text goes into the version hash and the log.
        into_.content += "# file: " + name + "\n" + text;  // as the pack names it: the same wherever the packs sit
        if (!text.empty() && text.back() != '\n') into_.content += '\n';
        std::size_t pos = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;  // a UTF-8 byte order mark is no part of the first item
        int n = 0;
        while (pos < text.size()) {
            std::size_t eol = text.find('\n', pos);
            if (eol == std::string::npos) eol = text.size();
            ++n;
            std::string_view line(text.data() + pos, eol - pos);
            pos = eol + 1;
            while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
            const auto start = line.find_first_not_of(" \t");
            if (start == std::string_view::npos || line[start] == '#') continue;
            l.items.push_back({std::string(line.substr(start)), {p.string(), n, static_cast<int>(start) + 1}, false, {}});
        }
    }

    void read_macro(const YAML::Node& item) {
        common::yaml_fields f(item, file_, "macro", code_prefix, diags_);
        macro_item m;
        m.loc = loc_of(item["macro"], file_);
        if (!name_of(f, "macro", m.name)) return;
        auto c = scalar(f, "condition");
        m.override_ = read_override(f, {"condition"});
        if (!c) f.error(item["macro"], "MISSING_KEY", fmt::format("macro '{}' has no 'condition'", m.name));
        else m.condition = *c;
        f.reject_unknown_keys();
        into_.order.push_back({rule_items::entry::kind::macro, into_.macros.size()});
        into_.macros.push_back(std::move(m));
    }

    std::vector<rule_exception> read_exceptions(const YAML::Node& n) {
        std::vector<rule_exception> out;
        if (!n.IsSequence()) {
            error(n, "BAD_TYPE", "'exceptions' is a list of {name, fields, values}");
            return out;
        }
        for (const auto& e : n) {
            common::yaml_fields f(e, file_, "exceptions", code_prefix, diags_);
            rule_exception x;
            x.loc = loc_of(e, file_);
            if (auto name = f.get_string("name")) x.name = *name;
            else f.error(e, "MISSING_KEY", "an exception needs a 'name'");
            bool present = false;
            x.fields = scalar_list(f, "fields", present);
            if (!present) f.error(e, "MISSING_KEY", fmt::format("exception '{}' needs 'fields'", x.name));
            x.comps = scalar_list(f, "comps", present);
            const YAML::Node values = f.node("values");
            if (values.IsSequence()) {
                for (const auto& tuple : values) {
                    std::vector<located_text> t;
                    if (tuple.IsSequence()) {
                        for (const auto& v : tuple) t.push_back(text_of(v, file_));
                    } else if (tuple.IsScalar()) {
                        t.push_back(text_of(tuple, file_));
                    }
                    if (t.size() != x.fields.size())
                        f.error(tuple, "BAD_VALUE", fmt::format("exception '{}': each value tuple needs {} item(s), one per field",
                                                                x.name, x.fields.size()));
                    x.values.push_back(std::move(t));
                }
            } else if (!values.IsNull()) {
                f.error(values, "BAD_TYPE", fmt::format("exception '{}': 'values' is a list of tuples", x.name));
            }
            if (!x.comps.empty() && x.comps.size() != x.fields.size())
                f.error(e, "BAD_VALUE", fmt::format("exception '{}': 'comps' needs one operator per field", x.name));
            f.reject_unknown_keys();
            out.push_back(std::move(x));
        }
        return out;
    }

    void read_rule(const YAML::Node& item) {
        common::yaml_fields f(item, file_, "rule", code_prefix, diags_);
        rule_item r;
        r.loc = loc_of(item["rule"], file_);
        if (!name_of(f, "rule", r.name)) return;
        r.desc = scalar(f, "desc");
        bool present = false;
        auto events = scalar_list(f, "events", present);
        if (present) {
            // `events: []` would run the rule on nothing; it is never what was meant (and
            // an empty list must not read as "every kind", which is what leaving it out does).
            if (const YAML::Node ev = f.node("events"); ev.IsSequence() && ev.size() == 0)
                error(key_node(item, "events"), "BAD_VALUE",
                      fmt::format("rule '{}': events is empty; list the kinds it applies to or omit 'events'", r.name));
            r.events = std::move(events);
        }
        r.condition = scalar(f, "condition");
        r.action = scalar(f, "action");
        r.priority = scalar(f, "priority");
        r.reason = scalar(f, "reason");
        r.mode = scalar(f, "mode");
        const YAML::Node en = f.node("enabled");
        if (!en.IsNull()) {
            r.enabled_loc = loc_of(en, file_);
            r.enabled = f.get_bool("enabled");
        }
        if (auto t = f.get_string_list("tags")) r.tags = *t;
        if (auto t = f.get_string_list("references")) r.references = *t;
        const YAML::Node ex = f.node("exceptions");
        if (!ex.IsNull()) r.exceptions = read_exceptions(ex);
        r.override_ = read_override(f, {"condition", "exceptions", "enabled", "action", "priority", "mode", "reason", "desc", "events"});
        r.pack = current_pack_;
        r.pack_shadow = current_pack_shadow_;
        f.reject_unknown_keys();
        into_.order.push_back({rule_items::entry::kind::rule, into_.rules.size()});
        into_.rules.push_back(std::move(r));
    }

    // A key given twice in a test's record or subscriber, at any depth (mappings inside
    // mappings and lists), is an error at the second, as anywhere else in a pack: otherwise
    // one of the two values would be taken without a word and the test would check another
    // record than the one written. False when the value nests or spreads past any record's
    // size (an alias to itself, or aliases doubling a list): the caller refuses the record.
    bool reject_duplicate_keys(common::yaml_fields& f, const YAML::Node& n, const std::string& what, const std::string& path) {
        return reject_duplicate_keys(f, n, what, path, 0, test_nodes_left_);
    }
    static bool reject_duplicate_keys(common::yaml_fields& f, const YAML::Node& n, const std::string& what, const std::string& path, int depth,
                                      std::size_t& budget) {
        if (depth > 32 || budget == 0) return false;
        --budget;
        if (n.IsSequence()) {
            std::size_t i = 0;
            for (const auto& v : n)
                if (!reject_duplicate_keys(f, v, what, fmt::format("{}[{}]", path, i++), depth + 1, budget)) return false;
        } else if (n.IsMap()) {
            std::set<std::string> seen;
            for (const auto& kv : n) {
                const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
                const std::string at = path.empty() ? key : path + "." + key;
                if (kv.first.IsScalar() && !seen.insert(key).second) f.error(kv.first, "DUPLICATE_KEY", fmt::format("{} '{}' is given twice", what, at));
                if (!reject_duplicate_keys(f, kv.second, what, at, depth + 1, budget)) return false;
            }
        }
        return true;
    }

    // A test item's problems go to test_diagnostics: `rules check` and `rules test` report
    // them; a start or a reload does not read tests, so a broken test never stops the rules.
    void read_test(const YAML::Node& item) {
        const auto errors = [&] {
            return std::count_if(into_.test_diagnostics.begin(), into_.test_diagnostics.end(),
                                 [](const common::diagnostic& d) { return d.level == common::severity::error; });
        };
        const auto errors_before = errors();
        common::yaml_fields f(item, file_, "test", code_prefix, into_.test_diagnostics);
        test_item t;
        t.loc = loc_of(item["test"], file_);
        if (!name_of(f, "test", t.name)) return;
        if (auto d = f.get_string("desc")) t.desc = *d;
        const YAML::Node records = f.node("records");
        if (!records.IsSequence()) {
            f.error(item["test"], "MISSING_KEY", fmt::format("test '{}' needs 'records' (a list of records)", t.name));
        } else {
            for (const auto& r : records) {
                if (!r.IsMap()) {
                    f.error(r, "BAD_TYPE", fmt::format("test '{}': each record is a mapping in the wire form", t.name));
                    continue;
                }
                if (!reject_duplicate_keys(f, r, fmt::format("test '{}': record", t.name), "")) {
                    f.error(r, "BAD_TYPE", fmt::format("test '{}': a record nests deeper or holds more than any record does (an alias to itself?)", t.name));
                    continue;
                }
                std::string json;
                append_yaml_as_json(json, r);
                t.records_json.push_back(std::move(json));
                t.record_locs.push_back(loc_of(r, file_));
            }
        }
        const YAML::Node subs = f.node("subscribers");
        if (subs.IsDefined() && !subs.IsNull()) {
            t.subscribers_loc = loc_of(subs, file_);
            if (!subs.IsSequence()) f.error(subs, "BAD_TYPE", fmt::format("test '{}': 'subscribers' is a list of subscriber mappings", t.name));
            else
                for (const auto& row : subs) {
                    if (!row.IsMap()) {
                        f.error(row, "BAD_TYPE", fmt::format("test '{}': each subscriber is a mapping of import fields", t.name));
                        continue;
                    }
                    if (!reject_duplicate_keys(f, row, fmt::format("test '{}': subscriber", t.name), "")) {
                        f.error(row, "BAD_TYPE", fmt::format("test '{}': a subscriber nests deeper or holds more than any subscriber does (an alias to itself?)", t.name));
                        continue;
                    }
                    std::vector<std::pair<std::string, std::string>> fields;
                    for (const auto& kv : row) {
                        if (!kv.second.IsScalar()) {
                            f.error(kv.second, "BAD_TYPE", fmt::format("test '{}': subscriber field '{}' takes one value", t.name, kv.first.Scalar()));
                            continue;
                        }
                        fields.emplace_back(kv.first.Scalar(), kv.second.Scalar());
                    }
                    t.subscribers.push_back(std::move(fields));
                    t.subscriber_locs.push_back(loc_of(row, file_));
                }
        }
        read_test_intel(f, t);
        const YAML::Node expect = f.node("expect");
        if (!expect.IsSequence()) {
            f.error(item["test"], "MISSING_KEY", fmt::format("test '{}' needs 'expect' (a list of {{id, action, rules}})", t.name));
        } else if (expect.size() == 0) {
            f.error(expect, "MISSING_KEY", fmt::format("test '{}' expects nothing: give at least one expectation", t.name));
        } else {
            for (const auto& e : expect) {
                common::yaml_fields ef(e, file_, "expect", code_prefix, into_.test_diagnostics);
                test_expectation x;
                x.loc = loc_of(e, file_);
                if (auto id = ef.get_string("id")) x.id = *id;
                else ef.error(e, "MISSING_KEY", "an expectation needs the 'id' of a record");
                if (auto a = ef.get_choice("action", {"allow", "warn", "block"})) x.action = *a;
                x.rules = ef.get_string_list("rules");
                x.rules_include = ef.get_string_list("rules_include");
                x.rules_exclude = ef.get_string_list("rules_exclude");
                // The action may be left out when the rules are what the test is about: a
                // pack's test then holds whatever other packs run beside it. Something must
                // be checked: `rules: []` (no rule fired) does; empty include/exclude lists do not.
                const bool checks = ef.has("action") || ef.has("rules") || (x.rules_include && !x.rules_include->empty()) ||
                                    (x.rules_exclude && !x.rules_exclude->empty());
                if (!checks)
                    ef.error(e, "MISSING_KEY", "an expectation needs an 'action', or 'rules', 'rules_include' or 'rules_exclude'");
                ef.reject_unknown_keys();
                t.expect.push_back(std::move(x));
            }
        }
        f.reject_unknown_keys();
        if (errors() == errors_before) into_.tests.push_back(std::move(t));  // a test not well formed is not run
    }

    // intel: {LIST: [VALUE | {value, source, reason, expires}, ...], ...}
    void read_test_intel(common::yaml_fields& f, test_item& t) {
        const YAML::Node n = f.node("intel");
        if (n.IsNull()) return;
        if (!n.IsMap()) {
            f.error(n, "BAD_TYPE", fmt::format("test '{}': 'intel' maps list names to their entries", t.name));
            return;
        }
        for (const auto& kv : n) {
            const std::string list = kv.first.Scalar();
            if (!kv.second.IsSequence()) {
                f.error(kv.second, "BAD_TYPE", fmt::format("test '{}': intel.{} is a list of entries", t.name, list));
                continue;
            }
            for (const auto& e : kv.second) {
                test_intel_entry x;
                x.list = list;
                x.loc = loc_of(e, file_);
                if (e.IsScalar()) {
                    x.value = e.Scalar();
                } else if (e.IsMap()) {
                    common::yaml_fields ef(e, file_, "intel." + list, code_prefix, into_.test_diagnostics);
                    if (auto v = ef.get_string("value")) x.value = *v;
                    else ef.error(e, "MISSING_KEY", fmt::format("test '{}': an intel entry needs a 'value'", t.name));
                    if (auto v = ef.get_string("source")) x.source = *v;
                    if (auto v = ef.get_string("reason")) x.reason = *v;
                    if (auto v = ef.get_string("expires")) x.expires = *v;
                    ef.reject_unknown_keys();
                } else {
                    f.error(e, "BAD_TYPE", fmt::format("test '{}': an intel entry is a value or {{value, source, reason, expires}}", t.name));
                    continue;
                }
                t.intel.push_back(std::move(x));
            }
        }
    }

    std::string file_;
    rule_items& into_;
    std::vector<common::diagnostic>& diags_;
    std::set<std::size_t> skip_tests_;
    // Nodes the file's test records and subscribers may hold in all: aliases can make a few
    // lines hold billions, so the walk is bounded for the file, not per record.
    std::size_t test_nodes_left_ = 1'000'000;
    std::string current_pack_;
    bool current_pack_shadow_ = false;
};

// A pack file and the name its text goes under in the rule-set content: relative to the
// folder it was found in (or its own name, given alone), so the version hash does not
// change with where the packs sit: `rules check rules/` and a daemon loading /etc/.../rules
// report the same version for the same files.
struct pack_file {
    std::string path;
    std::string content_name;
};

void collect_files(const std::string& path, std::vector<pack_file>& out, std::vector<common::diagnostic>& diags) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        std::vector<pack_file> found;
        for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (!it->is_regular_file()) continue;
            const auto ext = it->path().extension().string();
            if (ext == ".yaml" || ext == ".yml") found.push_back({it->path().string(), it->path().lexically_relative(path).generic_string()});
        }
        // A folder that could not be read to its end (out of descriptors, no permission) is
        // not a folder without packs: the load fails with why, and a reload keeps the rules.
        if (ec) {
            diags.push_back({common::severity::error, "RULES_OPEN_FAILED", "cannot read the folder: " + ec.message(), path, 0, 0});
            return;
        }
        std::sort(found.begin(), found.end(), [](const pack_file& a, const pack_file& b) { return a.path < b.path; });
        out.insert(out.end(), found.begin(), found.end());
    } else if (fs::exists(path, ec)) {
        out.push_back({path, fs::path(path).filename().string()});
    } else {
        diags.push_back({common::severity::error, "RULES_OPEN_FAILED", "no such file or folder", path, 0, 0});
    }
}

}  // namespace

void read_rule_text(const std::string& text, const std::string& file_name, rule_items& into,
                    std::vector<common::diagnostic>& diags, const std::string& content_name) {
    into.files.push_back(file_name);
    into.content += "# file: " + (content_name.empty() ? file_name : content_name) + "\n" + text;
    if (!text.empty() && text.back() != '\n') into.content += '\n';
    if (const int line = common::second_yaml_document_line(text); line > 0) {
        diags.push_back({common::severity::error, "RULES_YAML_PARSE",
                         "a second YAML document: a pack file is one document (one sequence of items); put the rest in another file", file_name,
                         line, 1});
        return;
    }
    // A name or reason that is not UTF-8 would reach the decision log as bytes an auditor's
    // tools cannot read, and a literal that is not UTF-8 never matches a record's text: an
    // error. In a comment such a byte harms nothing (a pack saved in a legacy code page): a
    // warning, so a pack that loaded before still loads.
    // UTF-16 or UTF-32, with or without a byte order mark: zero bytes, which UTF-8 text never
    // holds (and the log's copy of the rules would stop at the first).
    if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF") || text.find('\0') != std::string::npos) {
        diags.push_back({common::severity::error, "RULES_NOT_UTF8", "the file is UTF-16 or UTF-32 (it holds zero bytes): a pack file is UTF-8 text (save it as UTF-8)",
                         file_name, 1, 1});
        return;
    }
    // Without a byte order mark: yaml-cpp's positions, which the reader maps back to the
    // text, do not count it.
    const std::string body = text.starts_with("\xEF\xBB\xBF") ? text.substr(3) : text;
    const std::size_t mark_bytes = text.size() - body.size();
    // Every byte that is not UTF-8 (where each bad sequence starts, in text's bytes), and its
    // line and column, counted in characters as the reader's other positions are.
    std::vector<std::size_t> bad_bytes;
    for (std::size_t from = 0; const auto bad = common::first_invalid_utf8(std::string_view(text).substr(from));) {
        bad_bytes.push_back(from + *bad);
        from += *bad + 1;
    }
    const auto place_of = [&](std::size_t at) {
        const std::size_t nl = std::string_view(text).substr(0, at).rfind('\n');
        const std::size_t line_start = nl == std::string_view::npos ? 0 : nl + 1;
        const std::string_view before(text.data() + line_start, at - line_start);
        const auto line = static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(line_start), '\n')) + 1;
        auto column = static_cast<int>(common::utf8_characters(before)) + 1;
        if (line == 1 && mark_bytes != 0) --column;
        return std::pair<int, int>{line, column};
    };
    const auto not_utf8 = [&](std::size_t at, bool in_comment) {
        const auto [line, column] = place_of(at);
        return common::diagnostic{in_comment ? common::severity::warning : common::severity::error, "RULES_NOT_UTF8",
                                  fmt::format("byte 0x{:02X} is not UTF-8{}: a pack file is UTF-8 text (convert it, e.g. with iconv)",
                                              static_cast<unsigned char>(text[at]), in_comment ? " (in a comment)" : ""),
                                  file_name, line, column};
    };
    YAML::Node root;
    try {
        root = YAML::Load(body);
    } catch (const YAML::ParserException& e) {
        diags.push_back({common::severity::error, "RULES_YAML_PARSE", common::yaml_parse_message(e), file_name, e.mark.line + 1, e.mark.column + 1});
        return;
    }
    std::set<std::size_t> skip_tests;
    if (!bad_bytes.empty()) {
        // Which of those bytes the document holds is read from the document itself: a byte in
        // any key or value is an error, placed at the first bad byte from where the value
        // begins (a block scalar's on the line after its header); the others lie in
        // comments, anchors or tags, which reach no rule: warnings. A value's in a test item
        // is the test's error (rules check and rules test say it; the test is not run).
        scalars_not_utf8 found;
        find_scalars_not_utf8(root, found);
        if (found.cut_short) {
            diags.push_back({common::severity::error, "RULES_YAML_PARSE",
                             "the document nests past 200 levels or holds an alias to a node that holds it: a pack is not read so", file_name, 1, 1});
            return;
        }
        std::set<std::size_t> in_values;  // into bad_bytes
        bool rules_refused = false;
        for (const auto& scalar : found.scalars) {
            std::size_t from = scalar.pos < 0 ? 0 : static_cast<std::size_t>(scalar.pos) + mark_bytes;
            if (scalar.pos >= 0 && from < text.size() && (text[from] == '|' || text[from] == '>')) from = std::min(text.find('\n', from), text.size());
            auto it = std::lower_bound(bad_bytes.begin(), bad_bytes.end(), from);
            if (it == bad_bytes.end()) it = bad_bytes.begin();  // no place to go by: the first bad byte stands for it
            const auto k = static_cast<std::size_t>(it - bad_bytes.begin());
            if (!in_values.insert(k).second) continue;
            (scalar.in_test ? into.test_diagnostics : diags).push_back(not_utf8(bad_bytes[k], false));
            rules_refused = rules_refused || !scalar.in_test;
        }
        if (rules_refused) return;
        skip_tests = found.test_items;
        // The comments' bytes: the first of each line.
        std::size_t line_end = 0;
        for (std::size_t k = 0; k < bad_bytes.size(); ++k) {
            if (in_values.count(k) != 0 || (k > 0 && bad_bytes[k] < line_end)) continue;
            diags.push_back(not_utf8(bad_bytes[k], true));
            line_end = std::min(text.find('\n', bad_bytes[k]), text.size());
        }
    }
    current_source = &body;
    pack_reader(file_name, into, diags, std::move(skip_tests)).read_document(root);
    current_source = nullptr;
}

common::loaded<rule_items> read_rule_paths(const std::vector<std::string>& paths) {
    common::loaded<rule_items> result;
    rule_items items;
    std::vector<pack_file> files;
    for (const auto& p : paths) collect_files(p, files, result.diagnostics);
    for (const auto& f : files) {
        std::string text, why;
        if (!common::read_text_file(f.path, text, why)) {
            result.diagnostics.push_back({common::severity::error, "RULES_OPEN_FAILED", "cannot read the file: " + why, f.path, 0, 0});
            continue;
        }
        read_rule_text(text, f.path, items, result.diagnostics, f.content_name);
    }
    result.value = std::move(items);
    return result;
}

}  // namespace ringfence::engine
