#include "engine/decision.hpp"

#include <array>
#include <mutex>
#include <string>
#include <unordered_set>

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

std::string_view intern_ruleset_version(std::string_view version) {
    static std::mutex mutex;
    static auto* versions = new std::unordered_set<std::string>();  // never freed: views outlive static destruction
    std::lock_guard lock(mutex);
    return *versions->emplace(version).first;
}

}  // namespace ringfence::engine
