// Opens the decision log's SQLite file for the writer: creates it when missing, refuses a
// file that is not a ringfence log (before changing anything in it), sets the connection
// up for a single fast writer beside concurrent auditor readers (WAL), and migrates the
// schema forward.
#pragma once

#include <string>
#include <vector>

#include "common/diagnostic.hpp"
#include "sqlite/sqlite_handle.hpp"

namespace ringfence::store {

// Page size of a new log; an existing file keeps the one it was made with. SQLite's default,
// chosen on purpose after measuring larger ones (see new_file_pragmas in the .cpp).
inline constexpr int decision_log_page_size = 4096;

// How long a statement waits for another process's write lock before failing (the writer
// then counts a write failure and retries the batch).
inline constexpr int decision_log_busy_timeout_ms = 2000;

// Leaves the -wal and -shm files in place when the last connection to the log closes
// (SQLite's persistent WAL; the writer truncates it at close): an auditor who may read the state
// folder but not write it can then open the log read-only after the daemon stopped, as
// while it runs. Without them SQLite would have to create the -shm file to read a WAL-mode
// file, and refuse.
void keep_wal_files(sqlite3* db);

// The connection is opened without SQLite's per-connection mutex (SQLITE_OPEN_NOMUTEX):
// it must be used by one thread at a time. Codes: LOG_OPEN_FAILED, LOG_NOT_A_DECISION_LOG,
// LOG_SCHEMA_TOO_NEW, LOG_MIGRATION_FAILED; warning LOG_NOT_WAL.
common::loaded<sqlite::sqlite_connection> open_decision_log_database(const std::string& path);

// For `ringfenced --check`: would open_decision_log_database accept the file? Reads it
// read-only and changes nothing; a missing file is fine (it would be created). The errors
// are the ones a start would give (LOG_OPEN_FAILED, LOG_NOT_A_DECISION_LOG,
// LOG_SCHEMA_TOO_NEW).
std::vector<common::diagnostic> check_decision_log_file(const std::string& path);

}  // namespace ringfence::store
