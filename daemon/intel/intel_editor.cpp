#include "intel/intel_editor.hpp"

#include <chrono>

#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include "intel/intel_database.hpp"
#include "intel/intel_import.hpp"
#include "model/time_format.hpp"

namespace ringfence::intel {

namespace {

std::string column_text(sqlite3_stmt* s, int i) {
    const auto* p = sqlite3_column_text(s, i);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(s, i))) : std::string();
}

std::string describe_expiry(std::int64_t expires_at_ms) {
    if (expires_at_ms == 0) return "never";
    std::string out;
    model::append_rfc3339_utc(out, expires_at_ms);
    return out;
}

}  // namespace

std::string current_actor() {
    const uid_t uid = ::getuid();
    std::string name = "?";
    passwd pw{};
    passwd* found = nullptr;
    char buf[4096];
    if (::getpwuid_r(uid, &pw, buf, sizeof buf, &found) == 0 && found) name = found->pw_name;
    return fmt::format("{} (uid {})", name, uid);
}

template <class Body>
std::string intel_editor::in_transaction(Body&& body) {
    if (auto err = db_.exec("BEGIN IMMEDIATE"); !err.empty()) {
        const char* file = sqlite3_db_filename(db_.get(), "main");
        return fmt::format("cannot start a transaction on {}: {}", file != nullptr && *file != '\0' ? file : "the intel database", err);
    }
    std::string err = body();
    if (err.empty()) err = db_.exec("COMMIT");
    if (!err.empty()) db_.exec("ROLLBACK");
    return err;
}

std::string intel_editor::find_list(const std::string& name, std::optional<list_row>& out, std::int64_t now_ms) {
    out.reset();
    std::vector<list_row> all;
    if (auto err = lists(all, now_ms); !err.empty()) return err;
    for (auto& l : all)
        if (l.name == name) out = std::move(l);
    return {};
}

std::string intel_editor::lists(std::vector<list_row>& out, std::int64_t now_ms) {
    out.clear();
    std::string failure;
    auto q = sqlite::sqlite_statement::prepare(db_.get(),
                                              "SELECT l.id, l.name, l.kind, l.description, l.revision, count(e.id), "
                                              "count(e.id) FILTER (WHERE e.expires_at_ms IS NULL OR e.expires_at_ms > ?1) "
                                              "FROM lists l LEFT JOIN entries e ON e.list_id = l.id GROUP BY l.id ORDER BY l.name",
                                              failure);
    if (!q) return failure;
    q.bind_int(1, now_ms);
    int rc;
    while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
        list_row l;
        l.id = sqlite3_column_int64(q.get(), 0);
        l.name = column_text(q.get(), 1);
        l.kind = engine::parse_intel_kind(column_text(q.get(), 2)).value_or(engine::intel_kind::number);
        l.description = column_text(q.get(), 3);
        l.revision = sqlite3_column_int64(q.get(), 4);
        l.entries = sqlite3_column_int64(q.get(), 5);
        l.live = sqlite3_column_int64(q.get(), 6);
        out.push_back(std::move(l));
    }
    return rc == SQLITE_DONE ? std::string() : db_.last_error();
}

std::string intel_editor::write_audit(std::int64_t now_ms, const char* action, const std::string& list, const std::string* value,
                                      const std::string* file, const std::string* sha256, std::int64_t added, std::int64_t replaced,
                                      const std::string& detail) {
    std::string failure;
    auto q = sqlite::sqlite_statement::prepare(db_.get(),
                                              "INSERT INTO audit (time_ms, actor, action, list, value, file, file_sha256, rows_added, rows_replaced, detail) "
                                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                                              failure);
    if (!q) return failure;
    const std::string act = action;
    q.bind_int(1, now_ms);
    q.bind_text(2, actor_);
    q.bind_text(3, act);
    q.bind_text(4, list);
    if (value) q.bind_text(5, *value); else q.bind_null(5);
    if (file) q.bind_text(6, *file); else q.bind_null(6);
    if (sha256) q.bind_text(7, *sha256); else q.bind_null(7);
    if (added >= 0) q.bind_int(8, added); else q.bind_null(8);
    if (replaced >= 0) q.bind_int(9, replaced); else q.bind_null(9);
    q.bind_text(10, detail);
    return q.run();
}

// The new revision is also at least the wall clock in microseconds: a database restored
// from a backup goes back to an older revision, and a plain +1 after that could give a
// revision the daemon has already loaded, for other content, and it would not rebuild.
std::string intel_editor::bump_revision(const list_row& list) {
    std::string failure;
    auto q = sqlite::sqlite_statement::prepare(db_.get(), "UPDATE lists SET revision = max(revision + 1, ?2) WHERE id = ?1", failure);
    if (!q) return failure;
    q.bind_int(1, list.id);
    q.bind_int(2, std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    return q.run();
}

std::string intel_editor::create_list(const std::string& name, engine::intel_kind kind, const std::string& description, std::int64_t now_ms) {
    // Shown by `lists show` on a terminal: held to what a reason may hold (no control
    // characters, no bidirectional overrides, UTF-8), though it may be empty.
    if (std::string why; !description.empty() && !check_reason(description, why)) return "the description: " + why;
    return in_transaction([&]() -> std::string {
        std::string failure;
        auto q = sqlite::sqlite_statement::prepare(db_.get(), "INSERT INTO lists (name, kind, description, created_at_ms) VALUES (?1, ?2, ?3, ?4)", failure);
        if (!q) return failure;
        const std::string k(to_string(kind));
        q.bind_text(1, name);
        q.bind_text(2, k);
        q.bind_text(3, description);
        q.bind_int(4, now_ms);
        if (auto err = q.run(); !err.empty()) return err;
        return write_audit(now_ms, "create", name, nullptr, nullptr, nullptr, -1, -1, fmt::format("kind {}", k));
    });
}

std::string intel_editor::upsert(const list_row& list, const new_entry& e, std::int64_t now_ms, bool& replaced) {
    // Prepared once per editor: an import of a million rows runs these a million times.
    std::string failure;
    if (!exists_) exists_ = sqlite::sqlite_statement::prepare(db_.get(), "SELECT 1 FROM entries WHERE list_id = ?1 AND value = ?2", failure);
    if (!upsert_)
        upsert_ = sqlite::sqlite_statement::prepare(
            db_.get(),
            "INSERT INTO entries (list_id, value, bank_code, source, reason, added_at_ms, expires_at_ms, added_by) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
            "ON CONFLICT (list_id, value) DO UPDATE SET bank_code = excluded.bank_code, source = excluded.source, reason = excluded.reason, "
            "added_at_ms = excluded.added_at_ms, expires_at_ms = excluded.expires_at_ms, added_by = excluded.added_by",
            failure);
    if (!exists_ || !upsert_) return failure;
    exists_.bind_int(1, list.id);
    exists_.bind_text(2, e.value);
    const int rc = sqlite3_step(exists_.get());
    sqlite3_reset(exists_.get());
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db_.last_error();
    replaced = rc == SQLITE_ROW;
    const std::string_view source = to_string(e.source);
    upsert_.bind_int(1, list.id);
    upsert_.bind_text(2, e.value);
    upsert_.bind_text_or_null(3, e.bank_code);
    upsert_.bind_text(4, source);
    upsert_.bind_text(5, e.reason);
    upsert_.bind_int(6, now_ms);
    if (e.expires_at_ms != 0) upsert_.bind_int(7, e.expires_at_ms); else upsert_.bind_null(7);
    upsert_.bind_text(8, actor_);
    return upsert_.run();
}

std::string intel_editor::add(const list_row& list, const new_entry& e, std::int64_t now_ms, bool& replaced) {
    return in_transaction([&]() -> std::string {
        if (auto err = upsert(list, e, now_ms, replaced); !err.empty()) return err;
        if (auto err = bump_revision(list); !err.empty()) return err;
        const std::string detail = fmt::format("{}source={} reason={} expires={}", replaced ? "replaced; " : "", to_string(e.source), e.reason,
                                               describe_expiry(e.expires_at_ms));
        return write_audit(now_ms, "add", list.name, &e.value, nullptr, nullptr, -1, -1, detail);
    });
}

std::string intel_editor::remove(const list_row& list, const std::string& value, std::int64_t now_ms, bool& found) {
    return in_transaction([&]() -> std::string {
        std::string failure;
        auto q = sqlite::sqlite_statement::prepare(db_.get(), "DELETE FROM entries WHERE list_id = ?1 AND value = ?2", failure);
        if (!q) return failure;
        q.bind_int(1, list.id);
        q.bind_text(2, value);
        if (auto err = q.run(); !err.empty()) return err;
        found = sqlite3_changes(db_.get()) > 0;
        if (!found) return {};  // nothing changed: nothing to audit
        if (auto err = bump_revision(list); !err.empty()) return err;
        return write_audit(now_ms, "remove", list.name, &value, nullptr, nullptr, -1, -1, "removed");
    });
}

std::string intel_editor::import(const list_row& list, const std::vector<new_entry>& rows, const std::string& file, const std::string& sha256,
                                 std::int64_t now_ms, std::int64_t& added, std::int64_t& replaced) {
    added = replaced = 0;
    return in_transaction([&]() -> std::string {
        for (const auto& e : rows) {
            bool was = false;
            if (auto err = upsert(list, e, now_ms, was); !err.empty()) return fmt::format("entry '{}': {}", e.value, err);
            ++(was ? replaced : added);
        }
        if (auto err = bump_revision(list); !err.empty()) return err;
        return write_audit(now_ms, "import", list.name, nullptr, &file, &sha256, added, replaced, fmt::format("{} rows", rows.size()));
    });
}

namespace {

// The backup, opened read-only and checked as open_intel_database checks a live file.
std::string open_backup(const std::string& path, sqlite::sqlite_connection& out) {
    std::string failure;
    out = sqlite::sqlite_connection::open(path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, failure);
    if (!out) return fmt::format("{}: cannot open: {}", path, failure);
    const auto application_id = out.query_int("PRAGMA application_id", failure);
    if (!application_id) return fmt::format("{}: cannot read: {}", path, failure);
    if (*application_id != intel_application_id) return fmt::format("{}: not a ringfence intel database", path);
    const auto version = out.query_int("PRAGMA user_version", failure);
    if (!version) return fmt::format("{}: cannot read: {}", path, failure);
    if (*version > intel_schema_version)
        return fmt::format("{}: schema version {} is newer than this ringfence reads ({})", path, *version, intel_schema_version);
    return {};
}

}  // namespace

std::string intel_editor::restore(const std::string& backup_path, const std::string& sha256, std::int64_t now_ms, std::vector<restored_list>& out,
                                  const std::function<std::string(const std::string& name, const std::string& kind)>& check) {
    out.clear();
    sqlite::sqlite_connection backup;
    if (auto err = open_backup(backup_path, backup); !err.empty()) return err;
    std::string failure;
    auto backup_lists = sqlite::sqlite_statement::prepare(backup.get(), "SELECT id, name, kind, description FROM lists ORDER BY name", failure);
    auto backup_entries = sqlite::sqlite_statement::prepare(
        backup.get(),
        "SELECT value, bank_code, source, reason, added_at_ms, expires_at_ms, added_by FROM entries WHERE list_id = ?1 ORDER BY value", failure);
    if (!backup_lists || !backup_entries) return fmt::format("{}: {}", backup_path, failure);
    struct backup_list {
        std::int64_t id;
        std::string name, kind, description;
    };
    std::vector<backup_list> wanted;
    int rc;
    while ((rc = sqlite3_step(backup_lists.get())) == SQLITE_ROW)
        wanted.push_back({sqlite3_column_int64(backup_lists.get(), 0), column_text(backup_lists.get(), 1), column_text(backup_lists.get(), 2),
                          column_text(backup_lists.get(), 3)});
    if (rc != SQLITE_DONE) return fmt::format("{}: {}", backup_path, backup.last_error());
    if (check)
        for (const backup_list& b : wanted)
            if (auto why = check(b.name, b.kind); !why.empty()) return why;

    return in_transaction([&]() -> std::string {
        auto count = sqlite::sqlite_statement::prepare(db_.get(), "SELECT count(*) FROM entries WHERE list_id = ?1", failure);
        auto clear = sqlite::sqlite_statement::prepare(db_.get(), "DELETE FROM entries WHERE list_id = ?1", failure);
        auto insert = sqlite::sqlite_statement::prepare(
            db_.get(),
            "INSERT INTO entries (list_id, value, bank_code, source, reason, added_at_ms, expires_at_ms, added_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            failure);
        if (!count || !clear || !insert) return failure;
        for (const backup_list& b : wanted) {
            restored_list done;
            done.name = b.name;
            std::optional<list_row> live;
            if (auto err = find_list(b.name, live, now_ms); !err.empty()) return err;
            if (live && std::string(to_string(live->kind)) != b.kind)
                return fmt::format("list '{}' is {} in the backup and {} here: nothing restored", b.name, b.kind, to_string(live->kind));
            if (!live) {
                const auto kind = engine::parse_intel_kind(b.kind);
                if (!kind) return fmt::format("{}: list '{}' has an unknown kind '{}'", backup_path, b.name, b.kind);
                auto create = sqlite::sqlite_statement::prepare(db_.get(), "INSERT INTO lists (name, kind, description, created_at_ms) VALUES (?1, ?2, ?3, ?4)",
                                                                failure);
                if (!create) return failure;
                create.bind_text(1, b.name);
                create.bind_text(2, b.kind);
                create.bind_text(3, b.description);
                create.bind_int(4, now_ms);
                if (auto err = create.run(); !err.empty()) return err;
                if (auto err = write_audit(now_ms, "create", b.name, nullptr, nullptr, nullptr, -1, -1, fmt::format("kind {}; restored from a backup", b.kind));
                    !err.empty())
                    return err;
                if (auto err = find_list(b.name, live, now_ms); !err.empty() || !live) return err.empty() ? "the restored list vanished" : err;
                done.created = true;
            }
            count.bind_int(1, live->id);
            if (sqlite3_step(count.get()) != SQLITE_ROW) return db_.last_error();
            done.entries_before = sqlite3_column_int64(count.get(), 0);
            sqlite3_reset(count.get());
            clear.bind_int(1, live->id);
            if (auto err = clear.run(); !err.empty()) return err;
            backup_entries.bind_int(1, b.id);
            while ((rc = sqlite3_step(backup_entries.get())) == SQLITE_ROW) {
                sqlite3_stmt* e = backup_entries.get();
                insert.bind_int(1, live->id);
                std::string texts[7];  // bound without a copy: they live until the insert ran
                for (int c = 0; c < 7; ++c) {
                    // Every column as the backup holds it, NULLs (no bank code, no expiry) too.
                    if (sqlite3_column_type(e, c) == SQLITE_NULL) {
                        insert.bind_null(c + 2);
                    } else if (c == 4 || c == 5) {
                        insert.bind_int(c + 2, sqlite3_column_int64(e, c));
                    } else {
                        texts[c] = column_text(e, c);
                        insert.bind_text(c + 2, texts[c]);
                    }
                }
                if (auto err = insert.run(); !err.empty()) return fmt::format("list '{}', entry '{}': {}", b.name, column_text(e, 0), err);
                ++done.entries_restored;
            }
            sqlite3_reset(backup_entries.get());
            if (rc != SQLITE_DONE) return fmt::format("{}: {}", backup_path, backup.last_error());
            if (auto err = bump_revision(*live); !err.empty()) return err;
            if (auto err = write_audit(now_ms, "import", b.name, nullptr, &backup_path, &sha256, done.entries_restored, done.entries_before,
                                       fmt::format("restored from a backup: the list's {} entries replaced by the backup's {}", done.entries_before,
                                                   done.entries_restored));
                !err.empty())
                return err;
            out.push_back(std::move(done));
        }
        // A backup older than the current URL keys brings its old keys back: key them now.
        return rekey_url_entries(db_);
    });
}

std::string intel_editor::entries(const list_row& list, bool include_expired, std::int64_t now_ms, std::vector<entry_row>& out) {
    out.clear();
    std::string failure;
    auto q = sqlite::sqlite_statement::prepare(db_.get(),
                                              "SELECT value, coalesce(bank_code, ''), source, reason, added_at_ms, coalesce(expires_at_ms, 0), added_by "
                                              "FROM entries WHERE list_id = ?1 AND (?2 OR expires_at_ms IS NULL OR expires_at_ms > ?3) ORDER BY value",
                                              failure);
    if (!q) return failure;
    q.bind_int(1, list.id);
    q.bind_int(2, include_expired ? 1 : 0);
    q.bind_int(3, now_ms);
    int rc;
    while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
        entry_row r;
        r.value = column_text(q.get(), 0);
        r.bank_code = column_text(q.get(), 1);
        r.source = column_text(q.get(), 2);
        r.reason = column_text(q.get(), 3);
        r.added_at_ms = sqlite3_column_int64(q.get(), 4);
        r.expires_at_ms = sqlite3_column_int64(q.get(), 5);
        r.added_by = column_text(q.get(), 6);
        out.push_back(std::move(r));
    }
    return rc == SQLITE_DONE ? std::string() : db_.last_error();
}

std::string intel_editor::audit(const std::string& list, int limit, std::vector<audit_row>& out) {
    out.clear();
    std::string failure;
    auto q = sqlite::sqlite_statement::prepare(db_.get(),
                                              "SELECT time_ms, actor, action, list, coalesce(value, ''), coalesce(file, ''), coalesce(file_sha256, ''), "
                                              "coalesce(rows_added, -1), coalesce(rows_replaced, -1), detail FROM audit "
                                              "WHERE ?1 = '' OR list = ?1 ORDER BY id DESC LIMIT ?2",
                                              failure);
    if (!q) return failure;
    q.bind_text(1, list);
    q.bind_int(2, limit);
    int rc;
    while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
        audit_row a;
        a.time_ms = sqlite3_column_int64(q.get(), 0);
        a.actor = column_text(q.get(), 1);
        a.action = column_text(q.get(), 2);
        a.list = column_text(q.get(), 3);
        a.value = column_text(q.get(), 4);
        a.file = column_text(q.get(), 5);
        a.file_sha256 = column_text(q.get(), 6);
        a.rows_added = sqlite3_column_int64(q.get(), 7);
        a.rows_replaced = sqlite3_column_int64(q.get(), 8);
        a.detail = column_text(q.get(), 9);
        out.push_back(std::move(a));
    }
    return rc == SQLITE_DONE ? std::string() : db_.last_error();
}

}  // namespace ringfence::intel
