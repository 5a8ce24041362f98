#include "engine/condition/condition_ast.hpp"

namespace ringfence::engine::condition {

namespace {

value clone_value(const value& v) {
    value out;
    out.is_aggregate = v.is_aggregate;
    out.lit = v.lit;
    if (v.agg) out.agg = clone(*v.agg);
    out.where = v.where;
    out.except_list = v.except_list;
    out.except_where = v.except_where;
    return out;
}

}  // namespace

std::shared_ptr<aggregate> clone(const aggregate& a) {
    auto out = std::make_shared<aggregate>();
    out->fn = a.fn;
    out->of_field = a.of_field;
    out->of_where = a.of_where;
    out->event_kind = a.event_kind;
    out->event_where = a.event_where;
    if (a.where) out->where = clone(*a.where);
    out->by_field = a.by_field;
    out->for_field = a.for_field;
    out->for_where = a.for_where;
    out->by_where = a.by_where;
    out->by_except = a.by_except;
    out->by_except_where = a.by_except_where;
    out->window_ms = a.window_ms;
    out->unless_blocked = a.unless_blocked;
    out->unless_where = a.unless_where;
    out->where_span = a.where_span;
    return out;
}

// Recursion depth is bounded by the tree's depth, which the parser limits (200 levels).
expr_ptr clone(const expr& e) {
    auto out = std::make_unique<expr>();
    out->k = e.k;
    out->where = e.where;
    out->children.reserve(e.children.size());
    for (const auto& child : e.children) out->children.push_back(clone(*child));
    out->lhs = clone_value(e.lhs);
    out->rhs = clone_value(e.rhs);
    out->cmp = e.cmp;
    out->lop = e.lop;
    out->top = e.top;
    out->values = e.values;
    out->list_name = e.list_name;
    out->list_where = e.list_where;
    out->from_minutes = e.from_minutes;
    out->to_minutes = e.to_minutes;
    return out;
}

std::string_view to_string(compare_op op) {
    switch (op) {
        case compare_op::eq:
            return "=";
        case compare_op::ne:
            return "!=";
        case compare_op::lt:
            return "<";
        case compare_op::le:
            return "<=";
        case compare_op::gt:
            return ">";
        case compare_op::ge:
            return ">=";
    }
    return "?";
}

std::string_view to_string(list_op op) {
    switch (op) {
        case list_op::in:
            return "in";
        case list_op::prefix_in:
            return "prefix_in";
        case list_op::contains_any:
            return "contains_any";
        case list_op::icontains_any:
            return "icontains_any";
    }
    return "?";
}

std::string_view to_string(text_op op) {
    switch (op) {
        case text_op::startswith:
            return "startswith";
        case text_op::endswith:
            return "endswith";
        case text_op::contains:
            return "contains";
        case text_op::icontains:
            return "icontains";
        case text_op::matches:
            return "matches";
    }
    return "?";
}

std::string_view to_string(aggregate::function fn) {
    switch (fn) {
        case aggregate::function::count:
            return "count";
        case aggregate::function::distinct:
            return "distinct";
        case aggregate::function::ratio:
            return "ratio";
        case aggregate::function::sum:
            return "sum";
        case aggregate::function::outgoing_share:
            return "outgoing_share";
    }
    return "?";
}

}  // namespace ringfence::engine::condition
