#include "sqlite/sqlite_handle.hpp"

#include <utility>

namespace ringfence::sqlite {

namespace {

// Before SQLite initialises (static initialisation, before main): no allocation statistics.
// With them (SQLite's default), every sqlite3_malloc and sqlite3_free takes one global
// mutex, which the decision log's writer, its checkpointer and the snapshot writer share:
// 8% of the writer thread's time at 150,000 rows/s went to locking it. Nothing here reads
// sqlite3_memory_used().
const int memory_statistics_off = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);

}  // namespace

int memory_statistics_config_result() noexcept { return memory_statistics_off; }

sqlite_connection::sqlite_connection(sqlite_connection&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)) {}

sqlite_connection& sqlite_connection::operator=(sqlite_connection&& other) noexcept {
    if (this != &other) {
        if (db_ != nullptr) sqlite3_close_v2(db_);
        db_ = std::exchange(other.db_, nullptr);
    }
    return *this;
}

sqlite_connection::~sqlite_connection() {
    // close_v2 defers the close if a statement outlives the connection instead of failing.
    if (db_ != nullptr) sqlite3_close_v2(db_);
}

sqlite_connection sqlite_connection::open(const std::string& path, int flags, std::string& error,
                                          const char* vfs) {
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &db, flags, vfs);
    if (rc != SQLITE_OK) {
        // Even a failed open usually allocates a handle that carries the message.
        error = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
        sqlite3_close_v2(db);
        return {};
    }
    sqlite3_extended_result_codes(db, 1);
    return sqlite_connection(db);
}

std::string sqlite_connection::exec(const char* sql) const {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) == SQLITE_OK) return {};
    std::string error = message != nullptr ? message : last_error();
    sqlite3_free(message);
    return error;
}

std::optional<std::int64_t> sqlite_connection::query_int(const char* sql,
                                                         std::string& error) const {
    sqlite_statement stmt = sqlite_statement::prepare(db_, sql, error);
    if (!stmt) return std::nullopt;
    const int rc = sqlite3_step(stmt.get());
    if (rc == SQLITE_ROW) return sqlite3_column_int64(stmt.get(), 0);
    error = rc == SQLITE_DONE ? std::string("no row from: ") + sql : last_error();
    return std::nullopt;
}

std::optional<std::string> sqlite_connection::query_text(const char* sql,
                                                         std::string& error) const {
    sqlite_statement stmt = sqlite_statement::prepare(db_, sql, error);
    if (!stmt) return std::nullopt;
    const int rc = sqlite3_step(stmt.get());
    if (rc == SQLITE_DONE) return std::string();
    if (rc != SQLITE_ROW) {
        error = last_error();
        return std::nullopt;
    }
    const auto* text = sqlite3_column_text(stmt.get(), 0);
    return text != nullptr ? std::string(reinterpret_cast<const char*>(text)) : std::string();
}

std::string sqlite_connection::last_error() const {
    return db_ != nullptr ? sqlite3_errmsg(db_) : "no database connection";
}

sqlite_statement::sqlite_statement(sqlite_statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)) {}

sqlite_statement& sqlite_statement::operator=(sqlite_statement&& other) noexcept {
    if (this != &other) {
        sqlite3_finalize(stmt_);
        stmt_ = std::exchange(other.stmt_, nullptr);
    }
    return *this;
}

sqlite_statement::~sqlite_statement() { sqlite3_finalize(stmt_); }

sqlite_statement sqlite_statement::prepare(sqlite3* db, std::string_view sql, std::string& error) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
        error = sqlite3_errmsg(db);
        sqlite3_finalize(stmt);
        return {};
    }
    return sqlite_statement(stmt);
}

void sqlite_statement::bind_int(int index, std::int64_t value) const noexcept {
    sqlite3_bind_int64(stmt_, index, value);
}

void sqlite_statement::bind_null(int index) const noexcept { sqlite3_bind_null(stmt_, index); }

void sqlite_statement::bind_text(int index, std::string_view text) const noexcept {
    // A non-null pointer even for "", so an empty string stays '' and does not become NULL.
    sqlite3_bind_text(stmt_, index, text.empty() ? "" : text.data(), static_cast<int>(text.size()),
                      SQLITE_STATIC);
}

void sqlite_statement::bind_text_or_null(int index, std::string_view text) const noexcept {
    if (text.empty())
        sqlite3_bind_null(stmt_, index);
    else
        sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
}

std::string sqlite_statement::run() const {
    const int rc = sqlite3_step(stmt_);
    // reset() repeats the step's error code; the message is read before it.
    std::string error;
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) error = sqlite3_errmsg(sqlite3_db_handle(stmt_));
    sqlite3_reset(stmt_);
    return error;
}

}  // namespace ringfence::sqlite
