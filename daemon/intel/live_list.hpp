// The current snapshot of one intelligence list, swapped whole when the list changes, and
// read per record without a lock, an allocation or a shared reference count: each thread
// keeps its own reference to the snapshot it last read, with the generation it had, and
// takes the list's mutex only when the generation moved (once per thread per change).
// A thread that stops deciding keeps its last snapshot alive until it decides again or ends.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include "intel/intel_snapshot.hpp"

namespace ringfence::intel {

class live_list {
public:
    live_list(engine::intel_kind kind, std::shared_ptr<const intel_snapshot> initial);

    // The snapshot this thread should read now. Valid until this thread calls pin() on the
    // same list again (or ends).
    const intel_snapshot& pin() const;
    void publish(std::shared_ptr<const intel_snapshot> next);
    std::shared_ptr<const intel_snapshot> current() const;
    engine::intel_kind kind() const noexcept { return kind_; }

private:
    engine::intel_kind kind_;
    mutable std::mutex mu_;
    std::shared_ptr<const intel_snapshot> current_;
    // Unique across all lists of the process, so a list created at a dead list's address
    // never passes for it in a thread's cache.
    std::atomic<std::uint64_t> generation_;
};

}  // namespace ringfence::intel
