// The comparison operators of the rule language on two values of one type: the evaluator
// applies them to records, the compiler to every value an enumerated field can take.
#pragma once

#include "engine/condition/condition_ast.hpp"

namespace ringfence::engine {

template <class T>
bool compare_values(const T& a, condition::compare_op op, const T& b) {
    switch (op) {
        case condition::compare_op::eq: return a == b;
        case condition::compare_op::ne: return !(a == b);
        case condition::compare_op::lt: return a < b;
        case condition::compare_op::le: return a <= b;
        case condition::compare_op::gt: return a > b;
        case condition::compare_op::ge: return a >= b;
    }
    return false;
}

}  // namespace ringfence::engine
