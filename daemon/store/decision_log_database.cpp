#include "store/decision_log_database.hpp"

#include <fmt/format.h>

#include "store/decision_log_schema.hpp"

namespace ringfence::store {

namespace {

// Connection settings for the writer; none of them is stored in the file except WAL.
// - synchronous=NORMAL: in WAL mode a commit is not fsynced; a power cut may lose the last
//   commits but never corrupts the file. Checkpoints still sync.
// - cache_size: 64 MiB keeps the index pages hot; the caller and callee indexes take
//   random inserts and are most of the cost of a row once they outgrow the cache.
// - wal_autocheckpoint: 65536 pages (256 MiB of WAL) between checkpoints. Every commit
//   writes each index page it touched to the WAL, roughly two pages per row for the two
//   random indexes; a checkpoint copies each page once however often it was rewritten, so
//   rare checkpoints measured about twice as fast as SQLite's default (1000 pages) here.
//   The WAL file stays that size on disk once grown.
constexpr const char* writer_pragmas =
    "PRAGMA synchronous = NORMAL;"
    "PRAGMA cache_size = -65536;"
    "PRAGMA temp_store = MEMORY;"
    "PRAGMA wal_autocheckpoint = 65536;";

common::diagnostic make(common::severity level, std::string code, std::string message,
                        const std::string& path) {
    common::diagnostic d;
    d.level = level;
    d.code = std::move(code);
    d.message = std::move(message);
    d.file = path;
    return d;
}

}  // namespace

common::loaded<sqlite_connection> open_decision_log_database(const std::string& path) {
    common::loaded<sqlite_connection> result;
    auto fail = [&](std::string code, std::string message) {
        result.diagnostics.push_back(
            make(common::severity::error, std::move(code), std::move(message), path));
        return std::move(result);
    };

    std::string failure;
    sqlite_connection db = sqlite_connection::open(
        path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, failure);
    if (!db)
        return fail("LOG_OPEN_FAILED", fmt::format("cannot open the decision log: {}", failure));
    // SQLite falls back to read-only when the file is not writable; the writer needs to write.
    if (sqlite3_db_readonly(db.get(), "main") == 1)
        return fail("LOG_OPEN_FAILED", "cannot open the decision log: the file is read-only");
    sqlite3_busy_timeout(db.get(), decision_log_busy_timeout_ms);

    if (auto refused = check_decision_log_identity(db, path)) {
        result.diagnostics.push_back(std::move(*refused));
        return result;
    }

    const auto journal_mode = db.query_text("PRAGMA journal_mode = WAL", failure);
    if (!journal_mode)
        return fail("LOG_OPEN_FAILED",
                    fmt::format("cannot switch the decision log to WAL: {}", failure));
    if (*journal_mode != "wal")
        result.diagnostics.push_back(
            make(common::severity::warning, "LOG_NOT_WAL",
                 fmt::format(
                     "the decision log runs in journal_mode '{}', not WAL (the file system may not "
                     "support it): auditors reading the log will block the writer",
                     *journal_mode),
                 path));
    failure = db.exec(writer_pragmas);
    if (!failure.empty())
        return fail("LOG_OPEN_FAILED",
                    fmt::format("cannot configure the decision log: {}", failure));

    if (auto refused = migrate_decision_log(db, path)) {
        result.diagnostics.push_back(std::move(*refused));
        return result;
    }
    result.value = std::move(db);
    return result;
}

}  // namespace ringfence::store
