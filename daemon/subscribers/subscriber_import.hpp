// `ringfence subscribers import`: a CSV export of the carrier's subscriber systems, read and
// validated whole before anything is written (a file with one bad row changes nothing),
// then applied in one step: a full load builds a new database file beside the old one and
// renames it into place (the daemon sees a new file, never a half-written one); a delta
// applies upserts and deletions in one transaction.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/numbering_plan.hpp"
#include "subscribers/subscriber.hpp"

namespace ringfence::subscribers {

enum class import_mode : std::uint8_t { full, delta };

// The fields of the default CSV contract, in its header order.
const std::vector<std::string_view>& import_fields();

// A subscriber's number as the database keys it (E.164 digits as an integer): any form the
// plan reads, and also E.164 digits with no '+' ("84912345678"), as billing and HLR exports
// write MSISDNs whatever numbering.accept_bare_country_code says. nullopt when it is no home
// number; number holds the plan's reading either way.
std::optional<std::int64_t> msisdn_key(const model::numbering_plan& plan, std::string_view text, model::number_info& number);

// Which header names the carrier's export uses for each field (subscribers.import.columns).
struct import_mapping {
    std::map<std::string, std::string, std::less<>> columns;  // field -> header; a field not named here uses its own name
    std::string op_column = "op";                             // delta files: upsert | delete
    std::string_view header_for(std::string_view field) const;
};

struct import_problem {
    std::size_t line = 0;
    std::string column;  // header name, "" for the whole line
    std::string reason;
};

struct parsed_import {
    import_mode mode = import_mode::full;
    std::vector<subscriber_row> upserts;  // in msisdn order
    std::vector<std::int64_t> deletions;  // in order
    std::size_t rows = 0;                 // data rows read
    std::vector<import_problem> problems;  // the first max_problems
    std::size_t problem_count = 0;
    std::vector<std::string> ignored_columns;  // header names no field maps to
    bool ok() const { return problem_count == 0; }
};

inline constexpr std::size_t max_reported_problems = 1000;

// Reads and validates every row. Numbers go through the numbering plan (any form it
// accepts) and must be subscriber numbers of the home country. With latest_day (days since
// the epoch: `ringfence subscribers import` gives tomorrow, UTC, for time zones ahead), a
// date after it is refused.
parsed_import parse_subscriber_csv(std::string_view data, const import_mapping& mapping, const model::numbering_plan& plan,
                                   import_mode mode, std::optional<std::int32_t> latest_day = std::nullopt);

struct import_changes {
    std::size_t inserted = 0, updated = 0, deleted = 0, unchanged = 0;
    std::size_t absent_deletions = 0;  // delta: delete rows for numbers the database does not hold
};

struct import_source {
    std::string file_name;  // recorded in import_runs
    std::string sha256;
    std::string actor;  // OS user
    std::int64_t actor_uid = 0;
};

// What applying p to the database at path would change (the database may not exist yet).
// "" or an error.
std::string compare_with_database(const std::string& path, const parsed_import& p, import_changes& out);

// How long an import waits for another import of the same database to finish.
inline constexpr std::chrono::milliseconds import_lock_wait = std::chrono::minutes(10);

// Applies p to path (creating it when absent) and records the run in import_runs. "" or an
// error; on error the database is as it was. Imports of one database take turns (a lock on
// path + ".lock"), so none is lost to another running at the same time.
std::string apply_import(const std::string& path, const parsed_import& p, const import_source& source, import_changes& out);

}  // namespace ringfence::subscribers
