#include "engine/rule_collector.hpp"

#include <fmt/format.h>

#include <map>

#include "engine/condition/condition_parser.hpp"
#include "engine/field_registry.hpp"

namespace ringfence::engine {

namespace {

void add_error(std::vector<common::diagnostic>& diags, const source_loc& loc, std::string code, std::string message) {
    diags.push_back({common::severity::error, std::move(code), std::move(message), loc.file, loc.line, loc.column});
}

// "and x" / "or x": which join, and the text after the keyword (with its place).
bool split_appended(const located_text& t, condition_part& out) {
    std::size_t i = t.text.find_first_not_of(" \t\r\n");
    if (i == std::string::npos) return false;
    auto starts = [&](std::string_view kw) {
        return t.text.compare(i, kw.size(), kw) == 0 && i + kw.size() < t.text.size() &&
               (t.text[i + kw.size()] == ' ' || t.text[i + kw.size()] == '\n' || t.text[i + kw.size()] == '\t' ||
                t.text[i + kw.size()] == '(');
    };
    std::size_t skip;
    if (starts("and")) {
        out.how = condition_part::join::and_;
        skip = i + 3;
    } else if (starts("or")) {
        out.how = condition_part::join::or_;
        skip = i + 2;
    } else {
        return false;
    }
    out.text = t;
    // Blank out the keyword instead of cutting it, so offsets still point into the source.
    for (std::size_t k = i; k < skip; ++k) out.text.text[k] = ' ';
    return true;
}

bool is_append(const override_spec& o, const std::string& field) {
    auto it = o.how.find(field);
    return it != o.how.end() && it->second == "append";
}
bool is_replace(const override_spec& o, const std::string& field) {
    auto it = o.how.find(field);
    return it != o.how.end() && it->second == "replace";
}

class collector {
public:
    explicit collector(std::vector<common::diagnostic>& diags) : diags_(diags) {}

    void list(const list_item& l) {
        auto it = lists_.find(l.name);
        if (!l.override_) {
            if (it != lists_.end()) return duplicate("list", l.name, l.loc, out_.lists[it->second].loc);
            lists_[l.name] = out_.lists.size();
            out_.lists.push_back({l.name, l.loc, l.items, l.intel});
            return;
        }
        if (it == lists_.end()) return undefined("list", l.name, l.loc);
        auto& target = out_.lists[it->second];
        if (target.intel || l.intel) {
            add_error(diags_, l.override_->loc, "RULES_BAD_OVERRIDE",
                      fmt::format("list '{}' is an intelligence list: its entries live in the intel store; change them with `ringfence lists add|remove|import`", l.name));
            return;
        }
        if (is_append(*l.override_, "items")) target.items.insert(target.items.end(), l.items.begin(), l.items.end());
        else if (is_replace(*l.override_, "items")) target.items = l.items;
        else not_named("list", l.name, "items", "append or replace", l.loc);
    }

    void macro(const macro_item& m) {
        auto it = macros_.find(m.name);
        if (!m.override_) {
            if (it != macros_.end()) return duplicate("macro", m.name, m.loc, out_.macros[it->second].loc);
            // A condition reads a name as a macro before a field: a macro named like a field
            // would quietly stand in for that field in every rule of every pack.
            if (find_field(m.name))
                return add_error(diags_, m.loc, "RULES_BAD_NAME",
                                 fmt::format("macro '{}' has the name of a field: every rule would read the macro where it means the field; name it otherwise",
                                             m.name));
            if (condition::is_reserved_word(m.name))
                return add_error(diags_, m.loc, "RULES_BAD_NAME", fmt::format("macro '{}' has the name of a word of the condition language; name it otherwise", m.name));
            macros_[m.name] = out_.macros.size();
            out_.macros.push_back({m.name, m.loc, {{m.condition, condition_part::join::first}}});
            return;
        }
        if (it == macros_.end()) return undefined("macro", m.name, m.loc);
        if (m.override_->how.count("condition") == 0) return not_named("macro", m.name, "condition", "append or replace", m.condition.loc);
        apply_condition(out_.macros[it->second].condition, *m.override_, m.condition, "macro", m.name);
    }

    void rule(const rule_item& r) {
        auto it = rules_.find(r.name);
        if (!r.override_) {
            if (it != rules_.end()) return duplicate("rule", r.name, r.loc, out_.rules[it->second].loc);
            define_rule(r);
            return;
        }
        if (it == rules_.end()) return undefined("rule", r.name, r.loc);
        auto& target = out_.rules[it->second];
        const auto& o = *r.override_;
        if (r.condition) apply_condition(target.condition, o, *r.condition, "rule", r.name);
        if (r.exceptions) {
            if (is_append(o, "exceptions")) target.exceptions.insert(target.exceptions.end(), r.exceptions->begin(), r.exceptions->end());
            else if (is_replace(o, "exceptions")) target.exceptions = *r.exceptions;
        }
        if (is_replace(o, "enabled") && r.enabled) target.enabled = *r.enabled;
        if (is_replace(o, "action") && r.action) target.action = *r.action;
        if (is_replace(o, "priority") && r.priority) target.priority = *r.priority;
        if (is_replace(o, "reason") && r.reason) target.reason = *r.reason;
        if (is_replace(o, "desc") && r.desc) target.desc = r.desc->text;
        if (is_replace(o, "mode") && r.mode) target.shadow = r.mode->text == "shadow";
        if (is_replace(o, "events") && r.events) {
            target.events = *r.events;
            target.events_given = true;
        }
        const bool gives_any = r.condition || r.exceptions || r.enabled || r.action || r.priority || r.reason || r.desc || r.mode || r.events;
        if (o.how.empty() && !gives_any)
            add_error(diags_, o.loc, "RULES_BAD_OVERRIDE", fmt::format("override of rule '{}' names nothing and gives nothing: it changes nothing", r.name));
        // Each overridden field must be given, and each given field must be overridden.
        for (const auto& [field, how] : o.how) {
            const bool given = (field == "condition" && r.condition) || (field == "exceptions" && r.exceptions) ||
                               (field == "enabled" && r.enabled) || (field == "action" && r.action) ||
                               (field == "priority" && r.priority) || (field == "reason" && r.reason) ||
                               (field == "desc" && r.desc) || (field == "mode" && r.mode) || (field == "events" && r.events);
            if (!given)
                add_error(diags_, o.loc, "RULES_BAD_OVERRIDE", fmt::format("override of rule '{}' names '{}' but gives no '{}'", r.name, field, field));
        }
        // A key given but not named in 'override:' would be dropped without a word: an
        // operator's `action: block` that changes nothing. It is an error instead.
        const auto named = [&](const char* field) { return o.how.count(field) != 0; };
        if (r.condition && !named("condition")) not_named("rule", r.name, "condition", "append or replace", r.condition->loc);
        if (r.exceptions && !named("exceptions")) not_named("rule", r.name, "exceptions", "append or replace", r.loc);
        if (r.enabled && !named("enabled")) not_named("rule", r.name, "enabled", "replace", r.enabled_loc);
        if (r.action && !named("action")) not_named("rule", r.name, "action", "replace", r.action->loc);
        if (r.priority && !named("priority")) not_named("rule", r.name, "priority", "replace", r.priority->loc);
        if (r.reason && !named("reason")) not_named("rule", r.name, "reason", "replace", r.reason->loc);
        if (r.desc && !named("desc")) not_named("rule", r.name, "desc", "replace", r.desc->loc);
        if (r.mode && !named("mode")) not_named("rule", r.name, "mode", "replace", r.mode->loc);
        if (r.events && !named("events")) not_named("rule", r.name, "events", "replace", r.events->empty() ? r.loc : r.events->front().loc);
        if (!r.tags.empty() || !r.references.empty())
            add_error(diags_, r.loc, "RULES_BAD_OVERRIDE",
                      fmt::format("override of rule '{}' gives {}: tags and references belong to the rule's definition and cannot be overridden", r.name,
                                  r.tags.empty() ? "'references'" : "'tags'"));
    }

    collected_rules take() { return std::move(out_); }

private:
    void define_rule(const rule_item& r) {
        collected_rule c;
        c.name = r.name;
        c.loc = r.loc;
        c.desc = r.desc ? r.desc->text : "";
        if (r.events) {
            c.events = *r.events;
            c.events_given = true;
        }
        if (!r.condition) add_error(diags_, r.loc, "RULES_MISSING_KEY", fmt::format("rule '{}' has no 'condition'", r.name));
        else c.condition.push_back({*r.condition, condition_part::join::first});
        if (!r.action) add_error(diags_, r.loc, "RULES_MISSING_KEY", fmt::format("rule '{}' has no 'action' (allow, warn or block)", r.name));
        else c.action = *r.action;
        if (!r.priority) add_error(diags_, r.loc, "RULES_MISSING_KEY", fmt::format("rule '{}' has no 'priority'", r.name));
        else c.priority = *r.priority;
        c.reason = r.reason;
        c.shadow = r.pack_shadow || (r.mode && r.mode->text == "shadow");
        if (r.mode && r.mode->text != "shadow" && r.mode->text != "enforce")
            add_error(diags_, r.mode->loc, "RULES_BAD_VALUE", fmt::format("rule '{}': mode is enforce or shadow, not '{}'", r.name, r.mode->text));
        // The pack's shadow mode holds every rule it defines: a rule's own `mode: enforce`
        // there changes nothing, which its author would not guess.
        if (r.pack_shadow && r.mode && r.mode->text == "enforce")
            diags_.push_back({common::severity::warning, "RULES_MODE_IGNORED",
                              fmt::format("rule '{}': mode: enforce has no effect in a pack whose mode is shadow (the rule stays in shadow; "
                                          "a later pack's override can enforce it)",
                                          r.name),
                              r.mode->loc.file, r.mode->loc.line, r.mode->loc.column});
        c.enabled = r.enabled.value_or(true);
        c.tags = r.tags;
        c.references = r.references;
        if (r.exceptions) c.exceptions = *r.exceptions;
        c.pack = r.pack;
        rules_[r.name] = out_.rules.size();
        out_.rules.push_back(std::move(c));
    }

    void apply_condition(std::vector<condition_part>& parts, const override_spec& o, const located_text& text,
                         const char* what, const std::string& name) {
        if (is_replace(o, "condition")) {
            parts = {{text, condition_part::join::first}};
        } else if (is_append(o, "condition")) {
            condition_part p;
            if (!split_appended(text, p)) {
                add_error(diags_, text.loc, "RULES_BAD_OVERRIDE",
                          fmt::format("appended condition of {} '{}' must start with 'and' or 'or'", what, name));
                return;
            }
            parts.push_back(std::move(p));
        }
    }

    void not_named(const char* what, const std::string& name, const char* field, const char* hows, const source_loc& loc) {
        add_error(diags_, loc, "RULES_BAD_OVERRIDE",
                  fmt::format("override of {} '{}' gives '{}' but its 'override:' does not name it, so it would be ignored; add {}: {}", what, name,
                              field, field, hows));
    }

    void duplicate(const char* what, const std::string& name, const source_loc& loc, const source_loc& first) {
        add_error(diags_, loc, "RULES_DUPLICATE",
                  fmt::format("{} '{}' is already defined at {}:{}; to change it, add 'override:'", what, name, first.file, first.line));
    }
    void undefined(const char* what, const std::string& name, const source_loc& loc) {
        add_error(diags_, loc, "RULES_OVERRIDE_UNDEFINED",
                  fmt::format("override of {} '{}', which is not defined before it", what, name));
    }

    std::vector<common::diagnostic>& diags_;
    collected_rules out_;
    std::map<std::string, std::size_t> lists_, macros_, rules_;
};

}  // namespace

collected_rules collect_rules(const rule_items& items, std::vector<common::diagnostic>& diags) {
    collector c(diags);
    for (const auto& e : items.order) {
        switch (e.k) {
            case rule_items::entry::kind::list: c.list(items.lists[e.index]); break;
            case rule_items::entry::kind::macro: c.macro(items.macros[e.index]); break;
            case rule_items::entry::kind::rule: c.rule(items.rules[e.index]); break;
        }
    }
    return c.take();
}

}  // namespace ringfence::engine
