// The decision log writer: exact column values, commit notices to listeners, flushing on
// close, backpressure, rule-set versions, and retrying (or, at shutdown, giving up on) a
// failing transaction. Each test writes a real SQLite file in its own temporary directory.
#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>

#include <sys/wait.h>
#include <unistd.h>

#include "decision_log_test_support.hpp"
#include "model/record_json.hpp"

using namespace ringfence;
using namespace ringfence::store;
using namespace ringfence::store::test;

namespace {

std::unique_ptr<decision_log_writer> open_writer(const decision_log_settings& settings) {
    auto opened = decision_log_writer::open(settings);
    REQUIRE(opened.ok());
    return std::move(*opened.value);
}

// Settings whose batches are due only at batch_max_rows or close, so tests know the batches.
decision_log_settings slow_batches(const std::string& path, std::size_t rows) {
    auto s = settings_for(path);
    s.batch_max_rows = rows;
    s.batch_max_delay = std::chrono::seconds(60);
    return s;
}

// Holds the writer thread inside on_committed until released.
class blocking_listener final : public commit_listener {
  public:
    void on_committed(std::uint64_t, bool) override {
        std::unique_lock lock(mutex_);
        entered_ = true;
        changed_.notify_all();
        changed_.wait(lock, [&] { return released_; });
    }
    void wait_entered() {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return entered_; });
    }
    void release() {
        std::lock_guard lock(mutex_);
        released_ = true;
        changed_.notify_all();
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    bool entered_ = false;
    bool released_ = false;
};

constexpr const char* refuse_inserts =
    "CREATE TRIGGER refuse_inserts BEFORE INSERT ON decisions BEGIN SELECT RAISE(ABORT, 'refused "
    "by the "
    "test'); END";

}  // namespace

TEST_CASE("decision log writer: decision and rule rows hold exactly the entry's values") {
    temp_directory dir;
    const std::string path = dir.file("decisions.db");

    decision_log_entry blocked = make_entry(1);
    blocked.rec.id = "call-7";
    blocked.rec.kind = model::event_kind::call_attempt;
    blocked.rec.time_ms = 1795834800123;
    blocked.rec.callee.raw = "+88216000111";
    blocked.rec.callee.e164 = "+88216000111";
    blocked.rec.callee.country = "";
    blocked.rec.callee.type = model::number_type::satellite;
    blocked.rec.callee.is_home = false;
    blocked.rec.asserted.present = true;
    blocked.rec.asserted.raw = "+84912100001";
    blocked.rec.asserted.e164 = "+84912100001";
    blocked.rec.origin.kind = model::origin_kind::international;
    blocked.rec.origin.trunk = "INTL-3";
    blocked.rec.origin.ip = "203.0.113.9";
    blocked.dec.final_action = engine::action::block;
    blocked.dec.ruleset_version = "9f2c";
    blocked.latency_us = 84;
    blocked.decided_at_ms = 1795834800200;
    engine::matched_rule irsf;
    irsf.rule = "irsf_satellite_destination";
    irsf.priority = "critical";
    irsf.rule_action = engine::action::block;
    irsf.reason = "call to satellite range +88216 from a home mobile";
    irsf.evidence_json = R"({"prefix":"+88216"})";
    engine::matched_rule burst;
    burst.rule = "caller_burst";
    burst.priority = "warning";
    burst.rule_action = engine::action::warn;
    burst.shadow = true;
    burst.reason = "31 calls in 60 s";
    blocked.dec.rules = {irsf, burst};
    std::string blocked_json;
    model::append_record_json(blocked_json, blocked.rec);

    // Everything optional left empty: those columns must be NULL, not '' (the id, given as "", stays '').
    decision_log_entry bare;
    bare.rec.kind = model::event_kind::sms_deliver;
    bare.rec.time_ms = 5;
    bare.rec.time_from_receipt = true;
    bare.dec.final_action = engine::action::allow;
    bare.decided_at_ms = 6;
    std::string bare_json;
    model::append_record_json(bare_json, bare.rec);

    auto writer = open_writer(settings_for(path));
    REQUIRE(writer->submit(std::move(blocked), true));
    REQUIRE(writer->submit(std::move(bare), true));
    writer->close();

    CHECK(query(path,
                "SELECT id, time_ms, decided_at_ms, record_id, kind, caller_raw, caller_e164, "
                "callee_raw, "
                "callee_e164, asserted_e164, origin_kind, origin_trunk, origin_ip, action, "
                "ruleset_version, "
                "latency_us, typeof(time_ms), typeof(latency_us) FROM decisions ORDER BY id") ==
          std::vector<row>{
              {"1", "1795834800123", "1795834800200", "call-7", "call.attempt", "0912100001",
               "+84912100001", "+88216000111", "+88216000111", "+84912100001", "international",
               "INTL-3", "203.0.113.9", "block", "9f2c", "84", "integer", "integer"},
              {"2", "5", "6", "", "sms.deliver", std::nullopt, std::nullopt, std::nullopt,
               std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt, "allow",
               std::nullopt, "0", "integer", "integer"}});
    CHECK(query(path,
                "SELECT caller_num, callee_num, typeof(caller_num), typeof(callee_num) FROM "
                "decisions ORDER BY id") ==
          std::vector<row>{{"84912100001", "88216000111", "integer", "integer"},
                           {std::nullopt, std::nullopt, "null", "null"}});
    CHECK(query(path, "SELECT record_json FROM decisions ORDER BY id") ==
          std::vector<row>{{blocked_json}, {bare_json}});
    CHECK(query(path,
                "SELECT decision_id, rule, priority, action, shadow, reason, evidence_json, "
                "typeof(shadow) "
                "FROM decision_rules ORDER BY rowid") ==
          std::vector<row>{
              {"1", "irsf_satellite_destination", "critical", "block", "0",
               "call to satellite range +88216 from a home mobile", R"({"prefix":"+88216"})",
               "integer"},
              {"1", "caller_burst", "warning", "warn", "1", "31 calls in 60 s", "{}", "integer"}});
    const auto stats = writer->stats();
    CHECK(stats.rows_committed == 2);
    CHECK(stats.rule_rows_committed == 2);
    CHECK(stats.write_failures == 0);
    CHECK(stats.rows_lost == 0);
    CHECK(stats.queue_depth == 0);
}

TEST_CASE("decision log writer: each listener is told once per batch with its highest token") {
    temp_directory dir;
    const std::string path = dir.file("decisions.db");
    auto a = std::make_shared<recording_listener>();
    auto b = std::make_shared<recording_listener>();
    // One batch: nothing is due before close().
    auto writer = open_writer(slow_batches(path, 1000));
    REQUIRE(writer->submit(make_entry(1, a, 1), true));
    REQUIRE(writer->submit(make_entry(2, b, 1), true));
    REQUIRE(writer->submit(make_entry(3, a, 2), true));
    REQUIRE(writer->submit(make_entry(4, nullptr, 0), true));
    REQUIRE(writer->submit(make_entry(5, a, 3), true));
    REQUIRE(writer->submit(make_entry(6, b, 2), true));
    CHECK(a->notices().empty());
    writer->close();
    CHECK(a->notices() == std::vector<notice>{{3, true}});
    CHECK(b->notices() == std::vector<notice>{{2, true}});
    CHECK(writer->stats().batches_committed == 1);
}

TEST_CASE("decision log writer: batches of one row tell a listener every token in order") {
    temp_directory dir;
    const std::string path = dir.file("decisions.db");
    auto a = std::make_shared<recording_listener>();
    auto writer = open_writer(slow_batches(path, 1));
    for (std::uint64_t t = 1; t <= 20; ++t)
        REQUIRE(writer->submit(make_entry(static_cast<int>(t), a, t), true));
    writer->close();
    std::vector<notice> expected;
    for (std::uint64_t t = 1; t <= 20; ++t) expected.push_back({t, true});
    CHECK(a->notices() == expected);
    CHECK(writer->stats().batches_committed == 20);
}

TEST_CASE("decision log writer: a partial batch is committed after batch_max_delay") {
    temp_directory dir;
    const std::string path = dir.file("decisions.db");
    auto a = std::make_shared<recording_listener>();
    auto settings = settings_for(path);
    settings.batch_max_rows = 1000;
    settings.batch_max_delay = std::chrono::milliseconds(5);
    auto writer = open_writer(settings);
    REQUIRE(writer->submit(make_entry(1, a, 7), true));
    CHECK(eventually([&] { return !a->notices().empty(); }));
    CHECK(a->notices() == std::vector<notice>{{7, true}});
    CHECK(query_one(path, "SELECT count(*) FROM decisions") ==
          "1");  // readable while the writer runs
    CHECK(writer->stats().queue_depth == 0);
}

TEST_CASE("decision log writer: close() commits everything queued, and later submits are refused") {
    temp_directory dir;
    const std::string path = dir.file("decisions.db");
    auto writer = open_writer(slow_batches(path, 1000));
    for (int i = 1; i <= 10000; ++i) REQUIRE(writer->submit(make_entry(i), true));
    writer->close();
    // The writer copied the WAL back into the file and left the -wal (emptied) and -shm
    // files for read-only readers (below).
    CHECK(std::filesystem::exists(path + "-wal"));
    CHECK(std::filesystem::file_size(path + "-wal") == 0);
    CHECK(std::filesystem::exists(path + "-shm"));
    writer->close();  // idempotent
    const auto stats = writer->stats();
    CHECK(stats.rows_committed == 10000);
    CHECK(stats.batches_committed >= 10);
    CHECK(stats.queue_depth == 0);
    CHECK(
        query(path,
              "SELECT count(*), min(id), max(id), max(record_id = 'rec-' || id) FROM decisions") ==
        std::vector<row>{{"10000", "1", "10000", "1"}});
    CHECK_FALSE(writer->submit(make_entry(10001), true));
    CHECK_FALSE(writer->submit(make_entry(10002), false));
    CHECK(writer->stats().queue_full_events == 0);
}

TEST_CASE("decision log writer: a full queue refuses or blocks the submitter") {
    temp_directory dir;
    const std::string path = dir.file("decisions.db");
    auto settings = settings_for(path);
    settings.queue_capacity = 2;
    settings.batch_max_rows = 1;
    auto writer = open_writer(settings);

    // Hold the writer thread in the first commit notice, so nothing leaves the queue.
    auto gate = std::make_shared<blocking_listener>();
    REQUIRE(writer->submit(make_entry(1, gate, 1), true));
    gate->wait_entered();

    CHECK(writer->submit(make_entry(2), false));
    CHECK(writer->submit(make_entry(3), false));
    decision_log_entry refused = make_entry(4);
    CHECK_FALSE(writer->submit(std::move(refused), false));
    CHECK(refused.rec.id == "rec-4");  // left untouched
    CHECK(writer->stats().queue_full_events == 1);
    CHECK(writer->stats().queue_depth == 2);

    std::atomic<bool> returned{false};
    std::atomic<bool> accepted{false};
    std::thread waiter([&] {
        accepted = writer->submit(make_entry(5), true);
        returned = true;
    });
    CHECK(eventually([&] { return writer->stats().queue_full_events == 2; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK_FALSE(returned.load());  // still held back

    gate->release();
    waiter.join();
    CHECK(accepted.load());
    writer->close();
    CHECK(writer->stats().rows_committed == 4);
    CHECK(query(path,
                "SELECT group_concat(record_id, ' ') FROM (SELECT record_id FROM decisions ORDER "
                "BY id)") == std::vector<row>{{"rec-1 rec-2 rec-3 rec-5"}});
}

TEST_CASE("decision log writer: a rule-set version is stored once, with its content") {
    temp_directory dir;
    const std::string path = dir.file("decisions.db");
    const auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    {
        auto writer = open_writer(slow_batches(path, 1000));
        writer->record_ruleset_version("v1", "- rule: a\n");
        writer->record_ruleset_version("v1", "- rule: a\n");
        REQUIRE(writer->submit(make_entry(1), true));
        writer->record_ruleset_version("v2", "- rule: b\n");
        writer->record_ruleset_version("v1", "- rule: changed\n");
        writer->close();
    }
    const auto after = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    CHECK(query(path, "SELECT version, content FROM ruleset_versions ORDER BY version") ==
          std::vector<row>{{"v1", "- rule: a\n"}, {"v2", "- rule: b\n"}});
    const auto bounds =
        query(path, "SELECT min(first_used_ms), max(first_used_ms) FROM ruleset_versions");
    CHECK(std::stoll(*bounds[0][0]) >= before);
    CHECK(std::stoll(*bounds[0][1]) <= after);

    // Another process (a restart) with the same version keeps the first row.
    auto writer = open_writer(settings_for(path));
    writer->record_ruleset_version("v1", "- rule: restarted\n");
    // A reload gives the time its set started to decide, taken before it could.
    writer->record_ruleset_version("v3", "- rule: c\n", 1'795'834'800'123);
    writer->close();
    CHECK(query(path, "SELECT version, content FROM ruleset_versions ORDER BY version") ==
          std::vector<row>{{"v1", "- rule: a\n"}, {"v2", "- rule: b\n"}, {"v3", "- rule: c\n"}});
    CHECK(query(path, "SELECT first_used_ms FROM ruleset_versions WHERE version = 'v3'") == std::vector<row>{{"1795834800123"}});
}

TEST_CASE("decision log writer: a failing transaction is retried until it commits") {
    temp_directory dir;
    const std::string path = dir.file("decisions.db");
    // Three rows make a batch, so the writer takes all three at once however slowly they
    // are submitted (with the 2 ms default the first could leave alone on a busy machine).
    auto writer = open_writer(slow_batches(path, 3));
    REQUIRE(execute(path, refuse_inserts) == "");
    auto a = std::make_shared<recording_listener>();
    for (std::uint64_t t = 1; t <= 3; ++t)
        REQUIRE(writer->submit(make_entry(static_cast<int>(t), a, t), true));

    CHECK(eventually([&] { return writer->stats().write_failures >= 2; }));
    CHECK(a->notices().empty());
    CHECK(writer->stats().rows_committed == 0);
    CHECK(writer->stats().queue_depth == 3);

    REQUIRE(execute(path, "DROP TRIGGER refuse_inserts") == "");
    CHECK(eventually([&] { return writer->stats().rows_committed == 3; }));
    // The listener is told just after the count moves: wait for the notice, not the count.
    CHECK(eventually([&] { return !a->notices().empty(); }));
    CHECK(a->notices() == std::vector<notice>{{3, true}});
    writer->close();
    CHECK(query_one(path, "SELECT count(*) FROM decisions") == "3");
    CHECK(writer->stats().rows_lost == 0);
}

TEST_CASE(
    "decision log writer: at close a still-failing transaction is given up, counted and reported") {
    temp_directory dir;
    const std::string path = dir.file("decisions.db");
    auto writer = open_writer(slow_batches(path, 2));

    // Hold the writer in a commit notice while the next five entries queue up, so they are
    // taken in one swap and written as chunks of batch_max_rows: [1,2] [3,4] [5].
    auto gate = std::make_shared<blocking_listener>();
    REQUIRE(writer->submit(make_entry(0, gate, 1), true));
    REQUIRE(writer->submit(make_entry(0, gate, 2), true));
    gate->wait_entered();
    REQUIRE(execute(path, refuse_inserts) == "");
    auto a = std::make_shared<recording_listener>();
    for (std::uint64_t t = 1; t <= 5; ++t)
        REQUIRE(writer->submit(make_entry(static_cast<int>(t), a, t), true));
    std::thread closer([&] { writer->close(); });
    gate->release();
    closer.join();

    const auto stats = writer->stats();
    CHECK(stats.rows_committed == 2);
    CHECK(stats.rows_lost == 5);
    CHECK(stats.write_failures >= 5);  // at least 3 tries for the first chunk, 1 for each later one
    CHECK(stats.queue_depth == 0);
    CHECK(a->notices() == std::vector<notice>{{2, false}, {4, false}, {5, false}});
    REQUIRE(execute(path, "DROP TRIGGER refuse_inserts") == "");
    CHECK(query_one(path, "SELECT count(*) FROM decisions") == "2");
}

TEST_CASE("decision log writer: by default a transaction takes up to 65536 rows") {
    CHECK(decision_log_settings{}.batch_max_rows == 65536);
    CHECK(decision_log_settings{}.queue_capacity == 65536);
    CHECK(decision_log_settings{}.batch_max_delay == std::chrono::microseconds(2000));
}

TEST_CASE("decision log writer: at a low rate every entry is committed in a batch of its own") {
    temp_directory dir;
    const std::string path = dir.file("decisions.db");
    auto settings = settings_for(path);
    settings.batch_max_delay = std::chrono::milliseconds(1);
    auto writer = open_writer(settings);
    auto a = std::make_shared<recording_listener>();
    for (std::uint64_t t = 1; t <= 5; ++t) {
        REQUIRE(writer->submit(make_entry(static_cast<int>(t), a, t), true));
        REQUIRE(eventually([&] { return a->notices().size() == t; }));
    }
    CHECK(writer->stats().batches_committed == 5);
    writer->close();
    CHECK(a->notices() ==
          std::vector<notice>{{1, true}, {2, true}, {3, true}, {4, true}, {5, true}});
}

namespace {

// Group commit: while the writer is busy (here: held in a commit notice) entries queue up,
// and the next transaction takes all of them, up to batch_max_rows.
void check_group_commit(std::size_t batch_max_rows, std::uint64_t expected_batches) {
    temp_directory dir;
    const std::string path = dir.file("decisions.db");
    auto settings = settings_for(path);
    settings.batch_max_rows = batch_max_rows;
    settings.batch_max_delay = std::chrono::milliseconds(1);
    auto writer = open_writer(settings);
    auto gate = std::make_shared<blocking_listener>();
    REQUIRE(writer->submit(make_entry(0, gate, 1), true));
    gate->wait_entered();
    auto a = std::make_shared<recording_listener>();
    for (std::uint64_t t = 1; t <= 5000; ++t)
        REQUIRE(writer->submit(make_entry(static_cast<int>(t), a, t), true));
    gate->release();
    CHECK(eventually([&] { return writer->stats().rows_committed == 5001; }));
    writer->close();  // the batch count moves just after the row count: read it once closed
    CHECK(writer->stats().batches_committed == expected_batches);
    CHECK(a->notices().back() == notice{5000, true});
    CHECK(a->notices().size() == expected_batches - 1);
    CHECK(query_one(path, "SELECT count(*) FROM decisions") == "5001");
}

TEST_CASE("a transaction of 21 rows: two statements of eight rows and five single rows, every rule row on its decision") {
    temp_directory dir;
    const std::string path = dir.file("decisions.sqlite");
    // Due at 21 rows: one transaction takes all of them (8 + 8 in two INSERTs, then 5).
    auto writer = open_writer(slow_batches(path, 21));
    for (int n = 0; n < 21; ++n) {
        decision_log_entry e = make_entry(n);
        // Rules on the first and last row of each eight, and on a single row.
        if (n == 0 || n == 7 || n == 8 || n == 15 || n == 18) {
            e.dec.final_action = engine::action::block;
            engine::matched_rule m;
            m.rule = "rule_of_" + std::to_string(n);
            m.priority = "warning";
            m.rule_action = engine::action::block;
            m.reason = "row " + std::to_string(n);
            e.dec.rules = {m, m};
            e.dec.rules[1].rule += "_second";
        }
        REQUIRE(writer->submit(std::move(e), true));
    }
    writer->close();
    CHECK(writer->stats().batches_committed == 1);

    std::vector<row> decisions;
    for (int n = 0; n < 21; ++n)
        decisions.push_back({std::to_string(n + 1), "rec-" + std::to_string(n), "+84912" + std::to_string(100000 + n),
                             n == 0 || n == 7 || n == 8 || n == 15 || n == 18 ? "block" : "allow"});
    CHECK(query(path, "SELECT id, record_id, caller_e164, action FROM decisions ORDER BY id") == decisions);
    CHECK(query(path,
                "SELECT d.record_id, r.rule, r.reason FROM decision_rules r JOIN decisions d ON d.id = r.decision_id "
                "ORDER BY r.decision_id, r.rule") ==
          std::vector<row>{{"rec-0", "rule_of_0", "row 0"},   {"rec-0", "rule_of_0_second", "row 0"},
                           {"rec-7", "rule_of_7", "row 7"},   {"rec-7", "rule_of_7_second", "row 7"},
                           {"rec-8", "rule_of_8", "row 8"},   {"rec-8", "rule_of_8_second", "row 8"},
                           {"rec-15", "rule_of_15", "row 15"}, {"rec-15", "rule_of_15_second", "row 15"},
                           {"rec-18", "rule_of_18", "row 18"}, {"rec-18", "rule_of_18_second", "row 18"}});
    // The number index took each row under its own id.
    for (const int n : {0, 7, 8, 13, 20})
        CHECK(query(path, "SELECT record_id FROM caller_decisions WHERE caller_num = 84912" + std::to_string(100000 + n)) ==
              std::vector<row>{{"rec-" + std::to_string(n)}});
}

}  // namespace

TEST_CASE("decision log writer: entries queued while the writer is busy share one transaction") {
    check_group_commit(65536, 2);  // the first entry alone, then all 5000 at once
}

TEST_CASE("decision log writer: a transaction holds at most batch_max_rows rows") {
    check_group_commit(2000, 4);  // the first entry, then 2000 + 2000 + 1000
}

TEST_CASE("decision log writer: record_content keeps SMS text and extra fields only where the policy says, a shadow match not counting") {
    // One SMS no rule matched and one a rule blocked, both with text and extra fields.
    auto sms_entry = [](bool matched) {
        decision_log_entry e = make_entry(matched ? 2 : 1);
        e.rec.kind = model::event_kind::sms_submit;
        e.rec.sms.present = true;
        e.rec.sms.sender = "0912100001";
        e.rec.sms.text = "Mat khau cua em la 123456";  // 25 bytes
        model::extra_field name;
        name.name = "subscriber_name";
        name.text = "Nguyen Van A";
        name.type = model::extra_field::json_type::string;
        e.rec.extra = {name};
        if (matched) {
            engine::matched_rule r;
            r.rule = "smishing_lure";
            r.priority = "critical";
            r.rule_action = engine::action::block;
            r.reason = "lure";
            e.dec.rules = {r};
            e.dec.final_action = engine::action::block;
        }
        return e;
    };
    auto stored = [&](record_content content) {
        temp_directory dir;
        const std::string path = dir.file("decisions.db");
        auto settings = settings_for(path);
        settings.content = content;
        auto writer = open_writer(settings);
        REQUIRE(writer->submit(sms_entry(false), true));
        REQUIRE(writer->submit(sms_entry(true), true));
        decision_log_entry shadow_only = sms_entry(true);
        shadow_only.dec.rules[0].shadow = true;
        shadow_only.dec.final_action = engine::action::allow;
        REQUIRE(writer->submit(std::move(shadow_only), true));
        writer->close();
        return query(path,
                     "SELECT json_extract(record_json, '$.sms.text'), json_extract(record_json, '$.sms.text_bytes'), "
                     "json_extract(record_json, '$.extra.subscriber_name'), json_extract(record_json, '$.extra_withheld'), "
                     "json_extract(record_json, '$.sms.sender') FROM decisions ORDER BY id");
    };
    const row withheld{std::nullopt, "25", std::nullopt, R"(["subscriber_name"])", "0912100001"};
    const row kept{"Mat khau cua em la 123456", std::nullopt, "Nguyen Van A", std::nullopt, "0912100001"};
    CHECK(stored(record_content::when_matched) == std::vector<row>{withheld, kept, withheld});  // a shadow match keeps nothing
    CHECK(stored(record_content::always) == std::vector<row>{kept, kept, kept});
    CHECK(stored(record_content::never) == std::vector<row>{withheld, withheld, withheld});
}

TEST_CASE("decision log: after the daemon's writer has closed, a user who may read the folder but not write it opens the log read-only") {
    if (::getuid() != 0) {
        MESSAGE("skipped: the test runs its reader as user nobody, which needs root to switch to");
        return;
    }
    temp_directory dir;
    const std::string path = dir.file("decisions.db");
    {
        auto writer = open_writer(settings_for(path));
        for (int i = 1; i <= 100; ++i) REQUIRE(writer->submit(make_entry(i), true));
        writer->close();
    }
    // The auditor's view: the folder and files readable, nothing writable.
    std::filesystem::permissions(std::filesystem::path(path).parent_path(), std::filesystem::perms(0755));
    for (const char* suffix : {"", "-wal", "-shm"})
        if (std::filesystem::exists(path + suffix)) std::filesystem::permissions(path + suffix, std::filesystem::perms(0644));
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(3);
        sqlite3* db = nullptr;
        if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) ::_exit(4);
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db, "SELECT count(*) FROM decisions", -1, &st, nullptr) != SQLITE_OK) ::_exit(5);
        const bool all = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 100;
        sqlite3_finalize(st);
        sqlite3_close(db);
        ::_exit(all ? 0 : 6);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);  // 5: "attempt to write a readonly database" with no -shm left
}
