// The SQLite decision log writer: one thread drains a bounded queue of decided records in
// batched transactions and tells each submitter when its entries are committed, so the
// ingest side can hold replies until then (durability: reply_after_commit).
#pragma once

#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <string>

#include "common/diagnostic.hpp"
#include "store/decision_log_entry.hpp"
#include "store/decision_number_index.hpp"

namespace ringfence::store {

enum class queue_full_policy { backpressure, reply_allow, reply_warn, reply_block };

// Batching is group commit: a batch is due when batch_max_delay has passed since its first
// entry arrived (or batch_max_rows are queued), and the writer then takes everything queued
// in one transaction of at most batch_max_rows. At a low rate batches stay small (the rows
// of batch_max_delay); when the writer falls behind, everything that queued up meanwhile
// goes into the next transaction, so batches grow with the load. Large transactions are
// what makes a high rate possible: the random-order number indexes are rewritten per
// commit, not per row (1M rows into a new log: 60k rows/s at 1000 rows per transaction,
// 122k at 16384, 140-165k at 65536 on the 2-core development machine).
// Which rows keep the record's content (SMS text and extra fields) in record_json: the log
// keeps no more personal data than the decisions need (docs/decision-log.md).
enum class record_content : std::uint8_t {
    when_matched,  // rows where a rule not in shadow mode matched (its evidence); others keep the text's length
    always,
    never,         // the matched rules' evidence still names what matched
};

struct decision_log_settings {
    std::string path;                                  // the SQLite file; created when missing
    record_content content = record_content::when_matched;
    std::size_t queue_capacity = 65536;                // entries
    std::size_t batch_max_rows = 65536;                // rows per transaction at most
    std::chrono::microseconds batch_max_delay{2000};   // commit a partial batch after this long
    number_index_settings number_index;                // runs of the caller / callee index
};

struct decision_log_stats {
    std::uint64_t rows_committed = 0;
    std::uint64_t rule_rows_committed = 0;
    std::uint64_t batches_committed = 0;
    std::uint64_t write_failures = 0;   // failed transactions (retried)
    std::uint64_t rows_lost = 0;        // rows given up on (only at shutdown with a failing disk)
    std::uint64_t queue_full_events = 0;
    std::size_t queue_depth = 0;
    std::uint64_t number_index_runs = 0;      // runs of the number index completed
    std::uint64_t number_unindexed_rows = 0;  // rows not yet in a complete run (found by reading them)
    std::uint64_t number_index_slices = 0;    // index-only transactions, taken while no rows came
};

// Something an operator did to the running daemon (a window-state reset), logged with the
// decisions so auditors see it beside what it changed.
struct operator_action {
    std::int64_t time_ms = 0;
    std::int64_t actor_uid = 0;
    std::string action;       // "state.reset"
    std::string subject;      // the key
    std::string detail_json;  // a JSON object
    // Told true once the row is committed, false if the writer gave it up (at shutdown with
    // a failing disk). May be null.
    std::shared_ptr<std::promise<bool>> committed;
};

class decision_log_writer {
public:
    // Opens (creating or migrating) the log and starts the writer thread. Errors (a file
    // that is not a ringfence log, a newer schema, an unwritable path) come back as diagnostics.
    static common::loaded<std::unique_ptr<decision_log_writer>> open(const decision_log_settings& settings);

    // Queues one entry (e not null). If the queue is full and wait is true, blocks until
    // there is room (backpressure); if wait is false, returns false and leaves e untouched.
    // Queued, e is left pointing to an entry already written (stale contents to clear or
    // write over: recycled_entries.hpp says why) or to a new empty one.
    bool submit(decision_log_entry_ptr& e, bool wait);
    // The same for an entry by value (tests, tools): it is moved in, or back on refusal.
    bool submit(decision_log_entry&& e, bool wait);

    // Records the text of a rule-set version the first time it is used, so auditors can read
    // the rules as they were. Idempotent per version. first_used_ms: when it started to
    // decide (taken before it could: no decision of it is dated earlier); 0 for now.
    void record_ruleset_version(const std::string& version, const std::string& content, std::int64_t first_used_ms = 0);

    // Queues an operator action; it is committed with the next batch (within
    // batch_max_delay). False when the writer is closing.
    bool record_operator_action(operator_action a);

    // Commits everything queued, then stops the thread. Idempotent; the destructor calls it.
    void close();
    // True once close() has begun: submit refuses from then on.
    bool closing() const;

    decision_log_stats stats() const;
    ~decision_log_writer();

private:
    struct impl;
    explicit decision_log_writer(std::unique_ptr<impl> p);
    std::unique_ptr<impl> impl_;
};

}  // namespace ringfence::store
