// The lifecycle of an unverified SIM under 29/CĐ-TTg and Decree 163/2024: the carrier
// notifies the subscriber, locks outgoing calls and SMS (one-way lock) when the notice runs
// out, locks incoming too (two-way lock) later, then terminates the subscription. The
// database records the status the carrier last set and since when; ringfence advances it by
// the configured periods to the day of each record, so a lock takes effect on its day even
// before the carrier's systems write it, and a replay decides as the live run did.
#pragma once

#include <cstdint>
#include <string>

#include "subscribers/subscriber.hpp"

namespace ringfence::subscribers {

struct lifecycle_periods {
    int notice_min_days = 5;           // a subscriber is notified at least this long before the one-way lock
    int one_way_lock_after_days = 15;  // notified -> one_way_locked
    int two_way_lock_after_days = 15;  // one_way_locked -> two_way_locked
    int terminate_after_days = 30;     // two_way_locked -> terminated
};

// "" or why the periods cannot be used (negative, or a lock before the minimum notice).
std::string validate(const lifecycle_periods& p);

struct lifecycle_state {
    subscriber_status status = subscriber_status::active;
    std::int32_t since = 0;  // day the status began
    bool operator==(const lifecycle_state&) const = default;
};

// The status in force on day, from the stored status and the day it began.
lifecycle_state effective_state(subscriber_status stored, std::int32_t since, std::int32_t day, const lifecycle_periods& p) noexcept;

// What a status forbids: one-way lock stops the subscriber's outgoing calls and SMS; two-way
// lock and termination stop incoming as well.
bool blocks_outgoing(subscriber_status s) noexcept;
bool blocks_incoming(subscriber_status s) noexcept;

}  // namespace ringfence::subscribers
