// The intel database: a SQLite file of its own (intel.path, beside the decision log) that
// holds the intelligence lists, their entries and the audit trail of every change. Written
// by `ringfence lists ...`, read by the daemon, which picks changes up while it runs.
// The schema, with a comment per column, is in intel_database.cpp.
#pragma once

#include <cstdint>
#include <string>

#include "common/diagnostic.hpp"
#include "sqlite/sqlite_handle.hpp"

namespace ringfence::intel {

// PRAGMA application_id of every ringfence intel database: "RFIN" in ASCII.
inline constexpr std::int64_t intel_application_id = 0x5246494E;
// 1: the schema; 2: URL entries keyed as url_key has keyed them since (ports by value, no
// 80 or 443, no lone "/" after a port): version 1 files are re-keyed when opened.
inline constexpr int intel_schema_version = 2;
inline constexpr int intel_busy_timeout_ms = 5000;

// Opens (creating when missing, with its schema) the intel database at path, in WAL mode so
// the daemon reads while an operator writes. Refuses a file that is not SQLite, a SQLite
// file of another application (INTEL_NOT_AN_INTEL_DB), and one from a newer ringfence
// (INTEL_SCHEMA_TOO_NEW); every refusal names the file and why.
common::loaded<sqlite::sqlite_connection> open_intel_database(const std::string& path);

// Re-keys every entry of the url lists with the current url_key, inside the caller's
// transaction: an entry whose new key another entry of its list already has is dropped (the
// other one stays), and each list changed has its revision raised so a running daemon
// rebuilds it. Used by the version 2 migration and after a restore of an older backup.
// Returns "" or SQLite's message.
std::string rekey_url_entries(sqlite::sqlite_connection& db);

}  // namespace ringfence::intel
