// The subscriber database's tables, declared once: name, SQL type and constraint, and
// meaning of every column. The DDL the import writes and docs/subscribers.md are both
// generated from this declaration (`ringfence subscribers schema --sql|--markdown`), and a
// test fails when the committed document differs, so the two cannot drift apart.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ringfence::subscribers {

// SQLite's application_id of a ringfence subscriber database ("RFSB") and its schema version.
inline constexpr std::int64_t subscriber_application_id = 0x52465342;
inline constexpr std::int64_t subscriber_schema_version = 1;

struct column_def {
    std::string_view name;
    std::string_view sql;      // type and constraints, as in CREATE TABLE
    std::string_view meaning;  // for docs/subscribers.md
};

struct table_def {
    std::string_view name;
    std::string_view meaning;
    std::vector<column_def> columns;
};

struct view_def {
    std::string_view name;
    std::string_view meaning;
    std::string_view select;
};

const std::vector<table_def>& subscriber_tables();
const std::vector<view_def>& subscriber_views();

// CREATE TABLE (STRICT) and CREATE VIEW statements, and the application_id/user_version pragmas.
std::string subscriber_schema_sql();
// The generated part of docs/subscribers.md: one section per table and view.
std::string subscriber_schema_markdown();

}  // namespace ringfence::subscribers
