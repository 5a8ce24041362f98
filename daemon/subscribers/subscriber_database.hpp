// Opening the subscriber database and reading it row by row. Reading checks the file is a
// ringfence subscriber database of the schema this build knows (application_id,
// user_version, the subscribers table), so a wrong or corrupt file is refused with a
// message that says which, never half-read.
#pragma once

#include <functional>
#include <string>

#include "sqlite/sqlite_handle.hpp"
#include "subscribers/subscriber.hpp"

namespace ringfence::subscribers {

// Opens path read-only and checks its identity and schema; an empty connection with error
// set ("…: not a ringfence subscriber database (application_id …)") otherwise.
sqlite::sqlite_connection open_subscriber_database(const std::string& path, std::string& error);

// Creates the tables in an empty database (the DDL of subscriber_schema.hpp).
std::string create_subscriber_schema(const sqlite::sqlite_connection& db);

// Calls visit for every subscriber in msisdn order (where: a constant SQL filter, never
// data), with one row object reused between calls. Returns "" or the reason reading stopped (a value the schema should not allow is
// reported with the msisdn that holds it).
std::string for_each_subscriber(const sqlite::sqlite_connection& db, const std::function<void(const subscriber_row&)>& visit,
                                const char* where = nullptr);

// Point lookups by msisdn with one prepared statement.
class subscriber_finder {
public:
    subscriber_finder(const sqlite::sqlite_connection& db, std::string& error);
    explicit operator bool() const { return static_cast<bool>(stmt_); }
    // True and row filled when the subscriber exists; false when not or on error (error set).
    bool find(std::int64_t msisdn, subscriber_row& row, std::string& error);

private:
    const sqlite::sqlite_connection& db_;
    sqlite::sqlite_statement stmt_;
};

// The SELECT column list for_each_subscriber() reads, and the 13-parameter INSERT.
extern const char* const subscriber_columns_sql;

}  // namespace ringfence::subscribers
