#include "subscribers/subscriber_source.hpp"

#include <sys/stat.h>

#include "common/log.hpp"
#include "common/thread_name.hpp"

namespace ringfence::subscribers {

using common::log;
using common::log_level;

std::shared_ptr<const subscriber_index> subscriber_source::current() const {
    std::lock_guard lock(mu_);
    return current_;
}

void subscriber_source::install(std::shared_ptr<const subscriber_index> index) {
    {
        std::lock_guard lock(mu_);
        current_ = std::move(index);
    }
    generation_.fetch_add(1, std::memory_order_release);
}

subscriber_refresher::subscriber_refresher(std::string path, std::chrono::milliseconds interval, subscriber_source& source)
    : path_(std::move(path)), interval_(interval), source_(source) {}

subscriber_refresher::~subscriber_refresher() { stop(); }

subscriber_refresher::file_signature subscriber_refresher::signature() const {
    struct stat st {};
    file_signature s;
    if (::stat(path_.c_str(), &st) != 0) return s;
    s.exists = true;
    s.dev = st.st_dev;
    s.ino = st.st_ino;
    s.size = static_cast<std::uint64_t>(st.st_size);
    s.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    return s;
}

bool subscriber_refresher::rebuild(std::string& error) {
    const file_signature sig = signature();
    const auto started = std::chrono::steady_clock::now();
    std::shared_ptr<const subscriber_index> index = subscriber_index::load(path_, error);
    if (!index) return false;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    {
        std::lock_guard lock(stats_mu_);
        stats_.subscribers = index->size();
        stats_.bytes = index->bytes();
        stats_.last_build_s = seconds;
    }
    log(log_level::notice, "subscriber database {}: {} subscribers, {} owners, {} MB in memory, built in {:.2f} s", path_, index->size(),
        index->owners(), index->bytes() >> 20, seconds);
    source_.install(std::move(index));
    loaded_ = sig;
    return true;
}

std::string subscriber_refresher::load_initial() {
    const file_signature sig = signature();
    if (!sig.exists) {
        log(log_level::warning, "subscriber database {} does not exist yet: every subscriber reads as unknown until it is imported", path_);
        logged_missing_ = true;
        return {};
    }
    std::string error;
    if (!rebuild(error)) return error;
    return {};
}

void subscriber_refresher::check_now() {
    const file_signature sig = signature();
    if (sig == loaded_) return;
    if (!sig.exists) {
        if (!logged_missing_) log(log_level::warning, "subscriber database {} is gone: still deciding with the index loaded before", path_);
        logged_missing_ = true;
        loaded_ = sig;
        return;
    }
    logged_missing_ = false;
    std::string error;
    if (rebuild(error)) {
        std::lock_guard lock(stats_mu_);
        ++stats_.refreshes_ok;
        return;
    }
    // Remember the signature: the same broken file is reported once, not every interval.
    loaded_ = sig;
    log(log_level::error, "subscriber database refresh failed, still deciding with the index loaded before: {}", error);
    std::lock_guard lock(stats_mu_);
    ++stats_.refreshes_failed;
}

void subscriber_refresher::start() {
    if (thread_.joinable()) return;
    thread_ = std::thread([this] {
        common::name_this_thread("rf-subscribers");
        run();
    });
}

void subscriber_refresher::stop() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void subscriber_refresher::run() {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, interval_, [this] { return stopping_; })) {
        lock.unlock();
        check_now();
        lock.lock();
    }
}

refresher_stats subscriber_refresher::stats() const {
    std::lock_guard lock(stats_mu_);
    return stats_;
}

}  // namespace ringfence::subscribers
