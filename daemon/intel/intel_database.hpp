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
inline constexpr int intel_schema_version = 1;
inline constexpr int intel_busy_timeout_ms = 5000;

// Opens (creating when missing, with its schema) the intel database at path, in WAL mode so
// the daemon reads while an operator writes. Refuses a file that is not SQLite, a SQLite
// file of another application (INTEL_NOT_AN_INTEL_DB), and one from a newer ringfence
// (INTEL_SCHEMA_TOO_NEW); every refusal names the file and why.
common::loaded<sqlite::sqlite_connection> open_intel_database(const std::string& path);

}  // namespace ringfence::intel
