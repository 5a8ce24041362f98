// The prepared statements of the decision log writer and the per-row work: one decision
// row plus its rule rows, bound without copying. Prepared once per connection; used by the
// writer thread only.
#pragma once

#include <cstdint>
#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "store/decision_log_writer.hpp"
#include "sqlite/sqlite_handle.hpp"

namespace ringfence::store {

class decision_log_inserter {
  public:
    // Prepares every statement on db, which must outlive this object or its finalize().
    // content says which rows keep the record's text and extra fields. Returns "" or
    // SQLite's message.
    std::string prepare(sqlite3* db, record_content content);

    // BEGIN IMMEDIATE / COMMIT / ROLLBACK. rollback() is harmless when SQLite already rolled
    // the transaction back on its own (after an I/O error or a full disk).
    std::string begin() const;
    std::string commit() const;
    void rollback() const;

    // What the number index needs of an inserted row.
    struct inserted_row {
        std::int64_t id = 0;
        std::int64_t time_ms = 0;
        std::optional<std::int64_t> caller_num;
        std::optional<std::int64_t> callee_num;
    };

    // Inserts the decision row and one decision_rules row per matched rule, inside the open
    // transaction. e must stay unchanged until the call returns (its strings are bound
    // SQLITE_STATIC). Returns "" or SQLite's message; rule_rows counts the rule rows written,
    // row says what was inserted.
    std::string insert(const decision_log_entry& e, std::uint64_t& rule_rows, inserted_row& row);

    // The same for several entries (rows[i] for entries[i]): rows_per_statement of them go in
    // one INSERT of that many rows of values. Stepping, resetting and finding the end of the
    // table and its time index once for eight rows instead of for each cost a row about a
    // tenth less of the writer's time (docs/performance.md). Other counts go one by one.
    static constexpr std::size_t rows_per_statement = 8;
    std::string insert_many(std::span<const decision_log_entry_ptr> entries, std::uint64_t& rule_rows, std::span<inserted_row> rows);

    // INSERT OR IGNORE into ruleset_versions, inside the open transaction.
    std::string insert_ruleset_version(std::string_view version, std::string_view content,
                                       std::int64_t first_used_ms) const;

    // Inserts one operator_actions row, inside the open transaction.
    std::string insert_operator_action(const operator_action& a) const;

    // Finalizes the statements, so the connection can close.
    void finalize();

  private:
    // Binds e's decision row at parameters base+1 .. base+18; record_json holds its JSON.
    void bind_decision(const sqlite::sqlite_statement& s, int base, const decision_log_entry& e, std::string& record_json,
                       inserted_row& row) const;
    std::string insert_rules(const decision_log_entry& e, std::int64_t decision_id, std::uint64_t& rule_rows) const;

    sqlite3* db_ = nullptr;
    record_content content_ = record_content::when_matched;
    sqlite::sqlite_statement begin_;
    sqlite::sqlite_statement commit_;
    sqlite::sqlite_statement rollback_;
    sqlite::sqlite_statement insert_decision_;
    sqlite::sqlite_statement insert_decisions_;  // rows_per_statement rows
    sqlite::sqlite_statement insert_rule_;
    sqlite::sqlite_statement insert_ruleset_;
    sqlite::sqlite_statement insert_action_;
    // One per row of a statement, reused: no allocation once they have grown.
    std::array<std::string, rows_per_statement> record_json_;
};

}  // namespace ringfence::store
