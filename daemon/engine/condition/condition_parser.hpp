// The parser of rule conditions: text -> syntax tree (condition_ast.hpp), or one precise
// error pointing at the offending token. Recursive descent over the tokens of
// condition_lexer.hpp; names are not resolved here (the rule compiler does that).
//
// Grammar (EBNF; terminals in quotes are keywords or punctuation, upper case are tokens):
//
//   condition   = or_expr EOF ;
//   or_expr     = and_expr { "or" and_expr } ;          (* a or b or c: one or_ node, 3 children *)
//   and_expr    = not_expr { "and" not_expr } ;
//   not_expr    = "not" not_expr | primary ;
//   primary     = "(" or_expr ")"
//               | "time.between" "(" TIME "," TIME ")"  (* an IDENT spelled so, followed by "(" *)
//               | predicate ;
//   predicate   = operand [ "except" IDENT ] [ suffix ] ;  (* no suffix: bare, operand must be
//                 IDENT without except; except: the elements of a set field not in the list *)
//   suffix      = cmp_op operand
//               | "in" "(" literal { "," literal } ")"   (* in_values *)
//               | ( "in" | "prefix_in" | "contains_any" | "icontains_any" ) IDENT   (* in_list *)
//               | text_op literal                        (* text_test *)
//               | "exists" ;
//   cmp_op      = "=" | "==" | "!=" | "<" | "<=" | ">" | ">=" ;
//   text_op     = "startswith" | "endswith" | "contains" | "icontains" | "matches" ;
//   operand     = aggregate | literal ;
//   literal     = IDENT | STRING | [ "-" ] NUMBER | DURATION | TIME ;   (* "-" directly before *)
//   aggregate   = agg_fn "(" [ IDENT "of" ] IDENT [ "where" or_expr ] [ "by" IDENT [ "except" IDENT ] ]
//                 "within" DURATION [ "for" IDENT ] [ "unless" "blocked" ] ")" ;
//                 (* "unless blocked": identifiers spelled so, in this place only *)
//   agg_fn      = "count" | "distinct" | "ratio" | "sum" | "outgoing_share" ;
//                 (* IDENTs spelled so, followed by "("; otherwise plain identifiers *)
//
// Precedence: not binds tighter than and, and tighter than or. Parentheses are kept as
// written: (a or b) or c is or(or(a, b), c). "(" right after "in" opens a value list, not a
// sub-expression. distinct and sum need "FIELD of"; count, ratio and outgoing_share take
// none. Nesting (parentheses, not, aggregates) is limited to max_nesting levels so hostile
// text cannot exhaust the stack.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "engine/condition/condition_ast.hpp"

namespace ringfence::engine::condition {

inline constexpr int max_nesting = 200;

struct parse_error {
    std::uint32_t offset = 0;  // byte offset into the condition text
    std::string message;       // one line, names what was expected and what was found
    bool window = false;       // the error is an aggregate's window after 'within' (not a duration, or not > 0)
};

// Exactly one of root and error is set.
struct parse_result {
    expr_ptr root;
    std::optional<parse_error> error;
};

parse_result parse_condition(std::string_view text);

// A word a condition reads as itself, never as a macro: the keywords, the aggregate
// functions, true and false, `unless blocked`.
bool is_reserved_word(std::string_view word) noexcept;

// Maps a byte offset in the text to a 1-based line and column within the text (for
// conditions written as multi-line YAML block scalars). Columns count UTF-8 characters, not
// bytes; an offset past the end maps to the end of the text.
std::pair<int, int> line_column(std::string_view text, std::uint32_t offset);

}  // namespace ringfence::engine::condition
