#include "subscribers/subscriber_database.hpp"

#include <fmt/format.h>

#include "model/civil_date.hpp"
#include "subscribers/subscriber_schema.hpp"

namespace ringfence::subscribers {

const char* const subscriber_columns_sql =
    "msisdn, imsi, owner_id_hash, owner_type, population_match, population_match_date, matched_fields, "
    "biometric_verified, reverify_pending, status, status_since, activated_on, bank_link_verified";

sqlite::sqlite_connection open_subscriber_database(const std::string& path, std::string& error) {
    std::string why;
    auto db = sqlite::sqlite_connection::open(path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, why);
    if (!db) {
        error = fmt::format("{}: cannot open: {}", path, why);
        return {};
    }
    // An import commits while the daemon may be reading: wait for it rather than fail.
    sqlite3_busy_timeout(db.get(), 10000);
    const auto app = db.query_int("PRAGMA application_id", why);
    if (!app) {
        error = fmt::format("{}: not a SQLite database or unreadable: {}", path, why);
        return {};
    }
    if (*app != subscriber_application_id) {
        error = fmt::format("{}: not a ringfence subscriber database (application_id {:#x}, expected {:#x})", path, *app, subscriber_application_id);
        return {};
    }
    const auto version = db.query_int("PRAGMA user_version", why);
    if (!version || *version != subscriber_schema_version) {
        error = fmt::format("{}: subscriber schema version {} is not the {} this build reads", path, version.value_or(-1), subscriber_schema_version);
        return {};
    }
    const auto tables = db.query_int("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('subscribers', 'import_runs')", why);
    if (!tables || *tables != 2) {
        error = fmt::format("{}: the subscribers or import_runs table is missing{}", path, why.empty() ? "" : ": " + why);
        return {};
    }
    return db;
}

std::string create_subscriber_schema(const sqlite::sqlite_connection& db) { return db.exec(subscriber_schema_sql().c_str()); }

namespace {

std::string_view column_text(sqlite3_stmt* s, int i) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
    return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(s, i))) : std::string_view();
}

// Decodes the current row of a statement selecting subscriber_columns_sql. "" or why not.
std::string read_row(sqlite3_stmt* s, subscriber_row& row) {
    row.msisdn = sqlite3_column_int64(s, 0);
    row.imsi.assign(column_text(s, 1));
    row.owner_id_hash.assign(column_text(s, 2));
    auto bad = [&](const char* column, int i) { return fmt::format("subscriber +{}: bad {} '{}'", row.msisdn, column, column_text(s, i)); };
    const auto owner = parse_owner_type(column_text(s, 3));
    const auto match = parse_population_match(column_text(s, 4));
    const auto status = parse_subscriber_status(column_text(s, 9));
    const auto since = model::parse_iso_date(column_text(s, 10));
    const auto activated = model::parse_iso_date(column_text(s, 11));
    if (!owner) return bad("owner_type", 3);
    if (!match) return bad("population_match", 4);
    if (!status) return bad("status", 9);
    if (!since) return bad("status_since", 10);
    if (!activated) return bad("activated_on", 11);
    row.owner = *owner;
    row.match = *match;
    row.match_date = sqlite3_column_type(s, 5) == SQLITE_NULL ? std::nullopt : model::parse_iso_date(column_text(s, 5));
    row.matched_fields = sqlite3_column_int(s, 6);
    row.biometric_verified = sqlite3_column_int(s, 7) != 0;
    row.reverify_pending = sqlite3_column_int(s, 8) != 0;
    row.status = *status;
    row.status_since = *since;
    row.activated_on = *activated;
    row.bank_link_verified = sqlite3_column_int(s, 12) != 0;
    return {};
}

}  // namespace

std::string for_each_subscriber(const sqlite::sqlite_connection& db, const std::function<void(const subscriber_row&)>& visit, const char* where) {
    std::string error;
    const std::string sql = fmt::format("SELECT {} FROM subscribers{}{} ORDER BY msisdn", subscriber_columns_sql, where ? " WHERE " : "", where ? where : "");
    auto stmt = sqlite::sqlite_statement::prepare(db.get(), sql, error);
    if (!stmt) return error;
    subscriber_row row;
    int rc;
    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
        if (auto e = read_row(stmt.get(), row); !e.empty()) return e;
        visit(row);
    }
    if (rc != SQLITE_DONE) return db.last_error();
    return {};
}

subscriber_finder::subscriber_finder(const sqlite::sqlite_connection& db, std::string& error)
    : db_(db), stmt_(sqlite::sqlite_statement::prepare(db.get(), fmt::format("SELECT {} FROM subscribers WHERE msisdn = ?", subscriber_columns_sql), error)) {}

bool subscriber_finder::find(std::int64_t msisdn, subscriber_row& row, std::string& error) {
    stmt_.bind_int(1, msisdn);
    const int rc = sqlite3_step(stmt_.get());
    bool found = false;
    if (rc == SQLITE_ROW) {
        error = read_row(stmt_.get(), row);
        found = error.empty();
    } else if (rc != SQLITE_DONE) {
        error = db_.last_error();
    }
    sqlite3_reset(stmt_.get());
    return found;
}

}  // namespace ringfence::subscribers
