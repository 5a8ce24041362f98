// Collector: applies the items in load order. A definition adds a list, macro or rule (a
// second definition of the same name is an error); an item with `override:` changes one
// defined before it, in this file or an earlier one: append adds list items, condition text
// ("and …" / "or …", parsed on its own, never glued to the old text) or exceptions; replace
// swaps enabled, action, priority, mode, reason, desc or events.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/diagnostic.hpp"
#include "engine/rule_items.hpp"

namespace ringfence::engine {

struct condition_part {
    located_text text;
    enum class join : std::uint8_t { first, and_, or_ } how = join::first;  // appended parts start with and/or
};

struct collected_list {
    std::string name;
    source_loc loc;
    std::vector<located_text> items;
    std::optional<located_text> intel;  // an intelligence list of this kind (no items)
};

struct collected_macro {
    std::string name;
    source_loc loc;
    std::vector<condition_part> condition;
};

struct collected_rule {
    std::string name;
    source_loc loc;
    std::string desc;
    std::vector<located_text> events;  // empty: every kind
    bool events_given = false;
    std::vector<condition_part> condition;
    located_text action;
    located_text priority;
    std::optional<located_text> reason;
    bool shadow = false;
    bool enabled = true;
    std::vector<std::string> tags;
    std::vector<std::string> references;
    std::vector<rule_exception> exceptions;
    std::string pack;
};

struct collected_rules {
    std::vector<collected_list> lists;
    std::vector<collected_macro> macros;
    std::vector<collected_rule> rules;  // in definition order
};

collected_rules collect_rules(const rule_items& items, std::vector<common::diagnostic>& diags);

}  // namespace ringfence::engine
