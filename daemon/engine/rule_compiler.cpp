#include "engine/rule_compiler.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <tuple>
#include <set>

#include "engine/condition/condition_lexer.hpp"
#include "engine/condition/condition_parser.hpp"
#include "engine/fast_leaf.hpp"
#include "engine/regex_matcher.hpp"
#include "engine/result_memo.hpp"
#include "engine/rule_text.hpp"
#include "engine/text/bank_account_extractor.hpp"
#include "engine/text/public_suffix.hpp"
#include "engine/text/text_fold.hpp"
#include "engine/text/url_key.hpp"

namespace ringfence::engine {

namespace {

using condition::expr;
using condition::literal;

const std::vector<std::string_view> priorities{"emergency", "alert", "critical", "error", "warning", "notice", "informational", "debug"};

// Which event kinds a rule runs on, as a bit mask over model::event_kind.
using kind_mask = std::uint8_t;
constexpr kind_mask all_kinds = (1u << model::event_kind_count) - 1;
constexpr kind_mask call_kinds = 0b00111;
constexpr kind_mask attempt_kind = 1u << static_cast<int>(model::event_kind::call_attempt);
constexpr kind_mask sms_kinds = 0b11000;

// How each kind of intelligence list may be used: the operator and the fields.
struct intel_use {
    list_use use;
    std::vector<field_id> fields;
    const char* how;  // for messages
};

const intel_use& intel_use_of(intel_kind k) {
    static const std::vector<field_id> numbers{field_id::caller_e164, field_id::callee_e164, field_id::asserted_e164, field_id::diversion_e164};
    static const intel_use uses[] = {
        {list_use::exact, numbers, "caller.e164, callee.e164, asserted.e164 or diversion.e164 in LIST"},
        {list_use::number_prefix, numbers, "caller.e164, callee.e164, asserted.e164 or diversion.e164 prefix_in LIST"},
        {list_use::exact, {field_id::sms_domains}, "sms.domains in LIST"},
        {list_use::exact, {field_id::sms_urls}, "sms.urls in LIST"},
        {list_use::ip_cidr, {field_id::origin_ip}, "origin.ip in LIST"},
        {list_use::exact, {field_id::sms_bank_accounts}, "sms.bank_accounts in LIST"},
    };
    return uses[static_cast<int>(k)];
}

const char* use_text(list_use u) {
    switch (u) {
        case list_use::exact:
        case list_use::ip_cidr: return "in";
        case list_use::number_prefix: return "prefix_in";
        case list_use::keywords: return "contains_any";
        case list_use::keywords_folded: return "icontains_any";
    }
    return "?";
}

class compiler {
public:
    compiler(const collected_rules& in, const spec_id_source& ids, std::vector<common::diagnostic>& diags, intel_source* intel,
             const event_list_layout* before)
        : in_(in), ids_(ids), diags_(diags), intel_(intel), before_(before), out_(std::make_unique<compiled_ruleset>()) {
        for (const auto& l : in_.lists) {
            lists_[l.name] = &l;
            // The order files were loaded in, as their lists show it (RULES_LIST_INCLUDE).
            file_order_.try_emplace(l.loc.file, file_order_.size());
            for (const auto& item : l.items) file_order_.try_emplace(item.loc.file, file_order_.size());
        }
        for (const auto& m : in_.macros) macros_[m.name] = &m;
    }

    std::unique_ptr<compiled_ruleset> run() {
        for (const auto& r : in_.rules) compile_rule(r);
        warn_unused();
        share_event_lists();
        for (std::uint32_t a = 0; a < out_->aggregates.size(); ++a)
            if (live_aggregates_.count(a) && !readers_.count(a) && !out_->aggregates[a].shared())
                out_->aggregates_by_kind[static_cast<int>(out_->aggregates[a].kind)].push_back(a);
        for (int k = 0; k < model::event_kind_count; ++k) collect_list_probes(static_cast<std::size_t>(k));
        assign_list_memos();
        assign_keyword_scans();
        assign_result_memos(*out_);
        assign_fast_leaves(*out_);
        return std::move(out_);
    }

private:
    // ---- errors, located inside the condition text being compiled ----
    void error_at(const located_text& t, std::uint32_t offset, std::string code, std::string message,
                  common::severity level = common::severity::error) {
        if (offset < t.positions.size()) {
            diags_.push_back({level, std::move(code), std::move(message), t.loc.file, t.positions[offset].first, t.positions[offset].second});
            return;
        }
        auto [l, c] = condition::line_column(t.text, offset);
        int line = t.loc.line;
        int column = t.loc.column;
        if (t.block) {
            line += l;
            column = c;
        } else if (l == 1) {
            column += c - 1;
        } else {
            line += l - 1;
            column = c;
        }
        diags_.push_back({level, std::move(code), std::move(message), t.loc.file, line, column});
    }
    void error(std::uint32_t offset, std::string code, std::string message) { error_at(*text_, offset, std::move(code), std::move(message)); }
    void error_loc(const source_loc& loc, std::string code, std::string message, common::severity level = common::severity::error) {
        diags_.push_back({level, std::move(code), std::move(message), loc.file, loc.line, loc.column});
    }

    std::uint32_t add(node n) {
        out_->nodes.push_back(std::move(n));
        return static_cast<std::uint32_t>(out_->nodes.size() - 1);
    }
    std::uint32_t constant(bool v) {
        node n;
        n.o = node::op::constant;
        n.constant = v;
        return add(std::move(n));
    }
    std::uint32_t combine(node::op o, std::uint32_t a, std::uint32_t b) {
        node n;
        n.o = o;
        n.children = {a, b};
        return add(std::move(n));
    }

    // ---- conditions ----
    const expr* parse(const located_text& t) {
        auto it = parsed_.find(&t);
        if (it != parsed_.end()) return it->second.root.get();
        auto r = condition::parse_condition(t.text);
        if (r.error) {
            error_at(t, r.error->offset, r.error->window ? "RULES_BAD_WINDOW" : "RULES_CONDITION_SYNTAX", r.error->message);
            r.root.reset();
        }
        return parsed_.emplace(&t, std::move(r)).first->second.root.get();
    }

    // Compiles condition parts (the first, then "and …"/"or …" appended by overrides).
    std::uint32_t compile_parts(const std::vector<condition_part>& parts) {
        std::uint32_t root = no_node;
        for (const auto& p : parts) {
            const expr* e = parse(p.text);
            if (!e) return constant(false);
            const located_text* saved = text_;
            text_ = &p.text;
            const std::uint32_t n = compile(*e);
            text_ = saved;
            if (root == no_node) root = n;
            else root = combine(p.how == condition_part::join::or_ ? node::op::or_ : node::op::and_, root, n);
        }
        return root == no_node ? constant(false) : root;
    }

    std::uint32_t compile(const expr& e) {
        switch (e.k) {
            case expr::kind::and_:
            case expr::kind::or_: {
                node n;
                n.o = e.k == expr::kind::and_ ? node::op::and_ : node::op::or_;
                for (const auto& c : e.children) n.children.push_back(compile(*c));
                return add(std::move(n));
            }
            case expr::kind::not_: {
                node n;
                n.o = node::op::not_;
                n.children.push_back(compile(*e.children[0]));
                return add(std::move(n));
            }
            case expr::kind::bare: return compile_bare(e);
            case expr::kind::time_between: {
                node n;
                n.o = node::op::time_between;
                n.from_minutes = e.from_minutes;
                n.to_minutes = e.to_minutes;
                uses_local_time_ = true;
                if (e.from_minutes == e.to_minutes)
                    never_matches(e.where.offset, "time.between with the same start and end is an empty interval: this test is always false");
                return add(std::move(n));
            }
            case expr::kind::exists: {
                node n;
                n.o = node::op::exists;
                if (!resolve_field_operand(e.lhs, n.lhs, n.type)) return constant(false);
                return add(std::move(n));
            }
            case expr::kind::compare: return compile_compare(e);
            case expr::kind::in_values: return compile_in_values(e);
            case expr::kind::in_list: return compile_in_list(e);
            case expr::kind::text_test: return compile_text_test(e);
        }
        return constant(false);
    }

    std::uint32_t compile_bare(const expr& e) {
        if (e.lhs.is_aggregate) {
            error(e.where.offset, "RULES_TYPE_MISMATCH", "an aggregate alone is not a condition: compare it, e.g. count(…) > 10");
            return constant(false);
        }
        const std::string& name = e.lhs.lit.text;
        if (e.lhs.lit.kind == literal::type::identifier) {
            if (auto m = macros_.find(name); m != macros_.end()) return compile_macro(*m->second, e.where.offset);
            if (auto f = find_field(name)) {
                note_field(*f, e.where.offset);
                if (f->def->type != field_type::boolean) {
                    error(e.where.offset, "RULES_TYPE_MISMATCH",
                          fmt::format("'{}' is a {} field, not a condition: compare it (e.g. {} = …) or test it with 'exists'", name,
                                      to_string(f->def->type), name));
                    return constant(false);
                }
                node n;
                n.o = node::op::bool_field;
                n.lhs.k = operand::kind::field;
                n.lhs.field = *f;
                n.type = field_type::boolean;
                return add(std::move(n));
            }
            if (name == "true" || name == "false") return constant(name == "true");
        }
        // A record part and a name it does not have (`callee.is_hom`): a misspelt field, as
        // the same word in a comparison is.
        if (model::parse_event_kind(name)) {  // `call.attempt and ...`: a kind is tested with `kind =`
            error(e.where.offset, "RULES_UNKNOWN_NAME", fmt::format("'{}' is an event kind, not a condition: write kind = {}", name, name));
            return constant(false);
        }
        if (names_no_field(name)) {
            error(e.where.offset, "RULES_UNKNOWN_FIELD", fmt::format("unknown field '{}'", name));
            return constant(false);
        }
        error(e.where.offset, "RULES_UNKNOWN_NAME", fmt::format("unknown macro or field '{}'", name));
        return constant(false);
    }

    // Macros expand in place, so a pack can ask for a condition far larger than its text
    // (each macro using the next twice doubles it) or nested deeper than the stack allows.
    // Both are load errors, as the parser's own nesting limit is: the running set stays.
    static constexpr std::size_t max_macro_depth = 64;
    static constexpr std::size_t max_rule_nodes = 100'000;

    std::uint32_t compile_macro(const collected_macro& m, std::uint32_t use_offset) {
        if (std::find(macro_stack_.begin(), macro_stack_.end(), m.name) != macro_stack_.end()) {
            error(use_offset, "RULES_MACRO_CYCLE", fmt::format("macro '{}' uses itself (through {})", m.name, fmt::join(macro_stack_, " -> ")));
            return constant(false);
        }
        if (rule_too_large_) return constant(false);  // said once for the rule
        // Too deep or too large is said where the rule (or the macro being compiled) uses its
        // first macro: that is the condition an author has to change, not whichever small
        // macro happened to cross the limit.
        if (macro_stack_.empty()) {
            outer_use_text_ = text_;
            outer_use_offset_ = use_offset;
        }
        if (macro_stack_.size() >= max_macro_depth) {
            rule_too_large_ = any_too_large_ = true;
            error_at(*outer_use_text_, outer_use_offset_, "RULES_CONDITION_TOO_LARGE",
                     fmt::format("macro '{}' is nested more than {} macros deep (through {})", macro_stack_.front(), max_macro_depth,
                                 fmt::join(macro_stack_, " -> ")));
            return constant(false);
        }
        if (out_->nodes.size() - rule_first_node_ > max_rule_nodes) {
            rule_too_large_ = any_too_large_ = true;
            error_at(*outer_use_text_, outer_use_offset_, "RULES_CONDITION_TOO_LARGE",
                     fmt::format("with its macros expanded (through {} -> {}) the condition passes {} tests: use fewer macros inside macros",
                                 fmt::join(macro_stack_, " -> "), m.name, max_rule_nodes));
            return constant(false);
        }
        used_macros_.insert(m.name);
        macro_stack_.push_back(m.name);
        const std::uint32_t n = compile_parts(m.condition);
        macro_stack_.pop_back();
        return n;
    }

    // A bare word that starts like a field ("asserted.e614": a record part and a dot) but
    // is none: a misspelt field, which read as text would make `!=` true on every record.
    static bool names_no_field(std::string_view word) {
        const std::size_t dot = word.find('.');
        if (dot == std::string_view::npos || dot == 0 || find_field(word)) return false;
        const std::string_view part = word.substr(0, dot + 1);
        return std::any_of(all_fields().begin(), all_fields().end(), [&](const field_def& d) { return d.name.starts_with(part); });
    }

    // The field a value names; errors when it is not a field.
    bool resolve_field_operand(const condition::value& v, operand& out, field_type& type) {
        if (v.is_aggregate) {
            error(v.where.offset, "RULES_TYPE_MISMATCH", "an aggregate cannot be used here");
            return false;
        }
        if (v.lit.kind != literal::type::identifier) {
            error(v.where.offset, "RULES_TYPE_MISMATCH", fmt::format("expected a field name, found {}", v.lit.text));
            return false;
        }
        auto f = find_field(v.lit.text);
        if (!f) {
            error(v.where.offset, "RULES_UNKNOWN_FIELD", fmt::format("unknown field '{}'", v.lit.text));
            return false;
        }
        note_field(*f, v.where.offset);
        out.k = operand::kind::field;
        out.field = *f;
        type = f->def->type;
        if (!v.except_list.empty()) {
            if (type != field_type::text_set) {
                error(v.except_where.offset, "RULES_TYPE_MISMATCH",
                      fmt::format("'except' filters the elements of a set field (sms.urls, sms.domains, sms.bank_accounts); '{}' is {}", v.lit.text,
                                  to_string(type)));
                return false;
            }
            const auto list = list_index(v.except_list, list_use::exact, v.except_where.offset, *f);
            if (list == no_node) return false;
            out.except_list = list;
        }
        return true;
    }

    bool resolve_lhs(const condition::value& v, operand& out, field_type& type) {
        if (v.is_aggregate) {
            out.k = operand::kind::aggregate;
            out.aggregate = compile_aggregate(*v.agg);
            type = field_type::number;
            return out.aggregate != no_node;
        }
        return resolve_field_operand(v, out, type);
    }

    // A literal on the right of an operator, as the type of the left side needs it.
    bool resolve_rhs(const condition::value& v, field_type lhs_type, const field_ref* lhs_field, operand& out) {
        if (v.is_aggregate) {
            if (lhs_type != field_type::number) {
                error(v.where.offset, "RULES_TYPE_MISMATCH", "an aggregate is a number; the left side is not");
                return false;
            }
            out.k = operand::kind::aggregate;
            out.aggregate = compile_aggregate(*v.agg);
            return out.aggregate != no_node;
        }
        const literal& l = v.lit;
        if (l.kind == literal::type::identifier) {
            const bool fixed_values = lhs_field != nullptr && !lhs_field->def->allowed.empty();  // `kind = call.end`
            if (!fixed_values && !model::parse_event_kind(l.text) && names_no_field(l.text)) {
                error(v.where.offset, "RULES_UNKNOWN_FIELD",
                      fmt::format("unknown field '{}' (to compare with this text, quote it: \"{}\")", l.text, l.text));
                return false;
            }
            if (auto f = find_field(l.text); f && l.text.find('.') != std::string::npos) {
                if (f->def->type != lhs_type && !(lhs_type == field_type::text_set && f->def->type == field_type::text)) {
                    error(v.where.offset, "RULES_TYPE_MISMATCH",
                          fmt::format("cannot compare a {} with the {} field '{}'", to_string(lhs_type), to_string(f->def->type), l.text));
                    return false;
                }
                note_field(*f, v.where.offset);
                out.k = operand::kind::field;
                out.field = *f;
                return true;
            }
        }
        switch (lhs_type) {
            case field_type::number:
                if (l.kind == literal::type::number) {
                    out.k = operand::kind::number;
                    out.number = l.number;
                    return true;
                }
                if (l.kind == literal::type::duration) {
                    out.k = operand::kind::number;
                    out.number = static_cast<double>(l.millis);
                    return true;
                }
                error(v.where.offset, "RULES_TYPE_MISMATCH", fmt::format("expected a number or a duration, found '{}'", l.text));
                return false;
            case field_type::boolean:
                if (l.kind == literal::type::identifier && (l.text == "true" || l.text == "false")) {
                    out.k = operand::kind::boolean;
                    out.boolean = l.text == "true";
                    return true;
                }
                error(v.where.offset, "RULES_TYPE_MISMATCH", fmt::format("expected true or false, found '{}'", l.text));
                return false;
            case field_type::text:
            case field_type::text_set:
                if (l.kind == literal::type::number || l.kind == literal::type::duration || l.kind == literal::type::time_of_day) {
                    // A number written bare against a text field means its text ("extra.vlan = 12").
                    out.k = operand::kind::text;
                    out.text = l.text;
                    return true;
                }
                out.k = operand::kind::text;
                out.text = l.text;
                if (lhs_field) check_allowed(*lhs_field, l.text, v.where.offset);
                return true;
        }
        return false;
    }

    // The values a field with a fixed set of them can take, as messages list them (empty for
    // any other field).
    static std::vector<std::string_view> allowed_values(const field_ref& f) {
        std::vector<std::string_view> shown;
        for (auto a : f.def->allowed)
            if (!a.empty()) shown.push_back(a);
        return shown;
    }

    void check_allowed(const field_ref& f, const std::string& value, std::uint32_t offset) {
        const auto& allowed = f.def->allowed;
        if (allowed.empty()) return;
        if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return;
        error(offset, "RULES_BAD_VALUE", fmt::format("'{}' can never be '{}' (it is one of {})", f.name(), value, fmt::join(allowed_values(f), ", ")));
    }

    // ---- tests that can never be true, and literals written as the field holds them ----
    void never_matches(std::uint32_t offset, std::string message) {
        error_at(*text_, offset, "RULES_NEVER_MATCHES", std::move(message), common::severity::warning);
    }

    static std::string mask_text(kind_mask m) {
        std::vector<std::string_view> names;
        for (int k = 0; k < model::event_kind_count; ++k)
            if (m & (1u << k)) names.push_back(model::to_string(static_cast<model::event_kind>(k)));
        return fmt::format("{}", fmt::join(names, ", "));
    }

    // `kind = K` / `kind in (K, ...)` where none of the kinds is one the test runs on (the
    // rule's events, or an aggregate's kind inside its where).
    void check_kind_reachable(const field_ref& f, const std::vector<std::string_view>& values, std::uint32_t offset) {
        if (f.id != field_id::kind || values.empty()) return;
        for (auto v : values) {
            const auto k = model::parse_event_kind(v);
            if (!k || (mask_ & (1u << static_cast<int>(*k)))) return;  // unknown: check_allowed says so
        }
        never_matches(offset, fmt::format("kind is never {} here: this runs only on {} records; this test is always false",
                                          fmt::join(values, " or "), mask_text(mask_)));
    }

    static bool is_e164_field(const field_ref& f) {
        return f.id == field_id::caller_e164 || f.id == field_id::callee_e164 || f.id == field_id::asserted_e164 ||
               f.id == field_id::diversion_e164;
    }

    // An E.164 field holds "+84912345678"; "0912345678" or "84912345678" never equals (or
    // starts) it. Not rewritten silently: the author is told the form to write.
    void check_e164(const field_ref& f, const std::string& value, std::uint32_t offset, bool negated = false, bool prefix = false) {
        if (!is_e164_field(f) || value.empty()) return;
        if (prefix && value == "+") {
            error_at(*text_, offset, "RULES_ALWAYS_TRUE",
                     fmt::format("every number '{}' holds in E.164 form starts with '+': this test is true for every record with it", f.name()),
                     common::severity::warning);
            return;
        }
        if (is_e164_form(value, prefix)) return;
        if (negated)  // != : never equal, so true for every record that has the field
            error_at(*text_, offset, "RULES_ALWAYS_TRUE",
                     e164_never_matches(f, value) + fmt::format("; with != this test is true for every record with '{}'", f.name()),
                     common::severity::warning);
        else
            never_matches(offset, e164_never_matches(f, value));
    }

    // Literals that no value of the field is ever written as: a CIDR range compared as one
    // address (lists match ranges, `=` does not), a country code in lower case (fields hold
    // ISO codes in upper case). Said, not rewritten, as check_e164 does.
    void check_written_form(const field_ref& f, const std::string& value, std::uint32_t offset, bool negated = false) {
        std::string why;
        if (f.id == field_id::origin_ip && value.find('/') != std::string::npos) {
            why = fmt::format("'{}' is a range, and '=' and 'in (...)' compare one address as written: put the range in a list and write "
                              "'origin.ip in LIST' (a list matches ranges)",
                              value);
        } else if ((f.id == field_id::caller_country || f.id == field_id::callee_country || f.id == field_id::asserted_country ||
                    f.id == field_id::diversion_country || f.id == field_id::origin_ip_country) &&
                   value.size() == 2 && std::any_of(value.begin(), value.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
            std::string upper = value;
            for (char& c : upper) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
            why = fmt::format("'{}' holds ISO country codes in upper case; '{}' is never one: write '{}'", f.name(), value, upper);
        }
        if (why.empty()) return;
        if (negated)
            error_at(*text_, offset, "RULES_ALWAYS_TRUE", why + fmt::format("; with != this test is true for every record with '{}'", f.name()),
                     common::severity::warning);
        else
            never_matches(offset, why);
    }

    static bool holds(condition::compare_op op, double a, double b) {
        switch (op) {
            case condition::compare_op::eq: return a == b;
            case condition::compare_op::ne: return a != b;
            case condition::compare_op::lt: return a < b;
            case condition::compare_op::le: return a <= b;
            case condition::compare_op::gt: return a > b;
            case condition::compare_op::ge: return a >= b;
        }
        return false;
    }

    // local_hour is 0 to 23: a comparison no hour satisfies never fires.
    void check_local_hour(condition::compare_op op, double value, std::uint32_t offset) {
        for (int h = 0; h < 24; ++h)
            if (holds(op, h, value)) return;
        never_matches(offset, fmt::format("local_hour is 0 to 23; no hour is {} {}: this test is always false", condition::to_string(op), value));
    }

    // A count of the rule's own events, with no `where` and no `for`, counts the record being
    // decided: it is at least 1, so "= 0" (or "< 1") is false whenever the record has a key.
    void check_counts_itself(std::uint32_t aggregate, condition::compare_op op, double value, std::uint32_t offset) {
        if (aggregate >= out_->aggregates.size()) return;
        const aggregate_def& d = out_->aggregates[aggregate];
        const kind_mask own = static_cast<kind_mask>(1u << static_cast<int>(d.kind));
        if (d.fn != state::window_function::count || d.where != no_node || d.has_for || mask_ == 0 || (mask_ & ~own) != 0) return;
        using cmp = condition::compare_op;
        const bool never = (op == cmp::eq && value < 1) || (op == cmp::lt && value <= 1) || (op == cmp::le && value < 1);
        if (!never) return;  // some count of 1 or more passes
        never_matches(offset, fmt::format("{} counts the record being decided, so it is at least 1{}: {} {} is then always false",
                                          d.text, d.has_by ? fmt::format(" whenever the record has {}", d.by.name()) : std::string(),
                                          condition::to_string(op), value));
    }

    // How an E.164 field holds a number: '+' and 1 to 15 digits, the first not 0 (no country
    // code begins with 0), nothing else. A text test (startswith) may give fewer: "+" alone.
    // The home country's trunk prefix is never written after its code either: "+840912…" is
    // held as "+84912…" (the shipped plan's +84, as the hints below).
    static bool is_e164_form(std::string_view v, bool prefix = false) {
        if (v.empty() || v[0] != '+' || v.size() > 16 || v.find_first_not_of("0123456789", 1) != std::string_view::npos) return false;
        if (v.size() == 1) return prefix;
        return v[1] != '0' && !v.starts_with("+840");
    }

    // The E.164 form a number (or a prefix) written another way stands for, for the warning
    // to name: separators dropped ("+84 912 345 678"), the international prefix 00 read as +,
    // the trunk prefix 0 as the home country's code (the shipped plan's +84), "84..." given
    // its +. Any other value gets an example instead of a guess.
    static std::string e164_hint(const std::string& value) {
        if (value.find_first_not_of("+0123456789 -.()/") != std::string::npos || value.find('+', 1) != std::string::npos) return "+84912345678";
        std::string digits;
        for (const char c : value)
            if (c >= '0' && c <= '9') digits.push_back(c);
        std::string hint = "+84912345678";  // "1900": a home service number or a foreign one? Not guessed
        const bool plus = value[0] == '+';
        if (!plus && digits.rfind("00", 0) == 0) {
            if (digits.size() > 2 && digits[2] != '0') hint = "+" + digits.substr(2);
        } else if (!plus && digits.rfind('0', 0) == 0) {
            if (digits.size() > 1) hint = "+84" + digits.substr(1);
        } else if (!digits.empty() && digits[0] != '0' && (plus || digits.rfind("84", 0) == 0)) {
            hint = "+" + digits;
        }
        if (hint.starts_with("+840")) hint.erase(3, 1);  // "+84 (0) 912…": the trunk prefix left out
        return hint.size() <= 16 ? hint : "+84912345678";  // more digits than E.164 has: no reading of it
    }

    static std::string e164_never_matches(const field_ref& f, const std::string& value) {
        return fmt::format("'{}' holds numbers in E.164 form (+ and the country code, no spaces or dashes); '{}' never matches it: write {}", f.name(),
                           value, e164_hint(value));
    }

    // Whether a list's items are rewritten into the form a field holds (so the matcher is
    // built once per list and field).
    static bool items_take_field_form(const field_ref& f, list_use use) {
        return use == list_use::exact && (holds_domains(f) || f.id == field_id::sms_urls || f.id == field_id::sms_bank_accounts);
    }

    // The fields that hold domains: their lists are lower-case domains, and an item starting
    // with "." holds every domain under it. sms.hosts holds whole hosts, subdomains too.
    // Domains and hosts are held lower-case (ASCII: a non-ASCII name is held as punycode).
    static void lower_ascii(std::string& s) {
        for (char& c : s) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }

    static bool holds_domains(const field_ref& f) {
        return f.id == field_id::sms_domains || f.id == field_id::sms_lookalike_domains || f.id == field_id::sms_hosts;
    }

    // List items are read as the field holds its values: a domain lower-case, a URL as its
    // key (engine/text/url_key.hpp), an account as "CODE:digits". An item that still can
    // never match (a number not in E.164 form, a subdomain where sms.domains holds
    // registered domains) is said at its place, as for a literal.
    void put_items_in_field_form(const field_ref& f, list_use use, const std::string& list, std::vector<std::string>& items,
                                 const std::vector<const located_text*>& from) {
        for (std::size_t i = 0; i < items.size(); ++i) {
            std::string& item = items[i];
            std::string never;
            if (is_e164_field(f) && use == list_use::exact) {
                if (!item.empty() && !is_e164_form(item)) never = e164_never_matches(f, item);
            } else if (is_e164_field(f) && use == list_use::number_prefix) {
                const std::size_t first_digit = item.rfind('+', 0) == 0 ? 1 : 0;
                const bool digits_only = item.size() > first_digit && item.find_first_not_of("0123456789", first_digit) == std::string::npos;
                // (A prefix with anything but digits is refused when the list is built.)
                if (digits_only && item[first_digit] == '0')
                    never = fmt::format("'{}' holds numbers in E.164 form, whose digits never begin with 0; the prefix '{}' never matches: "
                                        "write it after + and the country code ({})", f.name(), item, e164_hint(item));
                else if (digits_only && item.size() - first_digit > 15)
                    never = fmt::format("'{}' holds numbers of at most 15 digits; the prefix '{}' is longer and never matches", f.name(), item);
                else if (digits_only && first_digit == 1 && item.starts_with("+840"))
                    never = fmt::format("'{}' holds home numbers without the trunk prefix after +84; the prefix '{}' never matches: write {}", f.name(),
                                        item, e164_hint(item));
            } else if (use == list_use::exact && holds_domains(f)) {
                lower_ascii(item);
                const std::string registered = item.rfind('.', 0) == 0 ? item : text::registered_domain(item);  // ".gov.vn": a suffix
                if (f.id != field_id::sms_hosts && !registered.empty() && registered != item)
                    never = fmt::format("{} holds registered domains ('{}' for '{}'); '{}' never matches: write '{}', or test sms.urls",
                                        f.name(), registered, item, item, registered);
                // ".scam.vn": no registered domain lies under a registered domain (only under a
                // public suffix such as ".gov.vn"), so the item never matches what it names.
                else if (f.id != field_id::sms_hosts && item.size() > 1 && item[0] == '.' && item.find('.', 1) != std::string::npos &&
                         text::public_suffix_length(std::string_view(item).substr(1)) < item.size() - 1)
                    never = fmt::format("{} holds registered domains, and none lies under '{}' (itself registered); '{}' never matches: write '{}'",
                                        f.name(), item.substr(1), item, item.substr(1));
            } else if (use == list_use::exact && f.id == field_id::sms_urls) {
                std::string key;
                text::url_key(item, key);
                if (!key.empty()) item = std::move(key);
            } else if (use == list_use::exact && f.id == field_id::sms_bank_accounts) {
                std::string why;
                if (auto account = text::canonical_bank_account(item, why)) item = std::move(*account);
                else never = fmt::format("sms.bank_accounts holds account numbers; {}", why);
            }
            if (!never.empty() && i < from.size())
                error_loc(from[i]->loc, "RULES_NEVER_MATCHES", fmt::format("{}: {}", list_of_item(list, from[i]), never), common::severity::warning);
        }
        // A host is under a listed domain when it is that domain or one of its subdomains:
        // "vietcombank.com.vn" holds ebank.vietcombank.com.vn, not vietcombank.com.vn.evil.top.
        if (use == list_use::exact && f.id == field_id::sms_hosts) {
            const std::size_t listed = items.size();
            for (std::size_t i = 0; i < listed; ++i)
                if (!items[i].empty() && items[i][0] != '.') items.push_back("." + items[i]);
        }
    }

    // Why a text test's literal is refused when it is empty, or folds to nothing as f's text
    // is folded ("!!!" on sms.text_folded).
    static std::string empty_text_message(const field_ref& f, const std::string& literal) {
        if (literal.empty()) return "an empty text would match every text: every record would pass this test";
        return fmt::format("'{}' is empty once folded as {} is (punctuation, spaces and invisible characters go): every record would pass this test", literal,
                           f.name());
    }

    // sms.text_folded holds folded text (no diacritics, lower case, spacing folded): a
    // literal compared with it is folded the same way at load, so "Chuyển Khoản" finds what
    // "chuyen khoan" finds.
    // The text fields whose literals and list items are folded at load as the field is.
    static bool folds_literals(const field_ref& f) {
        return f.id == field_id::sms_text_folded || f.id == field_id::sms_text_compact || f.id == field_id::sms_text_compact_no_links;
    }

    static std::string fold_literal(const field_ref& f, const std::string& value) {
        std::string out;
        if (f.id == field_id::sms_text_folded) {
            text::fold_text(value, out);
        } else if (f.id == field_id::sms_text_compact || f.id == field_id::sms_text_compact_no_links) {
            text::compact_text(value, out);  // "chuyen khoan" finds "c.h.u.y.e.n k.h.o.a.n"
        } else if (f.id == field_id::sms_bank_accounts) {
            // As the field writes it: "Vietcombank: 0011.00.4012345" is VCB:0011004012345.
            std::string why;
            auto account = text::canonical_bank_account(value, why);
            return account ? *account : value;
        } else {
            return value;
        }
        return out;
    }

    // A literal that `=`, `!=` or `in (...)` compares with f: a URL by its key (as URL lists
    // hold them and the evaluator reads the record's URLs), others as fold_literal gives.
    static std::string equality_literal(const field_ref& f, const std::string& value) {
        if (holds_domains(f)) {  // as a list item of the field is read
            std::string lower = value;
            lower_ascii(lower);
            return lower;
        }
        if (f.id != field_id::sms_urls) return fold_literal(f, value);
        std::string key;
        text::url_key(value, key);
        return key.empty() ? value : key;
    }

    std::uint32_t compile_compare(const expr& e) {
        node n;
        n.o = node::op::compare;
        n.cmp = e.cmp;
        if (!resolve_lhs(e.lhs, n.lhs, n.type)) return constant(false);
        if (!resolve_rhs(e.rhs, n.type, n.lhs.k == operand::kind::field ? &n.lhs.field : nullptr, n.rhs)) return constant(false);
        const bool ordered = e.cmp != condition::compare_op::eq && e.cmp != condition::compare_op::ne;
        if (ordered && n.type != field_type::number) {
            error(e.where.offset, "RULES_TYPE_MISMATCH", fmt::format("<, <=, > and >= compare numbers; '{}' is {}",
                                                                       n.lhs.k == operand::kind::field ? n.lhs.field.name() : "this",
                                                                       to_string(n.type)));
            return constant(false);
        }
        if (n.lhs.k == operand::kind::field && n.lhs.field.id == field_id::local_hour && n.rhs.k == operand::kind::number)
            check_local_hour(e.cmp, n.rhs.number, e.where.offset);
        if (n.lhs.k == operand::kind::aggregate && n.rhs.k == operand::kind::number)
            check_counts_itself(n.lhs.aggregate, e.cmp, n.rhs.number, e.where.offset);
        // An aggregate keyed by a set holds one value per element: a test on it holds for any
        // element. Compared with another aggregate there would be no one value to take.
        const auto set_keyed = [&](const operand& o) { return o.k == operand::kind::aggregate && out_->aggregates[o.aggregate].keyed_by_set; };
        if ((set_keyed(n.lhs) && n.rhs.k == operand::kind::aggregate) || set_keyed(n.rhs)) {
            error(e.where.offset, "RULES_BAD_AGGREGATE",
                  "an aggregate kept by a set field is compared with a number or a field, written on the left");
            return constant(false);
        }
        if (n.lhs.k == operand::kind::field && n.rhs.k == operand::kind::text) {
            if (e.cmp == condition::compare_op::eq) check_kind_reachable(n.lhs.field, {n.rhs.text}, e.where.offset);
            check_e164(n.lhs.field, n.rhs.text, e.rhs.where.offset, e.cmp == condition::compare_op::ne);
            const bool equality = e.cmp == condition::compare_op::eq || e.cmp == condition::compare_op::ne;
            if (equality) check_written_form(n.lhs.field, n.rhs.text, e.rhs.where.offset, e.cmp == condition::compare_op::ne);
            n.rhs.text = equality ? equality_literal(n.lhs.field, n.rhs.text) : fold_literal(n.lhs.field, n.rhs.text);
        }
        return add(std::move(n));
    }

    std::uint32_t compile_in_values(const expr& e) {
        node n;
        n.o = node::op::in_values;
        if (!resolve_field_operand(e.lhs, n.lhs, n.type)) return constant(false);
        for (const auto& l : e.values) {
            if (n.type == field_type::number) {
                if (l.kind == literal::type::number) n.number_values.push_back(l.number);
                else if (l.kind == literal::type::duration) n.number_values.push_back(static_cast<double>(l.millis));
                else error(l.where.offset, "RULES_TYPE_MISMATCH", fmt::format("'{}' is a number field; '{}' is not a number", n.lhs.field.name(), l.text));
            } else if (n.type == field_type::boolean) {
                error(l.where.offset, "RULES_TYPE_MISMATCH", fmt::format("'{}' is true or false: test it alone or with = true", n.lhs.field.name()));
                return constant(false);
            } else {
                check_allowed(n.lhs.field, l.text, l.where.offset);
                check_e164(n.lhs.field, l.text, l.where.offset);
                check_written_form(n.lhs.field, l.text, l.where.offset);
                n.text_values.push_back(equality_literal(n.lhs.field, l.text));
            }
        }
        if (n.type == field_type::text) {
            std::vector<std::string_view> values(n.text_values.begin(), n.text_values.end());
            check_kind_reachable(n.lhs.field, values, e.where.offset);
        }
        return add(std::move(n));
    }

    std::uint32_t compile_in_list(const expr& e) {
        node n;
        n.o = node::op::in_list;
        if (!resolve_field_operand(e.lhs, n.lhs, n.type)) return constant(false);
        list_use use = list_use::exact;
        switch (e.lop) {
            case condition::list_op::in:
                use = n.lhs.field.id == field_id::origin_ip ? list_use::ip_cidr : list_use::exact;
                break;
            case condition::list_op::prefix_in: use = list_use::number_prefix; break;
            case condition::list_op::contains_any: use = list_use::keywords; break;
            case condition::list_op::icontains_any: use = list_use::keywords_folded; break;
        }
        if (n.type == field_type::number || n.type == field_type::boolean) {
            error(e.where.offset, "RULES_TYPE_MISMATCH", fmt::format("lists hold text; '{}' is {}", n.lhs.field.name(), to_string(n.type)));
            return constant(false);
        }
        const auto list = list_index(e.list_name, use, e.list_where.offset, n.lhs.field);
        if (list == no_node) return constant(false);
        n.list = list;
        return add(std::move(n));
    }

    std::uint32_t compile_text_test(const expr& e) {
        node n;
        n.o = e.top == condition::text_op::matches ? node::op::matches : node::op::text_test;
        n.top = e.top;
        if (!resolve_field_operand(e.lhs, n.lhs, n.type)) return constant(false);
        if (n.type != field_type::text && n.type != field_type::text_set) {
            error(e.where.offset, "RULES_TYPE_MISMATCH", fmt::format("text operators need a text field; '{}' is {}", n.lhs.field.name(), to_string(n.type)));
            return constant(false);
        }
        if (e.rhs.is_aggregate) {
            error(e.rhs.where.offset, "RULES_TYPE_MISMATCH", "expected text after the operator");
            return constant(false);
        }
        const std::string& pattern = e.rhs.lit.text;
        if (n.o == node::op::matches) {
            auto it = regex_index_.find(pattern);
            if (it == regex_index_.end()) {
                std::string why;
                auto re = regex_matcher::compile(pattern, why);
                if (!re) {
                    error(e.rhs.where.offset, "RULES_BAD_REGEX", fmt::format("regex does not compile: {}", why));
                    return constant(false);
                }
                out_->regexes.push_back(std::move(re));
                it = regex_index_.emplace(pattern, static_cast<std::uint32_t>(out_->regexes.size() - 1)).first;
            }
            n.regex = it->second;
        } else {
            n.rhs.k = operand::kind::text;
            const std::string folded = fold_literal(n.lhs.field, pattern);
            // Composed (lower_text composes too) as the text it is tested against is: a literal
            // typed with combining marks, Unikey's "Unicode tổ hợp", still matches.
            if (e.top == condition::text_op::icontains)
                n.rhs.text = lower_text(folded);
            else
                compose_text_into(folded, n.rhs.text);
            // Every text starts with, ends with and holds the empty text: the rule would
            // fire on every record (a block rule on every message) or, in an exception,
            // exempt every record. A list refuses an empty keyword for the same reason.
            if (n.rhs.text.empty()) {
                error(e.rhs.where.offset, "RULES_BAD_VALUE", empty_text_message(n.lhs.field, pattern));
                return constant(false);
            }
            if (e.top == condition::text_op::startswith) check_e164(n.lhs.field, pattern, e.rhs.where.offset, false, true);
            // A field with a fixed set of values (`origin.kind contains "intl"`): a test no
            // value passes is the typo an inline `=` would be refused for.
            const auto shown = allowed_values(n.lhs.field);
            auto passes = [&](std::string_view v) {
                return text_test(e.top, e.top == condition::text_op::icontains ? lower_text(v) : std::string(v), n.rhs.text);
            };
            if (!shown.empty() && std::none_of(shown.begin(), shown.end(), passes))
                never_matches(e.rhs.where.offset,
                              fmt::format("no value '{}' can take ({}) passes this test: it is always false", n.lhs.field.name(), fmt::join(shown, ", ")));
        }
        return add(std::move(n));
    }

    // ---- lists ----
    // The items of l, included lists expanded; from[i] is where out[i] was written.
    void expand_list(const collected_list& l, std::vector<std::string>& out, std::vector<const located_text*>& from, std::vector<std::string>& stack) {
        // A list is expanded once for each way it is used: each finding is said once.
        auto once = [&](const source_loc& loc, const char* code, std::string message, common::severity level = common::severity::error) {
            if (expand_reported_.insert(fmt::format("{}|{}:{}:{}", code, loc.file, loc.line, loc.column)).second)
                error_loc(loc, code, std::move(message), level);
        };
        if (std::find(stack.begin(), stack.end(), l.name) != stack.end()) {
            once(l.loc, "RULES_LIST_CYCLE", fmt::format("list '{}' includes itself", l.name));
            return;
        }
        stack.push_back(l.name);
        for (const auto& item : l.items) {
            if (auto inner = lists_.find(item.text); inner != lists_.end() && inner->first != l.name) {
                used_lists_.insert(item.text);
                // An item that names a list a file loaded after it defines: that pack (a local
                // list named `vietcombank`) turns a word written before it into its items. A
                // list defined before the item (a local pack including a shipped list) was
                // meant.
                if (file_order_[inner->second->loc.file] > file_order_[item.loc.file])
                    once(item.loc, "RULES_LIST_INCLUDE",
                         fmt::format("item '{}' of list '{}' names the list '{}' defined in {}:{}: it stands for that list's items, not the word; "
                                     "rename one of them if the word is meant",
                                     item.text, l.name, item.text, inner->second->loc.file, inner->second->loc.line),
                         common::severity::warning);
                if (inner->second->intel) {
                    once(item.loc, "RULES_INTEL_USE",
                              fmt::format("list '{}' includes the intelligence list '{}': test both in the condition instead", l.name, item.text));
                    continue;
                }
                expand_list(*inner->second, out, from, stack);
            } else {
                // The list's own name as an item is the word, not the list (a list cannot
                // include itself, and a keyword list may hold its name: `vcb: [vcb, ...]`); said,
                // as a list meant to be included but named wrong would pass unseen.
                if (inner != lists_.end())
                    once(item.loc, "RULES_LIST_INCLUDE",
                         fmt::format("item '{}' of list '{}' is the list's own name: it is read as the word (a list cannot include itself)",
                                     item.text, l.name),
                         common::severity::warning);
                out.push_back(item.text);
                from.push_back(&item);
            }
        }
        stack.pop_back();
    }

    // How a finding about an item of list `name` names the list: the list the item is
    // written in when `name` includes it from another ("list 'kw2' (included in 'kw')"), so
    // the name and the place the finding gives agree.
    std::string list_of_item(const std::string& name, const located_text* item) const {
        if (item != nullptr)
            for (const auto& [other, l] : lists_)
                if (const std::less<const located_text*> before; other != name && !l->items.empty() && !before(item, l->items.data()) &&
                                                                 before(item, l->items.data() + l->items.size()))
                    return fmt::format("list '{}' (included in '{}')", other, name);
        return fmt::format("list '{}'", name);
    }

    std::uint32_t list_index(const std::string& name, list_use use, std::uint32_t offset, const field_ref& field) {
        auto it = lists_.find(name);
        if (it == lists_.end()) {
            error(offset, "RULES_UNKNOWN_LIST", fmt::format("unknown list '{}'", name));
            return no_node;
        }
        used_lists_.insert(name);
        if (it->second->intel) return intel_list_index(*it->second, use, offset, field);
        check_fixed_values(*it->second, use, field);
        // Items tested against sms.text_folded are folded as the field is (a second matcher:
        // the same list may serve other fields as written).
        const bool fold = folds_literals(field);
        const bool per_field = fold || items_take_field_form(field, use);
        const auto key = std::make_pair(per_field ? name + "\x1f" + std::string(field.name()) : name, use);
        if (auto found = list_index_.find(key); found != list_index_.end()) return found->second;
        std::vector<std::string> items;
        std::vector<const located_text*> from;
        std::vector<std::string> stack;
        expand_list(*it->second, items, from, stack);
        // Every keyword that is empty or folds to nothing, each at its place (the matcher
        // would name only the first, as "an empty keyword", which "!!!" does not look like).
        // (Matched whole, `in LIST`, such an item only never matches.)
        const bool keywords = use == list_use::keywords || use == list_use::keywords_folded;
        bool emptied = false;
        for (std::size_t i = 0; (fold || keywords) && i < items.size(); ++i) {
            std::string folded = fold ? fold_literal(field, items[i]) : std::string();
            if (keywords && (fold ? folded : items[i]).empty()) {
                error_loc(i < from.size() ? from[i]->loc : it->second->loc, "RULES_BAD_LIST_ITEM",
                          fmt::format("{}: {}", list_of_item(name, i < from.size() ? from[i] : nullptr), empty_text_message(field, items[i])));
                emptied = true;
            }
            if (fold) items[i] = std::move(folded);
        }
        if (emptied) return no_node;
        put_items_in_field_form(field, use, name, items, from);
        if (use == list_use::keywords_folded)
            for (auto& s : items) s = lower_text(s);
        std::string why;
        std::size_t bad = 0;
        auto m = list_matcher::build(name, use, items, why, bad, use == list_use::exact && holds_domains(field));
        if (!m) {
            // At the item (the list's name when the item is not known).
            error_loc(bad < from.size() ? from[bad]->loc : it->second->loc, "RULES_BAD_LIST_ITEM",
                      fmt::format("{}: {}", list_of_item(name, bad < from.size() ? from[bad] : nullptr), why));
            return no_node;
        }
        out_->list_entries += m->size();
        out_->lists.push_back(std::move(m));
        const auto idx = static_cast<std::uint32_t>(out_->lists.size() - 1);
        list_index_[key] = idx;
        pack_list_digest_[idx] = items_digest(items);
        return idx;
    }

    // What a pack list held, as the matcher was built from it: an aggregate whose `where`
    // or `except` reads the list keeps its state across a reload only while this is the
    // same (its name alone would keep events counted under the old items).
    static std::string items_digest(std::vector<std::string> items) {
        // As a set: reordering the items or writing one twice matches the same records.
        std::sort(items.begin(), items.end());
        items.erase(std::unique(items.begin(), items.end()), items.end());
        std::uint64_t h = 1469598103934665603ULL;  // FNV-1a over the items, each closed by \x1f
        for (const auto& item : items) {
            for (const char c : item) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
            h = (h ^ 0x1fU) * 1099511628211ULL;
        }
        return fmt::format("{}:{:016x}", items.size(), h);
    }

    // The pack lists a compiled subtree reads, with their digests ("" when it reads none;
    // intelligence lists change without a reload and are not part of it).
    std::string lists_read(std::uint32_t idx) const {
        std::set<std::uint32_t> seen;
        collect_lists(idx, seen);
        std::string out;
        for (const std::uint32_t l : seen)
            if (auto it = pack_list_digest_.find(l); it != pack_list_digest_.end())
                out += fmt::format("|list {}={}", out_->lists[l]->name(), it->second);
        return out;
    }

    void collect_lists(std::uint32_t idx, std::set<std::uint32_t>& seen) const {
        if (idx == no_node || idx >= out_->nodes.size()) return;
        const node& n = out_->nodes[idx];
        if (n.o == node::op::in_list) seen.insert(n.list);
        if (n.lhs.except_list != operand::no_except) seen.insert(n.lhs.except_list);
        for (const std::uint32_t c : n.children) collect_lists(c, seen);
    }

    // A list tested against a field with a fixed set of values (`origin.kind in
    // foreign_ingress_kinds`): an item the field can never take is the typo it is written
    // inline (RULES_BAD_VALUE at the item), not a test that quietly never matches. Once per
    // list and field, however many rules the macro holding the test expands into.
    void check_fixed_values(const collected_list& l, list_use use, const field_ref& field) {
        const auto& allowed = field.def->allowed;
        if (use != list_use::exact || allowed.empty()) return;
        if (!fixed_values_checked_.insert(l.name + "\x1f" + std::string(field.name())).second) return;
        std::vector<std::string> items;
        std::vector<const located_text*> from;
        std::vector<std::string> stack;
        expand_list(l, items, from, stack);
        const auto shown = allowed_values(field);
        for (std::size_t i = 0; i < items.size() && i < from.size(); ++i)
            if (std::find(allowed.begin(), allowed.end(), items[i]) == allowed.end())
                error_loc(from[i]->loc, "RULES_BAD_VALUE",
                          fmt::format("list '{}' is tested against '{}', which can never be '{}' (it is one of {})", l.name, field.name(), items[i],
                                      fmt::join(shown, ", ")));
    }

    // An intelligence list: the use must fit its kind; the source gives a matcher over its
    // live entries (one per list, whatever the field).
    std::uint32_t intel_list_index(const collected_list& l, list_use use, std::uint32_t offset, const field_ref& field) {
        const intel_kind kind = *parse_intel_kind(l.intel->text);
        const intel_use& fit = intel_use_of(kind);
        if (kind == intel_kind::ip && use == list_use::exact && field.id == field_id::origin_ip) use = list_use::ip_cidr;  // an exception's `in`
        if (use != fit.use || std::find(fit.fields.begin(), fit.fields.end(), field.id) == fit.fields.end()) {
            error(offset, "RULES_INTEL_USE",
                  fmt::format("'{} {} {}': '{}' is an intelligence list of kind {} (declared {}:{}:{}); use it as {}", field.name(), use_text(use), l.name,
                              l.name, to_string(kind), l.intel->loc.file, l.intel->loc.line, l.intel->loc.column, fit.how));
            return no_node;
        }
        const auto key = std::make_pair(l.name, use);
        if (auto found = list_index_.find(key); found != list_index_.end()) return found->second;
        std::unique_ptr<list_matcher> m;
        if (intel_) {
            std::string why;
            m = intel_->matcher(l.name, kind, why);
            if (!m) {
                error_loc(l.intel->loc, "RULES_INTEL_KIND", fmt::format("list '{}': {}", l.name, why));
                return no_node;
            }
            out_->intel_lists.insert(l.name);
        } else {
            std::string why;
            std::size_t bad = 0;
            m = list_matcher::build(l.name, use, {}, why, bad);  // no intel store: an empty list
        }
        out_->list_entries += m->size();
        out_->lists.push_back(std::move(m));
        const auto idx = static_cast<std::uint32_t>(out_->lists.size() - 1);
        list_index_[key] = idx;
        return idx;
    }

    // ---- aggregates ----
    std::uint32_t compile_aggregate(const condition::aggregate& a) {
        if (in_aggregate_) {
            error(a.where_span.offset, "RULES_BAD_AGGREGATE", "an aggregate cannot be used inside another aggregate's 'where'");
            return no_node;
        }
        aggregate_def d;
        switch (a.fn) {
            case condition::aggregate::function::count: d.fn = state::window_function::count; break;
            case condition::aggregate::function::distinct: d.fn = state::window_function::distinct; break;
            case condition::aggregate::function::ratio: d.fn = state::window_function::ratio; break;
            case condition::aggregate::function::sum: d.fn = state::window_function::sum; break;
            case condition::aggregate::function::outgoing_share: d.fn = state::window_function::outgoing_share; break;
        }
        if (a.unless_blocked && d.fn != state::window_function::count && d.fn != state::window_function::sum) {
            error(a.unless_where.offset, "RULES_BAD_AGGREGATE",
                  fmt::format("'unless blocked' keeps the records let through for a cap: it applies to count and sum, not {}", to_string(a.fn)));
            return no_node;
        }
        d.unless_blocked = a.unless_blocked;
        const auto kind = model::parse_event_kind(a.event_kind);
        if (!kind) {
            error(a.event_where.offset, "RULES_UNKNOWN_EVENT",
                  fmt::format("unknown event kind '{}' (call.attempt, call.answer, call.end, sms.submit, sms.deliver)", a.event_kind));
            return no_node;
        }
        d.kind = *kind;
        if (a.window_ms <= 0 || a.window_ms > state::max_window_ms) {
            error(a.window_where.offset, "RULES_BAD_WINDOW",
                  fmt::format("a window is longer than 0 and at most {} ({} ms); found {} ms", format_duration(state::max_window_ms / 3600000 * 3600000),
                              state::max_window_ms, a.window_ms));
            return no_node;
        }
        d.window_ms = a.window_ms;
        const kind_mask saved_mask = mask_;
        mask_ = static_cast<kind_mask>(1u << static_cast<int>(d.kind));
        if (!a.by_field.empty()) {
            auto f = find_field(a.by_field);
            if (!f) {
                error(a.by_where.offset, "RULES_UNKNOWN_FIELD", fmt::format("unknown field '{}'", a.by_field));
                mask_ = saved_mask;
                return no_node;
            }
            note_field(*f, a.by_where.offset);  // a key its events never carry: nothing is ever counted
            d.has_by = true;
            d.by = *f;
            d.keyed_by_set = f->def->type == field_type::text_set;
            if (!a.by_except.empty()) {
                if (f->def->type != field_type::text_set) {
                    error(a.by_except_where.offset, "RULES_BAD_AGGREGATE",
                          fmt::format("'by {} except {}': except leaves elements of a set out, and '{}' is {}", a.by_field, a.by_except, a.by_field,
                                      to_string(f->def->type)));
                    mask_ = saved_mask;
                    return no_node;
                }
                const auto list = list_index(a.by_except, list_use::exact, a.by_except_where.offset, *f);
                if (list == no_node) {
                    mask_ = saved_mask;
                    return no_node;
                }
                d.by_except = list;
            }
        }
        if (d.fn == state::window_function::outgoing_share && (!d.has_by || d.by.id != field_id::caller_e164)) {
            error(a.where_span.offset, "RULES_BAD_AGGREGATE", "outgoing_share counts a subscriber's calls both ways: write it 'by caller.e164'");
            mask_ = saved_mask;
            return no_node;
        }
        if (!a.of_field.empty()) {
            auto f = find_field(a.of_field);
            if (!f) {
                error(a.of_where.offset, "RULES_UNKNOWN_FIELD", fmt::format("unknown field '{}'", a.of_field));
                mask_ = saved_mask;
                return no_node;
            }
            if (d.fn == state::window_function::sum && f->def->type != field_type::number) {
                error(a.of_where.offset, "RULES_BAD_AGGREGATE", fmt::format("sum needs a number field; '{}' is {}", a.of_field, to_string(f->def->type)));
                mask_ = saved_mask;
                return no_node;
            }
            note_field(*f, a.of_where.offset);
            d.has_of = true;
            d.of = *f;
        }
        std::string where_text;
        if (a.where) {
            in_aggregate_ = true;
            d.where = compile(*a.where);
            in_aggregate_ = false;
            where_text = describe(*out_, d.where);
        }
        mask_ = saved_mask;
        d.text = aggregate_text(a, d, where_source(a), source_of(a.window_where));
        const std::string by_text = a.by_except.empty() ? a.by_field : a.by_field + " except " + a.by_except;
        d.fingerprint = fmt::format("{}|{}|{}|{}|{}|{}", static_cast<int>(d.fn), a.event_kind, a.of_field, where_text, by_text, d.window_ms);
        if (d.unless_blocked) d.fingerprint += "|unless blocked";  // other events kept: other state
        if (a.where) d.fingerprint += lists_read(d.where);
        if (d.by_except != operand::no_except)
            if (auto it = pack_list_digest_.find(d.by_except); it != pack_list_digest_.end()) d.fingerprint += "|except=" + it->second;
        std::optional<field_ref> read_at;
        if (!a.for_field.empty()) {
            read_at = find_field(a.for_field);
            if (!read_at) {
                error(a.for_where.offset, "RULES_UNKNOWN_FIELD", fmt::format("unknown field '{}'", a.for_field));
                return no_node;
            }
            if (!d.has_by || read_at->def->type != d.by.def->type) {
                error(a.for_where.offset, "RULES_BAD_AGGREGATE",
                      d.has_by ? fmt::format("'for {}' reads state kept 'by {}': both must be {}", a.for_field, d.by.name(), to_string(d.by.def->type))
                               : std::string("'for' reads the state of another key: the aggregate needs 'by'"));
                return no_node;
            }
            note_field(*read_at, a.for_where.offset);
        }
        // The definition that keeps (feeds) the state.
        auto found = aggregate_index_.find(d.fingerprint);
        std::uint32_t idx;
        if (found != aggregate_index_.end()) {
            idx = found->second;
        } else {
            d.spec_id = ids_(d.fingerprint);
            out_->aggregates.push_back(d);
            idx = static_cast<std::uint32_t>(out_->aggregates.size() - 1);
            aggregate_index_[out_->aggregates.back().fingerprint] = idx;
        }
        if (rule_enabled_) live_aggregates_.insert(idx);
        if (!read_at) return idx;
        // The reader at another key: same state, never fed itself.
        const std::string reader_key = d.fingerprint + "|for " + read_at->name();
        if (auto r = aggregate_index_.find(reader_key); r != aggregate_index_.end()) return r->second;
        aggregate_def reader = out_->aggregates[idx];
        reader.has_for = true;
        reader.for_field = *read_at;
        reader.text = aggregate_text(a, reader, where_source(a), source_of(a.window_where));
        out_->aggregates.push_back(std::move(reader));
        const auto reader_idx = static_cast<std::uint32_t>(out_->aggregates.size() - 1);
        aggregate_index_[reader_key] = reader_idx;
        readers_.insert(reader_idx);
        return reader_idx;
    }

    // The `where` as the author wrote it (spacing collapsed), so evidence tells two
    // aggregates that differ only in their filter apart.
    std::string where_source(const condition::aggregate& a) const { return a.where ? source_of(a.where->where) : std::string(); }

    // The condition text of a span, spacing collapsed; "…" when it is not known.
    std::string source_of(condition::span w) const {
        if (text_ == nullptr || w.length == 0 || w.offset >= text_->text.size()) return "…";
        const std::string_view raw = std::string_view(text_->text).substr(w.offset, w.length);
        std::string out;
        for (const char c : raw) {
            const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
            if (space && (out.empty() || out.back() == ' ')) continue;
            out += space ? ' ' : c;
        }
        while (!out.empty() && out.back() == ' ') out.pop_back();
        return out.empty() ? "…" : out;
    }

    static std::string aggregate_text(const condition::aggregate& a, const aggregate_def& d, const std::string& where,
                                      const std::string& window) {
        static const char* names[] = {"count", "distinct", "ratio", "sum", "outgoing_share"};
        std::string s = fmt::format("{}(", names[static_cast<int>(a.fn)]);
        if (!a.of_field.empty()) s += a.of_field + " of ";
        s += a.event_kind;
        if (a.where) s += " where " + where;
        if (!a.by_field.empty()) s += " by " + a.by_field;
        if (!a.by_except.empty()) s += " except " + a.by_except;
        s += " within " + (window != "…" ? window : format_duration(d.window_ms));  // as written: 24h stays 24h
        if (d.has_for) s += " for " + d.for_field.name();
        if (d.unless_blocked) s += " unless blocked";
        s += ")";
        return s;
    }

    // ---- rules ----
    // Call history is kept and read only when a rule reads one of its fields.
    void note_call_history(const field_ref& f) {
        switch (f.id) {
            case field_id::call_gap_ms: out_->needs_gap = true; break;
            case field_id::call_idle_ms: out_->needs_idle = true; break;
            case field_id::call_first_contact: out_->needs_first_contact = true; break;
            case field_id::caller_concurrent_calls: out_->needs_concurrency = true; break;
            default: break;
        }
    }

    void note_field(const field_ref& f, std::uint32_t offset) {
        note_call_history(f);
        // A field no record of the rule's kinds carries makes the test false every time.
        const kind_mask carried = f.def->scope == field_scope::calls      ? call_kinds
                                  : f.def->scope == field_scope::attempts ? attempt_kind
                                  : f.def->scope == field_scope::sms      ? sms_kinds
                                                                          : all_kinds;
        if ((carried & mask_) == 0 && !warned_scope_.count(f.name())) {
            warned_scope_.insert(f.name());
            error_at(*text_, offset, "RULES_FIELD_NOT_IN_EVENTS",
                     fmt::format("'{}' is never set on the events this is evaluated for; this test is always false", f.name()),
                     common::severity::warning);
        }
    }

    // An exception value as a condition literal: a number or duration when it reads as one
    // (possibly negative), true/false, else text (never a field name: values are values).
    static condition::value exception_literal(const located_text& t) {
        condition::value v;
        v.lit.text = t.text;
        v.lit.kind = literal::type::string;
        const auto tokens = condition::lex_condition(t.text);
        std::size_t k = 0;
        const bool negative = tokens.size() == 3 && tokens[0].kind == condition::token_kind::minus;
        if (negative) k = 1;
        if (tokens.size() == k + 2 && tokens[k + 1].kind == condition::token_kind::end) {
            if (tokens[k].kind == condition::token_kind::number) {
                v.lit.kind = literal::type::number;
                v.lit.number = negative ? -tokens[k].number : tokens[k].number;
            } else if (tokens[k].kind == condition::token_kind::duration && !negative) {
                v.lit.kind = literal::type::duration;
                v.lit.millis = tokens[k].millis;
            }
        }
        if (t.text == "true" || t.text == "false") v.lit.kind = literal::type::identifier;
        return v;
    }

    // An exception is a condition written as a table: each value is checked against its
    // field exactly as the same comparison in a condition is, and errors point at the value.
    std::uint32_t compile_exception(const collected_rule& r, const rule_exception& x) {
        std::vector<field_ref> fields;
        bool ok = true;
        for (const auto& name : x.fields) {
            auto f = find_field(name.text);
            if (!f) {
                error_loc(name.loc, "RULES_UNKNOWN_FIELD", fmt::format("rule '{}' exception '{}': unknown field '{}'", r.name, x.name, name.text));
                ok = false;
                continue;
            }
            const located_text* saved = text_;
            text_ = &name;
            note_field(*f, 0);
            text_ = saved;
            fields.push_back(std::move(*f));
        }
        if (!ok) return no_node;
        std::uint32_t any = no_node;
        for (const auto& tuple : x.values) {
            std::uint32_t all = no_node;
            for (std::size_t i = 0; i < fields.size() && i < tuple.size(); ++i) {
                const field_ref& f = fields[i];
                const std::string comp = i < x.comps.size() ? x.comps[i].text : "=";
                const located_text* saved = text_;
                text_ = &tuple[i];
                const std::uint32_t t = compile_exception_test(x, f, comp, i < x.comps.size() ? &x.comps[i].loc : nullptr, tuple[i]);
                text_ = saved;
                if (t == no_node) {
                    ok = false;
                    continue;
                }
                all = all == no_node ? t : combine(node::op::and_, all, t);
            }
            if (all != no_node) any = any == no_node ? all : combine(node::op::or_, any, all);
        }
        return ok ? any : no_node;
    }

    // One value of an exception tuple; text_ is the value (errors are located at it).
    std::uint32_t compile_exception_test(const rule_exception& x, const field_ref& f, const std::string& comp, const source_loc* comp_loc,
                                         const located_text& value) {
        node n;
        n.lhs.k = operand::kind::field;
        n.lhs.field = f;
        n.type = f.def->type;
        if (comp == "=" || comp == "!=") {
            n.o = node::op::compare;
            n.cmp = comp == "=" ? condition::compare_op::eq : condition::compare_op::ne;
            if (!resolve_rhs(exception_literal(value), n.type, &n.lhs.field, n.rhs)) return no_node;
            if (n.rhs.k == operand::kind::text) {
                if (n.cmp == condition::compare_op::eq) check_kind_reachable(f, {n.rhs.text}, 0);
                check_e164(f, value.text, 0, n.cmp == condition::compare_op::ne);
                check_written_form(f, value.text, 0, n.cmp == condition::compare_op::ne);
                n.rhs.text = equality_literal(f, n.rhs.text);
            }
        } else if (comp == "in" || comp == "prefix_in") {
            if (n.type == field_type::number || n.type == field_type::boolean) {
                error(0, "RULES_TYPE_MISMATCH", fmt::format("exception '{}': lists hold text; '{}' is {}", x.name, f.name(), to_string(n.type)));
                return no_node;
            }
            n.o = node::op::in_list;
            const list_use use = comp == "prefix_in" ? list_use::number_prefix
                                 : f.id == field_id::origin_ip ? list_use::ip_cidr
                                                               : list_use::exact;
            n.list = list_index(value.text, use, 0, f);
            if (n.list == no_node) return no_node;
        } else if (comp == "startswith") {
            if (n.type != field_type::text && n.type != field_type::text_set) {
                error(0, "RULES_TYPE_MISMATCH",
                      fmt::format("exception '{}': startswith needs a text field; '{}' is {}", x.name, f.name(), to_string(n.type)));
                return no_node;
            }
            n.o = node::op::text_test;
            n.top = condition::text_op::startswith;
            n.rhs.k = operand::kind::text;
            n.rhs.text = fold_literal(f, value.text);
            if (n.rhs.text.empty()) {
                error(0, "RULES_BAD_VALUE", fmt::format("exception '{}': {}", x.name, empty_text_message(f, value.text)));
                return no_node;
            }
            check_e164(f, value.text, 0);
        } else {
            if (comp_loc) error_loc(*comp_loc, "RULES_BAD_VALUE", fmt::format("exception comps are =, !=, in, prefix_in or startswith; not '{}'", comp));
            return no_node;
        }
        return add(std::move(n));
    }

    void compile_rule(const collected_rule& r) {
        compiled_rule c;
        c.name = r.name;
        c.desc = r.desc;
        c.shadow = r.shadow;
        c.tags = r.tags;
        c.references = r.references;
        c.pack = r.pack;
        c.file = r.loc.file;
        c.line = r.loc.line;
        c.column = r.loc.column;
        rule_enabled_ = r.enabled;
        rule_first_node_ = out_->nodes.size();
        rule_too_large_ = false;

        mask_ = 0;
        for (const auto& ev : r.events) {
            auto k = model::parse_event_kind(ev.text);
            if (!k) {
                error_loc(ev.loc, "RULES_UNKNOWN_EVENT",
                          fmt::format("rule '{}': unknown event kind '{}' (call.attempt, call.answer, call.end, sms.submit, sms.deliver)", r.name, ev.text));
                continue;
            }
            mask_ = static_cast<kind_mask>(mask_ | (1u << static_cast<int>(*k)));
        }
        if (!r.events_given || r.events.empty()) {
            mask_ = all_kinds;
            if (r.enabled && !r.events_given)  // `events: []` is an error (the reader's)
                error_loc(r.loc, "RULES_ALL_EVENTS", fmt::format("rule '{}' has no 'events': it runs on every kind of record", r.name),
                          common::severity::warning);
        }
        if (!r.action.text.empty()) {
            if (auto a = parse_action(r.action.text)) c.act = *a;
            else error_loc(r.action.loc, "RULES_BAD_VALUE", fmt::format("rule '{}': action is allow, warn or block, not '{}'", r.name, r.action.text));
        }
        if (!r.priority.text.empty()) {
            if (std::find(priorities.begin(), priorities.end(), r.priority.text) == priorities.end())
                error_loc(r.priority.loc, "RULES_BAD_VALUE",
                          fmt::format("rule '{}': priority '{}' is not one of {}", r.name, r.priority.text, fmt::join(priorities, ", ")));
            c.priority = r.priority.text;
        }
        std::uint32_t root = compile_parts(r.condition);
        std::set<std::string> exception_names;
        for (const auto& x : r.exceptions) {
            // Evidence and reviews name an exception: two of one name (an `exceptions:
            // append` repeating one) cannot be told apart; one with no values exempts nothing.
            if (!x.name.empty() && !exception_names.insert(x.name).second)
                error_loc(x.loc, "RULES_DUPLICATE", fmt::format("rule '{}': a second exception named '{}': give each its own name", r.name, x.name),
                          common::severity::warning);
            if (x.values.empty() && !x.fields.empty())
                error_loc(x.loc, "RULES_NEVER_MATCHES", fmt::format("rule '{}': exception '{}' has no values: it exempts nothing", r.name, x.name),
                          common::severity::warning);
            const std::uint32_t ex = compile_exception(r, x);
            if (ex == no_node) continue;
            node n;
            n.o = node::op::not_;
            n.children = {ex};
            root = combine(node::op::and_, root, add(std::move(n)));
        }
        c.root = root;
        if (r.reason) {
            std::string why;
            if (!parse_reason(r.reason->text, c.reason, why))
                error_loc(r.reason->loc, "RULES_BAD_REASON", fmt::format("rule '{}': {}", r.name, why));
            for (const reason_part& p : c.reason)
                if (p.is_field && r.enabled) note_call_history(p.field);
        } else {
            c.reason.push_back({false, r.desc.empty() ? r.name : r.desc, {}});
        }
        if (!r.enabled) return;
        const auto idx = static_cast<std::uint32_t>(out_->rules.size());
        for (int k = 0; k < model::event_kind_count; ++k)
            if (mask_ & (1u << k)) out_->rules_by_kind[static_cast<std::size_t>(k)].push_back(idx);
        out_->rules.push_back(std::move(c));
    }

    // Count and ratio aggregates of one event kind, key field and window: one shared list each
    // group (up to state::max_shared_members). The layout before (the rules running, or the
    // snapshot's) is kept: its members come first and never leave for a newcomer, and an
    // aggregate it kept alone (past the eighth) stays alone even when a place frees, since
    // joining would start it with no events. The others are taken in the order their
    // definitions were first seen (their window-state ids). A lone one gets a list too: a
    // sibling added by a later reload then joins it and the list keeps its events.
    void share_event_lists() {
        std::map<std::string, std::vector<std::uint32_t>> groups;  // list fingerprint -> feeders
        for (std::uint32_t a = 0; a < out_->aggregates.size(); ++a) {
            const aggregate_def& d = out_->aggregates[a];
            const bool countable = d.fn == state::window_function::count || d.fn == state::window_function::ratio;
            // `unless blocked` events are taken back one by one (retract), which a shared list's
            // flagged events do not support.
            if (!live_aggregates_.count(a) || readers_.count(a) || !countable || !d.has_by || d.keyed_by_set || d.has_of || d.unless_blocked)
                continue;
            groups[fmt::format("shared|{}|{}|{}", static_cast<int>(d.kind), d.by.name(), d.window_ms)].push_back(a);
        }
        struct place {
            std::uint32_t spec_id;
            std::uint8_t bit;
            std::size_t list;
        };
        std::map<std::string, place> member_of;  // aggregate fingerprint -> list, bit
        for (auto& [fingerprint, feeders] : groups) {
            const std::vector<std::string>* members_before = nullptr;
            if (before_ != nullptr) {
                if (const auto it = before_->lists.find(fingerprint); it != before_->lists.end()) {
                    members_before = &it->second;
                    std::erase_if(feeders, [&](std::uint32_t a) {
                        const std::string& fp = out_->aggregates[a].fingerprint;
                        if (before_->alone.count(fp) == 0) return false;
                        out_->kept_alone.insert(fp);
                        return true;
                    });
                }
            }
            auto was_member = [&](std::uint32_t a) {
                return members_before != nullptr &&
                       std::find(members_before->begin(), members_before->end(), out_->aggregates[a].fingerprint) != members_before->end();
            };
            std::sort(feeders.begin(), feeders.end(), [&](std::uint32_t x, std::uint32_t y) {
                const bool mx = was_member(x), my = was_member(y);
                if (mx != my) return mx;
                return out_->aggregates[x].spec_id < out_->aggregates[y].spec_id;
            });
            for (std::size_t i = state::max_shared_members; i < feeders.size(); ++i) out_->kept_alone.insert(out_->aggregates[feeders[i]].fingerprint);
            if (feeders.size() > state::max_shared_members) feeders.resize(state::max_shared_members);
            if (feeders.empty()) {
                out_->emptied_lists.insert(fingerprint);  // remembered, so what it left alone stays alone
                continue;
            }
            shared_list l;
            const aggregate_def& first = out_->aggregates[feeders.front()];
            l.spec_id = ids_(fingerprint);
            l.kind = first.kind;
            l.by = first.by;
            l.window_ms = first.window_ms;
            l.fingerprint = fingerprint;
            l.members = feeders;
            for (const std::uint32_t a : feeders) {
                const aggregate_def& d = out_->aggregates[a];
                l.definitions.push_back({d.fingerprint, d.fn});
                l.keeps_unmatched = l.keeps_unmatched || d.fn == state::window_function::ratio;
                member_of[d.fingerprint] = {l.spec_id, static_cast<std::uint8_t>(l.definitions.size() - 1), out_->shared_lists.size()};
            }
            l.layout = state::members_layout(l.definitions);
            const auto index = static_cast<std::uint32_t>(out_->shared_lists.size());
            out_->shared_lists_by_kind[static_cast<int>(l.kind)].push_back(index);
            out_->shared_lists.push_back(std::move(l));
        }
        // Members and their `for` readers (same fingerprint) read the list.
        for (aggregate_def& d : out_->aggregates) {
            const auto it = member_of.find(d.fingerprint);
            if (it == member_of.end()) continue;
            d.spec_id = it->second.spec_id;
            d.member = it->second.bit;
            d.layout = out_->shared_lists[it->second.list].layout;
        }
    }

    // The exact-match list lookups records of kind k may make, in rules and in the `where`
    // of the aggregates they feed: each (field, list) once.
    void collect_list_probes(std::size_t k) {
        std::vector<list_probe>& probes = out_->list_probes_by_kind[k];
        auto add = [&](const node& n) {
            if (out_->lists[n.list]->use() != list_use::exact || n.type != field_type::text) return;
            for (const auto& p : probes)
                if (p.list == n.list && p.field.id == n.lhs.field.id && p.field.extra_name == n.lhs.field.extra_name) return;
            probes.push_back({n.lhs.field, n.list});
        };
        auto walk = [&](auto& self, std::uint32_t idx) -> void {
            if (idx == no_node) return;
            const node& n = out_->nodes[idx];
            if (n.o == node::op::in_list) add(n);
            for (const std::uint32_t c : n.children) self(self, c);
        };
        for (const std::uint32_t r : out_->rules_by_kind[k]) walk(walk, out_->rules[r].root);
        for (const std::uint32_t a : out_->aggregates_by_kind[k]) walk(walk, out_->aggregates[a].where);
        for (const std::uint32_t l : out_->shared_lists_by_kind[k])
            for (const std::uint32_t a : out_->shared_lists[l].members) walk(walk, out_->aggregates[a].where);
    }

    // Each in_list node's memo slot: one per (field, list), the `except` forms excluded (their
    // left side is the part of a set a list leaves, not the field).
    void assign_list_memos() {
        std::map<std::tuple<std::uint32_t, field_id, std::string>, std::uint32_t> slots;
        for (node& n : out_->nodes) {
            if (n.o != node::op::in_list || n.lhs.except_list != operand::no_except) continue;
            const auto key = std::make_tuple(n.list, n.lhs.field.id, n.lhs.field.extra_name);
            const auto [it, added] = slots.try_emplace(key, static_cast<std::uint32_t>(slots.size()));
            n.memo = it->second;
        }
        out_->list_memo_slots = static_cast<std::uint32_t>(slots.size());
    }

    // The keyword lists read from one text field in one way (contains_any on the text as
    // written, icontains_any lowered): two or more share a scan (compiled_ruleset::keyword_scans).
    // Sets and `except` forms keep their own lookups.
    void assign_keyword_scans() {
        using scan_key = std::tuple<field_id, std::string, list_use>;
        std::map<scan_key, std::vector<std::uint32_t>> lists_by_field;  // list indexes, in first-seen order
        const auto shareable = [&](const node& n) {
            if (n.o != node::op::in_list || n.list >= out_->lists.size()) return false;
            const list_use use = out_->lists[n.list]->use();
            return n.lhs.except_list == operand::no_except && n.type == field_type::text && n.lhs.k == operand::kind::field &&
                   (use == list_use::keywords || use == list_use::keywords_folded) && out_->lists[n.list]->keyword_items() != nullptr;
        };
        const auto key_of = [&](const node& n) { return scan_key{n.lhs.field.id, n.lhs.field.extra_name, out_->lists[n.list]->use()}; };
        for (const node& n : out_->nodes) {
            if (!shareable(n)) continue;
            auto& lists = lists_by_field[key_of(n)];
            if (std::find(lists.begin(), lists.end(), n.list) == lists.end() && lists.size() < 64) lists.push_back(n.list);
        }
        std::map<scan_key, std::uint32_t> scan_of;
        for (const auto& [key, lists] : lists_by_field) {
            if (lists.size() < 2) continue;
            keyword_scan scan;
            scan.list_count = static_cast<std::uint32_t>(lists.size());
            lists::keyword_automaton::builder b(false);
            std::map<std::string, std::uint32_t, std::less<>> keyword_index;  // composed keyword -> automaton index
            std::string composed;
            for (std::uint32_t bit = 0; bit < lists.size(); ++bit) {
                for (const std::string& item : *out_->lists[lists[bit]]->keyword_items()) {
                    // Composed as the list's own automaton holds it (list_matcher::build).
                    compose_text_into(item, composed);
                    auto [it, added] = keyword_index.try_emplace(composed, static_cast<std::uint32_t>(scan.lists_of.size()));
                    if (added) {
                        b.add(composed);
                        scan.lists_of.push_back(0);
                        scan.items.resize(scan.items.size() + lists.size());
                    }
                    // A list's first item of a keyword is the one its automaton reports.
                    if ((scan.lists_of[it->second] >> bit & 1) == 0) scan.items[it->second * scan.list_count + bit] = item;
                    scan.lists_of[it->second] |= std::uint64_t{1} << bit;
                }
            }
            scan.automaton = std::move(b).build();
            scan_of[key] = static_cast<std::uint32_t>(out_->keyword_scans.size());
            out_->keyword_scans.push_back(std::move(scan));
        }
        for (node& n : out_->nodes) {
            if (!shareable(n)) continue;
            const auto found = scan_of.find(key_of(n));
            if (found == scan_of.end()) continue;
            const auto& lists = lists_by_field[key_of(n)];
            const auto at = std::find(lists.begin(), lists.end(), n.list);
            if (at == lists.end()) continue;  // past the 64 lists a scan can hold: a lookup of its own
            n.keyword_scan = found->second;
            n.keyword_bit = static_cast<std::uint8_t>(at - lists.begin());
        }
    }

    void warn_unused() {
        for (const auto& l : in_.lists)
            if (!used_lists_.count(l.name))
                error_loc(l.loc, "RULES_UNUSED_LIST", fmt::format("list '{}' is not used by any rule", l.name), common::severity::warning);
        for (const auto& m : in_.macros)
            if (!used_macros_.count(m.name) && !any_too_large_) {  // an expansion cut short leaves the rest unread
                error_loc(m.loc, "RULES_UNUSED_MACRO", fmt::format("macro '{}' is not used by any rule", m.name), common::severity::warning);
                check_unused_macro(m);
            }
    }

    // A macro no rule uses is not compiled (its aggregates would keep window state for
    // nothing), but a shared pack's macro is compiled the day a local pack uses it: its
    // syntax and the names it reads are checked now, where the author wrote them. Warnings,
    // not errors: such a macro may name a list only some local packs define, and it decides
    // nothing until a rule uses it (then its errors are errors).
    void check_unused_macro(const collected_macro& m) {
        const std::size_t first = diags_.size();
        check_unused_macro_parts(m);
        for (std::size_t i = first; i < diags_.size(); ++i) {
            diags_[i].level = common::severity::warning;
            diags_[i].message = fmt::format("unused macro '{}': {}", m.name, diags_[i].message);
        }
    }

    void check_unused_macro_parts(const collected_macro& m) {
        for (const auto& part : m.condition) {
            const expr* e = parse(part.text);
            if (e == nullptr) continue;  // parse() said why
            const located_text* saved = text_;
            text_ = &part.text;
            check_names(*e);
            text_ = saved;
        }
    }

    void check_value_names(const condition::value& v) {
        if (v.is_aggregate) {
            const condition::aggregate& a = *v.agg;
            for (const auto& [name, where] : {std::pair{&a.of_field, a.of_where}, std::pair{&a.by_field, a.by_where}, std::pair{&a.for_field, a.for_where}})
                if (!name->empty() && !find_field(*name)) error(where.offset, "RULES_UNKNOWN_FIELD", fmt::format("unknown field '{}'", *name));
            if (!model::parse_event_kind(a.event_kind))
                error(a.event_where.offset, "RULES_UNKNOWN_EVENT", fmt::format("unknown event kind '{}'", a.event_kind));
            if (!a.by_except.empty() && !lists_.count(a.by_except))
                error(a.by_except_where.offset, "RULES_UNKNOWN_LIST", fmt::format("unknown list '{}'", a.by_except));
            if (a.where) check_names(*a.where);
            return;
        }
        if (!v.except_list.empty() && !lists_.count(v.except_list))
            error(v.except_where.offset, "RULES_UNKNOWN_LIST", fmt::format("unknown list '{}'", v.except_list));
    }

    void check_names(const expr& e) {
        for (const auto& c : e.children) check_names(*c);
        switch (e.k) {
            case expr::kind::and_:
            case expr::kind::or_:
            case expr::kind::not_:
            case expr::kind::time_between: return;
            case expr::kind::bare: {
                if (e.lhs.is_aggregate || e.lhs.lit.kind != literal::type::identifier) return;
                const std::string& name = e.lhs.lit.text;
                if (!macros_.count(name) && !find_field(name) && name != "true" && name != "false") {
                    const bool misspelt_field = !model::parse_event_kind(name) && names_no_field(name);
                    error(e.where.offset, misspelt_field ? "RULES_UNKNOWN_FIELD" : "RULES_UNKNOWN_NAME",
                          misspelt_field ? fmt::format("unknown field '{}'", name) : fmt::format("unknown macro or field '{}'", name));
                }
                return;
            }
            default: break;
        }
        if (!e.lhs.is_aggregate && e.lhs.lit.kind == literal::type::identifier && !find_field(e.lhs.lit.text))
            error(e.lhs.where.offset, "RULES_UNKNOWN_FIELD", fmt::format("unknown field '{}'", e.lhs.lit.text));
        check_value_names(e.lhs);
        check_value_names(e.rhs);
        if (e.k == expr::kind::in_list && !lists_.count(e.list_name))
            error(e.list_where.offset, "RULES_UNKNOWN_LIST", fmt::format("unknown list '{}'", e.list_name));
    }

    const collected_rules& in_;
    const spec_id_source& ids_;
    std::vector<common::diagnostic>& diags_;
    intel_source* intel_;
    const event_list_layout* before_;
    std::unique_ptr<compiled_ruleset> out_;
    std::map<std::string, const collected_list*> lists_;
    std::map<std::string, const collected_macro*> macros_;
    std::map<const located_text*, condition::parse_result> parsed_;
    std::set<std::string> used_lists_, used_macros_, warned_scope_;
    std::map<std::pair<std::string, list_use>, std::uint32_t> list_index_;
    std::map<std::uint32_t, std::string> pack_list_digest_;  // lists[] index -> items_digest
    std::set<std::string> fixed_values_checked_;              // "list\x1ffield" (check_fixed_values)
    std::map<std::string, std::size_t> file_order_;  // file -> place in the load order
    std::set<std::string> expand_reported_;                   // "code|file:line:column" said by expand_list
    std::map<std::string, std::uint32_t> regex_index_;
    std::map<std::string, std::uint32_t> aggregate_index_;
    std::set<std::uint32_t> live_aggregates_;
    std::set<std::uint32_t> readers_;  // `for` definitions: read only, never fed
    std::vector<std::string> macro_stack_;
    std::size_t rule_first_node_ = 0;  // out_->nodes.size() when the current rule began
    bool rule_too_large_ = false;      // the current rule's expansion was cut short
    bool any_too_large_ = false;       // some rule's was
    const located_text* text_ = nullptr;
    const located_text* outer_use_text_ = nullptr;  // where the outermost macro in use was named
    std::uint32_t outer_use_offset_ = 0;
    kind_mask mask_ = all_kinds;
    bool in_aggregate_ = false;
    bool rule_enabled_ = true;
    bool uses_local_time_ = false;
};

}  // namespace

std::unique_ptr<compiled_ruleset> compile_rules(const collected_rules& rules, const spec_id_source& ids,
                                                std::vector<common::diagnostic>& diags, intel_source* intel,
                                                const event_list_layout* before) {
    return compiler(rules, ids, diags, intel, before).run();
}

event_list_layout layout_of(const compiled_ruleset& rs) {
    event_list_layout out;
    for (const auto& l : rs.shared_lists) {
        auto& members = out.lists[l.fingerprint];
        for (const auto& d : l.definitions) members.push_back(d.fingerprint);
    }
    for (const auto& fp : rs.emptied_lists) out.lists.try_emplace(fp);
    // Only those left out of a list: an aggregate alone because its rule is disabled joins
    // the list when the rule comes back (it has no events to lose).
    out.alone = rs.kept_alone;
    return out;
}

event_list_layout layout_of(const std::vector<state::stored_spec>& specs) {
    // A snapshot stores every shared list and the specs with entries: what has state to keep.
    event_list_layout out;
    for (const auto& s : specs) {
        if (const auto shared = state::shared_members_of(s.function)) {
            auto& members = out.lists[s.fingerprint];
            for (const auto& m : shared->members) members.push_back(m.fingerprint);
        } else {
            out.alone.insert(s.fingerprint);
        }
    }
    return out;
}

}  // namespace ringfence::engine
