#include "intel/intel_database.hpp"

#include <fmt/format.h>

#include <chrono>
#include <set>
#include <vector>

#include "engine/text/url_key.hpp"

namespace ringfence::intel {

namespace {

// Version 1. The comments stay in sqlite_schema, so `.schema` explains each column.
// Times are Unix epoch milliseconds UTC.
constexpr const char* schema_v1 = R"sql(
CREATE TABLE lists (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,  -- as rule packs name it (police_numbers)
    kind          TEXT NOT NULL CHECK (kind IN ('number', 'number_prefix', 'domain', 'url', 'ip', 'bank_account')),
    description   TEXT NOT NULL DEFAULT '',
    created_at_ms INTEGER NOT NULL,
    revision      INTEGER NOT NULL DEFAULT 0  -- raised by every change to the list's entries; the daemon rebuilds a list whose revision moved
) STRICT;

CREATE TABLE entries (
    id            INTEGER PRIMARY KEY,
    list_id       INTEGER NOT NULL REFERENCES lists (id),
    value         TEXT NOT NULL,   -- normalised: E.164 '+84912345678', '+84190', 'example.com', 'example.com/login', '203.0.113.0/24', 'VCB:0011004012345' or '0011004012345'
    bank_code     TEXT,            -- bank_account entries: the bank's short code when the entry names one
    source        TEXT NOT NULL CHECK (source IN ('police', 'bank', 'spam_reports', 'internal')),
    reason        TEXT NOT NULL,   -- why it is listed; shown in the evidence of every decision it causes
    added_at_ms   INTEGER NOT NULL,
    expires_at_ms INTEGER,         -- NULL: never; records at or after this time no longer match
    added_by      TEXT NOT NULL,   -- OS user name and uid of whoever added (or last replaced) it
    UNIQUE (list_id, value)
) STRICT;

CREATE TABLE audit (
    id          INTEGER PRIMARY KEY,
    time_ms     INTEGER NOT NULL,
    actor       TEXT NOT NULL,    -- OS user name and uid of the process that made the change: 'alice (uid 1000)'
    action      TEXT NOT NULL CHECK (action IN ('create', 'import', 'add', 'remove')),
    list        TEXT NOT NULL,
    value       TEXT,             -- add, remove: the normalised value
    file        TEXT,             -- import: the file's path as given
    file_sha256 TEXT,             -- import: SHA-256 of the file's bytes
    rows_added  INTEGER,          -- import: entries new to the list
    rows_replaced INTEGER,        -- import: entries that were there and were replaced
    detail      TEXT NOT NULL     -- source, reason and expiry of an add; kind of a create
) STRICT;
CREATE INDEX audit_by_list ON audit (list, time_ms);
)sql";

common::diagnostic refusal(std::string code, std::string message, const std::string& path) {
    return {common::severity::error, std::move(code), std::move(message), path, 0, 0};
}

}  // namespace

common::loaded<sqlite::sqlite_connection> open_intel_database(const std::string& path) {
    common::loaded<sqlite::sqlite_connection> out;
    auto fail = [&](std::string code, std::string message) {
        out.diagnostics.push_back(refusal(std::move(code), std::move(message), path));
        return std::move(out);
    };
    std::string failure;
    auto db = sqlite::sqlite_connection::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, failure);
    if (!db) return fail("INTEL_OPEN_FAILED", fmt::format("cannot open the intel database: {}", failure));
    sqlite3_busy_timeout(db.get(), intel_busy_timeout_ms);
    const auto application_id = db.query_int("PRAGMA application_id", failure);
    const auto user_version = application_id ? db.query_int("PRAGMA user_version", failure) : std::nullopt;
    const auto objects = user_version ? db.query_int("SELECT count(*) FROM sqlite_schema", failure) : std::nullopt;
    if (!objects) return fail("INTEL_OPEN_FAILED", fmt::format("cannot read the intel database: {}", failure));
    if (*application_id != 0 && *application_id != intel_application_id)
        return fail("INTEL_NOT_AN_INTEL_DB", fmt::format("not a ringfence intel database (application_id {:#010x}, expected {:#010x})",
                                                         static_cast<std::uint32_t>(*application_id),
                                                         static_cast<std::uint32_t>(intel_application_id)));
    if (*application_id == 0 && (*objects != 0 || *user_version != 0))
        return fail("INTEL_NOT_AN_INTEL_DB",
                    fmt::format("not a ringfence intel database (no application_id, but {} schema objects and user_version {})", *objects,
                                *user_version));
    if (*user_version > intel_schema_version)
        return fail("INTEL_SCHEMA_TOO_NEW", fmt::format("intel database schema version {} is newer than this ringfence reads ({}); upgrade ringfence",
                                                        *user_version, intel_schema_version));
    const auto journal = db.query_text("PRAGMA journal_mode = WAL", failure);
    if (!journal) return fail("INTEL_OPEN_FAILED", fmt::format("cannot switch the intel database to WAL: {}", failure));
    failure = db.exec("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
    if (!failure.empty()) return fail("INTEL_OPEN_FAILED", fmt::format("cannot configure the intel database: {}", failure));
    if (*user_version < intel_schema_version) {
        // Another process may be creating or migrating it too: re-read the version inside the
        // transaction.
        failure = db.exec("BEGIN IMMEDIATE");
        if (failure.empty()) {
            const auto current = db.query_int("PRAGMA user_version", failure);
            if (current && *current == 0) failure = db.exec(schema_v1);
            if (failure.empty() && current && *current < 2) failure = rekey_url_entries(db);
            if (failure.empty() && current && *current < intel_schema_version)
                failure = db.exec(fmt::format("PRAGMA application_id = {}; PRAGMA user_version = {};", intel_application_id,
                                              intel_schema_version).c_str());
            if (failure.empty()) failure = db.exec("COMMIT");
            else db.exec("ROLLBACK");
        }
        if (!failure.empty()) return fail("INTEL_OPEN_FAILED", fmt::format("cannot create the intel database's schema: {}", failure));
    }
    out.value = std::move(db);
    return out;
}

std::string rekey_url_entries(sqlite::sqlite_connection& db) {
    std::string failure;
    auto read = sqlite::sqlite_statement::prepare(
        db.get(), "SELECT e.id, e.list_id, e.value FROM entries e JOIN lists l ON l.id = e.list_id WHERE l.kind = 'url'", failure);
    if (!read) return failure;
    struct change {
        std::int64_t id, list_id;
        std::string key;
    };
    std::vector<change> changes;
    std::string key;
    int rc;
    while ((rc = sqlite3_step(read.get())) == SQLITE_ROW) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(read.get(), 2));
        const std::string value = text != nullptr ? text : "";
        engine::text::url_key(value, key);
        if (!key.empty() && key != value) changes.push_back({sqlite3_column_int64(read.get(), 0), sqlite3_column_int64(read.get(), 1), key});
    }
    if (rc != SQLITE_DONE) return db.last_error();
    auto taken = sqlite::sqlite_statement::prepare(db.get(), "SELECT 1 FROM entries WHERE list_id = ?1 AND value = ?2", failure);
    auto update = sqlite::sqlite_statement::prepare(db.get(), "UPDATE entries SET value = ?2 WHERE id = ?1", failure);
    auto drop = sqlite::sqlite_statement::prepare(db.get(), "DELETE FROM entries WHERE id = ?1", failure);
    auto bump = sqlite::sqlite_statement::prepare(db.get(), "UPDATE lists SET revision = max(revision + 1, ?2) WHERE id = ?1", failure);
    if (!taken || !update || !drop || !bump) return failure;
    std::set<std::int64_t> lists;
    for (const change& c : changes) {
        taken.bind_int(1, c.list_id);
        taken.bind_text(2, c.key);
        const int found = sqlite3_step(taken.get());
        sqlite3_reset(taken.get());
        if (found != SQLITE_ROW && found != SQLITE_DONE) return db.last_error();
        const sqlite::sqlite_statement& st = found == SQLITE_ROW ? drop : update;
        st.bind_int(1, c.id);
        if (found != SQLITE_ROW) st.bind_text(2, c.key);
        if (auto e = st.run(); !e.empty()) return e;
        lists.insert(c.list_id);
    }
    const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    for (const std::int64_t id : lists) {
        bump.bind_int(1, id);
        bump.bind_int(2, now_us);
        if (auto e = bump.run(); !e.empty()) return e;
    }
    return {};
}

}  // namespace ringfence::intel
