// The subscriber index the engine reads, swapped whole when the database file changes:
// deciding threads keep the index they hold until their next look, so a refresh never
// pauses decisions. The refresher watches the file (a full import renames a new file in, a
// delta rewrites pages of the same one) and rebuilds on its own thread; a refresh that fails
// keeps the old index and is logged and counted.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "subscribers/lifecycle.hpp"
#include "subscribers/subscriber_index.hpp"

namespace ringfence::subscribers {

struct subscriber_settings {
    std::string path;  // "" disables subscriber lookups (every subscriber.exists is false)
    int refresh_interval_ms = 2000;
    lifecycle_periods lifecycle;
};

class subscriber_source {
public:
    explicit subscriber_source(lifecycle_periods periods) : periods_(periods) {}

    // Null until an index is installed (no database yet).
    std::shared_ptr<const subscriber_index> current() const;
    void install(std::shared_ptr<const subscriber_index> index);
    // Bumped by every install: a thread compares it to the one it read to know its copy is current.
    std::uint64_t generation() const noexcept { return generation_.load(std::memory_order_acquire); }
    const lifecycle_periods& periods() const { return periods_; }

private:
    lifecycle_periods periods_;
    mutable std::mutex mu_;
    std::shared_ptr<const subscriber_index> current_;
    std::atomic<std::uint64_t> generation_{0};
};

struct refresher_stats {
    std::uint64_t refreshes_ok = 0;
    std::uint64_t refreshes_failed = 0;
    std::size_t subscribers = 0;
    std::size_t bytes = 0;
    double last_build_s = 0;
};

class subscriber_refresher {
public:
    subscriber_refresher(std::string path, std::chrono::milliseconds interval, subscriber_source& source);
    ~subscriber_refresher();

    // The load at start: "" when the index is installed or the file does not exist yet (a
    // warning is logged, and it is picked up when it appears); the error when the file is
    // there but unusable (the daemon refuses to start).
    std::string load_initial();
    void start();
    void stop();
    // Checks the file now and rebuilds when it changed (the thread's step; tests call it).
    void check_now();
    refresher_stats stats() const;

private:
    struct file_signature {
        bool exists = false;
        std::uint64_t dev = 0, ino = 0, size = 0;
        std::int64_t mtime_ns = 0;
        bool operator==(const file_signature&) const = default;
    };
    file_signature signature() const;
    bool rebuild(std::string& error);
    void run();

    std::string path_;
    std::chrono::milliseconds interval_;
    subscriber_source& source_;
    file_signature loaded_;
    bool logged_missing_ = false;

    mutable std::mutex stats_mu_;
    refresher_stats stats_;

    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace ringfence::subscribers
