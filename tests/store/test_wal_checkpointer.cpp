// wal_checkpointer: checkpoints on a thread of their own that really copy the WAL into the
// database file, a WAL that stays near limit_pages however many commits follow, and the
// failures it reports.
#include <doctest/doctest.h>
#include <sys/resource.h>

#include <algorithm>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

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

// The nice values of this process's threads, from /proc/self/task/*/stat (field 19).
std::vector<int> thread_nice_values() {
    std::vector<int> out;
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
        std::ifstream in(task.path() / "stat");
        std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const auto close_paren = stat.rfind(')');
        if (close_paren == std::string::npos) continue;
        std::istringstream fields(stat.substr(close_paren + 2));  // from field 3, the state
        std::string field;
        for (int i = 3; i <= 19 && fields >> field; ++i)
            if (i == 19) out.push_back(std::stoi(field));
    }
    return out;
}

}  // namespace

TEST_CASE("wal_checkpointer: the checkpoint thread runs at the policy's nice value, the writer's thread as before") {
    temp_directory dir;
    const std::string path = dir.file("decisions.db");
    sqlite::sqlite_connection writer = open_log(path);
    const auto before = thread_nice_values();
    const int main_nice = ::getpriority(PRIO_PROCESS, 0);  // Linux: the calling thread's
    wal_checkpointer checkpointer;
    REQUIRE(checkpointer.start(writer.get(), path, {8, 32, 7}) == "");
    for (int i = 0; i < 100 && checkpointer.checkpoints_run() == 0; ++i) {
        checkpointer.before_transaction();
        REQUIRE(writer.exec("INSERT INTO filler VALUES (randomblob(6000))") == "");
    }
    REQUIRE(checkpointer.checkpoints_run() > 0);  // the thread has run, so it has set its nice value
    const auto during = thread_nice_values();
    CHECK(std::count(during.begin(), during.end(), 7) == std::count(before.begin(), before.end(), 7) + 1);
    CHECK(::getpriority(PRIO_PROCESS, 0) == main_nice);  // this thread keeps its own
    checkpointer.stop();
}

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
