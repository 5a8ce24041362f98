#include "subscribers/subscriber.hpp"

#include <array>

namespace ringfence::subscribers {

namespace {

constexpr std::array<std::string_view, 2> owner_names{"individual", "business"};
constexpr std::array<std::string_view, 3> match_names{"unchecked", "matched", "mismatch"};
constexpr std::array<std::string_view, 5> status_names{"active", "notified", "one_way_locked", "two_way_locked", "terminated"};

template <class E, std::size_t N>
std::optional<E> parse(const std::array<std::string_view, N>& names, std::string_view s) noexcept {
    for (std::size_t i = 0; i < N; ++i)
        if (names[i] == s) return static_cast<E>(i);
    return std::nullopt;
}

}  // namespace

std::string_view to_string(owner_type v) noexcept { return owner_names[static_cast<std::size_t>(v)]; }
std::string_view to_string(population_match v) noexcept { return match_names[static_cast<std::size_t>(v)]; }
std::string_view to_string(subscriber_status v) noexcept { return status_names[static_cast<std::size_t>(v)]; }
std::optional<owner_type> parse_owner_type(std::string_view s) noexcept { return parse<owner_type>(owner_names, s); }
std::optional<population_match> parse_population_match(std::string_view s) noexcept { return parse<population_match>(match_names, s); }
std::optional<subscriber_status> parse_subscriber_status(std::string_view s) noexcept { return parse<subscriber_status>(status_names, s); }

}  // namespace ringfence::subscribers
