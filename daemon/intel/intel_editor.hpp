// Changes to the intel database, each in one transaction together with its audit row (who,
// when, what) and the revision bump that tells a running daemon to rebuild the list. Values
// arrive normalised (intel_values.hpp); `ringfence lists` and the pack tests call this.
// Every statement is prepared, every value bound.
#pragma once

#include <cstdint>
#include <optional>
#include <functional>
#include <string>
#include <vector>

#include "engine/intel_source.hpp"
#include "intel/intel_snapshot.hpp"
#include "sqlite/sqlite_handle.hpp"

namespace ringfence::intel {

// "alice (uid 1000)": the OS user running this process, for audit rows and added_by.
std::string current_actor();

struct list_row {
    std::int64_t id = 0;
    std::string name;
    engine::intel_kind kind = engine::intel_kind::number;
    std::string description;
    std::int64_t revision = 0;
    std::int64_t entries = 0;  // all rows
    std::int64_t live = 0;     // rows not expired at the time asked
};

struct entry_row {
    std::string value;
    std::string bank_code;
    std::string source;
    std::string reason;
    std::int64_t added_at_ms = 0;
    std::int64_t expires_at_ms = 0;  // 0: never
    std::string added_by;
};

struct audit_row {
    std::int64_t time_ms = 0;
    std::string actor, action, list, value, file, file_sha256;
    std::int64_t rows_added = -1, rows_replaced = -1;  // -1: not an import
    std::string detail;
};

// What a restore did to one list of the backup.
struct restored_list {
    std::string name;
    std::int64_t entries_before = 0;  // in the live database, all removed
    std::int64_t entries_restored = 0;
    bool created = false;  // the live database did not hold the list
};

struct new_entry {
    std::string value;  // normalised
    std::string bank_code;
    entry_source source = entry_source::internal;
    std::string reason;
    std::int64_t expires_at_ms = 0;  // 0: never
};

class intel_editor {
public:
    intel_editor(sqlite::sqlite_connection& db, std::string actor) : db_(db), actor_(std::move(actor)) {}

    // Each returns "" on success or why it failed (nothing changed then).
    std::string find_list(const std::string& name, std::optional<list_row>& out, std::int64_t now_ms);
    std::string lists(std::vector<list_row>& out, std::int64_t now_ms);
    std::string create_list(const std::string& name, engine::intel_kind kind, const std::string& description, std::int64_t now_ms);
    // Adds the entry, or replaces the one with the same value (replaced tells).
    std::string add(const list_row& list, const new_entry& e, std::int64_t now_ms, bool& replaced);
    // Removes the entry with this normalised value; found is false when there was none.
    std::string remove(const list_row& list, const std::string& value, std::int64_t now_ms, bool& found);
    // Adds or replaces every row, all or nothing; one audit row for the file.
    std::string import(const list_row& list, const std::vector<new_entry>& rows, const std::string& file, const std::string& sha256,
                       std::int64_t now_ms, std::int64_t& added, std::int64_t& replaced);
    // Puts every list of the backup (an intel database file, opened read-only) back as the
    // backup holds it, entries with their own source, reason, times and author, in one
    // transaction; lists the backup does not hold are left as they are. The audit trail is
    // this database's, kept whole, with one row per restored list saying so (action
    // 'import': the backup is the file, rows_added what it put back, rows_replaced what the
    // list held before). A list the backup holds as another kind refuses the whole restore.
    // check(name, kind), when given, is asked for every list of the backup before anything
    // changes: "" to go on, or why the whole restore is refused (the rule packs declare the
    // list as another kind).
    std::string restore(const std::string& backup_path, const std::string& sha256, std::int64_t now_ms, std::vector<restored_list>& out,
                        const std::function<std::string(const std::string& name, const std::string& kind)>& check = {});
    std::string entries(const list_row& list, bool include_expired, std::int64_t now_ms, std::vector<entry_row>& out);
    std::string audit(const std::string& list, int limit, std::vector<audit_row>& out);  // newest first; list "" for all

private:
    std::string upsert(const list_row& list, const new_entry& e, std::int64_t now_ms, bool& replaced);
    std::string bump_revision(const list_row& list);
    std::string write_audit(std::int64_t now_ms, const char* action, const std::string& list, const std::string* value, const std::string* file,
                            const std::string* sha256, std::int64_t added, std::int64_t replaced, const std::string& detail);
    // Runs body inside BEGIN IMMEDIATE ... COMMIT, rolling back when it returns an error.
    template <class Body>
    std::string in_transaction(Body&& body);

    sqlite::sqlite_connection& db_;
    std::string actor_;
    sqlite::sqlite_statement exists_, upsert_;
};

}  // namespace ringfence::intel
