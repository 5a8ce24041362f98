#include "engine/decision.hpp"

#include <array>

namespace ringfence::engine {

namespace {
constexpr std::array<std::string_view, 3> action_names{"allow", "warn", "block"};
}

std::string_view to_string(action a) noexcept { return action_names[static_cast<int>(a)]; }

std::optional<action> parse_action(std::string_view s) noexcept {
    for (std::size_t i = 0; i < action_names.size(); ++i)
        if (action_names[i] == s) return static_cast<action>(i);
    return std::nullopt;
}

}  // namespace ringfence::engine
