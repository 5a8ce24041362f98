#include "store/decision_log_schema.hpp"

#include <fmt/format.h>

#include <array>

namespace ringfence::store {

namespace {

// Version 1. Comments sit inside the CREATE statements on purpose: SQLite keeps that text in
// sqlite_schema, so an auditor's `.schema` shows what each column means.
// Texts that may be absent are NULL, never '' (WHERE caller_e164 IS NULL finds them all).
//
// Why the numbers are indexed as integers (caller_num, callee_num) and not as the E.164
// text: each row puts one key in random order into each number index, which is most of the
// cost of a row. An integer key (6 bytes for a 12-digit number, compared as one machine
// word) makes the index smaller and cheaper to search than the 13-byte text: measured with
// 1M rows, two integer indexes wrote ~150k rows/s where two text indexes wrote ~125k.
// Each index also holds time_ms after the number, so "what did this number do, in time
// order, between T1 and T2" is one range scan; that costs ~10% against an integer alone.
constexpr const char* schema_v1 = R"sql(
CREATE TABLE decisions (
    id              INTEGER PRIMARY KEY,  -- decision number, increasing in the order rows were committed
    time_ms         INTEGER NOT NULL,     -- record time, Unix epoch milliseconds UTC (arrival time if the record had none, or one too far ahead: record_json then holds the sender's as time_sent)
    decided_at_ms   INTEGER NOT NULL,     -- daemon wall clock when it decided, Unix epoch milliseconds UTC
    record_id       TEXT,                 -- the id the sender gave the record, echoed in the reply
    kind            TEXT NOT NULL,        -- call.attempt, call.answer, call.end, sms.submit or sms.deliver
    caller_raw      TEXT,                 -- calling number exactly as presented
    caller_e164     TEXT,                 -- calling number normalised to E.164 ('+84912345678'); NULL if not a phone number; for display
    caller_num      INTEGER,              -- the digits of caller_e164 as an integer (84912345678), NULL when caller_e164 is; search with caller_num = 84912345678 in the view caller_decisions
    callee_raw      TEXT,                 -- called number exactly as presented
    callee_e164     TEXT,                 -- called number in E.164; for display
    callee_num      INTEGER,              -- the digits of callee_e164 as an integer, NULL when callee_e164 is; search with callee_num = 84912345678 in the view callee_decisions
    asserted_e164   TEXT,                 -- network-asserted identity (P-Asserted-Identity) in E.164
    origin_kind     TEXT,                 -- where the event entered: home_mobile, home_fixed, interconnect, international, voip, ott
    origin_trunk    TEXT,                 -- trunk or route name the event came in on
    origin_ip       TEXT,                 -- signalling source IP address
    action          TEXT NOT NULL,        -- the decision returned: allow, warn or block
    ruleset_version TEXT,                 -- rule set that decided (ruleset_versions.version); NULL if none was loaded
    latency_us      INTEGER NOT NULL,     -- time from receipt to decision, microseconds
    record_json     TEXT NOT NULL         -- the normalised record as one JSON object; the SMS text and extra fields only where decision_log.record_content keeps them
) STRICT;
CREATE INDEX decisions_by_time ON decisions (time_ms)
    -- all decisions between T1 and T2: WHERE time_ms BETWEEN T1 AND T2
;
CREATE INDEX decisions_by_caller ON decisions (caller_num, time_ms)
    -- everything a caller did, by time: WHERE caller_num = 84912345678 [AND time_ms BETWEEN T1 AND T2] ORDER BY time_ms
;
CREATE INDEX decisions_by_callee ON decisions (callee_num, time_ms)
    -- everything to a callee, by time: WHERE callee_num = 84912345678 [AND time_ms BETWEEN T1 AND T2] ORDER BY time_ms
;

CREATE TABLE decision_rules (
    decision_id   INTEGER NOT NULL REFERENCES decisions (id),  -- the decision this rule matched in
    rule          TEXT NOT NULL,     -- rule name as in the rule pack
    priority      TEXT NOT NULL,     -- syslog level name: emergency .. debug
    action        TEXT NOT NULL,     -- what the rule asked for: allow, warn or block
    shadow        INTEGER NOT NULL,  -- 1: shadow rule, evaluated and logged but never changed the action
    reason        TEXT NOT NULL,     -- the rule's reason text, rendered for this record
    evidence_json TEXT NOT NULL      -- JSON object: the values that crossed thresholds, the list entry that matched
) STRICT;
CREATE INDEX decision_rules_by_rule ON decision_rules (rule, decision_id)
    -- everything rule R fired on: WHERE rule = 'R', then decisions.id = decision_id
;
CREATE INDEX decision_rules_by_decision ON decision_rules (decision_id)
    -- the rules that matched in one decision: WHERE decision_id = N
;

CREATE TABLE ruleset_versions (
    version       TEXT PRIMARY KEY,  -- hash of the rule content, as in decisions.ruleset_version
    first_used_ms INTEGER NOT NULL,  -- when a daemon process first loaded it to decide with, Unix epoch milliseconds UTC
    content       TEXT NOT NULL      -- the rule text as loaded, so the rules can be read as they were
) STRICT;

PRAGMA application_id = 1380336716;
)sql";

// Version 2: what operators did to the daemon's state, for auditors beside the decisions.
constexpr const char* schema_v2 = R"sql(
CREATE TABLE operator_actions (
    id         INTEGER PRIMARY KEY,  -- action number, in the order they were committed
    time_ms    INTEGER NOT NULL,     -- when, Unix epoch milliseconds UTC (daemon wall clock)
    actor_uid  INTEGER NOT NULL,     -- uid of the process that asked (peer credentials of the control socket)
    action     TEXT NOT NULL,        -- what was done: state.reset
    subject    TEXT NOT NULL,        -- what it was done to: the key (a number, an IP...)
    detail     TEXT NOT NULL         -- JSON object: what it changed ({"entries":3})
) STRICT;
CREATE INDEX operator_actions_by_subject ON operator_actions (subject, time_ms)
    -- everything done to one subject: WHERE subject = '+84912345678'
;
)sql";

// Version 3: the number indexes are built in runs instead of row by row. The caller and
// callee indexes of version 1 put two keys in random order into two B-trees with every row,
// so a commit of a few rows rewrote about two index pages per row, and the writer slowed as
// the file grew (38,000 rows/s past 5M rows against 150,000 in a new file). Now the writer
// keeps the numbers of the rows it commits in memory; once a run of rows is complete (a
// number of rows or an age, decision_number_index.hpp) it sorts them and appends them to
// decision_numbers in key order, a few hundred per transaction beside the rows, and records
// the run in decision_number_runs when its last entry is in. Appending in key order under a
// new run number only ever writes at the right edge of the tree.
//
// Auditors search numbers through the views of version 4. (Version 3 as first written also
// created views; version 4 replaces them, whichever a file has.)
//
// The existing rows of an older log become run 1, read in order from the old indexes.
constexpr const char* schema_v3 = R"sql(
CREATE TABLE decision_number_runs (
    run           INTEGER PRIMARY KEY,  -- run number, increasing
    first_id      INTEGER NOT NULL,     -- the run covers the decisions with first_id <= id <= last_id
    last_id       INTEGER NOT NULL,
    entries       INTEGER NOT NULL,     -- rows it put in decision_numbers
    indexed_at_ms INTEGER NOT NULL      -- when its last entry was committed, Unix epoch milliseconds UTC
) STRICT;
CREATE TABLE decision_numbers (
    run         INTEGER NOT NULL,  -- decision_number_runs.run
    side        INTEGER NOT NULL,  -- 0: the decision's caller_num, 1: its callee_num
    number      INTEGER NOT NULL,  -- the number, as decisions.caller_num / callee_num
    time_ms     INTEGER NOT NULL,  -- decisions.time_ms
    decision_id INTEGER NOT NULL,  -- decisions.id
    PRIMARY KEY (run, side, number, time_ms, decision_id)
) STRICT, WITHOUT ROWID;
INSERT INTO decision_numbers (run, side, number, time_ms, decision_id)
    SELECT 1, 0, caller_num, time_ms, id FROM decisions INDEXED BY decisions_by_caller
    WHERE caller_num IS NOT NULL ORDER BY caller_num, time_ms, id;
INSERT INTO decision_numbers (run, side, number, time_ms, decision_id)
    SELECT 1, 1, callee_num, time_ms, id FROM decisions INDEXED BY decisions_by_callee
    WHERE callee_num IS NOT NULL ORDER BY callee_num, time_ms, id;
INSERT INTO decision_number_runs (run, first_id, last_id, entries, indexed_at_ms)
    SELECT 1, min(id), max(id), (SELECT count(*) FROM decision_numbers),
           CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM decisions HAVING count(*) > 0;
DROP INDEX decisions_by_caller;
DROP INDEX decisions_by_callee;
)sql";

// Version 4: the views auditors search numbers through, caller_decisions and
// callee_decisions: every decisions column, found through the runs, plus the rows after the
// last complete run (at most a run or two). decisions.caller_num = N still gives the right
// rows but reads the whole table.
// - CROSS JOIN fixes the join order: for each run (few) the primary key finds the number;
//   SQLite would otherwise scan decision_numbers.
// - NOT INDEXED leaves SQLite only the rowid range for the rows after the last run (a rowid
//   is not an index): the first views, in version 3 as first written, let it walk
//   decisions_by_time over the whole table when a query selected and ordered by time_ms.
// - A view holds only rows that have its number, indexed yet or not.
constexpr const char* schema_v4 = R"sql(
DROP VIEW IF EXISTS caller_decisions;
DROP VIEW IF EXISTS callee_decisions;
CREATE VIEW caller_decisions AS
    -- everything a caller did: WHERE caller_num = 84912345678 [AND time_ms BETWEEN T1 AND T2] ORDER BY time_ms
    SELECT d.id, n.time_ms AS time_ms, d.decided_at_ms, d.record_id, d.kind, d.caller_raw,
           d.caller_e164, n.number AS caller_num, d.callee_raw, d.callee_e164, d.callee_num,
           d.asserted_e164, d.origin_kind, d.origin_trunk, d.origin_ip, d.action,
           d.ruleset_version, d.latency_us, d.record_json
    FROM decision_number_runs r
    CROSS JOIN decision_numbers n ON n.run = r.run AND n.side = 0
    CROSS JOIN decisions d ON d.id = n.decision_id
    UNION ALL
    SELECT d.id, d.time_ms, d.decided_at_ms, d.record_id, d.kind, d.caller_raw,
           d.caller_e164, d.caller_num, d.callee_raw, d.callee_e164, d.callee_num,
           d.asserted_e164, d.origin_kind, d.origin_trunk, d.origin_ip, d.action,
           d.ruleset_version, d.latency_us, d.record_json
    FROM decisions AS d NOT INDEXED
    WHERE d.id > (SELECT coalesce(max(last_id), 0) FROM decision_number_runs) AND d.caller_num IS NOT NULL;
CREATE VIEW callee_decisions AS
    -- everything to a callee: WHERE callee_num = 84912345678 [AND time_ms BETWEEN T1 AND T2] ORDER BY time_ms
    SELECT d.id, n.time_ms AS time_ms, d.decided_at_ms, d.record_id, d.kind, d.caller_raw,
           d.caller_e164, d.caller_num, d.callee_raw, d.callee_e164, n.number AS callee_num,
           d.asserted_e164, d.origin_kind, d.origin_trunk, d.origin_ip, d.action,
           d.ruleset_version, d.latency_us, d.record_json
    FROM decision_number_runs r
    CROSS JOIN decision_numbers n ON n.run = r.run AND n.side = 1
    CROSS JOIN decisions d ON d.id = n.decision_id
    UNION ALL
    SELECT d.id, d.time_ms, d.decided_at_ms, d.record_id, d.kind, d.caller_raw,
           d.caller_e164, d.caller_num, d.callee_raw, d.callee_e164, d.callee_num,
           d.asserted_e164, d.origin_kind, d.origin_trunk, d.origin_ip, d.action,
           d.ruleset_version, d.latency_us, d.record_json
    FROM decisions AS d NOT INDEXED
    WHERE d.id > (SELECT coalesce(max(last_id), 0) FROM decision_number_runs) AND d.callee_num IS NOT NULL;
)sql";

constexpr std::array<schema_migration, 4> migrations{{
    {1, schema_v1},
    {2, schema_v2},
    {3, schema_v3},
    {4, schema_v4},
}};

static_assert(decision_log_application_id == 1380336716, "schema_v1 sets this id literally");

common::diagnostic error(std::string code, std::string message, const std::string& path) {
    common::diagnostic d;
    d.code = std::move(code);
    d.message = std::move(message);
    d.file = path;
    return d;
}

}  // namespace

std::span<const schema_migration> decision_log_migrations() noexcept { return migrations; }

int decision_log_schema_version() noexcept { return migrations.back().version; }

std::optional<common::diagnostic> check_decision_log_identity(const sqlite::sqlite_connection& db,
                                                              const std::string& path) {
    // The first read of the file: a file that is not SQLite fails here ("file is not a database").
    std::string failure;
    const auto application_id = db.query_int("PRAGMA application_id", failure);
    const auto user_version =
        application_id ? db.query_int("PRAGMA user_version", failure) : std::nullopt;
    const auto table_count =
        user_version ? db.query_int("SELECT count(*) FROM sqlite_schema", failure) : std::nullopt;
    if (!table_count)
        return error("LOG_OPEN_FAILED", fmt::format("cannot read the decision log: {}", failure),
                     path);

    if (*application_id != 0 && *application_id != decision_log_application_id)
        return error(
            "LOG_NOT_A_DECISION_LOG",
            fmt::format("not a ringfence decision log (application_id {:#010x}, expected {:#010x})",
                        static_cast<std::uint32_t>(*application_id),
                        static_cast<std::uint32_t>(decision_log_application_id)),
            path);
    // No id but a schema of its own: some other program's database; do not add tables to it.
    if (*application_id == 0 && (*table_count != 0 || *user_version != 0))
        return error(
            "LOG_NOT_A_DECISION_LOG",
            fmt::format("not a ringfence decision log (no application_id, but {} schema objects "
                        "and user_version {})",
                        *table_count, *user_version),
            path);
    if (*user_version > decision_log_schema_version())
        return error(
            "LOG_SCHEMA_TOO_NEW",
            fmt::format("decision log schema version {} is newer than this ringfence writes ({}); "
                        "upgrade ringfence or use another file",
                        *user_version, decision_log_schema_version()),
            path);
    return std::nullopt;
}

std::optional<common::diagnostic> migrate_decision_log(const sqlite::sqlite_connection& db,
                                                       const std::string& path) {
    // A file already at this version needs no write lock: a start must not fail because an
    // operator's transaction holds the file (the writer waits for it, decision-log.md).
    std::string read_failure;
    const auto version = db.query_int("PRAGMA user_version", read_failure);
    std::optional<std::int64_t> current = version;  // as last read: each step commits on its own
    for (const schema_migration& m : migrations) {
        if (version && *version >= m.version) continue;
        std::string failure = db.exec("BEGIN IMMEDIATE");
        if (failure.empty()) {
            current = db.query_int("PRAGMA user_version", failure);
            if (current && *current >= m.version) {
                failure = db.exec("COMMIT");  // another process got here first
                if (failure.empty()) continue;
            } else if (current) {
                failure = db.exec(m.sql);
                if (failure.empty())
                    failure = db.exec(fmt::format("PRAGMA user_version = {}", m.version).c_str());
                if (failure.empty()) failure = db.exec("COMMIT");
                if (failure.empty()) continue;
            }
            db.exec("ROLLBACK");
        }
        return error("LOG_MIGRATION_FAILED",
                     current ? fmt::format("cannot migrate the decision log from schema version {} to {}: {}", *current, m.version, failure)
                             : fmt::format("cannot migrate the decision log to schema version {}: {}", m.version, failure),
                     path);
    }
    return std::nullopt;
}

}  // namespace ringfence::store
