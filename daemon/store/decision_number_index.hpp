// The decision log's number index, built in runs (schema version 3, decision_log_schema.cpp).
//
// An index on caller and callee maintained row by row costs the writer two random B-tree
// inserts per row, and each small commit then rewrites a whole index page per key: that was
// most of a row's cost, and it grew with the file. Here the writer hands every committed
// row's numbers to this class, which keeps them in memory (24 bytes per number) until the
// open run is complete (run_max_rows rows, or run_max_age since its first row). The run is
// then sorted on a thread of its own, and its entries are appended to decision_numbers in
// key order under a new run number, a bounded slice per transaction: a few hundred beside
// the rows of each commit, more when the writer is idle. The run's row in
// decision_number_runs is written with its last slice, which is what makes it visible to the
// auditors' views; rows after the last complete run are read from decisions directly.
//
// After a crash, open() deletes the entries of the run that had no row yet and reads the
// numbers of every row after the last complete run back into the open run. At close,
// finish() indexes everything, so a log closed cleanly has no unindexed tail.
//
// All calls come from the writer thread except the on_sorted callback, which the sorting
// thread calls once a run is sorted (to wake the writer).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "sqlite/sqlite_handle.hpp"

namespace ringfence::store {

struct number_index_settings {
    // A run closes at this many rows, or once its first row is this old. Rows of the open run
    // are found by reading them (the auditors' views read every row after the last complete
    // run), so a run is kept to what such a read does in about a second; every run costs a
    // lookup one B-tree search, so runs are not made small either.
    std::size_t run_max_rows = std::size_t{1} << 20;
    std::chrono::milliseconds run_max_age{60'000};
    // Entries appended per transaction: this many, plus appends_per_row for each row the
    // transaction commits (twice the 2 entries a row adds, so a closed run is appended within
    // the time the next one takes to fill). When the writer is idle: idle_appends. Small
    // slices keep every commit short: at 20,000 rows/s in commits of a few rows, 256 per
    // commit appended a run in about a second but put the p99 reply latency of a 60 s run at
    // 1.7 ms; 32 spreads it over several seconds.
    std::size_t min_appends = 32;
    std::size_t appends_per_row = 4;
    std::size_t idle_appends = 512;
    // Index-only transactions (idle_appends each) only once no row has come for this long:
    // while rows flow, their own transactions drain a run, and a slice taken between two
    // rows makes the next ones wait for it (at 20,000 rows/s the reply p99 of a 60 s run
    // went from 0.5-0.9 ms to 1.9-2.8 ms in the seconds a run was appended).
    std::chrono::milliseconds slice_quiet{20};
    // The sorting thread's nice value: a sort is background work (~0.2 s of CPU per run of
    // 2^20 rows) and should take only the time the deciders and the writer leave.
    int sorter_nice = 19;
};

struct number_index_stats {
    std::uint64_t runs_completed = 0;
    std::uint64_t unindexed_rows = 0;  // committed rows not yet in a complete run
};

class decision_number_index {
  public:
    decision_number_index() = default;
    decision_number_index(const decision_number_index&) = delete;
    decision_number_index& operator=(const decision_number_index&) = delete;
    ~decision_number_index();

    // Prepares the statements on db (the writer's connection, outside any transaction),
    // clears the entries of an incomplete run and reads the numbers of the rows after the
    // last complete run. Returns "" or SQLite's message.
    std::string open(sqlite3* db, const number_index_settings& settings, std::function<void()> on_sorted);
    // Prepares (and drops) the statements open() prepares, touching nothing: `--check` on a
    // read-only connection. Returns "" or SQLite's message.
    static std::string check_statements(sqlite3* db);

    // Inside the writer's transaction, for each decision row it inserted.
    void stage(std::int64_t id, std::int64_t time_ms, std::optional<std::int64_t> caller_num,
               std::optional<std::int64_t> callee_num);

    // True when a sorted run has entries (or its run row) left to append.
    bool append_ready();
    // Inside the writer's transaction: appends up to max_entries of the sorted run, and its
    // run row once the last entry is in. Returns "" or SQLite's message.
    std::string append(std::size_t max_entries);
    std::size_t appends_for(std::size_t rows) const {
        return settings_.min_appends + settings_.appends_per_row * rows;
    }
    std::size_t idle_appends() const { return settings_.idle_appends; }

    // When the open run is due by age (none when it is empty or a run is still pending):
    // the writer wakes then even with nothing to write, and calls close_if_due.
    std::optional<std::chrono::steady_clock::time_point> open_run_deadline() const;
    void close_if_due(std::chrono::steady_clock::time_point now);

    // After the transaction: committed makes the staged rows and the appended entries
    // permanent (and closes the open run when it is due); rolled_back forgets both.
    void committed(std::chrono::steady_clock::time_point now);
    void rolled_back();

    // At close, after the last rows are committed: indexes every run, each in its own
    // transaction. Returns "" or SQLite's message (the rows are safe; open() redoes the rest).
    std::string finish();
    // Joins the sorting thread and finalizes the statements. Idempotent.
    void stop();

    number_index_stats stats() const;

  private:
    static std::string prepare_inserts(sqlite3* db, sqlite::sqlite_statement& one_entry, sqlite::sqlite_statement& many_entries,
                                       sqlite::sqlite_statement& run_row);
    struct entry {
        std::uint64_t key;  // side << 56 | number: sorts as (side, number)
        std::int64_t time_ms;
        std::int64_t decision_id;
        friend bool operator<(const entry& a, const entry& b) {
            if (a.key != b.key) return a.key < b.key;
            if (a.time_ms != b.time_ms) return a.time_ms < b.time_ms;
            return a.decision_id < b.decision_id;
        }
    };
    struct run {
        std::int64_t number = 0;
        std::int64_t first_id = 0;
        std::int64_t last_id = 0;
        std::size_t rows = 0;
        std::vector<entry> entries;
    };

    void add_row(std::vector<entry>& to, std::int64_t id, std::int64_t time_ms,
                 std::optional<std::int64_t> caller_num, std::optional<std::int64_t> callee_num);
    void close_open_run();
    void join_sorter();
    void publish_stats();

    sqlite3* db_ = nullptr;
    number_index_settings settings_;
    std::function<void()> on_sorted_;
    sqlite::sqlite_statement insert_entry_;
    sqlite::sqlite_statement insert_entries_;  // entries_per_insert rows at once
    sqlite::sqlite_statement insert_run_;

    std::int64_t next_run_ = 1;
    std::int64_t last_indexed_id_ = 0;  // last_id of the last complete run

    run open_;  // rows committed since the last closed run
    std::chrono::steady_clock::time_point open_since_;
    std::vector<entry> staged_;  // rows of the transaction in progress
    std::size_t staged_rows_ = 0;
    std::int64_t staged_first_id_ = 0;
    std::int64_t staged_last_id_ = 0;

    std::optional<run> closed_;   // being sorted or appended
    std::thread sorter_;
    std::atomic<bool> sorted_{false};
    std::size_t appended_ = 0;            // entries of closed_ committed
    std::size_t appending_ = 0;           // entries of closed_ in the open transaction
    bool run_row_in_transaction_ = false;  // closed_'s run row is in the open transaction

    std::atomic<std::uint64_t> runs_completed_{0};
    std::atomic<std::uint64_t> unindexed_rows_{0};
};

}  // namespace ringfence::store
