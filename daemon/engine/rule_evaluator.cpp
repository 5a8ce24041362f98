// evaluate(): one compiled condition node on the context's record. Tests that come out
// true leave evidence (aggregate values, list entries) when the context collects it.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "engine/compare_values.hpp"
#include "engine/eval_context.hpp"
#include "engine/fast_leaf.hpp"
#include "engine/regex_matcher.hpp"
#include "engine/rule_text.hpp"
#include "engine/text/url_key.hpp"

namespace ringfence::engine {

namespace {

double number_of(eval_context& ctx, const operand& o) {
    switch (o.k) {
        case operand::kind::number: return o.number;
        case operand::kind::aggregate: return ctx.aggregate_value(o.aggregate);
        case operand::kind::field: return ctx.get(o.field).number;
        default: return 0;
    }
}

// The value the test reads on the left: the field, or with `FIELD except LIST` the elements of
// the set that the list does not hold (worked out once per record for each field and list:
// a macro such as `untrusted_link` is expanded into several rules).
field_value lhs_value(eval_context& ctx, const node& n) {
    field_value v = ctx.get(n.lhs.field);
    if (n.lhs.except_list == operand::no_except || !v.present || v.type != field_type::text_set || v.set == nullptr) return v;
    const std::vector<std::string>& kept = ctx.set_except(n.lhs.field, n.lhs.except_list, *v.set);
    v.set = &kept;
    v.present = !kept.empty();
    return v;
}

// Applies test to the field's text, or to each element of a set (true when any is).
template <class Test>
bool any_text(const field_value& v, Test&& test) {
    if (v.type == field_type::text_set) {
        for (const auto& s : *v.set)
            if (test(std::string_view(s))) return true;
        return false;
    }
    return test(v.text);
}

// An element as every test reads it: a link by its key (no scheme, user info, default port
// or fragment; its host in lower case), as lists hold URLs and the compiler keys a literal
// (https://EVIL.TOP/login and evil.top/login are one URL), and eval_compare keys a field on
// the right; what a test matched is then what its evidence shows, never a password or
// token written in the link. The view is valid until the next call.
std::string_view equality_form(const node& n, std::string_view s) {
    if (n.lhs.field.id != field_id::sms_urls) return s;
    thread_local std::string key;
    text::url_key(s, key);
    return key.empty() ? s : std::string_view(key);
}

// What evidence shows of a value read from field id: a link's host without the user info a
// link can write before it (`name:password@`, an OTP, a phone number), which sms.hosts keeps
// so that a bank's name written there is found; the list entry names what matched.
std::string shown_value(field_id id, std::string_view v) {
    if (id == field_id::sms_hosts)
        if (const auto at = v.rfind('@'); at != std::string_view::npos) v.remove_prefix(at + 1);
    return std::string(v);
}

// The field an aggregate's key is read from (its `for` field, else its `by` field).
field_id key_field(const aggregate_def& d) { return d.has_for ? d.for_field.id : d.by.id; }

// An aggregate keyed by a set (`count(sms.submit by sms.domains within 1h) > 50`): true when
// the test holds for any element of the record's set, as `in` on a set field; the evidence
// names that element.
bool eval_set_keyed_compare(eval_context& ctx, const node& n) {
    const double b = number_of(ctx, n.rhs);
    if (std::isnan(b)) return false;
    for (const auto& [key, a] : ctx.aggregate_elements(n.lhs.aggregate)) {
        if (std::isnan(a) || !compare_values(a, n.cmp, b)) continue;
        if (ctx.collect_evidence)
            ctx.evidence.push_back({evidence_item::kind::aggregate, n.lhs.aggregate, {}, shown_value(key_field(ctx.ruleset().aggregates[n.lhs.aggregate]), key), {}, {}, {}, a, b, n.cmp});
        return true;
    }
    return false;
}

bool eval_compare(eval_context& ctx, const node& n) {
    if (n.type == field_type::number) {
        // A field the record does not carry, on either side, makes the test false; so does
        // a ratio or share of no events (NaN), which `!=` would otherwise call different.
        // Each field read once: a derived field is worked out anew on every get.
        double a = 0, b = 0;
        if (n.lhs.k == operand::kind::field) {
            const field_value v = lhs_value(ctx, n);
            if (!v.present) return false;
            a = v.number;
        }
        if (n.rhs.k == operand::kind::field) {
            const field_value v = ctx.get(n.rhs.field);
            if (!v.present) return false;
            b = v.number;
        }
        if (n.lhs.k == operand::kind::aggregate && ctx.ruleset().aggregates[n.lhs.aggregate].keyed_by_set) return eval_set_keyed_compare(ctx, n);
        if (n.lhs.k != operand::kind::field) a = number_of(ctx, n.lhs);
        if (n.rhs.k != operand::kind::field) b = number_of(ctx, n.rhs);
        if (std::isnan(a) || std::isnan(b)) return false;
        const bool r = compare_values(a, n.cmp, b);
        if (r && ctx.collect_evidence && n.lhs.k == operand::kind::aggregate) {
            const aggregate_def& def = ctx.ruleset().aggregates[n.lhs.aggregate];
            // Keyed (or read) by the message's text or an extra field (the same text sent by
            // many): the count, not the text.
            const bool private_key = def.has_for ? is_private_content(def.for_field.id) : def.has_by && is_private_content(def.by.id);
            evidence_item e{evidence_item::kind::aggregate, n.lhs.aggregate, {}, private_key ? std::string() : shown_value(key_field(def), ctx.read_key_of(def)), {}, {}, {}, a, b, n.cmp,
                            private_key};
            ctx.evidence.push_back(std::move(e));
        }
        return r;
    }
    const field_value a = lhs_value(ctx, n);
    // A test on a field the record does not carry is false, whatever the operator (`!=`
    // included), as for numbers above.
    if (!a.present) return false;
    if (n.type == field_type::boolean) {
        if (n.rhs.k != operand::kind::field) return compare_values(a.boolean, n.cmp, n.rhs.boolean);
        const field_value b = ctx.get(n.rhs.field);
        return b.present && compare_values(a.boolean, n.cmp, b.boolean);
    }
    std::string_view b = n.rhs.text;
    std::string rhs_copy;
    if (n.rhs.k == operand::kind::field) {
        const field_value rhs = ctx.get(n.rhs.field);
        if (!rhs.present) return false;
        rhs_copy = std::string(rhs.text);  // a second get may reuse a cached buffer
        if (n.lhs.field.id == field_id::sms_urls) {  // `sms.urls = extra.reported_link`: URL against URL
            std::string key;
            text::url_key(rhs_copy, key);
            if (!key.empty()) rhs_copy = std::move(key);
        }
        b = rhs_copy;
    }
    if (n.cmp == condition::compare_op::ne && a.type == field_type::text_set) {
        return !any_text(a, [&](std::string_view s) { return equality_form(n, s) == b; });
    }
    if (n.cmp == condition::compare_op::eq) return any_text(a, [&](std::string_view s) { return equality_form(n, s) == b; });
    return any_text(a, [&](std::string_view s) { return compare_values(s, n.cmp, b); });
}

// A number, an address or a name looked up as written (`caller.e164 in police_numbers`): most
// lookups, without the forms below.
[[gnu::always_inline]] inline bool eval_in_list_as_written(eval_context& ctx, const node& n, const list_matcher& list, std::string_view value) {
    if (n.keyword_scan != node::no_memo) {  // a keyword list read with others of this field: one scan for all
        const std::optional<std::string_view> keyword = ctx.keyword_scan_hit(n.keyword_scan, n.keyword_bit, value);
        if (!keyword) return false;
        if (ctx.collect_evidence) {
            ctx.hit.entry.assign(*keyword);
            ctx.hit.source.clear();
            ctx.hit.reason.clear();
        }
    } else if (!list.match_at(value, ctx.rec().time_ms, ctx.collect_evidence ? &ctx.hit : nullptr)) {
        // By the record's time, so intelligence entries expire as a replay would see them.
        return false;
    }
    if (ctx.collect_evidence)
        ctx.evidence.push_back({evidence_item::kind::list, n.list, n.lhs.field.name(), is_private_content(n.lhs.field.id) ? std::string() : shown_value(n.lhs.field.id, value),
                                ctx.hit.entry, ctx.hit.source, ctx.hit.reason, 0, 0, {}});
    return true;
}

bool eval_in_list_lookup(eval_context& ctx, const node& n) {
    const list_matcher& list = *ctx.ruleset().lists[n.list];
    // The set fields are worked out of an SMS's text (its links, domains, hosts, accounts): a
    // lookup of one in a list with nothing in it (an intelligence list not yet filled, such
    // as police_accounts) is false before the text is read.
    if (n.type == field_type::text_set && list.holds_nothing()) return false;
    const field_value v = lhs_value(ctx, n);
    if (!v.present) return false;
    const bool folded = list.use() == list_use::keywords_folded;
    if (!folded && v.type != field_type::text_set && n.lhs.field.id != field_id::sms_urls)
        return eval_in_list_as_written(ctx, n, list, list.use() == list_use::keywords ? ctx.composed_text(n.lhs.field, v.text) : v.text);
    std::string lowered;
    auto try_one = [&](std::string_view s) {
        // A link is read as its key, as every test reads it: what a list matched is what its
        // evidence shows, never the credentials or token a link can carry.
        const std::string_view read = equality_form(n, s);
        if (!folded) return eval_in_list_as_written(ctx, n, list, read);
        std::optional<std::string_view> hit;
        if (v.type == field_type::text_set) {
            lower_text_into(read, lowered);
            hit = list.match(lowered);
        } else if (n.keyword_scan != node::no_memo) {
            hit = ctx.keyword_scan_hit(n.keyword_scan, n.keyword_bit, ctx.lowered_text(n.lhs.field));
        } else {
            hit = list.match(ctx.lowered_text(n.lhs.field));
        }
        if (hit && ctx.collect_evidence) {  // the keyword, not the message it was found in
            std::string shown;
            if (n.lhs.field.id == field_id::sms_urls) {
                if (read.data() != s.data()) shown = read;  // a link with no key: nothing of it shown
            } else if (!is_private_content(n.lhs.field.id)) {
                shown = shown_value(n.lhs.field.id, s);
            }
            ctx.evidence.push_back({evidence_item::kind::list, n.list, n.lhs.field.name(), std::move(shown), std::string(*hit), {}, {}, 0, 0, {}});
        }
        return hit.has_value();
    };
    if (v.type == field_type::text_set) {
        for (const auto& s : *v.set)
            if (try_one(s)) return true;
        return false;
    }
    return try_one(v.text);
}

bool eval_in_list(eval_context& ctx, const node& n) {
    // The same lookup made earlier for this record found nothing: it finds nothing again. A
    // hit is looked up again, for its evidence.
    if (n.memo != node::no_memo && ctx.list_known_unmatched(n.memo)) return false;
    const bool found = eval_in_list_lookup(ctx, n);
    if (!found && n.memo != node::no_memo) ctx.note_list_unmatched(n.memo);
    return found;
}

bool evaluate_node(eval_context& ctx, const node& n);

// A node::call_number test: what eval_compare and bool_field make of the same field and
// literal, without building a field_value. Leaves no evidence (nor do they, for these fields).
bool call_number_passes(const eval_context& ctx, const node& n) {
    const std::optional<double> v = ctx.call_number(n.call_number);
    if (!v) return false;
    if (n.o == node::op::bool_field) return *v != 0;
    if (n.type == field_type::boolean) return compare_values(*v != 0, n.cmp, n.rhs.boolean);
    return !std::isnan(n.rhs.number) && compare_values(*v, n.cmp, n.rhs.number);
}

// What the subscriber database said, for a test on a subscriber field that came out true:
// the decision log then shows the status (or verification) the rule acted on.
void note_subscriber_field(eval_context& ctx, const node& n) {
    const field_value v = lhs_value(ctx, n);
    std::string value;
    switch (v.type) {
        case field_type::text: value = std::string(v.text); break;
        case field_type::number: value = fmt::format("{}", v.number); break;
        case field_type::boolean: value = v.boolean ? "true" : "false"; break;
        case field_type::text_set: break;
    }
    ctx.evidence.push_back({evidence_item::kind::field, 0, n.lhs.field.name(), std::move(value), {}, {}, {}, 0, 0, {}});
}

}  // namespace

bool evaluate(eval_context& ctx, std::uint32_t idx) {
    const node& n = ctx.ruleset().nodes[idx];
    if (n.fast.f != fast_test::field::none) {
        const bool pass = fast_test_passes(ctx.rec(), n.fast);
        if (!pass || n.fast_decides) return pass;  // leaves no evidence
    }
    if (n.call_number != field_id::kind) return call_number_passes(ctx, n);
    // A test this record already evaluated elsewhere: false left no evidence, and true needs
    // its evidence again only when the test leaves some and it is being collected.
    if (n.result_memo != node::no_memo) {
        if (const std::optional<bool> known = ctx.remembered_result(n.result_memo); known && (!*known || n.evidence_free || !ctx.collect_evidence))
            return *known;
    }
    const bool r = evaluate_node(ctx, n);
    if (r && ctx.collect_evidence && n.lhs.k == operand::kind::field && is_subscriber_field(n.lhs.field.id) && n.o != node::op::and_ &&
        n.o != node::op::or_ && n.o != node::op::not_ && n.o != node::op::in_list)  // a list match is its own evidence
        note_subscriber_field(ctx, n);
    if (n.result_memo != node::no_memo) ctx.remember_result(n.result_memo, r);
    return r;
}

namespace {

bool evaluate_node(eval_context& ctx, const node& n) {
    switch (n.o) {
        // Evidence is what made the rule fire: what a conjunct found is taken back when a
        // later one fails, and what a failed alternative found before it failed too.
        case node::op::and_: {
            const std::size_t mark = ctx.evidence.size();
            for (auto c : n.children)
                if (!evaluate(ctx, c)) {
                    ctx.evidence.resize(mark);
                    return false;
                }
            return true;
        }
        case node::op::or_: {
            const std::size_t mark = ctx.evidence.size();
            for (auto c : n.children) {
                if (evaluate(ctx, c)) return true;
                ctx.evidence.resize(mark);
            }
            return false;
        }
        case node::op::not_: {
            const bool saved = ctx.collect_evidence;
            ctx.collect_evidence = false;  // what a negated test found is not why a rule fired
            const bool r = !evaluate(ctx, n.children[0]);
            ctx.collect_evidence = saved;
            return r;
        }
        case node::op::compare: return eval_compare(ctx, n);
        case node::op::in_values: {
            const field_value v = lhs_value(ctx, n);
            if (!v.present) return false;
            if (n.type == field_type::number) return std::find(n.number_values.begin(), n.number_values.end(), v.number) != n.number_values.end();
            return any_text(v, [&](std::string_view s) {
                const std::string_view e = equality_form(n, s);
                return std::find(n.text_values.begin(), n.text_values.end(), e) != n.text_values.end();
            });
        }
        case node::op::in_list: return eval_in_list(ctx, n);
        case node::op::text_test: {
            const field_value v = lhs_value(ctx, n);
            if (!v.present) return false;
            if (n.top == condition::text_op::icontains) {
                if (v.type == field_type::text_set)
                    return any_text(v, [&](std::string_view s) { return lower_text(equality_form(n, s)).find(n.rhs.text) != std::string::npos; });
                return ctx.lowered_text(n.lhs.field).find(n.rhs.text) != std::string_view::npos;
            }
            if (v.type == field_type::text) return text_test(n.top, ctx.composed_text(n.lhs.field, v.text), n.rhs.text);
            return any_text(v, [&](std::string_view s) { return text_test(n.top, equality_form(n, s), n.rhs.text); });
        }
        case node::op::matches: {
            const field_value v = lhs_value(ctx, n);
            if (!v.present) return false;
            const regex_matcher& re = *ctx.ruleset().regexes[n.regex];
            const bool r = any_text(v, [&](std::string_view s) { return re.search(equality_form(n, s)); });
            if (r && ctx.collect_evidence)
                ctx.evidence.push_back({evidence_item::kind::regex, n.regex, n.lhs.field.name(), {}, {}, {}, {}, 0, 0, {}});  // the pattern: rs.regexes[index]
            return r;
        }
        case node::op::exists: return lhs_value(ctx, n).present;
        case node::op::bool_field: {
            const field_value v = lhs_value(ctx, n);
            return v.present && v.boolean;
        }
        case node::op::time_between: {
            const int m = ctx.minute_of_day();
            if (n.from_minutes <= n.to_minutes) return m >= n.from_minutes && m < n.to_minutes;
            return m >= n.from_minutes || m < n.to_minutes;  // wraps past midnight
        }
        case node::op::constant: return n.constant;
    }
    return false;
}

}  // namespace

}  // namespace ringfence::engine
