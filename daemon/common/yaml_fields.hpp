// Typed reads from a yaml-cpp mapping that turn every problem into a diagnostic with the
// file, line and column of the offending node, and report keys nobody asked for. Used by
// the config loader and the plan/rule-pack readers so all of them word errors alike.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostic.hpp"

namespace ringfence::common {

// The line where a second YAML document begins, or 0: a "---" marker after content, or
// content after a "..." that ended the first. A marker before any content opens the one
// document; a byte order mark and %directives before it are not content. Every YAML file
// ringfence reads is one document: yaml-cpp's Load reads the first and silently leaves the
// rest out, so a second one is refused at its marker (yaml-cpp's LoadAll loops forever on
// some malformed input, ",].[" under the fuzzer, so it is not used to find it).
int second_yaml_document_line(std::string_view text);

// What a YAML parse error says to the person who wrote the file: yaml-cpp's own message,
// except where it says nothing useful (nesting past its depth limit reads "bad file").
std::string yaml_parse_message(const YAML::ParserException& e);

class yaml_fields {
public:
    // prefix names the mapping in messages ("decision_log"); code_prefix starts every code ("CONFIG").
    yaml_fields(const YAML::Node& map, std::string file, std::string prefix, std::string code_prefix,
                std::vector<diagnostic>& out);

    bool is_map() const { return map_.IsMap(); }
    bool has(const std::string& key) const;
    YAML::Node node(const std::string& key);  // marks key as known; null node when absent

    std::optional<std::string> get_string(const std::string& key);
    std::optional<bool> get_bool(const std::string& key);
    std::optional<std::int64_t> get_int(const std::string& key, std::int64_t min, std::int64_t max);
    std::optional<std::vector<std::string>> get_string_list(const std::string& key);
    // One of the allowed strings; anything else is an error that lists them.
    std::optional<std::string> get_choice(const std::string& key, const std::vector<std::string_view>& allowed);

    // Every key of the mapping that no get_*/node call asked for is an UNKNOWN_KEY error.
    void reject_unknown_keys();

    // Adds an error located at node n (or at the mapping when n has no mark).
    void error(const YAML::Node& n, std::string_view code_suffix, std::string message);
    std::string path(const std::string& key) const { return prefix_.empty() ? key : prefix_ + "." + key; }

    // Location helpers, shared with readers that walk YAML themselves.
    static void locate(const YAML::Node& n, diagnostic& d);

private:
    // Both add their error and return true when the value cannot be read as typed.
    bool written_without_value(const std::string& key);
    bool quoted(const YAML::Node& n, const std::string& key, std::string_view expected);

    YAML::Node map_;
    std::string file_;
    std::string prefix_;
    std::string code_prefix_;
    std::vector<diagnostic>& out_;
    std::set<std::string> known_;
    std::set<std::string> without_value_;  // keys reported as written with no value
};

}  // namespace ringfence::common
