// A one-line, unambiguous printing of a condition tree as an s-expression, for tests, debug
// output and error messages. It shows what the parser understood, not the source spelling:
//
//   (and (cmp > (agg count call.attempt by caller.e164 within 600000) 50) (bare foreign_ingress))
//
//   (and A B ...) (or A B ...) (not A)       (cmp OP LHS RHS)     (bare NAME)   (exists LHS)
//   (in_values LHS V ...)   (in_list OP LHS LIST)   (text OP LHS V)   (time_between FROM TO)
//   (agg FN [FIELD of] EVENT [where A] [by KEY] within MS)
//
// Literals: identifiers as written, strings in double quotes with \\ \" \n \t escaped,
// numbers in shortest form (50, 0.85, -3), durations as (dur MS), times of day as (tod MIN);
// time_between prints minutes since midnight.
#pragma once

#include <string>

#include "engine/condition/condition_ast.hpp"

namespace ringfence::engine::condition {

std::string to_sexpr(const expr& e);
std::string to_sexpr(const literal& l);
std::string to_sexpr(const aggregate& a);
std::string to_sexpr(const value& v);

}  // namespace ringfence::engine::condition
