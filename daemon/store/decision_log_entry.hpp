// One decided record on its way to the decision log, and who waits for its commit.
#pragma once

#include <cstdint>
#include <memory>

#include "engine/decision.hpp"
#include "model/record.hpp"

namespace ringfence::store {

// Told, on the writer thread, that every entry it submitted with token <= up_to is
// committed (ok) or could not be written (!ok, after the writer gave up). Implementations
// must not block: post to their own executor.
class commit_listener {
public:
    virtual ~commit_listener() = default;
    virtual void on_committed(std::uint64_t up_to, bool ok) = 0;
};

struct decision_log_entry {
    model::record rec;
    engine::decision dec;
    std::int64_t latency_us = 0;
    std::int64_t decided_at_ms = 0;  // wall clock when decided
    std::shared_ptr<commit_listener> listener;  // may be null (nobody waits)
    std::uint64_t token = 0;                    // increasing per listener
};

// Entries travel to the log and back by pointer: moving or swapping a record moves some
// twenty strings, each a copy of its bytes while short (recycled_entries.hpp).
using decision_log_entry_ptr = std::unique_ptr<decision_log_entry>;

}  // namespace ringfence::store
