// Opening the decision log: the schema a new file gets, reopening, and the files it refuses
// (newer schema, not SQLite, another application's database, an unusable path).
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "decision_log_test_support.hpp"
#include "store/decision_log_database.hpp"
#include "store/decision_log_schema.hpp"
#include "sqlite/sqlite_handle.hpp"

using namespace ringfence;
using namespace ringfence::store;
using namespace ringfence::store::test;

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Opens and expects exactly one error diagnostic; returns it as text.
std::string refusal(const decision_log_settings& settings) {
    auto opened = decision_log_writer::open(settings);
    CHECK_FALSE(opened.ok());
    CHECK_FALSE(opened.value.has_value());
    REQUIRE(opened.diagnostics.size() == 1);
    CHECK(opened.diagnostics[0].level == common::severity::error);
    CHECK(opened.diagnostics[0].file == settings.path);
    return opened.diagnostics[0].to_text();
}

void write_rows(const std::string& path, int first, int count) {
    auto opened = decision_log_writer::open(settings_for(path));
    REQUIRE(opened.ok());
    for (int i = first; i < first + count; ++i)
        REQUIRE((*opened.value)->submit(make_entry(i), true));
    (*opened.value)->close();
}

}  // namespace

TEST_CASE(
    "decision log: a new file gets the ringfence id, the schema version, WAL and STRICT tables") {
    temp_directory dir;
    const std::string path = dir.file("decisions.db");
    {
        auto opened = decision_log_writer::open(settings_for(path));
        REQUIRE(opened.ok());
        CHECK(opened.diagnostics.empty());
    }
    CHECK(query_one(path, "PRAGMA application_id") == "1380336716");
    CHECK(decision_log_application_id == 0x5246444C);
    CHECK(query_one(path, "PRAGMA user_version") == std::to_string(decision_log_schema_version()));
    CHECK(decision_log_schema_version() == 4);
    CHECK(query_one(path, "PRAGMA journal_mode") == "wal");
    CHECK(
        query(path,
              "SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE "
              "'sqlite_%' ORDER BY name") ==
        std::vector<row>{{"decision_number_runs", "1"},
                         {"decision_numbers", "1"},
                         {"decision_rules", "1"},
                         {"decisions", "1"},
                         {"operator_actions", "1"},
                         {"ruleset_versions", "1"}});
    CHECK(query(path, "SELECT name FROM sqlite_schema WHERE type = 'view' ORDER BY name") ==
          std::vector<row>{{"callee_decisions"}, {"caller_decisions"}});
    // The number entries are a clustered key, not a rowid table with an index beside it.
    CHECK(query(path, "SELECT wr FROM pragma_table_list WHERE name = 'decision_numbers'") == std::vector<row>{{"1"}});
    CHECK(query(path,
                "SELECT name, tbl_name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL "
                "ORDER BY name") ==
          std::vector<row>{{"decision_rules_by_decision", "decision_rules"},
                           {"decision_rules_by_rule", "decision_rules"},
                           {"decisions_by_time", "decisions"},
                           {"operator_actions_by_subject", "operator_actions"}});
    CHECK(query(path,
                "SELECT i.name, (SELECT group_concat(name, ', ') FROM (SELECT name FROM "
                "pragma_index_info(i.name) ORDER BY seqno)) FROM sqlite_schema AS i "
                "WHERE i.type = 'index' AND i.sql IS NOT NULL ORDER BY i.name") ==
          std::vector<row>{{"decision_rules_by_decision", "decision_id"},
                           {"decision_rules_by_rule", "rule, decision_id"},
                           {"decisions_by_time", "time_ms"},
                           {"operator_actions_by_subject", "subject, time_ms"}});
    CHECK(query_one(path, "PRAGMA page_size") == "4096");
    CHECK(decision_log_page_size == 4096);
    CHECK(query(path,
                "SELECT name, type, \"notnull\", pk FROM pragma_table_info('decisions') ORDER BY "
                "cid") == std::vector<row>{{"id", "INTEGER", "0", "1"},
                                           {"time_ms", "INTEGER", "1", "0"},
                                           {"decided_at_ms", "INTEGER", "1", "0"},
                                           {"record_id", "TEXT", "0", "0"},
                                           {"kind", "TEXT", "1", "0"},
                                           {"caller_raw", "TEXT", "0", "0"},
                                           {"caller_e164", "TEXT", "0", "0"},
                                           {"caller_num", "INTEGER", "0", "0"},
                                           {"callee_raw", "TEXT", "0", "0"},
                                           {"callee_e164", "TEXT", "0", "0"},
                                           {"callee_num", "INTEGER", "0", "0"},
                                           {"asserted_e164", "TEXT", "0", "0"},
                                           {"origin_kind", "TEXT", "0", "0"},
                                           {"origin_trunk", "TEXT", "0", "0"},
                                           {"origin_ip", "TEXT", "0", "0"},
                                           {"action", "TEXT", "1", "0"},
                                           {"ruleset_version", "TEXT", "0", "0"},
                                           {"latency_us", "INTEGER", "1", "0"},
                                           {"record_json", "TEXT", "1", "0"}});
    CHECK(query(path, "SELECT \"from\", \"to\" FROM pragma_foreign_key_list('decision_rules')") ==
          std::vector<row>{{"decision_id", "id"}});
    // The auditor's `.schema` carries the column comments.
    CHECK(query_one(path,
                    "SELECT instr(sql, '-- record time, Unix epoch milliseconds UTC') > 0 FROM "
                    "sqlite_schema WHERE name = 'decisions'") == "1");
    // STRICT: a value of the wrong type is refused, not silently stored.
    CHECK(
        execute(
            path,
            "INSERT INTO decisions (time_ms, decided_at_ms, kind, action, latency_us, record_json) "
            "VALUES ('soon', 0, 'call.attempt', 'allow', 0, '{}')") ==
        "cannot store TEXT value in INTEGER column decisions.time_ms");
}

TEST_CASE("decision log: reopening keeps the rows and continues the ids") {
    temp_directory dir;
    const std::string path = dir.file("decisions.db");
    write_rows(path, 1, 3);
    write_rows(path, 4, 2);
    CHECK(query(path, "SELECT id, record_id FROM decisions ORDER BY id") ==
          std::vector<row>{
              {"1", "rec-1"}, {"2", "rec-2"}, {"3", "rec-3"}, {"4", "rec-4"}, {"5", "rec-5"}});
    CHECK(query_one(path, "PRAGMA user_version") == std::to_string(decision_log_schema_version()));
}

TEST_CASE("decision log: a file with a newer schema version is refused and left alone") {
    temp_directory dir;
    const std::string path = dir.file("decisions.db");
    write_rows(path, 1, 1);
    REQUIRE(execute(path, "PRAGMA user_version = 5") == "");
    CHECK(refusal(settings_for(path)) == path +
                                             ": error LOG_SCHEMA_TOO_NEW: decision log schema "
                                             "version 5 is newer than this ringfence "
                                             "writes (4); upgrade ringfence or use another file");
    CHECK(query_one(path, "PRAGMA user_version") == "5");
    CHECK(query_one(path, "SELECT count(*) FROM decisions") == "1");
}

TEST_CASE(
    "decision log: a file that is not SQLite is refused with SQLite's message and not changed") {
    temp_directory dir;
    const std::string path = dir.file("decisions.db");
    std::string content;
    for (int i = 0; i < 100; ++i) content += "this is a text file, not a database\n";
    std::ofstream(path, std::ios::binary) << content;
    CHECK(refusal(settings_for(path)) ==
          path + ": error LOG_OPEN_FAILED: cannot read the decision log: file is not a database");
    CHECK(read_file(path) == content);
}

TEST_CASE("decision log: another application's SQLite database is refused") {
    temp_directory dir;

    SUBCASE("with its own application_id") {
        const std::string path = dir.file("other.db");
        REQUIRE(execute(path, "PRAGMA application_id = 1234; CREATE TABLE t (x)") == "");
        CHECK(refusal(settings_for(path)) ==
              path +
                  ": error LOG_NOT_A_DECISION_LOG: not a ringfence decision log (application_id "
                  "0x000004d2, expected 0x5246444c)");
        CHECK(query_one(path, "PRAGMA journal_mode") == "delete");  // not switched to WAL
    }
    SUBCASE("with no application_id but tables of its own") {
        const std::string path = dir.file("other.db");
        REQUIRE(execute(path, "CREATE TABLE t (x); CREATE INDEX t_x ON t (x)") == "");
        CHECK(refusal(settings_for(path)) == path +
                                                 ": error LOG_NOT_A_DECISION_LOG: not a ringfence "
                                                 "decision log (no application_id, but "
                                                 "2 schema objects and user_version 0)");
        CHECK(query_one(path, "SELECT count(*) FROM sqlite_schema") == "2");
    }
}

TEST_CASE("decision log: an empty existing file becomes a log") {
    temp_directory dir;
    const std::string path = dir.file("decisions.db");
    std::ofstream(path, std::ios::binary).flush();
    write_rows(path, 1, 1);
    CHECK(query_one(path, "SELECT count(*) FROM decisions") == "1");
}

TEST_CASE("decision log: a path that cannot be created is refused") {
    temp_directory dir;
    const std::string path = dir.file("no-such-directory/decisions.db");
    CHECK(
        refusal(settings_for(path)) ==
        path +
            ": error LOG_OPEN_FAILED: cannot open the decision log: unable to open database file");
}

TEST_CASE("decision log: settings that cannot work are refused") {
    temp_directory dir;
    auto settings = settings_for(dir.file("decisions.db"));
    settings.queue_capacity = 0;
    CHECK(refusal(settings) ==
          settings.path + ": error LOG_BAD_SETTINGS: queue_capacity must be at least 1");
    settings.queue_capacity = 10;
    settings.batch_max_rows = 0;
    CHECK(refusal(settings) ==
          settings.path + ": error LOG_BAD_SETTINGS: batch_max_rows must be at least 1");
}

TEST_CASE("decision log: the migrations run in ascending order up to the current version") {
    const auto migrations = decision_log_migrations();
    REQUIRE_FALSE(migrations.empty());
    for (std::size_t i = 0; i < migrations.size(); ++i)
        CHECK(migrations[i].version == static_cast<int>(i) + 1);
    CHECK(migrations.back().version == decision_log_schema_version());
}

TEST_CASE("decision log: a version 1 file is migrated to the current version, keeping its rows and indexing their numbers") {
    temp_directory dir;
    const std::string path = dir.file("decisions.db");
    // The file a version-1 ringfence wrote: its tables and row-by-row number indexes.
    {
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
        REQUIRE(sqlite3_exec(db, decision_log_migrations()[0].sql, nullptr, nullptr, nullptr) == SQLITE_OK);
        REQUIRE(sqlite3_exec(db, "PRAGMA user_version = 1", nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(db);
    }
    REQUIRE(execute(path,
                    "INSERT INTO decisions (time_ms, decided_at_ms, kind, caller_num, callee_num, action, latency_us, record_json) VALUES "
                    "(30, 0, 'call.attempt', 84911000001, 84922000002, 'allow', 1, '{}'),"
                    "(10, 0, 'call.attempt', 84922000002, NULL, 'allow', 1, '{}'),"
                    "(20, 0, 'sms.submit', NULL, 84911000001, 'block', 1, '{}')") == "");
    write_rows(path, 4, 1);
    CHECK(query_one(path, "PRAGMA user_version") == "4");
    CHECK(query_one(path, "SELECT count(*) FROM decisions") == "4");
    CHECK(query_one(path, "SELECT count(*) FROM operator_actions") == "0");
    CHECK(query(path, "SELECT name FROM sqlite_schema WHERE name IN ('decisions_by_caller', 'decisions_by_callee')").empty());
    // The old rows are run 1, the row written after the migration run 2 (at close).
    CHECK(query(path, "SELECT run, first_id, last_id, entries FROM decision_number_runs ORDER BY run") ==
          std::vector<row>{{"1", "1", "3", "4"}, {"2", "4", "4", "2"}});
    CHECK(query(path, "SELECT run, side, number, time_ms, decision_id FROM decision_numbers WHERE run = 1") ==
          std::vector<row>{{"1", "0", "84911000001", "30", "1"},
                           {"1", "0", "84922000002", "10", "2"},
                           {"1", "1", "84911000001", "20", "3"},
                           {"1", "1", "84922000002", "30", "1"}});
    CHECK(query(path, "SELECT id FROM caller_decisions WHERE caller_num = 84922000002") == std::vector<row>{{"2"}});
    CHECK(query(path, "SELECT id FROM callee_decisions WHERE callee_num = 84911000001") == std::vector<row>{{"3"}});
}

TEST_CASE("SQLite keeps no allocation statistics: no global mutex on each of its allocations") {
    CHECK(sqlite::memory_statistics_config_result() == SQLITE_OK);
    temp_directory dir;
    auto opened = decision_log_writer::open(settings_for(dir.file("decisions.sqlite")));
    REQUIRE(opened.ok());
    CHECK(sqlite3_memory_used() == 0);  // counted only with the statistics on
}

TEST_CASE("decision log: a current file held by another writer's transaction opens (no migration needs its lock)") {
    temp_directory dir;
    const std::string path = dir.file("decisions.db");
    write_rows(path, 1, 2);
    // An operator's write transaction (a prune, say) on the live file while the daemon starts.
    sqlite3* other = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &other, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
    auto opened = open_decision_log_database(path);
    std::string diagnostics;
    for (const auto& d : opened.diagnostics) diagnostics += d.to_text() + "\n";
    INFO(diagnostics);
    CHECK(opened.ok());
    sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(other);
}

TEST_CASE("decision log: --check refuses a current file missing a table the writer needs, as a start does") {
    temp_directory dir;
    const std::string path = dir.file("decisions.db");
    write_rows(path, 1, 2);
    CHECK(check_decision_log_file(path).empty());
    REQUIRE(execute(path, "DROP VIEW caller_decisions; DROP VIEW callee_decisions; DROP TABLE decision_rules") == "");
    const auto found = check_decision_log_file(path);
    REQUIRE(found.size() == 1);
    CHECK(found[0].to_text() == path + ": error LOG_OPEN_FAILED: cannot prepare the decision log statements: no such table: decision_rules");
    // The start says the same.
    CHECK(refusal(settings_for(path)) == found[0].to_text());
}
