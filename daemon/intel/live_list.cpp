#include "intel/live_list.hpp"

#include <vector>

namespace ringfence::intel {

namespace {

std::atomic<std::uint64_t> next_generation{1};

struct pinned {
    const live_list* owner;
    std::uint64_t generation;
    std::shared_ptr<const intel_snapshot> snapshot;
};

}  // namespace

live_list::live_list(engine::intel_kind kind, std::shared_ptr<const intel_snapshot> initial)
    : kind_(kind), current_(std::move(initial)), generation_(next_generation.fetch_add(1)) {}

const intel_snapshot& live_list::pin() const {
    thread_local std::vector<pinned> pins;  // a handful of lists: a linear scan
    const std::uint64_t g = generation_.load(std::memory_order_acquire);
    for (auto& p : pins) {
        if (p.owner != this) continue;
        if (p.generation != g) {
            std::lock_guard lock(mu_);
            p.snapshot = current_;
            p.generation = generation_.load(std::memory_order_relaxed);
        }
        return *p.snapshot;
    }
    std::lock_guard lock(mu_);
    pins.push_back({this, generation_.load(std::memory_order_relaxed), current_});
    return *pins.back().snapshot;
}

void live_list::publish(std::shared_ptr<const intel_snapshot> next) {
    std::shared_ptr<const intel_snapshot> old;
    {
        std::lock_guard lock(mu_);
        old = std::move(current_);
        current_ = std::move(next);
        generation_.store(next_generation.fetch_add(1), std::memory_order_release);
    }
    // old is released here, outside the lock (a large snapshot takes a while to free).
}

std::shared_ptr<const intel_snapshot> live_list::current() const {
    std::lock_guard lock(mu_);
    return current_;
}

}  // namespace ringfence::intel
