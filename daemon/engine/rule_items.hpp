// Rule packs as the reader leaves them: plain structs that remember where each item and
// field came from (file:line:column). The collector applies definitions and overrides to
// these; nothing here is parsed or resolved yet.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/diagnostic.hpp"

namespace ringfence::engine {

struct source_loc {
    std::string file;
    int line = 0;
    int column = 0;
};

// A scalar with its place in the file.
struct located_text {
    std::string text;
    source_loc loc;
    // For a block scalar (| or >) the condition text starts on the next line; offsets inside
    // it map to lines below loc.
    bool block = false;
    // The file line and column of each byte of text and of its end, when the reader could
    // align the value with its source (multi-line, folded and quoted scalars included);
    // empty otherwise, and positions are then computed from loc.
    std::vector<std::pair<int, int>> positions;
};

// override: {items: append, condition: append, exceptions: append, enabled: replace, action: replace}
struct override_spec {
    std::map<std::string, std::string> how;  // field -> "append" | "replace"
    source_loc loc;
};

struct list_item {
    std::string name;
    source_loc loc;
    std::vector<located_text> items;
    std::optional<located_text> intel;  // `intel: KIND`: the entries live in the intel store, not here
    std::string desc;
    std::optional<override_spec> override_;
};

struct macro_item {
    std::string name;
    source_loc loc;
    located_text condition;
    std::optional<override_spec> override_;
};

struct rule_exception {
    std::string name;
    source_loc loc;
    std::vector<located_text> fields;
    std::vector<located_text> comps;                // "=", "in", "prefix_in", "startswith"; default "="
    std::vector<std::vector<located_text>> values;  // one tuple per match, one value per field
};

struct rule_item {
    std::string name;
    source_loc loc;
    std::optional<located_text> desc;
    std::optional<std::vector<located_text>> events;
    std::optional<located_text> condition;
    std::optional<located_text> action;    // allow | warn | block
    std::optional<located_text> priority;  // emergency .. debug
    std::optional<located_text> reason;
    std::optional<located_text> mode;      // enforce | shadow
    std::optional<bool> enabled;
    source_loc enabled_loc;
    std::vector<std::string> tags;
    std::vector<std::string> references;
    std::optional<std::vector<rule_exception>> exceptions;
    std::optional<override_spec> override_;
    std::string pack;        // the pack (file-level `- pack:` item) it was read under, if any
    bool pack_shadow = false;
};

// A test case a pack carries: records in order, and what the named ones must get.
struct test_expectation {
    std::string id;
    source_loc loc;
    std::string action;                          // allow | warn | block; "" when not checked
    std::optional<std::vector<std::string>> rules;          // exactly these fired (shadow ones included)
    std::optional<std::vector<std::string>> rules_include;  // at least these fired
    std::optional<std::vector<std::string>> rules_exclude;  // none of these fired
};

// An intelligence-list entry a test case seeds before its records run (`intel:` key).
struct test_intel_entry {
    std::string list;
    source_loc loc;
    std::string value;
    std::string source = "internal";
    std::string reason = "pack test";
    std::string expires;  // as `ringfence lists add --expires` takes it; "" never
};

struct test_item {
    std::string name;
    source_loc loc;
    std::string desc;
    std::vector<test_intel_entry> intel;
    std::vector<std::string> records_json;  // each record as one JSON line (converted from YAML)
    std::vector<source_loc> record_locs;
    std::vector<test_expectation> expect;
    // The subscriber database the test runs with: one (field, value) list per subscriber,
    // fields as in the import contract (docs/subscribers.md); missing fields take defaults.
    std::vector<std::vector<std::pair<std::string, std::string>>> subscribers;
    source_loc subscribers_loc;
    std::vector<source_loc> subscriber_locs;  // where each of subscribers was written
};

struct pack_item {
    std::string name;
    source_loc loc;
    std::string desc;
    bool shadow = false;
};

// Everything read from the rule paths, in load order.
struct rule_items {
    struct entry {
        enum class kind : std::uint8_t { list, macro, rule } k;
        std::size_t index;  // into lists, macros or rules
    };
    std::vector<entry> order;
    std::vector<list_item> lists;
    std::vector<macro_item> macros;
    std::vector<rule_item> rules;
    std::vector<test_item> tests;
    // Problems of the test items (a test with no records or no expectation, a key given twice
    // in a record...): reported by `rules check` and `rules test`, not by a start or a reload,
    // which do not read tests.
    std::vector<common::diagnostic> test_diagnostics;
    std::vector<pack_item> packs;
    std::vector<std::string> files;  // in load order
    std::string content;             // every file's text, in order, each after a "# file:" line: the rule-set version's content
};

}  // namespace ringfence::engine
