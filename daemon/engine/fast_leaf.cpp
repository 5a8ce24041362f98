#include "engine/fast_leaf.hpp"

#include <algorithm>
#include <string_view>

#include "engine/compare_values.hpp"
#include "engine/eval_context.hpp"

namespace ringfence::engine {
namespace {

// A pack list (`in LIST`, exact) is fixed for the rule set's life; an intelligence list
// changes under it.
const list_matcher* fixed_list(const compiled_ruleset& rs, const node& n) {
    if (n.o != node::op::in_list || n.list >= rs.lists.size()) return nullptr;
    const list_matcher& l = *rs.lists[n.list];
    if (l.use() != list_use::exact || rs.intel_lists.count(l.name()) != 0) return nullptr;
    return &l;
}

// The mask of a test on a text field whose value numbered v is text_of(v), for v < count;
// nullopt when the node is not such a test.
template <class TextOf>
std::optional<std::uint64_t> text_mask(const compiled_ruleset& rs, const node& n, int count, TextOf text_of) {
    const bool literal_compare = n.o == node::op::compare && n.type == field_type::text && n.rhs.k == operand::kind::text;
    const bool literal_set = n.o == node::op::in_values && n.type == field_type::text;
    const list_matcher* list = fixed_list(rs, n);
    if (!literal_compare && !literal_set && list == nullptr) return std::nullopt;
    std::uint64_t mask = 0;
    for (int v = 0; v < count; ++v) {
        const std::string_view s = text_of(v);
        if (s.empty()) continue;  // absent: false whatever the operator
        const bool pass = list != nullptr ? list->match(s).has_value()
                          : literal_set   ? std::find(n.text_values.begin(), n.text_values.end(), s) != n.text_values.end()
                                          : compare_values<std::string_view>(s, n.cmp, n.rhs.text);
        if (pass) mask |= std::uint64_t{1} << v;
    }
    return mask;
}

std::optional<std::uint64_t> flag_mask(const node& n) {
    if (n.o == node::op::bool_field) return std::uint64_t{2};  // true holds, false does not
    if (n.o != node::op::compare || n.type != field_type::boolean || n.rhs.k != operand::kind::boolean) return std::nullopt;
    std::uint64_t mask = 0;
    if (compare_values(false, n.cmp, n.rhs.boolean)) mask |= 1;
    if (compare_values(true, n.cmp, n.rhs.boolean)) mask |= 2;
    return mask;
}

// The party (0 caller, 1 callee, 2 asserted) and attribute (5 fields a party: raw, e164,
// country, type, is_home) of a number field; nullopt for any other field. The diversion,
// a call's field only (absent on an SMS), stays on the general path: rules seldom test it.
std::optional<std::pair<std::uint8_t, int>> party_field(field_id id) {
    const int first = static_cast<int>(field_id::caller_raw);
    const int i = static_cast<int>(id) - first;
    if (i < 0 || id > field_id::asserted_is_home) return std::nullopt;
    return std::pair{static_cast<std::uint8_t>(i / 5), i % 5};
}

// `call.idle_ms < 30s`, `call.first_contact`, `call.first_contact = false`: read by
// eval_context::call_number (a field on the right stays on the general path).
bool is_call_number_test(const node& n) {
    if (!eval_context::is_call_number(n.lhs.field.id)) return false;
    if (n.o == node::op::bool_field) return true;
    if (n.o != node::op::compare) return false;
    return (n.type == field_type::number && n.rhs.k == operand::kind::number) || (n.type == field_type::boolean && n.rhs.k == operand::kind::boolean);
}

void assign(const compiled_ruleset& rs, node& n) {
    if (n.lhs.k != operand::kind::field || n.lhs.except_list != operand::no_except) return;
    const field_id id = n.lhs.field.id;
    if (is_call_number_test(n)) {
        n.call_number = id;
        return;
    }
    std::optional<std::uint64_t> mask;
    fast_test t;
    if (id == field_id::origin_kind) {
        mask = text_mask(rs, n, model::origin_kind_count, [](int v) { return model::to_string(static_cast<model::origin_kind>(v)); });
        t.f = fast_test::field::origin_kind;
    } else if (id == field_id::sms_sender_is_alpha) {
        mask = flag_mask(n);
        t.f = fast_test::field::sender_is_alpha;
    } else if (const auto pf = party_field(id); pf && pf->second == 3) {
        mask = text_mask(rs, n, model::number_type_count, [](int v) { return model::to_string(static_cast<model::number_type>(v)); });
        t.f = fast_test::field::party_type;
        t.party = pf->first;
    } else if (pf && pf->second == 4) {
        mask = flag_mask(n);
        t.f = fast_test::field::party_is_home;
        t.party = pf->first;
    }
    if (!mask) return;
    t.mask = *mask;
    n.fast = t;
    n.fast_decides = n.o != node::op::in_list;
}

// The fast leaves under idx through `and` nodes only: each must hold for idx to.
void collect_gates(const compiled_ruleset& rs, std::uint32_t idx, compiled_rule& rule) {
    const node& n = rs.nodes[idx];
    if (n.o == node::op::and_) {
        for (const std::uint32_t c : n.children) collect_gates(rs, c, rule);
    } else if (n.fast.f != fast_test::field::none && rule.gate_count < compiled_rule::max_gates) {
        rule.gates[rule.gate_count++] = n.fast;
    }
}

}  // namespace

void assign_fast_leaves(compiled_ruleset& rs) {
    static_assert(model::number_type_count <= 64 && model::origin_kind_count <= 64);
    for (node& n : rs.nodes) assign(rs, n);
    for (compiled_rule& r : rs.rules) {
        r.gate_count = 0;
        if (r.root != no_node) collect_gates(rs, r.root, r);
    }
}

}  // namespace ringfence::engine
