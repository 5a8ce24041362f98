#include "subscribers/subscriber_schema.hpp"

#include <fmt/format.h>

namespace ringfence::subscribers {

const std::vector<table_def>& subscriber_tables() {
    static const std::vector<table_def> tables{
        {"subscribers",
         "One row per SIM subscription (MSISDN). Written only by `ringfence subscribers import`; "
         "the daemon reads it into memory and never writes it.",
         {
             {"msisdn", "INTEGER PRIMARY KEY", "the subscriber number in E.164 as an integer: +84912345678 is 84912345678"},
             {"imsi", "TEXT CHECK (imsi IS NULL OR length(imsi) BETWEEN 5 AND 15)", "the SIM's IMSI (digits), NULL when not given"},
             {"owner_id_hash", "TEXT NOT NULL", "a hash of the owner's identity document, never the document number itself; "
                                                "SIMs with the same hash have the same owner"},
             {"owner_type", "TEXT NOT NULL CHECK (owner_type IN ('individual', 'business'))", "individual or business owner"},
             {"population_match", "TEXT NOT NULL CHECK (population_match IN ('matched', 'mismatch', 'unchecked'))",
              "result of the check against the national population database"},
             {"population_match_date", "TEXT", "date of that check (YYYY-MM-DD), NULL when unknown"},
             {"matched_fields", "INTEGER NOT NULL CHECK (matched_fields BETWEEN 0 AND 255)",
              "how many identity fields matched the population database"},
             {"biometric_verified", "INTEGER NOT NULL CHECK (biometric_verified IN (0, 1))", "1: the owner's biometrics were verified"},
             {"reverify_pending", "INTEGER NOT NULL CHECK (reverify_pending IN (0, 1))",
              "1: a device change requires re-verification that has not happened yet"},
             {"status", "TEXT NOT NULL CHECK (status IN ('active', 'notified', 'one_way_locked', 'two_way_locked', 'terminated'))",
              "lifecycle status as the carrier last recorded it; ringfence advances notified and locked SIMs by the "
              "configured periods (docs/subscribers.md, lifecycle)"},
             {"status_since", "TEXT NOT NULL", "date the status began (YYYY-MM-DD)"},
             {"activated_on", "TEXT NOT NULL", "date the subscription was activated (YYYY-MM-DD)"},
             {"bank_link_verified", "INTEGER NOT NULL CHECK (bank_link_verified IN (0, 1))",
              "1: the holder of the bank account registered with this number is this subscriber"},
         }},
        {"import_runs",
         "One row per import, kept across full loads: who loaded what, when, and what it changed.",
         {
             {"id", "INTEGER PRIMARY KEY", "import sequence number"},
             {"imported_at", "TEXT NOT NULL", "when (RFC 3339, UTC)"},
             {"actor", "TEXT NOT NULL", "the operating-system user that ran the import"},
             {"actor_uid", "INTEGER NOT NULL", "that user's uid"},
             {"file", "TEXT NOT NULL", "the imported file's name"},
             {"file_sha256", "TEXT NOT NULL", "SHA-256 of the imported file"},
             {"mode", "TEXT NOT NULL CHECK (mode IN ('full', 'delta'))", "full: the file replaced every row; delta: upserts and deletions"},
             {"rows", "INTEGER NOT NULL", "data rows in the file"},
             {"inserted", "INTEGER NOT NULL", "subscribers added"},
             {"updated", "INTEGER NOT NULL", "subscribers whose row changed"},
             {"deleted", "INTEGER NOT NULL", "subscribers removed"},
         }},
    };
    return tables;
}

const std::vector<view_def>& subscriber_views() {
    static const std::vector<view_def> views{
        {"owner_sims", "SIMs per owner (derived, as the engine's `sims_per_owner` counts them)",
         "SELECT owner_id_hash, count(*) AS sims FROM subscribers GROUP BY owner_id_hash"},
    };
    return views;
}

std::string subscriber_schema_sql() {
    std::string sql = fmt::format("PRAGMA application_id = {};\nPRAGMA user_version = {};\n", subscriber_application_id, subscriber_schema_version);
    for (const auto& t : subscriber_tables()) {
        sql += fmt::format("CREATE TABLE {} (\n", t.name);
        for (std::size_t i = 0; i < t.columns.size(); ++i)
            sql += fmt::format("    {} {}{}\n", t.columns[i].name, t.columns[i].sql, i + 1 < t.columns.size() ? "," : "");
        sql += ") STRICT;\n";
    }
    for (const auto& v : subscriber_views()) sql += fmt::format("CREATE VIEW {} AS {};\n", v.name, v.select);
    return sql;
}

std::string subscriber_schema_markdown() {
    std::string md;
    for (const auto& t : subscriber_tables()) {
        md += fmt::format("### Table `{}`\n\n{}\n\n| column | SQL | meaning |\n|---|---|---|\n", t.name, t.meaning);
        for (const auto& c : t.columns) md += fmt::format("| `{}` | `{}` | {} |\n", c.name, c.sql, c.meaning);
        md += '\n';
    }
    for (const auto& v : subscriber_views()) md += fmt::format("### View `{}`\n\n{}:\n\n```sql\n{}\n```\n\n", v.name, v.meaning, v.select);
    return md;
}

}  // namespace ringfence::subscribers
