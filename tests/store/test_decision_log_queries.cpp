// The auditors' questions against a real log: each one returns the right rows and uses an
// index (EXPLAIN QUERY PLAN, exact as SQLite 3.40 words it), and every query printed in
// docs/decision-log.md runs and reads no table from end to end.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "decision_log_test_support.hpp"

using namespace ringfence;
using namespace ringfence::store;
using namespace ringfence::store::test;

namespace {

// The detail column of EXPLAIN QUERY PLAN, one string per step.
std::vector<std::string> plan(const std::string& path, const std::string& sql) {
    std::vector<std::string> steps;
    for (const row& r : query(path, "EXPLAIN QUERY PLAN " + sql))
        steps.push_back(r.at(3).value_or(""));
    return steps;
}

// Plan steps as one text, so a failing check prints them.
std::string joined(const std::vector<std::string>& steps) {
    std::string text;
    for (const std::string& s : steps) text += s + "\n";
    return text;
}

decision_log_entry entry(int n, std::string caller, std::string callee, std::int64_t time_ms) {
    decision_log_entry e = make_entry(n);
    e.rec.caller.e164 = std::move(caller);
    e.rec.callee.e164 = std::move(callee);
    e.rec.time_ms = time_ms;
    return e;
}

engine::matched_rule rule(std::string name, std::string reason) {
    engine::matched_rule m;
    m.rule = std::move(name);
    m.priority = "warning";
    m.rule_action = engine::action::warn;
    m.reason = std::move(reason);
    return m;
}

// Six decisions: caller +84911000001 three times (ids 1, 3, 5, its times out of id order),
// callee +84922000002 twice (ids 2, 5), rule "burst" on ids 3 and 4.
std::string write_log(const temp_directory& dir) {
    const std::string path = dir.file("decisions.db");
    auto opened = decision_log_writer::open(settings_for(path));
    REQUIRE(opened.ok());
    auto& writer = **opened.value;
    const std::int64_t t0 = 1795834800000;  // 2026-11-28 03:00:00 UTC
    std::vector<decision_log_entry> entries;
    entries.push_back(entry(1, "+84911000001", "+84933000003", t0 + 5000));
    entries.push_back(entry(2, "+84944000004", "+84922000002", t0 + 1000));
    entries.push_back(entry(3, "+84911000001", "+84955000005", t0 + 3000));
    entries.push_back(entry(4, "+84966000006", "+84977000007", t0 + 4000));
    entries.push_back(entry(5, "+84911000001", "+84922000002", t0 + 2000));
    entries.push_back(entry(6, "", "", t0 + 6000));  // no E.164 numbers at all
    entries[2].dec.rules = {rule("burst", "12 calls in 60 s")};
    entries[3].dec.rules = {rule("burst", "40 calls in 60 s"), rule("night", "03:00 local")};
    for (auto& e : entries) REQUIRE(writer.submit(std::move(e), true));
    writer.close();
    return path;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// The bodies of the ```sql blocks of a Markdown text, in order.
std::vector<std::string> sql_blocks(const std::string& markdown) {
    std::vector<std::string> blocks;
    const std::string open = "```sql\n";
    for (std::size_t at = markdown.find(open); at != std::string::npos;
         at = markdown.find(open, at)) {
        const std::size_t start = at + open.size();
        const std::size_t end = markdown.find("```", start);
        if (end == std::string::npos) break;
        blocks.push_back(markdown.substr(start, end - start));
        at = end + 3;
    }
    return blocks;
}

}  // namespace

TEST_CASE("decision log queries: numbers are stored as E.164 text and as integers") {
    temp_directory dir;
    const std::string path = write_log(dir);
    CHECK(query(path,
                "SELECT id, caller_e164, caller_num, typeof(caller_num), callee_e164, callee_num "
                "FROM decisions WHERE id IN (1, 6) ORDER BY id") ==
          std::vector<row>{
              {"1", "+84911000001", "84911000001", "integer", "+84933000003", "84933000003"},
              {"6", std::nullopt, std::nullopt, "null", std::nullopt, std::nullopt}});
    // The integer gives the text back.
    CHECK(query_one(path,
                    "SELECT count(*) FROM decisions WHERE caller_e164 IS NOT '+' || caller_num "
                    "AND caller_num IS NOT NULL") == "0");
}

// How a number is found through a view: each complete run (SCAN r: a row per run) is
// searched by its primary key, and the rows after the last run are read by id. The only
// other SCAN is of the view's own result (a co-routine), never of a table.
bool is_allowed_scan(const std::string& step) {
    return step == "SCAN r" || step == "SCAN caller_decisions" || step == "SCAN callee_decisions";
}

void check_number_plan(const std::vector<std::string>& steps) {
    CAPTURE(joined(steps));
    // A step that begins so (the number's search may go on with a time range).
    const auto has = [&](const std::string& start) {
        return std::any_of(steps.begin(), steps.end(), [&](const std::string& s) { return s.rfind(start, 0) == 0; });
    };
    CHECK(has("SCAN r"));
    CHECK(has("SEARCH n USING PRIMARY KEY (run=? AND side=? AND number=?"));
    CHECK(has("SEARCH d USING INTEGER PRIMARY KEY (rowid=?)"));
    CHECK(has("SEARCH d USING INTEGER PRIMARY KEY (rowid>?)"));
    CHECK_FALSE(has("SEARCH d USING INDEX"));  // the rows after the last run: by id only
    for (const std::string& step : steps)
        if (!is_allowed_scan(step)) CHECK(step.substr(0, 4) != "SCAN");
}

TEST_CASE("decision log queries: everything a caller did, by time, goes through the number runs") {
    temp_directory dir;
    const std::string path = write_log(dir);
    const std::string all =
        "SELECT id, kind FROM caller_decisions WHERE caller_num = 84911000001 ORDER BY time_ms";
    check_number_plan(plan(path, all));
    CHECK(query(path, all) ==
          std::vector<row>{{"5", "call.attempt"}, {"3", "call.attempt"}, {"1", "call.attempt"}});

    const std::string between =
        "SELECT id, kind FROM caller_decisions WHERE caller_num = 84911000001 AND time_ms BETWEEN "
        "1795834802000 AND 1795834803000 ORDER BY time_ms";
    const auto steps = plan(path, between);
    CHECK(std::find(steps.begin(), steps.end(),
                    "SEARCH n USING PRIMARY KEY (run=? AND side=? AND number=? AND time_ms>? AND time_ms<?)") != steps.end());
    CHECK(query(path, between) == std::vector<row>{{"5", "call.attempt"}, {"3", "call.attempt"}});
    // The view has every column of decisions, in the same order.
    CHECK(query(path, "SELECT * FROM caller_decisions WHERE caller_num = 84911000001 ORDER BY id") ==
          query(path, "SELECT * FROM decisions WHERE caller_num = 84911000001 ORDER BY id"));
}

TEST_CASE("decision log queries: the number views read no table from end to end, whatever is selected or ordered") {
    temp_directory dir;
    const std::string path = write_log(dir);
    for (const std::string view : {"caller", "callee"}) {
        const std::string from = view + "_decisions WHERE " + view + "_num = 84911000001";
        for (const std::string& sql : {"SELECT time_ms, kind, callee_e164, action FROM " + from + " ORDER BY time_ms",
                                       "SELECT * FROM " + from + " ORDER BY time_ms",
                                       "SELECT id, time_ms, kind FROM " + from + " ORDER BY time_ms DESC LIMIT 10",
                                       "SELECT time_ms FROM " + from + " AND time_ms BETWEEN 1795834802000 AND 1795834803000 ORDER BY time_ms",
                                       "SELECT count(*) FROM " + from}) {
            CAPTURE(sql);
            check_number_plan(plan(path, sql));
        }
    }
    // The README's own query.
    check_number_plan(plan(path, "SELECT time_ms, kind, callee_e164, action FROM caller_decisions WHERE caller_num = 84912345678 ORDER BY time_ms"));
}

TEST_CASE("decision log queries: a number view holds only rows with its number, indexed or not") {
    temp_directory dir;
    const std::string path = write_log(dir);  // row 6 has neither number
    CHECK(query_one(path, "SELECT count(*) FROM caller_decisions WHERE caller_num IS NULL") == "0");
    CHECK(query_one(path, "SELECT count(*) FROM caller_decisions") == query_one(path, "SELECT count(caller_num) FROM decisions"));
    CHECK(query_one(path, "SELECT count(*) FROM callee_decisions") == query_one(path, "SELECT count(callee_num) FROM decisions"));
    // The same before any run: the rows are read from decisions.
    REQUIRE(execute(path, "DELETE FROM decision_numbers; DELETE FROM decision_number_runs") == "");
    CHECK(query_one(path, "SELECT count(*) FROM caller_decisions WHERE caller_num IS NULL") == "0");
    CHECK(query_one(path, "SELECT count(*) FROM caller_decisions") == query_one(path, "SELECT count(caller_num) FROM decisions"));
}

TEST_CASE("decision log queries: everything to a callee, by time, goes through the number runs") {
    temp_directory dir;
    const std::string path = write_log(dir);
    const std::string all =
        "SELECT id, kind FROM callee_decisions WHERE callee_num = 84922000002 ORDER BY time_ms";
    check_number_plan(plan(path, all));
    CHECK(query(path, all) == std::vector<row>{{"2", "call.attempt"}, {"5", "call.attempt"}});
    CHECK(query(path, "SELECT * FROM callee_decisions WHERE callee_num = 84922000002 ORDER BY id") ==
          query(path, "SELECT * FROM decisions WHERE callee_num = 84922000002 ORDER BY id"));
}

TEST_CASE("decision log queries: all decisions between two times use decisions_by_time") {
    temp_directory dir;
    const std::string path = write_log(dir);
    const std::string between =
        "SELECT id, kind FROM decisions WHERE time_ms BETWEEN 1795834802000 AND 1795834804000 "
        "ORDER BY time_ms";
    CHECK(plan(path, between) ==
          std::vector<std::string>{"SEARCH decisions USING INDEX "
                                   "decisions_by_time (time_ms>? AND time_ms<?)"});
    CHECK(query(path, between) ==
          std::vector<row>{{"5", "call.attempt"}, {"3", "call.attempt"}, {"4", "call.attempt"}});
}

TEST_CASE("decision log queries: everything a rule fired on uses decision_rules_by_rule") {
    temp_directory dir;
    const std::string path = write_log(dir);
    const std::string fired =
        "SELECT d.id, r.reason FROM decision_rules AS r JOIN decisions AS d ON d.id = "
        "r.decision_id WHERE r.rule = 'burst' ORDER BY d.time_ms";
    CHECK(plan(path, fired) ==
          std::vector<std::string>{"SEARCH r USING INDEX decision_rules_by_rule (rule=?)",
                                   "SEARCH d USING INTEGER PRIMARY KEY (rowid=?)",
                                   "USE TEMP B-TREE FOR ORDER BY"});
    CHECK(query(path, fired) ==
          std::vector<row>{{"3", "12 calls in 60 s"}, {"4", "40 calls in 60 s"}});
    CHECK(plan(path, "SELECT rule FROM decision_rules WHERE decision_id = 4") ==
          std::vector<std::string>{
              "SEARCH decision_rules USING INDEX decision_rules_by_decision (decision_id=?)"});
}

TEST_CASE("decision log queries: the text number columns have no index (a full scan)") {
    temp_directory dir;
    const std::string path = write_log(dir);
    CHECK(plan(path, "SELECT id FROM decisions WHERE caller_e164 = '+84911000001'") ==
          std::vector<std::string>{"SCAN decisions"});
}

TEST_CASE("decision log queries: every query in docs/decision-log.md runs and uses an index") {
    temp_directory dir;
    const std::string path = write_log(dir);
    const auto blocks = sql_blocks(read_text(RINGFENCE_SOURCE_DIR "/docs/decision-log.md"));
    CHECK(blocks.size() == 8);
    for (const std::string& sql : blocks) {
        CAPTURE(sql);
        const auto steps = plan(path, sql);
        REQUIRE_FALSE(steps.empty());
        // Through the number views, the runs are scanned (a row per run), never a table.
        for (const std::string& step : steps)
            if (!is_allowed_scan(step)) CHECK(step.substr(0, 4) != "SCAN");
        CHECK_NOTHROW(query(path, sql));
    }
}
