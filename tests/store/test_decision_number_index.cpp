// The decision log's number index in runs (store/decision_number_index.hpp): every row's
// numbers end up in decision_numbers exactly once, the views find a number's rows whether
// they are in a run or still after the last one, readers never see a row twice or miss one
// while runs are appended, and a log left by a crash is put right at the next start.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "decision_log_test_support.hpp"

using namespace ringfence;
using namespace ringfence::store;
using namespace ringfence::store::test;

namespace {

// Ten callers, three callees, some rows without one or the other.
decision_log_entry varied_entry(int n) {
    decision_log_entry e = make_entry(n);
    e.rec.caller.e164 = n % 17 == 0 ? "" : "+8491100000" + std::to_string(n % 10);
    e.rec.callee.e164 = n % 13 == 0 ? "" : "+8492200000" + std::to_string(n % 3);
    e.rec.time_ms = 1795834800000 + (n * 7919) % 100000;  // not in id order
    return e;
}

decision_log_settings small_runs(const std::string& path, std::size_t run_rows) {
    decision_log_settings s = settings_for(path);
    s.batch_max_rows = 64;
    s.batch_max_delay = std::chrono::microseconds(200);
    s.number_index.run_max_rows = run_rows;
    s.number_index.min_appends = 8;
    s.number_index.appends_per_row = 4;
    s.number_index.idle_appends = 16;
    return s;
}

// The index holds exactly the numbers of the rows its runs cover, once each.
void check_index_matches_rows(const std::string& path) {
    CHECK(query_one(path,
                    "SELECT count(*) FROM decisions d JOIN decision_number_runs r ON d.id BETWEEN r.first_id AND r.last_id "
                    "WHERE d.caller_num IS NOT NULL AND NOT EXISTS (SELECT 1 FROM decision_numbers n WHERE n.run = r.run "
                    "AND n.side = 0 AND n.number = d.caller_num AND n.time_ms = d.time_ms AND n.decision_id = d.id)") == "0");
    CHECK(query_one(path,
                    "SELECT count(*) FROM decisions d JOIN decision_number_runs r ON d.id BETWEEN r.first_id AND r.last_id "
                    "WHERE d.callee_num IS NOT NULL AND NOT EXISTS (SELECT 1 FROM decision_numbers n WHERE n.run = r.run "
                    "AND n.side = 1 AND n.number = d.callee_num AND n.time_ms = d.time_ms AND n.decision_id = d.id)") == "0");
    CHECK(query_one(path, "SELECT count(*) FROM decision_numbers") ==
          query_one(path,
                    "SELECT count(d.caller_num) + count(d.callee_num) FROM decisions d "
                    "WHERE d.id <= (SELECT coalesce(max(last_id), 0) FROM decision_number_runs)"));
    CHECK(query_one(path, "SELECT sum(entries) FROM decision_number_runs") == query_one(path, "SELECT count(*) FROM decision_numbers"));
    // Runs cover the ids from 1 without gaps or overlaps.
    CHECK(query_one(path,
                    "SELECT count(*) FROM decision_number_runs r WHERE r.first_id != coalesce((SELECT p.last_id + 1 FROM "
                    "decision_number_runs p WHERE p.run = r.run - 1), 1) OR r.last_id < r.first_id") == "0");
}

// For every number, the view gives what a full scan of decisions gives.
void check_views_match_scans(const std::string& path) {
    for (int i = 0; i < 10; ++i) {
        const std::string n = "8491100000" + std::to_string(i);
        CAPTURE(n);
        CHECK(query(path, "SELECT * FROM caller_decisions WHERE caller_num = " + n + " ORDER BY id") ==
              query(path, "SELECT * FROM decisions WHERE caller_num = " + n + " ORDER BY id"));
    }
    for (int i = 0; i < 3; ++i) {
        const std::string n = "8492200000" + std::to_string(i);
        CAPTURE(n);
        CHECK(query(path, "SELECT * FROM callee_decisions WHERE callee_num = " + n + " ORDER BY time_ms, id") ==
              query(path, "SELECT * FROM decisions WHERE callee_num = " + n + " ORDER BY time_ms, id"));
    }
}

}  // namespace

TEST_CASE("number index: rows written in many runs are all indexed once, and the views find them") {
    temp_directory dir;
    const std::string path = dir.file("decisions.db");
    std::uint64_t runs = 0;
    {
        auto opened = decision_log_writer::open(small_runs(path, 100));
        REQUIRE(opened.ok());
        auto& writer = **opened.value;
        // A run closes only once the one before it is appended, so runs grow past
        // run_max_rows while rows come faster than that: pauses let each run finish.
        for (int n = 1; n <= 2000; ++n) {
            REQUIRE(writer.submit(varied_entry(n), true));
            if (n % 50 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(3));
        }
        writer.close();
        CHECK(writer.stats().number_unindexed_rows == 0);
        runs = writer.stats().number_index_runs;
        CHECK(runs >= 10);
    }
    CHECK(query_one(path, "SELECT count(*) FROM decisions") == "2000");
    CHECK(query_one(path, "SELECT max(last_id) FROM decision_number_runs") == "2000");
    CHECK(query_one(path, "SELECT count(*) FROM decision_number_runs") == std::to_string(runs));
    check_index_matches_rows(path);
    check_views_match_scans(path);
}

TEST_CASE("number index: rows after the last run are found while the writer runs") {
    temp_directory dir;
    const std::string path = dir.file("decisions.db");
    auto opened = decision_log_writer::open(small_runs(path, 1000000));  // no run closes by size
    REQUIRE(opened.ok());
    auto& writer = **opened.value;
    for (int n = 1; n <= 300; ++n) REQUIRE(writer.submit(varied_entry(n), true));
    REQUIRE(eventually([&] { return writer.stats().rows_committed == 300; }));
    CHECK(writer.stats().number_unindexed_rows == 300);
    CHECK(query_one(path, "SELECT count(*) FROM decision_number_runs") == "0");
    check_views_match_scans(path);
    writer.close();
    CHECK(query_one(path, "SELECT count(*) FROM decision_number_runs") == "1");
    check_index_matches_rows(path);
    check_views_match_scans(path);
}

TEST_CASE("number index: a run closes by age when rows keep coming") {
    temp_directory dir;
    const std::string path = dir.file("decisions.db");
    decision_log_settings settings = small_runs(path, 1000000);
    settings.number_index.run_max_age = std::chrono::milliseconds(20);
    auto opened = decision_log_writer::open(settings);
    REQUIRE(opened.ok());
    auto& writer = **opened.value;
    int n = 0;
    CHECK(eventually([&] {
        REQUIRE(writer.submit(varied_entry(++n), true));
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        return writer.stats().number_index_runs >= 2;
    }));
    REQUIRE(eventually([&] { return writer.stats().rows_committed == static_cast<std::uint64_t>(n); }));
    check_views_match_scans(path);
    // The last run still closes by age and is appended in slices: compare the index with
    // the rows once it is all in (two queries read two snapshots).
    REQUIRE(eventually([&] { return writer.stats().number_unindexed_rows == 0; }));
    check_index_matches_rows(path);
    writer.close();
}

TEST_CASE("number index: while rows keep coming, runs drain in the rows' own transactions, with no index-only ones") {
    temp_directory dir;
    const std::string path = dir.file("decisions.db");
    decision_log_settings settings = small_runs(path, 40);
    settings.number_index.slice_quiet = std::chrono::milliseconds(1000);
    settings.number_index.run_max_age = std::chrono::milliseconds(1200);  // the last run closes by age
    auto opened = decision_log_writer::open(settings);
    REQUIRE(opened.ok());
    auto& writer = **opened.value;
    // A row every 2 ms (one or two a transaction): never a second without one, until three
    // runs are in (on a loaded machine a 2 ms sleep can take 5, so count runs, not time).
    int n = 0;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (writer.stats().number_index_runs < 3 && std::chrono::steady_clock::now() < give_up) {
        REQUIRE(writer.submit(varied_entry(++n), true));
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    for (int more = 0; more < 10; ++more) {  // and a few rows for a run still open
        REQUIRE(writer.submit(varied_entry(++n), true));
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    REQUIRE(eventually([&] { return writer.stats().rows_committed == static_cast<std::uint64_t>(n); }));
    CHECK(writer.stats().number_index_runs >= 3);
    CHECK(writer.stats().number_index_slices == 0);
    // Then nothing comes: the open run closes by age and, with no rows to ride on, is
    // appended in slices of its own.
    CHECK(eventually([&] { return writer.stats().number_unindexed_rows == 0; }));
    CHECK(writer.stats().number_index_slices > 0);
    writer.close();
    check_index_matches_rows(path);
    check_views_match_scans(path);
}

TEST_CASE("number index: readers see every row once while runs are appended") {
    temp_directory dir;
    const std::string path = dir.file("decisions.db");
    auto opened = decision_log_writer::open(small_runs(path, 50));
    REQUIRE(opened.ok());
    auto& writer = **opened.value;
    std::atomic<bool> done{false};
    std::atomic<int> mismatches{0};
    std::atomic<int> reads{0};
    // One read transaction per check: the view and a full scan must agree in it.
    std::thread reader([&] {
        sqlite3* db = nullptr;
        sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
        sqlite3_busy_timeout(db, 5000);
        const char* sql =
            "SELECT (SELECT count(*) FROM caller_decisions WHERE caller_num = 84911000003),"
            " (SELECT count(*) FROM decisions WHERE caller_num = 84911000003),"
            " (SELECT count(*) FROM callee_decisions WHERE callee_num = 84922000001),"
            " (SELECT count(*) FROM decisions WHERE callee_num = 84922000001)";
        while (!done.load()) {
            sqlite3_stmt* stmt = nullptr;
            if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
                if (sqlite3_column_int64(stmt, 0) != sqlite3_column_int64(stmt, 1) ||
                    sqlite3_column_int64(stmt, 2) != sqlite3_column_int64(stmt, 3))
                    ++mismatches;
                ++reads;
            }
            sqlite3_finalize(stmt);
        }
        sqlite3_close(db);
    });
    for (int n = 1; n <= 3000; ++n) {
        REQUIRE(writer.submit(varied_entry(n), true));
        if (n % 100 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    writer.close();
    done = true;
    reader.join();
    CHECK(reads.load() > 10);
    CHECK(mismatches.load() == 0);
    check_index_matches_rows(path);
}

TEST_CASE("number index: after a crash, a half-appended run is redone and unindexed rows are indexed") {
    temp_directory dir;
    const std::string path = dir.file("decisions.db");
    {
        auto opened = decision_log_writer::open(small_runs(path, 100));
        REQUIRE(opened.ok());
        for (int n = 1; n <= 250; ++n) REQUIRE((*opened.value)->submit(varied_entry(n), true));
        (*opened.value)->close();
    }
    const std::string runs_before = query_one(path, "SELECT count(*) FROM decision_number_runs");
    // What a crash can leave: rows committed after the last run, and the first slices of a
    // run whose run row never committed (here with entries no row has).
    REQUIRE(execute(path,
                    "INSERT INTO decisions (time_ms, decided_at_ms, kind, caller_num, callee_num, action, latency_us, record_json) "
                    "VALUES (5, 0, 'call.attempt', 84911000003, 84922000001, 'allow', 1, '{}'),"
                    "       (6, 0, 'call.attempt', 84911000004, NULL, 'allow', 1, '{}');"
                    "INSERT INTO decision_numbers VALUES ((SELECT max(run) + 1 FROM decision_number_runs), 0, 84911000003, 5, 251),"
                    "                                    ((SELECT max(run) + 1 FROM decision_number_runs), 0, 84999999999, 9, 999);") == "");
    SUBCASE("the views are right before the restart") { check_views_match_scans(path); }
    SUBCASE("the restart puts the index right") {
        auto opened = decision_log_writer::open(small_runs(path, 100));
        REQUIRE(opened.ok());
        CHECK((*opened.value)->stats().number_unindexed_rows == 2);
        CHECK(query_one(path, "SELECT count(*) FROM decision_numbers WHERE number = 84999999999") == "0");
        (*opened.value)->close();
        CHECK(std::stoi(query_one(path, "SELECT count(*) FROM decision_number_runs")) == std::stoi(runs_before) + 1);
        CHECK(query_one(path, "SELECT max(last_id) FROM decision_number_runs") == "252");
        check_index_matches_rows(path);
        check_views_match_scans(path);
    }
}

TEST_CASE("number index: a run closes by age when no more rows come") {
    temp_directory dir;
    const std::string path = dir.file("decisions.db");
    decision_log_settings settings = small_runs(path, 1000000);
    settings.number_index.run_max_age = std::chrono::milliseconds(50);
    auto opened = decision_log_writer::open(settings);
    REQUIRE(opened.ok());
    auto& writer = **opened.value;
    for (int n = 1; n <= 10; ++n) REQUIRE(writer.submit(varied_entry(n), true));
    CHECK(eventually([&] { return writer.stats().number_index_runs == 1; }));
    CHECK(writer.stats().number_unindexed_rows == 0);
    CHECK(query_one(path, "SELECT last_id FROM decision_number_runs") == "10");
    check_index_matches_rows(path);
    writer.close();
}
