#include "engine/state/window_snapshot.hpp"

#include <map>
#include <memory>

namespace ringfence::engine::state {
namespace {

const char* const schema_statements[] = {
    "DROP TABLE IF EXISTS call_history",
    "DROP TABLE IF EXISTS window_state",
    "DROP TABLE IF EXISTS window_spec",
    "CREATE TABLE window_spec (spec_no INTEGER PRIMARY KEY, fingerprint TEXT NOT NULL, "
    "function TEXT NOT NULL, window_ms INTEGER NOT NULL) STRICT",
    "CREATE TABLE window_state (spec_no INTEGER NOT NULL REFERENCES window_spec(spec_no), "
    "key_hash INTEGER NOT NULL, entry BLOB NOT NULL) STRICT",
    "CREATE TABLE call_history (part INTEGER NOT NULL, shard INTEGER NOT NULL, key INTEGER NOT NULL, "
    "value INTEGER NOT NULL) STRICT",
    "PRAGMA user_version = 2",
};
static_assert(window_snapshot_format == 2, "update the user_version statement");

struct statement_closer {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using statement_ptr = std::unique_ptr<sqlite3_stmt, statement_closer>;

struct database_closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using database_ptr = std::unique_ptr<sqlite3, database_closer>;

std::string spec_key(const window_spec& spec) {
    return spec.fingerprint + '\x1f' + stored_function(spec) + '\x1f' + std::to_string(spec.window_ms);
}

}  // namespace

window_snapshot_writer::~window_snapshot_writer() {
    sqlite3_finalize(insert_spec_);
    sqlite3_finalize(insert_state_);
    sqlite3_finalize(insert_history_);
    if (db_ != nullptr) {
        if (sqlite3_get_autocommit(db_) == 0) run("ROLLBACK");
        sqlite3_close_v2(db_);
    }
}

std::string window_snapshot_writer::fail(const std::string& what) {
    std::string message = "window snapshot " + path_ + ": " + what;
    if (db_ != nullptr) {
        message += ": ";
        message += sqlite3_errmsg(db_);
    }
    return message;
}

// Prepares and steps one fixed statement.
std::string window_snapshot_writer::run(const char* sql) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &raw, nullptr) != SQLITE_OK) return fail(sql);
    statement_ptr stmt(raw);
    const int rc = sqlite3_step(stmt.get());
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return fail(sql);
    return "";
}

std::string window_snapshot_writer::open(const std::string& path) {
    path_ = path;
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
        SQLITE_OK) {
        std::string error = fail("cannot open");
        sqlite3_close_v2(db_);
        db_ = nullptr;
        return error;
    }
    sqlite3_busy_timeout(db_, 5000);
    if (std::string error = run("BEGIN IMMEDIATE"); !error.empty()) return error;
    for (const char* sql : schema_statements) {
        if (std::string error = run(sql); !error.empty()) return error;
    }
    if (sqlite3_prepare_v2(db_,
                           "INSERT INTO window_spec (spec_no, fingerprint, function, window_ms) "
                           "VALUES (?1, ?2, ?3, ?4)",
                           -1, &insert_spec_, nullptr) != SQLITE_OK ||
        sqlite3_prepare_v2(
            db_, "INSERT INTO window_state (spec_no, key_hash, entry) VALUES (?1, ?2, ?3)", -1,
            &insert_state_, nullptr) != SQLITE_OK ||
        sqlite3_prepare_v2(db_, "INSERT INTO call_history (part, shard, key, value) VALUES (?1, ?2, ?3, ?4)", -1,
                           &insert_history_, nullptr) != SQLITE_OK) {
        return fail("cannot prepare the inserts");
    }
    return "";
}

std::string window_snapshot_writer::write_history(int part, int shard, std::uint64_t key, std::int64_t value) {
    if (insert_history_ == nullptr) return "window snapshot " + path_ + ": not open";
    sqlite3_bind_int(insert_history_, 1, part);
    sqlite3_bind_int(insert_history_, 2, shard);
    sqlite3_bind_int64(insert_history_, 3, static_cast<sqlite3_int64>(key));
    sqlite3_bind_int64(insert_history_, 4, value);
    const int rc = sqlite3_step(insert_history_);
    sqlite3_reset(insert_history_);
    if (rc != SQLITE_DONE) return fail("cannot insert a call_history row");
    return "";
}

std::string window_snapshot_writer::declare(const window_spec& spec, const member_births* born, std::int64_t& number) {
    if (insert_spec_ == nullptr) return "window snapshot " + path_ + ": not open";
    auto [it, added] =
        spec_numbers_.try_emplace(spec_key(spec), static_cast<std::int64_t>(spec_numbers_.size()));
    number = it->second;
    if (!added) return "";
    const std::string function = stored_function(spec, born);
    sqlite3_bind_int64(insert_spec_, 1, it->second);
    sqlite3_bind_text(insert_spec_, 2, spec.fingerprint.data(),
                      static_cast<int>(spec.fingerprint.size()), SQLITE_STATIC);
    sqlite3_bind_text(insert_spec_, 3, function.data(), static_cast<int>(function.size()),
                      SQLITE_STATIC);
    sqlite3_bind_int64(insert_spec_, 4, spec.window_ms);
    const int rc = sqlite3_step(insert_spec_);
    sqlite3_reset(insert_spec_);
    if (rc != SQLITE_DONE) return fail("cannot insert a window_spec row");
    return "";
}

std::string window_snapshot_writer::write(const window_spec& spec, const member_births* born, std::uint64_t key_hash,
                                          std::span<const std::uint8_t> entry) {
    if (insert_state_ == nullptr) return "window snapshot " + path_ + ": not open";
    std::int64_t number = 0;
    if (std::string error = declare(spec, born, number); !error.empty()) return error;
    sqlite3_bind_int64(insert_state_, 1, number);
    sqlite3_bind_int64(insert_state_, 2, static_cast<sqlite3_int64>(key_hash));
    sqlite3_bind_blob(insert_state_, 3, entry.data(), static_cast<int>(entry.size()),
                      SQLITE_STATIC);
    const int rc = sqlite3_step(insert_state_);
    sqlite3_reset(insert_state_);
    if (rc != SQLITE_DONE) return fail("cannot insert a window_state row");
    return "";
}

std::string window_snapshot_writer::commit() {
    if (db_ == nullptr) return "window snapshot " + path_ + ": not open";
    return run("COMMIT");
}

namespace {

bool prepare_statement(sqlite3* db, const char* sql, statement_ptr& out) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
    out.reset(stmt);
    return rc == SQLITE_OK;
}

// Opens a snapshot read-only, checks its format and reads its specs by spec_no. Returns ""
// or an error message naming the file.
std::string open_snapshot(const std::string& path, database_ptr& db, std::map<std::int64_t, stored_spec>& specs,
                          std::int64_t* format_out = nullptr) {
    const std::string prefix = "window snapshot " + path + ": ";
    sqlite3* raw_db = nullptr;
    const int open_rc = sqlite3_open_v2(path.c_str(), &raw_db, SQLITE_OPEN_READONLY, nullptr);
    db.reset(raw_db);
    if (open_rc != SQLITE_OK) return prefix + sqlite3_errmsg(db.get());

    statement_ptr version;
    if (!prepare_statement(db.get(), "PRAGMA user_version", version) || sqlite3_step(version.get()) != SQLITE_ROW) {
        return prefix + sqlite3_errmsg(db.get());
    }
    const std::int64_t format = sqlite3_column_int64(version.get(), 0);
    if (format != window_snapshot_format && format != 1) {
        return prefix + "format " + std::to_string(format) + ", expected " +
               std::to_string(window_snapshot_format) + " (or 1)";
    }
    if (format_out != nullptr) *format_out = format;

    statement_ptr spec_rows;
    if (!prepare_statement(db.get(), "SELECT spec_no, fingerprint, function, window_ms FROM window_spec", spec_rows)) {
        return prefix + sqlite3_errmsg(db.get());
    }
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(spec_rows.get())) == SQLITE_ROW) {
        auto text = [&](int column) {
            const auto* p = sqlite3_column_text(spec_rows.get(), column);
            return std::string(p != nullptr ? reinterpret_cast<const char*>(p) : "");
        };
        specs[sqlite3_column_int64(spec_rows.get(), 0)] =
            stored_spec{text(1), text(2), sqlite3_column_int64(spec_rows.get(), 3)};
    }
    if (rc != SQLITE_DONE) return prefix + sqlite3_errmsg(db.get());
    return "";
}

}  // namespace

std::string read_call_history(const std::string& path,
                              const std::function<void(int, int, std::uint64_t, std::int64_t)>& visit) {
    database_ptr db;
    std::map<std::int64_t, stored_spec> specs;
    std::int64_t format = 0;
    if (std::string error = open_snapshot(path, db, specs, &format); !error.empty()) return error;
    if (format < 2) return "";  // saved before the call history was
    const std::string prefix = "window snapshot " + path + ": ";
    statement_ptr rows;
    if (!prepare_statement(db.get(), "SELECT part, shard, key, value FROM call_history", rows)) return prefix + sqlite3_errmsg(db.get());
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(rows.get())) == SQLITE_ROW)
        visit(sqlite3_column_int(rows.get(), 0), sqlite3_column_int(rows.get(), 1),
              static_cast<std::uint64_t>(sqlite3_column_int64(rows.get(), 2)), sqlite3_column_int64(rows.get(), 3));
    if (rc != SQLITE_DONE) return prefix + sqlite3_errmsg(db.get());
    return "";
}

std::string read_window_snapshot_specs(const std::string& path, std::vector<stored_spec>& out) {
    database_ptr db;
    std::map<std::int64_t, stored_spec> specs;
    if (std::string error = open_snapshot(path, db, specs); !error.empty()) return error;
    out.clear();
    for (auto& [number, spec] : specs) out.push_back(std::move(spec));
    return "";
}

std::string read_window_snapshot(const std::string& path,
                                 const std::function<void(const stored_spec&, std::uint64_t,
                                                          std::span<const std::uint8_t>)>& visit) {
    database_ptr db;
    std::map<std::int64_t, stored_spec> specs;
    if (std::string error = open_snapshot(path, db, specs); !error.empty()) return error;
    const std::string prefix = "window snapshot " + path + ": ";
    statement_ptr state_rows;
    if (!prepare_statement(db.get(), "SELECT spec_no, key_hash, entry FROM window_state", state_rows)) {
        return prefix + sqlite3_errmsg(db.get());
    }
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(state_rows.get())) == SQLITE_ROW) {
        const auto spec = specs.find(sqlite3_column_int64(state_rows.get(), 0));
        if (spec == specs.end()) return prefix + "window_state row refers to no window_spec";
        const auto key_hash = static_cast<std::uint64_t>(sqlite3_column_int64(state_rows.get(), 1));
        const auto* blob =
            static_cast<const std::uint8_t*>(sqlite3_column_blob(state_rows.get(), 2));
        const auto size = static_cast<std::size_t>(sqlite3_column_bytes(state_rows.get(), 2));
        visit(spec->second, key_hash, std::span<const std::uint8_t>(blob, size));
    }
    if (rc != SQLITE_DONE) return prefix + sqlite3_errmsg(db.get());
    return "";
}

}  // namespace ringfence::engine::state
