// The decision log's schema: the file identity (application_id), the schema version
// (user_version) and the list of forward migrations that bring any older ringfence log up
// to the version this code writes. The DDL itself, with a comment per column for
// auditors, is in decision_log_schema.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "common/diagnostic.hpp"
#include "sqlite/sqlite_handle.hpp"

namespace ringfence::store {

// PRAGMA application_id of every ringfence decision log: "RFDL" in ASCII.
inline constexpr std::int64_t decision_log_application_id = 0x5246444C;

// One step forward: run sql, then set user_version to version, in one transaction.
struct schema_migration {
    int version;
    const char* sql;
};

// In ascending version order, starting at 1; the last one is the version this code writes.
std::span<const schema_migration> decision_log_migrations() noexcept;
int decision_log_schema_version() noexcept;

// Reads the file's identity before anything writes to it. Refuses (with a diagnostic whose
// file is path) a file that is not SQLite (LOG_OPEN_FAILED, SQLite's message), a SQLite file
// of another application (LOG_NOT_A_DECISION_LOG: another non-zero application_id, or none
// but tables of its own) and a log from a newer ringfence (LOG_SCHEMA_TOO_NEW).
std::optional<common::diagnostic> check_decision_log_identity(const sqlite::sqlite_connection& db,
                                                              const std::string& path);

// Applies every migration newer than the file's user_version, each in its own
// BEGIN IMMEDIATE transaction that re-reads user_version first (so two processes opening the
// same new file do not both migrate). LOG_MIGRATION_FAILED on failure, file unchanged by the
// failed step.
std::optional<common::diagnostic> migrate_decision_log(const sqlite::sqlite_connection& db,
                                                       const std::string& path);

}  // namespace ringfence::store
