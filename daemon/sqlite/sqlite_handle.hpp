// Owning wrappers for a SQLite connection and a prepared statement. Failures come back as
// SQLite's own message text (empty string = success), never as exceptions: the callers turn
// them into diagnostics or counted, retried write failures.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ringfence::sqlite {

// What sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) returned at start-up (SQLITE_OK, or
// SQLITE_MISUSE if SQLite was already in use): for a test that the setting took.
int memory_statistics_config_result() noexcept;

class sqlite_connection {
  public:
    sqlite_connection() = default;
    sqlite_connection(sqlite_connection&& other) noexcept;
    sqlite_connection& operator=(sqlite_connection&& other) noexcept;
    sqlite_connection(const sqlite_connection&) = delete;
    sqlite_connection& operator=(const sqlite_connection&) = delete;
    ~sqlite_connection();

    // Opens path with sqlite3_open_v2 flags, through the named VFS (nullptr: the default).
    // On failure the returned connection is empty and error holds SQLite's message.
    static sqlite_connection open(const std::string& path, int flags, std::string& error,
                                  const char* vfs = nullptr);

    sqlite3* get() const noexcept { return db_; }
    explicit operator bool() const noexcept { return db_ != nullptr; }

    // Runs one or more statements that return no rows. Returns "" or SQLite's message.
    std::string exec(const char* sql) const;

    // Runs a statement returning one integer (a PRAGMA such as user_version).
    // Empty optional on failure, with error set.
    std::optional<std::int64_t> query_int(const char* sql, std::string& error) const;

    // Runs a statement returning one text value (PRAGMA journal_mode). "" for NULL or no row.
    std::optional<std::string> query_text(const char* sql, std::string& error) const;

    // The message of the last failed call on this connection.
    std::string last_error() const;

  private:
    explicit sqlite_connection(sqlite3* db) noexcept : db_(db) {}
    sqlite3* db_ = nullptr;
};

class sqlite_statement {
  public:
    sqlite_statement() = default;
    sqlite_statement(sqlite_statement&& other) noexcept;
    sqlite_statement& operator=(sqlite_statement&& other) noexcept;
    sqlite_statement(const sqlite_statement&) = delete;
    sqlite_statement& operator=(const sqlite_statement&) = delete;
    ~sqlite_statement();

    // Prepares sql for repeated use (SQLITE_PREPARE_PERSISTENT). On failure the returned
    // statement is empty and error holds SQLite's message.
    static sqlite_statement prepare(sqlite3* db, std::string_view sql, std::string& error);

    sqlite3_stmt* get() const noexcept { return stmt_; }
    explicit operator bool() const noexcept { return stmt_ != nullptr; }

    // Binding by 1-based index. The text binders use SQLITE_STATIC: the caller keeps the
    // bytes alive and unchanged until the statement is stepped and reset. The _or_null
    // forms bind NULL for an empty string.
    void bind_int(int index, std::int64_t value) const noexcept;
    void bind_null(int index) const noexcept;
    void bind_text(int index, std::string_view text) const noexcept;
    void bind_text_or_null(int index, std::string_view text) const noexcept;

    // Steps once, expecting SQLITE_DONE, and resets. Returns "" or SQLite's message.
    std::string run() const;

  private:
    explicit sqlite_statement(sqlite3_stmt* stmt) noexcept : stmt_(stmt) {}
    sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace ringfence::sqlite
