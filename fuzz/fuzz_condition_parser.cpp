// libFuzzer target for the rule condition parser: arbitrary bytes must parse or fail with an
// error pointing inside the text, never crash, hang or overflow the stack; a parsed tree must
// survive a deep copy and print the same. Not built by CMake; build it by hand, e.g.
//   clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Idaemon \
//     fuzz/fuzz_condition_parser.cpp daemon/engine/condition/*.cpp -o fuzz_condition_parser
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "engine/condition/condition_ast.hpp"
#include "engine/condition/condition_parser.hpp"
#include "engine/condition/condition_sexpr.hpp"

namespace condition = ringfence::engine::condition;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    condition::parse_result result = condition::parse_condition(text);
    if (result.error) {
        // Errors point at a token inside the text or at its end, and never come with a tree.
        if (result.root || result.error->offset > size || result.error->message.empty())
            std::abort();
        (void)condition::line_column(text, result.error->offset);
        return 0;
    }
    if (!result.root) std::abort();
    const condition::expr_ptr copy = condition::clone(*result.root);
    if (condition::to_sexpr(*copy) != condition::to_sexpr(*result.root)) std::abort();
    return 0;
}
