// The daemon's side of the intel database: serves the rule compiler a matcher per
// intelligence list a pack declares (engine::intel_source), each reading that list's live
// snapshot, and refreshes the snapshots while the daemon runs: changed() is cheap (PRAGMA
// data_version on the held connection, and the file's inode in case it was replaced) and
// refresh() rebuilds only the lists whose revision moved. A failed refresh leaves every
// snapshot as it was.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/diagnostic.hpp"
#include "engine/intel_source.hpp"
#include "intel/live_list.hpp"
#include "sqlite/sqlite_handle.hpp"

namespace ringfence::intel {

// Entries that expired longer ago than this (by the wall clock) are left out of snapshots:
// records up to a day late, and replays of the last day, still see them expire by their own
// time; older expired entries stay in the database (`ringfence lists show --all`).
inline constexpr std::int64_t expired_kept_ms = 24LL * 3600 * 1000;

struct intel_store_stats {
    std::uint64_t refreshes = 0;        // refreshes that found a change and applied it
    std::uint64_t refresh_errors = 0;   // refreshes that failed (old snapshots kept)
    std::uint64_t lists = 0;            // lists served to rules
    std::uint64_t entries = 0;          // entries in their current snapshots
};

class intel_store final : public engine::intel_source {
public:
    // Opens (creating it when missing) the database at path. path ":memory:" keeps it in
    // memory (`ringfence rules test`), with edits made through connection().
    static common::loaded<std::shared_ptr<intel_store>> open(const std::string& path);

    std::unique_ptr<engine::list_matcher> matcher(const std::string& name, engine::intel_kind kind, std::string& why) override;
    void retain(const std::set<std::string>& names) override;

    // Whether the database changed since the last refresh (cheap; the maintenance thread
    // asks every intel.refresh_interval_ms).
    bool changed();
    struct refresh_outcome {
        bool ok = true;
        std::string error;            // when !ok
        std::vector<std::string> rebuilt;  // "name (N entries)"
    };
    // Rebuilds the snapshots of the lists whose revision moved. now_ms: the wall clock.
    refresh_outcome refresh(std::int64_t now_ms);

    intel_store_stats stats() const;  // never waits for a refresh
    // The store's connection, for tools that edit an in-memory store (pack tests).
    sqlite::sqlite_connection& connection() { return db_; }
    const std::string& path() const { return path_; }

private:
    struct served_list {
        std::shared_ptr<live_list> live;
        std::int64_t revision = -1;  // of the snapshot published; -1: none from the database yet
    };
    intel_store(std::string path, sqlite::sqlite_connection db);
    // A list read and built, not yet published: refresh() publishes every one or none.
    struct pending_list {
        std::shared_ptr<const intel_snapshot> snapshot;  // null: the list did not change
        std::int64_t revision = -1;
    };
    std::string load_list(const std::string& name, const served_list& l, std::int64_t now_ms, pending_list& out);
    bool file_replaced();

    std::string path_;
    sqlite::sqlite_connection db_;
    mutable std::mutex mu_;  // the connection and lists_ (the maintenance thread and rule reloads)
    std::map<std::string, served_list> lists_;
    std::int64_t data_version_ = -1;
    // After a failed refresh: retried every retry_after_failure, not at every check, so a
    // lasting problem (a kind clash) is logged and counted a few times a minute, not 1000.
    std::chrono::steady_clock::time_point failed_at_{};
    bool failed_ = false;
    static constexpr std::chrono::seconds retry_after_failure{10};
    dev_t dev_ = 0;
    ino_t ino_ = 0;
    std::atomic<std::uint64_t> refreshes_{0}, refresh_errors_{0};
    // For stats() on an io thread, which must not wait for mu_ while a large list rebuilds.
    std::atomic<std::uint64_t> served_lists_{0}, served_entries_{0};
    void count_served();  // under mu_
};

}  // namespace ringfence::intel
