#include "engine/result_memo.hpp"

#include <fmt/format.h>

#include <map>
#include <string>
#include <vector>

namespace ringfence::engine {

namespace {

// The extra field's name is length-prefixed as text is: an exception's `fields` may name
// `extra.` followed by anything, `|` included.
void append_field(std::string& out, const field_ref& f) {
    out += fmt::format("f{}:{}:{}|", static_cast<int>(f.id), f.extra_name.size(), f.extra_name);
}

// Everything that decides an operand's value, with text length-prefixed so no two differ
// only in where one text ends.
void append_operand(std::string& out, const operand& o) {
    out += fmt::format("k{}|", static_cast<int>(o.k));
    switch (o.k) {
        case operand::kind::field: append_field(out, o.field); break;
        case operand::kind::number: out += fmt::format("n{}|", o.number); break;
        case operand::kind::text: out += fmt::format("t{}:{}|", o.text.size(), o.text); break;
        case operand::kind::boolean: out += o.boolean ? "b1|" : "b0|"; break;
        case operand::kind::aggregate: out += fmt::format("a{}|", o.aggregate); break;
    }
    out += fmt::format("x{}|", o.except_list);
}

class memo_assigner {
  public:
    explicit memo_assigner(compiled_ruleset& rs) : rs_(rs), canonical_(rs.nodes.size(), unvisited), free_(rs.nodes.size(), false) {}

    void run() {
        for (std::uint32_t i = 0; i < rs_.nodes.size(); ++i) visit(i);
        std::vector<std::uint32_t> uses(forms_.size(), 0);
        for (const std::uint32_t c : canonical_) ++uses[c];
        std::vector<std::uint32_t> slot_of(forms_.size(), node::no_memo);
        std::uint32_t slots = 0;
        for (std::uint32_t i = 0; i < rs_.nodes.size(); ++i) {
            node& n = rs_.nodes[i];
            n.evidence_free = free_[i];
            // A constant costs less than its slot; a list lookup has its own memo of misses.
            if (uses[canonical_[i]] < 2 || n.o == node::op::constant || n.o == node::op::in_list) continue;
            std::uint32_t& slot = slot_of[canonical_[i]];
            if (slot == node::no_memo) slot = slots++;
            n.result_memo = slot;
        }
        rs_.result_memo_slots = slots;
    }

  private:
    static constexpr std::uint32_t unvisited = ~std::uint32_t{0};

    // The canonical form's index of node i: nodes of equal form test the same thing.
    std::uint32_t visit(std::uint32_t i) {
        if (canonical_[i] != unvisited) return canonical_[i];
        const node& n = rs_.nodes[i];
        std::string form = fmt::format("o{}|c{}|y{}|", static_cast<int>(n.o), static_cast<int>(n.cmp), static_cast<int>(n.type));
        bool evidence_free = true;
        for (const std::uint32_t c : n.children) {
            form += fmt::format("(#{})", visit(c));
            evidence_free = evidence_free && free_[c];
        }
        append_operand(form, n.lhs);
        append_operand(form, n.rhs);
        for (const auto& t : n.text_values) form += fmt::format("v{}:{}|", t.size(), t);
        for (const double d : n.number_values) form += fmt::format("d{}|", d);
        form += fmt::format("l{}|p{}|r{}|m{}-{}|k{}", n.list, static_cast<int>(n.top), n.regex, n.from_minutes, n.to_minutes, n.constant ? 1 : 0);
        switch (n.o) {
            case node::op::not_: evidence_free = true; break;  // a negated test is never why a rule fired
            case node::op::in_list:
            case node::op::matches: evidence_free = false; break;
            case node::op::and_:
            case node::op::or_: break;
            default:
                if (n.lhs.k == operand::kind::aggregate || n.rhs.k == operand::kind::aggregate) evidence_free = false;
                if (n.lhs.k == operand::kind::field && is_subscriber_field(n.lhs.field.id)) evidence_free = false;
                break;
        }
        free_[i] = evidence_free;
        const auto [it, added] = forms_.try_emplace(std::move(form), static_cast<std::uint32_t>(forms_.size()));
        canonical_[i] = it->second;
        return it->second;
    }

    compiled_ruleset& rs_;
    std::vector<std::uint32_t> canonical_;
    std::vector<bool> free_;
    std::map<std::string, std::uint32_t> forms_;
};

}  // namespace

void assign_result_memos(compiled_ruleset& rs) { memo_assigner(rs).run(); }

}  // namespace ringfence::engine
