// wal_checkpointer: checkpoints on a thread of their own that really copy the WAL into the
// database file, a WAL that stays near limit_pages however many commits follow, and the
// failures it reports.
#include <doctest/doctest.h>

#include <filesystem>

#include "decision_log_test_support.hpp"
#include "store/decision_log_database.hpp"
#include "store/wal_checkpointer.hpp"

using namespace ringfence;
using namespace ringfence::store;
using namespace ringfence::store::test;

namespace {

constexpr wal_checkpoint_policy small_policy{8, 32};  // pages
constexpr std::uintmax_t wal_frame_bytes = decision_log_page_size + 24;

sqlite::sqlite_connection open_log(const std::string& path) {
    auto opened = open_decision_log_database(path);
    REQUIRE(opened.ok());
    sqlite::sqlite_connection db = std::move(*opened.value);
    REQUIRE(db.exec("CREATE TABLE filler (x BLOB)") == "");
    return db;
}

}  // namespace

TEST_CASE("wal_checkpointer: the WAL is copied back while the writer goes on, and stays short") {
    temp_directory dir;
    const std::string path = dir.file("decisions.db");
    sqlite::sqlite_connection writer = open_log(path);
    wal_checkpointer checkpointer;
    REQUIRE(checkpointer.start(writer.get(), path, small_policy) == "");

    // 300 commits of about 3 new pages each: some 900 frames (3.7 MB) of WAL if it never
    // started over.
    for (int i = 0; i < 300; ++i) {
        checkpointer.before_transaction();
        REQUIRE(writer.exec("INSERT INTO filler VALUES (randomblob(6000))") == "");
    }
    CHECK(checkpointer.checkpoints_run() > 0);
    // At most limit_pages plus the frames of the commits made while the last checkpoint ran.
    CHECK(std::filesystem::file_size(path + "-wal") <= (32 + 16) * wal_frame_bytes + 32);
    // The rows are in the database file itself, though the writer's connection is still open.
    CHECK(std::filesystem::file_size(path) >= 300 * 6000);
    CHECK(query_one(path, "SELECT count(*) FROM filler") == "300");

    checkpointer.stop();
    checkpointer.stop();  // idempotent
    const auto ran = checkpointer.checkpoints_run();
    for (int i = 0; i < 50; ++i)
        REQUIRE(writer.exec("INSERT INTO filler VALUES (randomblob(6000))") == "");
    CHECK(checkpointer.checkpoints_run() == ran);  // unhooked: no more requests
}

TEST_CASE("wal_checkpointer: below start_pages nothing is checkpointed") {
    temp_directory dir;
    const std::string path = dir.file("decisions.db");
    sqlite::sqlite_connection writer = open_log(path);
    wal_checkpointer checkpointer;
    REQUIRE(checkpointer.start(writer.get(), path, {1000, 4000}) == "");
    for (int i = 0; i < 20; ++i) {
        checkpointer.before_transaction();  // far below the limit: returns at once
        REQUIRE(writer.exec("INSERT INTO filler VALUES (randomblob(100))") == "");
    }
    checkpointer.stop();
    CHECK(checkpointer.checkpoints_run() == 0);
}

TEST_CASE("wal_checkpointer: a file it cannot open is reported with SQLite's message") {
    temp_directory dir;
    const std::string path = dir.file("decisions.db");
    sqlite::sqlite_connection writer = open_log(path);
    wal_checkpointer checkpointer;
    CHECK(checkpointer.start(writer.get(), dir.file("missing/decisions.db"), small_policy) ==
          "unable to open database file");
    checkpointer.before_transaction();  // not started: returns at once
    checkpointer.stop();
    CHECK(checkpointer.checkpoints_run() == 0);
}
