#include "subscribers/lifecycle.hpp"

#include <fmt/format.h>

namespace ringfence::subscribers {

std::string validate(const lifecycle_periods& p) {
    if (p.notice_min_days < 0 || p.one_way_lock_after_days < 0 || p.two_way_lock_after_days < 0 || p.terminate_after_days < 0)
        return "lifecycle periods are whole days, 0 or more";
    if (p.one_way_lock_after_days < p.notice_min_days)
        return fmt::format("one_way_lock_after_days ({}) is shorter than the minimum notice notice_min_days ({})", p.one_way_lock_after_days,
                           p.notice_min_days);
    return {};
}

lifecycle_state effective_state(subscriber_status stored, std::int32_t since, std::int32_t day, const lifecycle_periods& p) noexcept {
    lifecycle_state s{stored, since};
    auto advance = [&](subscriber_status from, int after, subscriber_status to) {
        if (s.status == from && day >= s.since + after) s = {to, s.since + after};
    };
    advance(subscriber_status::notified, p.one_way_lock_after_days, subscriber_status::one_way_locked);
    advance(subscriber_status::one_way_locked, p.two_way_lock_after_days, subscriber_status::two_way_locked);
    advance(subscriber_status::two_way_locked, p.terminate_after_days, subscriber_status::terminated);
    return s;
}

bool blocks_outgoing(subscriber_status s) noexcept {
    return s == subscriber_status::one_way_locked || s == subscriber_status::two_way_locked || s == subscriber_status::terminated;
}

bool blocks_incoming(subscriber_status s) noexcept { return s == subscriber_status::two_way_locked || s == subscriber_status::terminated; }

}  // namespace ringfence::subscribers
