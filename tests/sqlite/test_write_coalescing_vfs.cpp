// write_coalescing_vfs: real SQLite files written through it and read back through the
// default VFS by another connection, as auditors and the checkpointer read the decision log:
// every committed row visible at once, one write per commit, transactions larger than the
// buffer and the page cache, rollbacks, checkpoints, and a write that fails failing its commit.
#include <doctest/doctest.h>
#include <sys/resource.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "sqlite/sqlite_handle.hpp"
#include "sqlite/write_coalescing_vfs.hpp"
#include "support/temp_directory.hpp"

using namespace ringfence::sqlite;
using ringfence::test::temp_directory;

namespace {

sqlite_connection open_writer(const std::string& path) {
    std::string error;
    REQUIRE(write_coalescing_vfs_name() != nullptr);
    sqlite_connection db = sqlite_connection::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error,
                                                   write_coalescing_vfs_name());
    REQUIRE_MESSAGE(db, error);
    REQUIRE(db.query_text("PRAGMA journal_mode = WAL", error) == std::optional<std::string>("wal"));
    REQUIRE(db.exec("PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0;"
                    "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)") == "");
    return db;
}

sqlite_connection open_reader(const std::string& path) {
    std::string error;
    sqlite_connection db = sqlite_connection::open(path, SQLITE_OPEN_READONLY, error);  // default VFS
    REQUIRE_MESSAGE(db, error);
    return db;
}

std::int64_t count_rows(const sqlite_connection& db) {
    std::string error;
    const auto n = db.query_int("SELECT count(*) FROM t", error);
    REQUIRE_MESSAGE(n, error);
    return *n;
}

// Sum of every row's length: what the reader sees of the bodies, not only how many.
std::int64_t body_bytes(const sqlite_connection& db) {
    std::string error;
    const auto n = db.query_int("SELECT coalesce(sum(length(body)), 0) FROM t", error);
    REQUIRE_MESSAGE(n, error);
    return *n;
}

std::string integrity(const sqlite_connection& db) {
    std::string error;
    const auto r = db.query_text("PRAGMA integrity_check", error);
    return r ? *r : error;
}

void insert_rows(const sqlite_connection& db, int first, int count, int body_size) {
    std::string error;
    sqlite_statement insert = sqlite_statement::prepare(db.get(), "INSERT INTO t (id, body) VALUES (?, ?)", error);
    REQUIRE_MESSAGE(insert, error);
    const std::string body(static_cast<std::size_t>(body_size), 'x');
    for (int i = first; i < first + count; ++i) {
        insert.bind_int(1, i);
        insert.bind_text(2, body);
        REQUIRE(insert.run() == "");
    }
}

}  // namespace

TEST_CASE("write_coalescing_vfs: a commit is one write to the WAL, visible at once to a reader on the default VFS") {
    temp_directory dir;
    const std::string path = dir.file("log.db");
    sqlite_connection writer = open_writer(path);
    sqlite_connection reader = open_reader(path);
    CHECK(count_rows(reader) == 0);

    const auto before = write_coalescing_vfs_stats();
    REQUIRE(writer.exec("BEGIN") == "");
    insert_rows(writer, 1, 150, 500);  // ~80 KB: ~20 pages, ~40 writes from SQLite; one buffer
    REQUIRE(writer.exec("COMMIT") == "");
    const auto after = write_coalescing_vfs_stats();

    CHECK(count_rows(reader) == 150);
    CHECK(body_bytes(reader) == 150 * 500);
    CHECK(after.writes_in - before.writes_in >= 30);
    CHECK(after.writes_out - before.writes_out == 1);
    CHECK(after.late_flushes == before.late_flushes);
}

TEST_CASE("write_coalescing_vfs: every one of many small commits is in the file before the next begins") {
    temp_directory dir;
    const std::string path = dir.file("log.db");
    sqlite_connection writer = open_writer(path);
    sqlite_connection reader = open_reader(path);
    const auto before = write_coalescing_vfs_stats();
    for (int i = 1; i <= 300; ++i) {
        insert_rows(writer, i, 1, 100);  // autocommit: one transaction each
        REQUIRE(count_rows(reader) == i);
    }
    const auto after = write_coalescing_vfs_stats();
    CHECK(after.writes_out - before.writes_out == 300);  // one per commit
    CHECK(after.writes_in - before.writes_in >= 600);    // at least a header and a page each
    CHECK(after.late_flushes == before.late_flushes);
    CHECK(integrity(reader) == "ok");
}

TEST_CASE("write_coalescing_vfs: a transaction larger than the buffer and the page cache, and one rolled back") {
    temp_directory dir;
    const std::string path = dir.file("log.db");
    sqlite_connection writer = open_writer(path);
    // A 16-page cache: SQLite spills pages of the open transaction into the WAL, writes a
    // spilled page again in place, rewrites the frames' checksums at commit (ending with
    // the commit frame's header, written over itself) and reads frames back.
    REQUIRE(writer.exec("PRAGMA cache_size = 16") == "");
    sqlite_connection reader = open_reader(path);

    const auto before = write_coalescing_vfs_stats();
    REQUIRE(writer.exec("BEGIN") == "");
    insert_rows(writer, 1, 3000, 1000);  // ~3 MB: 25 times the buffer
    REQUIRE(writer.exec("UPDATE t SET body = body || 'y' WHERE id % 7 = 0") == "");
    REQUIRE(writer.exec("COMMIT") == "");
    CHECK(write_coalescing_vfs_stats().late_flushes == before.late_flushes);
    CHECK(count_rows(reader) == 3000);
    CHECK(body_bytes(reader) == 3000 * 1000 + 3000 / 7);
    CHECK(integrity(reader) == "ok");

    REQUIRE(writer.exec("BEGIN") == "");
    insert_rows(writer, 5000, 3000, 1000);
    REQUIRE(writer.exec("ROLLBACK") == "");
    insert_rows(writer, 9000, 1, 10);
    CHECK(count_rows(reader) == 3001);
    CHECK(count_rows(writer) == 3001);
    CHECK(integrity(reader) == "ok");
    CHECK(write_coalescing_vfs_stats().late_flushes == before.late_flushes);
}

TEST_CASE("write_coalescing_vfs: commits that sync, with frames padded to sector boundaries and split at them") {
    temp_directory dir;
    const std::string path = dir.file("log.db");
    std::string error;
    // psow=0: SQLite pads a synced commit with frames up to a sector boundary and splits
    // the frame that crosses it around a sync; the rest of that frame must not wait.
    sqlite_connection writer = sqlite_connection::open("file:" + path + "?psow=0",
                                                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI,
                                                       error, write_coalescing_vfs_name());
    REQUIRE_MESSAGE(writer, error);
    REQUIRE(writer.query_text("PRAGMA journal_mode = WAL", error) == std::optional<std::string>("wal"));
    REQUIRE(writer.exec("PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 0;"
                        "CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)") == "");
    sqlite_connection reader = open_reader(path);
    const auto before = write_coalescing_vfs_stats();
    for (int i = 1; i <= 50; ++i) {
        insert_rows(writer, i, 1, 300 + 37 * i);  // frames end at varied offsets
        REQUIRE(count_rows(reader) == i);
    }
    CHECK(write_coalescing_vfs_stats().late_flushes == before.late_flushes);
    CHECK(integrity(reader) == "ok");
}

TEST_CASE("write_coalescing_vfs: checkpoints copy what was committed through it, passive and truncating") {
    temp_directory dir;
    const std::string path = dir.file("log.db");
    sqlite_connection writer = open_writer(path);
    std::string error;
    sqlite_connection checkpointer = sqlite_connection::open(path, SQLITE_OPEN_READWRITE, error);  // default VFS
    REQUIRE_MESSAGE(checkpointer, error);
    for (int batch = 0; batch < 4; ++batch) {
        REQUIRE(writer.exec("BEGIN") == "");
        insert_rows(writer, batch * 500 + 1, 500, 800);
        REQUIRE(writer.exec("COMMIT") == "");
        REQUIRE(checkpointer.query_int("PRAGMA wal_checkpoint(PASSIVE)", error) == std::optional<std::int64_t>(0));
    }
    // The writer writes the WAL over from its start after a complete checkpoint.
    REQUIRE(writer.exec("BEGIN") == "");
    insert_rows(writer, 3001, 100, 800);
    REQUIRE(writer.exec("COMMIT") == "");
    const auto busy = checkpointer.query_int("PRAGMA wal_checkpoint(TRUNCATE)", error);  // first column: busy
    REQUIRE_MESSAGE(busy == std::optional<std::int64_t>(0), error);
    CHECK(std::filesystem::file_size(path + "-wal") == 0);  // everything is in the database file now

    // Read from the database file alone, by a connection that never saw the WAL.
    writer = sqlite_connection();
    checkpointer = sqlite_connection();
    sqlite_connection reader = open_reader(path);
    CHECK(count_rows(reader) == 2100);
    CHECK(body_bytes(reader) == 2100 * 800);
    CHECK(integrity(reader) == "ok");
}

TEST_CASE("write_coalescing_vfs: a write that fails fails its commit, and a later commit succeeds") {
    temp_directory dir;
    const std::string path = dir.file("log.db");
    sqlite_connection writer = open_writer(path);
    insert_rows(writer, 1, 10, 100);
    sqlite_connection reader = open_reader(path);
    REQUIRE(count_rows(reader) == 10);

    // A file size limit just past the WAL's current end: the next commit, a few frames that
    // fit the buffer, fails at its one gathered write (EFBIG), made with its last frame. Were
    // it made later (at the WAL-index barrier, which cannot fail), the commit would succeed
    // with its frames missing from the file.
    const auto wal_size = static_cast<rlim_t>(std::filesystem::file_size(path + "-wal"));
    rlimit saved{};
    REQUIRE(::getrlimit(RLIMIT_FSIZE, &saved) == 0);
    const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit tight = saved;
    tight.rlim_cur = wal_size + 1024;
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &tight) == 0);
    const auto before = write_coalescing_vfs_stats();
    const std::string failed = writer.exec("INSERT INTO t (id, body) VALUES (100, 'one small row')");
    const auto after = write_coalescing_vfs_stats();
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &saved) == 0);
    std::signal(SIGXFSZ, old_handler);

    CHECK(failed != "");
    CHECK(after.writes_in - before.writes_in < 10);  // the commit was small: no write for a full buffer
    CHECK(after.late_flushes == before.late_flushes);
    (void)writer.exec("ROLLBACK");  // SQLite may have rolled back already
    CHECK(count_rows(reader) == 10);
    insert_rows(writer, 200, 5, 100);
    CHECK(count_rows(reader) == 15);
    CHECK(integrity(reader) == "ok");
}
