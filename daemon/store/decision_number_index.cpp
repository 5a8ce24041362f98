#include "store/decision_number_index.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/thread_name.hpp"

namespace ringfence::store {

namespace {

constexpr int side_shift = 56;  // E.164 numbers have at most 15 digits: < 2^50
constexpr std::uint64_t number_mask = (std::uint64_t{1} << side_shift) - 1;

std::int64_t wall_clock_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string exec(sqlite3* db, const char* sql) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK) return {};
    return sqlite3_errmsg(db);
}

std::optional<std::int64_t> column_number(sqlite3_stmt* s, int column) {
    if (sqlite3_column_type(s, column) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_int64(s, column);
}

// Entries go in by entries_per_insert in one statement: one step inserts them all, where a
// statement per entry spent about as long in stepping, binding and resetting as in the
// B-tree. At full load a run's 2M entries cost the writer ~1 µs per committed row.
constexpr std::size_t entries_per_insert = 32;

std::string multi_row_insert() {
    std::string sql = "INSERT INTO decision_numbers (run, side, number, time_ms, decision_id) VALUES ";
    for (std::size_t k = 0; k < entries_per_insert; ++k) {
        const std::size_t p = k * 5 + 1;
        sql += fmt::format("{}(?{}, ?{}, ?{}, ?{}, ?{})", k == 0 ? "" : ", ", p, p + 1, p + 2, p + 3, p + 4);
    }
    return sql;
}

}  // namespace

decision_number_index::~decision_number_index() { stop(); }

std::string decision_number_index::prepare_inserts(sqlite3* db, sqlite::sqlite_statement& one_entry, sqlite::sqlite_statement& many_entries,
                                                   sqlite::sqlite_statement& run_row) {
    std::string error;
    one_entry = sqlite::sqlite_statement::prepare(
        db, "INSERT INTO decision_numbers (run, side, number, time_ms, decision_id) VALUES (?1, ?2, ?3, ?4, ?5)", error);
    if (!one_entry) return error;
    many_entries = sqlite::sqlite_statement::prepare(db, multi_row_insert(), error);
    if (!many_entries) return error;
    run_row = sqlite::sqlite_statement::prepare(
        db, "INSERT INTO decision_number_runs (run, first_id, last_id, entries, indexed_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)", error);
    return run_row ? std::string() : error;
}

std::string decision_number_index::check_statements(sqlite3* db) {
    sqlite::sqlite_statement one_entry, many_entries, run_row;
    return prepare_inserts(db, one_entry, many_entries, run_row);
}

std::string decision_number_index::open(sqlite3* db, const number_index_settings& settings,
                                        std::function<void()> on_sorted) {
    db_ = db;
    settings_ = settings;
    on_sorted_ = std::move(on_sorted);
    std::string error;
    if (error = prepare_inserts(db, insert_entry_, insert_entries_, insert_run_); !error.empty()) return error;

    auto last_run = sqlite::sqlite_statement::prepare(
        db, "SELECT coalesce(max(run), 0), coalesce(max(last_id), 0) FROM decision_number_runs", error);
    if (!last_run) return error;
    if (sqlite3_step(last_run.get()) != SQLITE_ROW) return sqlite3_errmsg(db);
    next_run_ = sqlite3_column_int64(last_run.get(), 0) + 1;
    last_indexed_id_ = sqlite3_column_int64(last_run.get(), 1);
    last_run = {};

    // Entries of a run whose last slice never committed: the run is redone from its rows.
    auto clear = sqlite::sqlite_statement::prepare(db, "DELETE FROM decision_numbers WHERE run >= ?1", error);
    if (!clear) return error;
    clear.bind_int(1, next_run_);
    if (error = clear.run(); !error.empty()) return error;

    auto tail = sqlite::sqlite_statement::prepare(
        db, "SELECT id, time_ms, caller_num, callee_num FROM decisions WHERE id > ?1 ORDER BY id", error);
    if (!tail) return error;
    tail.bind_int(1, last_indexed_id_);
    open_ = run{};
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(tail.get())) == SQLITE_ROW) {
        const std::int64_t id = sqlite3_column_int64(tail.get(), 0);
        add_row(open_.entries, id, sqlite3_column_int64(tail.get(), 1), column_number(tail.get(), 2),
                column_number(tail.get(), 3));
        if (open_.rows == 0) open_.first_id = id;
        open_.last_id = id;
        ++open_.rows;
    }
    if (rc != SQLITE_DONE) return sqlite3_errmsg(db);
    open_since_ = std::chrono::steady_clock::now();
    if (open_.rows >= settings_.run_max_rows) close_open_run();
    publish_stats();
    return {};
}

void decision_number_index::add_row(std::vector<entry>& to, std::int64_t id, std::int64_t time_ms,
                                    std::optional<std::int64_t> caller_num,
                                    std::optional<std::int64_t> callee_num) {
    if (caller_num && *caller_num > 0)
        to.push_back({static_cast<std::uint64_t>(*caller_num) & number_mask, time_ms, id});
    if (callee_num && *callee_num > 0)
        to.push_back({(std::uint64_t{1} << side_shift) | (static_cast<std::uint64_t>(*callee_num) & number_mask),
                      time_ms, id});
}

void decision_number_index::stage(std::int64_t id, std::int64_t time_ms,
                                  std::optional<std::int64_t> caller_num,
                                  std::optional<std::int64_t> callee_num) {
    add_row(staged_, id, time_ms, caller_num, callee_num);
    if (staged_rows_++ == 0) staged_first_id_ = id;
    staged_last_id_ = id;
}

bool decision_number_index::append_ready() {
    if (!closed_ || !sorted_.load(std::memory_order_acquire)) return false;
    join_sorter();
    return true;  // a closed run is complete only once its run row is committed
}

std::string decision_number_index::append(std::size_t max_entries) {
    if (!append_ready() || run_row_in_transaction_) return {};
    const run& r = *closed_;
    const std::size_t end = std::min(r.entries.size(), appended_ + appending_ + max_entries);
    auto bind = [&](const sqlite::sqlite_statement& s, int first, const entry& e) {
        s.bind_int(first, r.number);
        s.bind_int(first + 1, static_cast<std::int64_t>(e.key >> side_shift));
        s.bind_int(first + 2, static_cast<std::int64_t>(e.key & number_mask));
        s.bind_int(first + 3, e.time_ms);
        s.bind_int(first + 4, e.decision_id);
    };
    std::size_t i = appended_ + appending_;
    for (; i + entries_per_insert <= end; i += entries_per_insert) {
        for (std::size_t k = 0; k < entries_per_insert; ++k)
            bind(insert_entries_, static_cast<int>(k * 5 + 1), r.entries[i + k]);
        if (std::string error = insert_entries_.run(); !error.empty()) return error;
        appending_ += entries_per_insert;
    }
    for (; i < end; ++i) {
        bind(insert_entry_, 1, r.entries[i]);
        if (std::string error = insert_entry_.run(); !error.empty()) return error;
        ++appending_;
    }
    if (appended_ + appending_ < r.entries.size()) return {};
    insert_run_.bind_int(1, r.number);
    insert_run_.bind_int(2, r.first_id);
    insert_run_.bind_int(3, r.last_id);
    insert_run_.bind_int(4, static_cast<std::int64_t>(r.entries.size()));
    insert_run_.bind_int(5, wall_clock_ms());
    if (std::string error = insert_run_.run(); !error.empty()) return error;
    run_row_in_transaction_ = true;
    return {};
}

void decision_number_index::committed(std::chrono::steady_clock::time_point now) {
    if (staged_rows_ > 0) {
        if (open_.rows == 0) {
            open_.first_id = staged_first_id_;
            open_since_ = now;
        }
        open_.entries.insert(open_.entries.end(), staged_.begin(), staged_.end());
        open_.rows += staged_rows_;
        open_.last_id = staged_last_id_;
    }
    staged_.clear();
    staged_rows_ = 0;
    appended_ += appending_;
    appending_ = 0;
    const bool run_completed = run_row_in_transaction_;
    if (run_completed) {
        last_indexed_id_ = closed_->last_id;
        closed_.reset();
        appended_ = 0;
        run_row_in_transaction_ = false;
    }
    close_if_due(now);
    // Counted after the other figures are published: whoever sees the run counted sees
    // the unindexed rows it took away.
    if (run_completed) runs_completed_.fetch_add(1, std::memory_order_release);
}

std::optional<std::chrono::steady_clock::time_point> decision_number_index::open_run_deadline() const {
    if (closed_ || open_.rows == 0) return std::nullopt;
    return open_since_ + settings_.run_max_age;
}

void decision_number_index::close_if_due(std::chrono::steady_clock::time_point now) {
    if (!closed_ && open_.rows > 0 &&
        (open_.rows >= settings_.run_max_rows || now - open_since_ >= settings_.run_max_age))
        close_open_run();
    publish_stats();
}

void decision_number_index::rolled_back() {
    staged_.clear();
    staged_rows_ = 0;
    appending_ = 0;
    run_row_in_transaction_ = false;
}

// Hands the open run to a sorting thread: sorting a million rows' numbers takes ~0.2 s,
// which the writer would otherwise spend with every reply_after_commit reply waiting.
void decision_number_index::close_open_run() {
    closed_ = std::move(open_);
    closed_->number = next_run_++;
    open_ = run{};
    appended_ = 0;
    appending_ = 0;
    sorted_.store(false, std::memory_order_relaxed);
    std::vector<entry>* entries = &closed_->entries;
    sorter_ = std::thread([this, entries] {
        common::name_this_thread("rf-index-sort");
        // On Linux a nice value belongs to a thread; lowering it needs no privilege.
        if (settings_.sorter_nice != 0)
            (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), settings_.sorter_nice);
        std::sort(entries->begin(), entries->end());
        sorted_.store(true, std::memory_order_release);
        if (on_sorted_) on_sorted_();
    });
}

void decision_number_index::join_sorter() {
    if (sorter_.joinable()) sorter_.join();
}

std::string decision_number_index::finish() {
    if (db_ == nullptr) return {};
    for (int pass = 0; pass < 2; ++pass) {
        if (!closed_ && open_.rows > 0) close_open_run();
        if (!closed_) break;
        join_sorter();
        if (std::string error = exec(db_, "BEGIN IMMEDIATE"); !error.empty()) return error;
        std::string error = append(closed_->entries.size());
        if (error.empty()) error = exec(db_, "COMMIT");
        if (!error.empty()) {
            if (sqlite3_get_autocommit(db_) == 0) (void)exec(db_, "ROLLBACK");
            rolled_back();
            return error;
        }
        committed(std::chrono::steady_clock::now());
    }
    return {};
}

void decision_number_index::stop() {
    join_sorter();
    insert_run_ = {};
    insert_entry_ = {};
    insert_entries_ = {};
    db_ = nullptr;
}

void decision_number_index::publish_stats() {
    std::uint64_t rows = open_.rows + staged_rows_;
    if (closed_) rows += closed_->rows;
    unindexed_rows_.store(rows, std::memory_order_relaxed);
}

number_index_stats decision_number_index::stats() const {
    return {runs_completed_.load(std::memory_order_acquire), unindexed_rows_.load(std::memory_order_relaxed)};
}

}  // namespace ringfence::store
