#include "store/decision_log_database.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "store/decision_log_inserter.hpp"
#include "store/decision_log_schema.hpp"
#include "sqlite/write_coalescing_vfs.hpp"
#include "store/decision_number_index.hpp"

namespace ringfence::store {

namespace {

// Connection settings for the writer; none of them is stored in the file except WAL.
// - synchronous=NORMAL: in WAL mode a commit is not fsynced; a power cut may lose the last
//   commits but never corrupts the file. Checkpoints still sync.
// - cache_size: 64 MiB keeps the index pages hot; the caller and callee indexes take
//   random inserts and are most of the cost of a row once they outgrow the cache. A larger
//   cache (256 MiB) and mmap (mmap_size) measured no faster for a new log; with 5M rows
//   already in the log, 256 MiB wrote ~14% more rows/s (43k instead of 38k).
// - Checkpoints: not here. The writer's connection leaves them to a wal_checkpointer
//   thread, which replaces SQLite's automatic checkpoint on this connection.
constexpr const char* writer_pragmas =
    "PRAGMA synchronous = NORMAL;"
    "PRAGMA cache_size = -65536;"
    "PRAGMA temp_store = MEMORY;";

// page_size 4096. Every row inserts one key in random order into each number index, so a
// commit of a few rows rewrites about two whole index pages per row into the WAL, and twice
// the page size in bytes per row is what a busy log costs in disk writes. Measured with
// 1M-row logs of ~400-byte records, 2 ms batches at 20,000 rows/s wrote 250-290 MB/s at
// 4 KiB, 444 at 8 KiB, 913 at 16 KiB (1,300 vs 420 MB/s at 16 vs 4 KiB with 5M rows already
// in the log, where the p99 commit latency was also 2x worse). Larger pages only win when
// one transaction covers most of a still small index: 1M rows into a new log in 65536-row
// transactions ran at 150-165k rows/s at 4 KiB, 175-195k at 8, 205-225k at 16.
constexpr const char* new_file_pragmas = "PRAGMA page_size = 4096;";
static_assert(decision_log_page_size == 4096, "new_file_pragmas sets the page size literally");

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

void keep_wal_files(sqlite3* db) {
    int keep = 1;
    sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL, &keep);
}

common::loaded<sqlite::sqlite_connection> open_decision_log_database(const std::string& path) {
    common::loaded<sqlite::sqlite_connection> result;
    auto fail = [&](std::string code, std::string message) {
        result.diagnostics.push_back(
            make(common::severity::error, std::move(code), std::move(message), path));
        return std::move(result);
    };

    std::string failure;
    // Through the write-coalescing VFS: a commit's WAL frames go out in one write, not two
    // per page (write_coalescing_vfs.hpp).
    sqlite::sqlite_connection db = sqlite::sqlite_connection::open(
        path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, failure,
        sqlite::write_coalescing_vfs_name());
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

    // Before WAL: switching to WAL writes the first page of a new file, fixing its page size.
    failure = db.exec(new_file_pragmas);
    if (!failure.empty())
        return fail("LOG_OPEN_FAILED",
                    fmt::format("cannot configure the decision log: {}", failure));
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
    keep_wal_files(db.get());

    if (auto refused = migrate_decision_log(db, path)) {
        result.diagnostics.push_back(std::move(*refused));
        return result;
    }
    result.value = std::move(db);
    return result;
}

namespace {

// A path as a file: URI path: every byte but unreserved ones and '/' percent-encoded.
std::string uri_path(const std::string& path) {
    std::string out;
    for (const char c : path) {
        const auto b = static_cast<unsigned char>(c);
        if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' || b == '.' || b == '_' || b == '~' ||
            b == '/') {
            out += c;
        } else {
            out += fmt::format("%{:02X}", b);
        }
    }
    return out;
}

}  // namespace

std::vector<common::diagnostic> check_decision_log_file(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return {};
    // With no WAL beside it (a log never opened by a daemon: the daemon leaves its -wal and
    // -shm in place, keep_wal_files) the file is read as immutable: SQLite then creates no
    // -shm or -wal file next to it, and --check leaves the state directory as it found it.
    const bool has_wal = std::filesystem::exists(path + "-wal", ec);
    std::string failure;
    const sqlite::sqlite_connection db = sqlite::sqlite_connection::open(
        has_wal ? path : "file:" + uri_path(path) + "?immutable=1",
        SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | (has_wal ? 0 : SQLITE_OPEN_URI), failure);
    if (!db)
        return {make(common::severity::error, "LOG_OPEN_FAILED", fmt::format("cannot open the decision log: {}", failure), path)};
    sqlite3_busy_timeout(db.get(), decision_log_busy_timeout_ms);
    if (auto refused = check_decision_log_identity(db, path)) return {std::move(*refused)};
    // What a start prepares, prepared here (preparing writes nothing): a file of this schema
    // version missing a table or column the writer needs (dropped by hand) is refused as a
    // start refuses it. An older file is migrated by the start first, so it is not checked.
    std::string failure_now;
    const auto version = db.query_int("PRAGMA user_version", failure_now);
    if (!version || *version != decision_log_schema_version()) return {};
    decision_log_inserter writer_statements;
    failure_now = writer_statements.prepare(db.get(), record_content::when_matched);
    if (failure_now.empty()) failure_now = decision_number_index::check_statements(db.get());
    if (!failure_now.empty())
        return {make(common::severity::error, "LOG_OPEN_FAILED", fmt::format("cannot prepare the decision log statements: {}", failure_now), path)};
    return {};
}

}  // namespace ringfence::store
