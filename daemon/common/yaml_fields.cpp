#include "common/yaml_fields.hpp"

#include <yaml-cpp/depthguard.h>

#include <initializer_list>
#include <set>

#include <fmt/format.h>

#include <charconv>

namespace ringfence::common {

int second_yaml_document_line(std::string_view text) {
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a UTF-8 byte order mark
    bool content = false;  // the document being read has content
    bool ended = false;    // a "..." closed a document that had content
    int line = 0;
    std::size_t at = 0;
    while (at < text.size()) {
        ++line;
        std::size_t end = text.find('\n', at);
        if (end == std::string_view::npos) end = text.size();
        std::string_view l = text.substr(at, end - at);
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
        at = end + 1;
        auto is_marker = [&](std::string_view m) { return l.substr(0, 3) == m && (l.size() == 3 || l[3] == ' ' || l[3] == '\t'); };
        if (is_marker("---")) {  // starts a document: the second one when the first had content
            if (content) return line;
            continue;
        }
        if (is_marker("...")) {  // ends the document; content after it would be another one
            if (content) ended = true;
            content = false;
            continue;
        }
        const std::size_t first = l.find_first_not_of(" \t");
        if (first == std::string_view::npos || l[first] == '#') continue;
        if (ended) return line;
        if (l[0] == '%' && !content) continue;  // a directive (%YAML 1.2) before the document
        content = true;
    }
    return 0;
}

namespace {

std::string_view kind_name(const YAML::Node& n) {
    switch (n.Type()) {
        case YAML::NodeType::Map: return "a mapping";
        case YAML::NodeType::Sequence: return "a list";
        case YAML::NodeType::Null: return "nothing";
        case YAML::NodeType::Scalar: return "a scalar";
        default: return "an undefined node";
    }
}

}  // namespace

yaml_fields::yaml_fields(const YAML::Node& map, std::string file, std::string prefix,
                         std::string code_prefix, std::vector<diagnostic>& out)
    : map_(map), file_(std::move(file)), prefix_(std::move(prefix)), code_prefix_(std::move(code_prefix)), out_(out) {
    if (!map_.IsMap() && !map_.IsNull())
        error(map_, "BAD_TYPE", fmt::format("'{}': expected a mapping, got {}", prefix_.empty() ? "document" : prefix_, kind_name(map_)));
}

void yaml_fields::locate(const YAML::Node& n, diagnostic& d) {
    if (!n.IsDefined()) return;
    const YAML::Mark m = n.Mark();
    if (m.line >= 0) {
        d.line = m.line + 1;
        d.column = m.column + 1;
    }
}

void yaml_fields::error(const YAML::Node& n, std::string_view code_suffix, std::string message) {
    diagnostic d;
    d.level = severity::error;
    d.code = fmt::format("{}_{}", code_prefix_, code_suffix);
    d.message = std::move(message);
    d.file = file_;
    locate(n.IsDefined() ? n : map_, d);
    out_.push_back(std::move(d));
}

bool yaml_fields::has(const std::string& key) const {
    if (!map_.IsMap()) return false;
    const YAML::Node n = map_[key];
    return n.IsDefined() && !n.IsNull();
}

YAML::Node yaml_fields::node(const std::string& key) {
    known_.insert(key);
    if (!map_.IsMap()) return YAML::Node(YAML::NodeType::Null);
    const YAML::Node n = map_[key];
    return n.IsDefined() ? n : YAML::Node(YAML::NodeType::Null);
}

std::optional<std::string> yaml_fields::get_string(const std::string& key) {
    YAML::Node n = node(key);
    if (written_without_value(key)) return std::nullopt;
    if (n.IsNull()) return std::nullopt;
    if (!n.IsScalar()) {
        error(n, "BAD_TYPE", fmt::format("'{}': expected a string, got {}", path(key), kind_name(n)));
        return std::nullopt;
    }
    return n.Scalar();
}

bool yaml_fields::written_without_value(const std::string& key) {
    if (!map_.IsMap()) return false;
    for (const auto& kv : map_) {
        if (!kv.first.IsScalar() || kv.first.Scalar() != key) continue;
        if (!kv.second.IsNull()) return false;
        // `key:` with nothing after it (or `key: null`, `key: ~`): the author meant a value
        // and gave none; taking the default without a word would hide the mistake. Located
        // at the key: an empty value's own mark is where the next key starts.
        if (without_value_.insert(key).second)
            error(kv.first, "BAD_TYPE", fmt::format("'{}': no value given: write one (or leave the key out where it has a default)", path(key)));
        return true;
    }
    return false;
}

bool yaml_fields::quoted(const YAML::Node& n, const std::string& key, std::string_view expected) {
    // yaml-cpp tags a quoted scalar "!": "8080" is a string in YAML, and a number or a switch
    // given as a string is a type error here, as it would be to any other YAML reader.
    // Called once the text reads as the expected type: other text gets the plain message.
    if (n.Tag() != "!" && n.Tag() != "tag:yaml.org,2002:str") return false;
    error(n, "BAD_TYPE", fmt::format("'{}': expected {}, got the string \"{}\" (quoted or tagged !!str; write it plain)", path(key), expected, n.Scalar()));
    return true;
}

std::optional<bool> yaml_fields::get_bool(const std::string& key) {
    YAML::Node n = node(key);
    if (written_without_value(key)) return std::nullopt;
    if (n.IsNull()) return std::nullopt;
    if (n.IsScalar()) {
        const std::string& s = n.Scalar();
        // YAML 1.1 booleans in their three spellings (true, True, TRUE; yes, on ...).
        const auto is_one_of = [&](std::initializer_list<std::string_view> words) {
            for (std::string_view w : words)
                if (s == w) return true;
            return false;
        };
        const bool yes = is_one_of({"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"});
        if (yes || is_one_of({"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"})) {
            if (quoted(n, key, "true or false")) return std::nullopt;
            return yes;
        }
    }
    error(n, "BAD_TYPE", fmt::format("'{}': expected true or false, got '{}'", path(key), n.IsScalar() ? n.Scalar() : std::string(kind_name(n))));
    return std::nullopt;
}

std::optional<std::int64_t> yaml_fields::get_int(const std::string& key, std::int64_t min, std::int64_t max) {
    YAML::Node n = node(key);
    if (written_without_value(key)) return std::nullopt;
    if (n.IsNull()) return std::nullopt;
    if (n.IsScalar()) {
        const std::string& s = n.Scalar();
        std::int64_t v = 0;
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec == std::errc() && p == s.data() + s.size()) {
            if (quoted(n, key, "an integer")) return std::nullopt;
            if (v < min || v > max) {
                error(n, "BAD_VALUE", fmt::format("'{}': {} is out of range [{}, {}]", path(key), v, min, max));
                return std::nullopt;
            }
            return v;
        }
    }
    error(n, "BAD_TYPE", fmt::format("'{}': expected an integer, got '{}'", path(key), n.IsScalar() ? n.Scalar() : std::string(kind_name(n))));
    return std::nullopt;
}

std::optional<std::vector<std::string>> yaml_fields::get_string_list(const std::string& key) {
    YAML::Node n = node(key);
    if (written_without_value(key)) return std::nullopt;
    if (n.IsNull()) return std::nullopt;
    if (!n.IsSequence()) {
        error(n, "BAD_TYPE", fmt::format("'{}': expected a list of strings, got {}", path(key), kind_name(n)));
        return std::nullopt;
    }
    std::vector<std::string> out;
    for (const auto& item : n) {
        if (!item.IsScalar()) {
            error(item, "BAD_TYPE", fmt::format("'{}': every item must be a string, got {}", path(key), kind_name(item)));
            return std::nullopt;
        }
        out.push_back(item.Scalar());
    }
    return out;
}

std::optional<std::string> yaml_fields::get_choice(const std::string& key, const std::vector<std::string_view>& allowed) {
    YAML::Node n = node(key);
    auto s = get_string(key);
    if (!s) return std::nullopt;
    for (auto a : allowed)
        if (a == *s) return s;
    error(n, "BAD_VALUE", fmt::format("'{}': '{}' is not one of {}", path(key), *s, fmt::join(allowed, ", ")));
    return std::nullopt;
}

void yaml_fields::reject_unknown_keys() {
    if (!map_.IsMap()) return;
    // yaml-cpp keeps one of two equal keys and drops the other without a word: a
    // second `threads:` an operator added at the bottom would change nothing.
    std::set<std::string> seen;
    for (const auto& kv : map_) {
        const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string("?");
        if (!seen.insert(key).second) {
            error(kv.first, "DUPLICATE_KEY", fmt::format("'{}' is given twice", path(key)));
            continue;
        }
        if (known_.count(key)) {
            // A key read as a node (not through a typed getter) and written with no value:
            // taken as absent, its default would apply without a word (`events:` would run
            // a rule on every kind).
            if (kv.second.IsNull() && !without_value_.count(key)) {
                without_value_.insert(key);
                error(kv.first, "BAD_TYPE", fmt::format("'{}': no value given: write one (or leave the key out where it has a default)", path(key)));
            }
            continue;
        }
        error(kv.first, "UNKNOWN_KEY", fmt::format("unknown key '{}'", path(key)));
    }
}

std::string yaml_parse_message(const YAML::ParserException& e) {
    if (const auto* deep = dynamic_cast<const YAML::DeepRecursion*>(&e))
        return fmt::format("nested {} levels deep, past what the YAML reader reads: flatten it", deep->depth());
    return e.msg;
}

}  // namespace ringfence::common
