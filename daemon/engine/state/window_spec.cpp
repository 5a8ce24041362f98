#include "engine/state/window_spec.hpp"

namespace ringfence::engine::state {

std::string_view to_string(window_function fn) {
    switch (fn) {
        case window_function::count:
            return "count";
        case window_function::distinct:
            return "distinct";
        case window_function::ratio:
            return "ratio";
        case window_function::sum:
            return "sum";
        case window_function::outgoing_share:
            return "outgoing_share";
    }
    return "unknown";
}

}  // namespace ringfence::engine::state
