#include "intel/intel_store.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include "intel/intel_database.hpp"
#include "intel/intel_matcher.hpp"

namespace ringfence::intel {

namespace {

std::shared_ptr<const intel_snapshot> empty_snapshot(engine::intel_kind k) { return std::make_shared<const intel_snapshot>(k, std::vector<intel_entry_row>{}); }

std::string column_text(sqlite3_stmt* s, int i) {
    const auto* p = sqlite3_column_text(s, i);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(s, i))) : std::string();
}

// Ends a read transaction however the function leaves.
struct read_transaction {
    explicit read_transaction(sqlite::sqlite_connection& db) : db_(db) { error = db_.exec("BEGIN"); }
    ~read_transaction() {
        if (error.empty()) db_.exec("COMMIT");
    }
    sqlite::sqlite_connection& db_;
    std::string error;
};

}  // namespace

intel_store::intel_store(std::string path, sqlite::sqlite_connection db) : path_(std::move(path)), db_(std::move(db)) {
    struct stat st {};
    if (path_ != ":memory:" && ::stat(path_.c_str(), &st) == 0) {
        dev_ = st.st_dev;
        ino_ = st.st_ino;
    }
}

common::loaded<std::shared_ptr<intel_store>> intel_store::open(const std::string& path) {
    common::loaded<std::shared_ptr<intel_store>> out;
    auto db = open_intel_database(path);
    out.diagnostics = std::move(db.diagnostics);
    if (!db.value) return out;
    // This connection only reads after the schema exists: it must never checkpoint and
    // delete the -wal file by name on close, which after a file replacement may be the new
    // file's (SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE).
    sqlite3_db_config(db.value->get(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    out.value = std::shared_ptr<intel_store>(new intel_store(path, std::move(*db.value)));
    std::string failure;
    if (auto v = (*out.value)->db_.query_int("PRAGMA data_version", failure)) (*out.value)->data_version_ = *v;
    return out;
}

std::unique_ptr<engine::list_matcher> intel_store::matcher(const std::string& name, engine::intel_kind kind, std::string& why) {
    std::lock_guard lock(mu_);
    auto it = lists_.find(name);
    if (it == lists_.end()) {
        served_list l{std::make_shared<live_list>(kind, empty_snapshot(kind)), -1};
        pending_list p;
        const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
        why = load_list(name, l, now, p);
        if (!why.empty()) return nullptr;
        if (p.snapshot) {
            l.live->publish(std::move(p.snapshot));
            l.revision = p.revision;
        }
        it = lists_.emplace(name, std::move(l)).first;
        count_served();
    } else if (it->second.live->kind() != kind) {
        why = fmt::format("declared intel: {} here, but intel: {} in an earlier load of this daemon; restart to change a list's kind", to_string(kind),
                          to_string(it->second.live->kind()));
        return nullptr;
    }
    return make_intel_matcher(name, it->second.live);
}

void intel_store::retain(const std::set<std::string>& names) {
    std::lock_guard lock(mu_);
    std::erase_if(lists_, [&](const auto& l) { return names.count(l.first) == 0; });
    count_served();
}

std::string intel_store::load_list(const std::string& name, const served_list& l, std::int64_t now_ms, pending_list& out) {
    if (!db_) return fmt::format("the intel database {} is not open (a reopen failed)", path_);
    read_transaction txn(db_);
    if (!txn.error.empty()) return fmt::format("cannot read the intel database {}: {}", path_, txn.error);
    std::string failure;
    auto q = sqlite::sqlite_statement::prepare(db_.get(), "SELECT id, kind, revision FROM lists WHERE name = ?1", failure);
    if (!q) return fmt::format("cannot read the intel database {}: {}", path_, failure);
    q.bind_text(1, name);
    const int rc = sqlite3_step(q.get());
    if (rc == SQLITE_DONE) {  // not in the database (yet): an empty list
        if (l.revision != -1) out = {empty_snapshot(l.live->kind()), -1};
        return {};
    }
    if (rc != SQLITE_ROW) return fmt::format("cannot read the intel database {}: {}", path_, db_.last_error());
    const std::int64_t id = sqlite3_column_int64(q.get(), 0);
    const std::string kind = column_text(q.get(), 1);
    const std::int64_t revision = sqlite3_column_int64(q.get(), 2);
    if (kind != to_string(l.live->kind()))
        return fmt::format("the rule packs declare '{}' intel: {}, but the intel database {} holds it as a {} list", name, to_string(l.live->kind()),
                           path_, kind);
    if (revision == l.revision) return {};
    auto e = sqlite::sqlite_statement::prepare(
        db_.get(),
        "SELECT value, source, reason, coalesce(expires_at_ms, 0) FROM entries "
        "WHERE list_id = ?1 AND (expires_at_ms IS NULL OR expires_at_ms > ?2)",
        failure);
    if (!e) return fmt::format("cannot read the intel database {}: {}", path_, failure);
    e.bind_int(1, id);
    e.bind_int(2, now_ms - expired_kept_ms);
    std::vector<intel_entry_row> entries;
    int step;
    while ((step = sqlite3_step(e.get())) == SQLITE_ROW) {
        intel_entry_row x;
        x.value = column_text(e.get(), 0);
        x.source = parse_entry_source(column_text(e.get(), 1)).value_or(entry_source::internal);
        x.reason = column_text(e.get(), 2);
        x.expires_at_ms = sqlite3_column_int64(e.get(), 3);
        entries.push_back(std::move(x));
    }
    if (step != SQLITE_DONE) return fmt::format("cannot read list '{}' from the intel database {}: {}", name, path_, db_.last_error());
    out = {std::make_shared<const intel_snapshot>(l.live->kind(), std::move(entries)), revision};
    return {};
}

bool intel_store::file_replaced() {
    if (path_ == ":memory:") return false;
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0) return true;  // gone: refresh() reports it
    return st.st_dev != dev_ || st.st_ino != ino_;
}

bool intel_store::changed() {
    std::lock_guard lock(mu_);
    if (failed_) return std::chrono::steady_clock::now() - failed_at_ >= retry_after_failure;
    if (!db_ || file_replaced()) return true;
    std::string failure;
    const auto v = db_.query_int("PRAGMA data_version", failure);
    return !v || *v != data_version_;
}

intel_store::refresh_outcome intel_store::refresh(std::int64_t now_ms) {
    std::lock_guard lock(mu_);
    refresh_outcome out;
    auto fail = [&](std::string why) {
        failed_ = true;
        failed_at_ = std::chrono::steady_clock::now();
        out.ok = false;
        out.error = std::move(why);
        refresh_errors_.fetch_add(1, std::memory_order_relaxed);
        return out;
    };
    if (!db_ || file_replaced()) {
        struct stat st {};
        if (::stat(path_.c_str(), &st) != 0) return fail(fmt::format("the intel database {} is gone; still deciding with the lists read before", path_));
        db_ = sqlite::sqlite_connection();  // the old file's connection first (see open())
        auto db = open_intel_database(path_);
        if (!db.value) return fail(db.diagnostics.empty() ? "cannot open" : db.diagnostics.front().to_text());
        sqlite3_db_config(db.value->get(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
        db_ = std::move(*db.value);
        dev_ = st.st_dev;
        ino_ = st.st_ino;
        for (auto& [name, l] : lists_) l.revision = -2;  // a new file: read every list again
    }
    std::string failure;
    const auto version = db_.query_int("PRAGMA data_version", failure);
    if (!version) return fail(fmt::format("cannot read the intel database {}: {}", path_, failure));
    // Every list is read and built first; only if all of them could be are they published,
    // so a database that fails for one list (held as another kind, unreadable) leaves every
    // list as it was, not the others swapped to its content.
    std::vector<std::pair<served_list*, pending_list>> built;
    for (auto& [name, l] : lists_) {
        pending_list p;
        if (auto why = load_list(name, l, now_ms, p); !why.empty()) {
            if (out.ok) {
                out.ok = false;
                out.error = why;
            }
            continue;
        }
        if (p.snapshot) {
            out.rebuilt.push_back(fmt::format("{} ({} entries)", name, p.snapshot->size()));
            built.emplace_back(&l, std::move(p));
        }
    }
    failed_ = !out.ok;
    if (!out.ok) {
        out.rebuilt.clear();
        failed_at_ = std::chrono::steady_clock::now();
        refresh_errors_.fetch_add(1, std::memory_order_relaxed);
        return out;
    }
    for (auto& [l, p] : built) {
        l->live->publish(std::move(p.snapshot));
        l->revision = p.revision;
    }
    data_version_ = *version;
    count_served();
    if (!out.rebuilt.empty()) refreshes_.fetch_add(1, std::memory_order_relaxed);
    return out;
}

void intel_store::count_served() {
    std::uint64_t entries = 0;
    for (const auto& [name, l] : lists_) entries += l.live->current()->size();
    served_lists_.store(lists_.size(), std::memory_order_relaxed);
    served_entries_.store(entries, std::memory_order_relaxed);
}

intel_store_stats intel_store::stats() const {
    intel_store_stats s;
    s.refreshes = refreshes_.load(std::memory_order_relaxed);
    s.refresh_errors = refresh_errors_.load(std::memory_order_relaxed);
    s.lists = served_lists_.load(std::memory_order_relaxed);
    s.entries = served_entries_.load(std::memory_order_relaxed);
    return s;
}

}  // namespace ringfence::intel
