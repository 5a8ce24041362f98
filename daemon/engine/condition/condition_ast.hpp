// The syntax tree of a rule condition, as the parser builds it from text. Names are not
// resolved here: an identifier may be a field, a macro or a bare word; the compiler decides
// (see engine/rule_compiler). Conditions are built as trees and never by joining strings,
// so macros and overrides cannot break quoting.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ringfence::engine::condition {

// Where a node came from inside the condition text (byte offset and length), so errors can
// point at it.
struct span {
    std::uint32_t offset = 0;
    std::uint32_t length = 0;
};

struct expr;
using expr_ptr = std::unique_ptr<expr>;

// A literal or a name in a value position.
struct literal {
    enum class type : std::uint8_t {
        identifier,   // a bare word or dotted name: a field, or else a string (`international`)
        string,       // quoted: "…" or '…', escapes resolved
        number,       // 50, 0.85, -3
        duration,     // 3s, 10m, 24h, 500ms, 7d -> ms
        time_of_day,  // 22:00 -> minutes since midnight
    };
    type kind = type::identifier;
    std::string text;         // identifier or string value; the source text for others
    double number = 0;        // number
    std::int64_t millis = 0;  // duration
    int minutes = 0;          // time_of_day
    span where;
};

// count(...), distinct(...), ratio(...), sum(...), outgoing_share(...)
struct aggregate {
    enum class function : std::uint8_t { count, distinct, ratio, sum, outgoing_share };
    function fn = function::count;
    std::string of_field;      // distinct/sum: the field counted or summed ("callee.e164"); empty otherwise
    span of_where;
    std::string event_kind;    // "call.attempt"
    span event_where;
    expr_ptr where;            // optional filter on the counted events
    std::string by_field;      // the key ("caller.e164"); empty when not given
    span by_where;
    std::string by_except;     // `by SET except LIST`: the elements kept as keys leave the list's out
    span by_except_where;
    std::int64_t window_ms = 0;
    span window_where;         // the duration after `within`
    // "for FIELD": read the state of the key this record has in FIELD, not in by_field (the
    // state is still kept by by_field): count(sms.deliver by callee.e164 within 7d for
    // caller.e164) is how many SMS the caller of this record received.
    std::string for_field;
    span for_where;
    // "unless blocked" (count and sum): the state keeps only the records the engine did not
    // block, so a cap counts what reached the subscriber; the record being decided is counted
    // as if it were let through.
    bool unless_blocked = false;
    span unless_where;
    span where_span;           // the whole aggregate
};

// An operand of a comparison: a literal/name or an aggregate.
struct value {
    bool is_aggregate = false;
    literal lit;                     // when !is_aggregate
    std::shared_ptr<aggregate> agg;  // when is_aggregate (shared: macros may be expanded into several rules)
    span where;
    // `FIELD except LIST`: the elements of a set field the list does not hold; empty when none.
    std::string except_list;
    span except_where;
};

enum class compare_op : std::uint8_t { eq, ne, lt, le, gt, ge };
enum class list_op : std::uint8_t { in, prefix_in, contains_any, icontains_any };
enum class text_op : std::uint8_t { startswith, endswith, contains, icontains, matches };

struct expr {
    enum class kind : std::uint8_t {
        and_,          // children (2 or more)
        or_,           // children (2 or more)
        not_,          // children[0]
        compare,       // lhs cmp rhs
        in_values,     // lhs in (values...)
        in_list,       // lhs list_op list_name
        text_test,     // lhs text_op rhs (rhs is a literal)
        exists,        // lhs exists
        bare,          // lhs alone: a macro name or a boolean field (`caller.is_home`)
        time_between,  // time.between(from, to), minutes since midnight, wrapping past midnight
    };
    kind k = kind::bare;
    span where;
    std::vector<expr_ptr> children;
    value lhs;
    value rhs;
    compare_op cmp = compare_op::eq;
    list_op lop = list_op::in;
    text_op top = text_op::contains;
    std::vector<literal> values;  // in_values
    std::string list_name;        // in_list
    span list_where;
    int from_minutes = 0;         // time_between
    int to_minutes = 0;
};

// Deep copy (macros are expanded by copying their tree into each use). Aggregates are
// copied too, so the copy shares no node with the original: whoever needs one window
// state per distinct aggregate must match aggregates by content (to_sexpr), not by pointer.
expr_ptr clone(const expr& e);
std::shared_ptr<aggregate> clone(const aggregate& a);

// The source spelling of each operator and function: "!=", "prefix_in", "icontains",
// "outgoing_share".
std::string_view to_string(compare_op op);
std::string_view to_string(list_op op);
std::string_view to_string(text_op op);
std::string_view to_string(aggregate::function fn);

}  // namespace ringfence::engine::condition
