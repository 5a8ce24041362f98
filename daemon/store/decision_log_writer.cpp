#include "store/decision_log_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <unordered_set>
#include <vector>

#include "common/log.hpp"
#include "common/thread_name.hpp"
#include "store/decision_log_database.hpp"
#include "store/decision_log_inserter.hpp"
#include "store/recycled_entries.hpp"
#include "store/wal_checkpointer.hpp"

namespace ringfence::store {

namespace {

// Retry pacing for a failing transaction: a locked or full disk rarely clears within
// microseconds, and a tight loop would only burn the core the deciders need.
constexpr std::chrono::milliseconds first_backoff{10};
constexpr std::chrono::milliseconds max_backoff{1000};
// Once close() has been called a failing chunk is tried this many times before its rows
// are given up (and then every later chunk only once): shutdown must end.
constexpr int attempts_when_closing = 3;

// Room reserved up front in the queue and in the batch it is swapped with, so that neither
// grows on the deciding thread under the queue's lock (when the queue held the entries
// themselves, each doubling moved every queued record: 3% of a deciding thread at full
// load; it holds pointers now). The bound keeps a very large queue_capacity from reserving
// much.
std::size_t queue_reserve(const decision_log_settings& s) {
    return std::min<std::size_t>(s.queue_capacity, std::size_t{1} << 18);
}

// Written entries kept to be written over (recycled_entries.hpp), in the queue and in the
// batch it is swapped with. Under a full load the writer falls behind and takes tens of
// thousands of entries at once; with 16,384 kept, most of each such batch was freed and
// allocated again and the gain was lost. An entry is ~900 bytes and at most 2 KiB of
// strings (recycled_entries::max_spare_heap_bytes): ~190 MB at most on each side, kept
// after a backlog (~85 MB with records of a few hundred bytes).
std::size_t spares_kept(const decision_log_settings& s) {
    return std::min<std::size_t>(s.queue_capacity, 65536);
}

// WAL checkpoints, in bytes of WAL (turned into pages of the file's page size). A checkpoint
// starts once the WAL holds checkpoint_start_bytes, on the checkpointer's thread. Past
// wal_limit_bytes the writer waits for one to end before its next transaction, so the WAL
// can start over: under a steady full load the WAL file grows to about this size and stays.
// Measured: 1M rows into a new log ran as fast with 32, 64 or 128 MiB / 256, 512 or
// 1024 MiB (within the noise). At 20,000 rows/s in 2 ms batches, into a log already holding
// 5M rows, 64 / 512 had the best p99 commit latency (133-217 ms; 128 / 256: 279-358 ms;
// 128 / 1024: 340-395 ms): a lower limit makes the writer wait more often, a higher one
// longer. The price is a WAL file of up to 512 MiB (SQLite's own checkpoints, run inside
// the writer at 256 MiB before, stalled commits for ~150 ms even in a new log).
//
// The checkpoint thread runs at nice 19 and starts at 16 MiB (before: nice 0, 64 MiB). In
// `bench ingest` at 20,000 records/s with reply_after_commit (500 us batches of ~15 rows,
// 2 cores shared by the client, the deciders, the writer and the checkpointer) checkpoints
// took 0.38 of a core, and the writer's transactions, which wait for a core whenever all
// of them want one, had a p99 of 1.2-1.6 ms. At nice 19 with 16 MiB: transaction p99
// 0.86-0.96 ms, reply p99 2.8-4.1 ms against 4.0-5.9 ms in interleaved runs of the same
// build (256 MiB was worse: reply p99 10-12.5 ms). A starved checkpointer cannot hold the
// log back: past wal_limit_bytes the writer waits for it, which frees a core for it.
// Full load did not change (1M records async: 151,000-168,000 records/s either way).
constexpr std::int64_t checkpoint_start_bytes = std::int64_t{16} << 20;
constexpr std::int64_t wal_limit_bytes = std::int64_t{512} << 20;
constexpr int checkpoint_thread_nice = 19;

wal_checkpoint_policy checkpoint_policy(std::int64_t page_size) {
    return {static_cast<int>(checkpoint_start_bytes / page_size),
            static_cast<int>(wal_limit_bytes / page_size), checkpoint_thread_nice};
}

struct pending_ruleset {
    std::string version;
    std::string content;
    std::int64_t first_used_ms = 0;
};

// Rows that ride along with the next batch: rule-set texts and operator actions.
struct side_rows {
    std::vector<pending_ruleset> rulesets;
    std::vector<operator_action> actions;
    bool empty() const { return rulesets.empty() && actions.empty(); }
    // Tells whoever waits for an operator action's row whether it was stored.
    void tell(bool stored) const {
        for (const operator_action& a : actions) {
            // Whoever asked may have stopped waiting (state reset answers audit_pending after
            // a while): a row given up is named here, so its loss is on record.
            if (!stored)
                common::log(common::log_level::error, "decision log: gave up the audit row of {} on {} by uid {} at shutdown: it is not in the log",
                            a.action, a.subject, a.actor_uid);
            if (a.committed) a.committed->set_value(stored);
        }
    }
    void clear() {
        rulesets.clear();
        actions.clear();
    }
    void swap(side_rows& o) {
        rulesets.swap(o.rulesets);
        actions.swap(o.actions);
    }
};

// The highest token per distinct listener in one committed chunk. Connections are few
// (tens), and consecutive entries usually share one, so a flat list with a last-hit check
// beats a hash map here.
class listener_marks {
  public:
    void collect(std::span<const decision_log_entry_ptr> chunk) {
        marks_.clear();
        std::size_t last = 0;
        for (const decision_log_entry_ptr& p : chunk) {
            const decision_log_entry& e = *p;
            commit_listener* l = e.listener.get();
            if (l == nullptr) continue;
            if (last >= marks_.size() || marks_[last].listener != l) {
                last = 0;
                while (last < marks_.size() && marks_[last].listener != l) ++last;
                if (last == marks_.size()) marks_.push_back({l, e.token});
            }
            marks_[last].up_to = std::max(marks_[last].up_to, e.token);
        }
    }
    // The entries of the chunk still hold the listeners alive while this runs.
    void tell(bool ok) const {
        for (const mark& m : marks_) m.listener->on_committed(m.up_to, ok);
    }

  private:
    struct mark {
        commit_listener* listener;
        std::uint64_t up_to;
    };
    std::vector<mark> marks_;
};

std::int64_t wall_clock_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

struct decision_log_writer::impl {
    decision_log_settings settings;
    sqlite::sqlite_connection db;
    decision_log_inserter inserter;
    decision_number_index numbers;  // statements on db: stopped before db closes
    wal_checkpointer checkpointer;  // after db: stopped (and unhooked) before db closes

    // Shared with submitters, under mutex.
    std::mutex mutex;
    std::condition_variable work_ready;  // the writer waits: entries, rule sets, close
    std::condition_variable space_free;  // submitters wait while the queue is full
    recycled_entries queue;
    std::chrono::steady_clock::time_point oldest_queued;  // arrival of queue.front()
    std::chrono::steady_clock::time_point last_rows_taken;  // when the last batch of rows left the queue
    side_rows side_queued;
    std::unordered_set<std::string> rulesets_seen;
    bool closing = false;
    bool run_sorted = false;  // the number index has a sorted run to append (set by its sorter)

    std::mutex close_mutex;  // makes close() idempotent across threads
    std::thread thread;

    std::atomic<std::uint64_t> rows_committed{0};
    std::atomic<std::uint64_t> rule_rows_committed{0};
    std::atomic<std::uint64_t> batches_committed{0};
    std::atomic<std::uint64_t> write_failures{0};
    std::atomic<std::uint64_t> rows_lost{0};
    std::atomic<std::uint64_t> queue_full_events{0};
    std::atomic<std::uint64_t> index_slices{0};
    std::atomic<std::size_t> depth{0};  // submitted, not yet committed or lost

    // Writer thread only.
    listener_marks marks;
    bool gave_up = false;  // a chunk was given up during close: later chunks get one attempt

    // The number index's sorting thread calls back into this object: joined before any member goes.
    ~impl() { numbers.stop(); }

    void run();
    bool wait_for_work(recycled_entries& batch, side_rows& side, bool index_work,
                       std::optional<std::chrono::steady_clock::time_point> index_deadline);
    void write_chunk(std::span<const decision_log_entry_ptr> chunk, side_rows& side);
    void write_index_slice();
    void finish_index();
    std::string write_transaction(std::span<const decision_log_entry_ptr> chunk, const side_rows& side,
                                  std::uint64_t& rule_rows);
    // A batch is due at batch_max_rows, or sooner when the queue cannot hold that many.
    std::size_t rows_due() const {
        return std::min(settings.batch_max_rows, settings.queue_capacity);
    }
    bool closing_now() {
        std::lock_guard lock(mutex);
        return closing;
    }
};

void decision_log_writer::impl::run() {
    recycled_entries batch;
    batch.reserve(queue_reserve(settings));  // swapped with the queue: both keep this room
    side_rows side;
    while (wait_for_work(batch, side, numbers.append_ready(), numbers.open_run_deadline())) {
        if (batch.empty() && side.empty()) {  // idle: close a run that is due, append some of one
            numbers.close_if_due(std::chrono::steady_clock::now());
            if (numbers.append_ready()) write_index_slice();
            continue;
        }
        const std::span<const decision_log_entry_ptr> all = batch.entries();
        std::size_t start = 0;
        do {  // at least once: a batch may hold only rule-set versions or operator actions
            const std::size_t n = std::min(settings.batch_max_rows, all.size() - start);
            write_chunk(all.subspan(start, n), side);
            start += n;
        } while (start < all.size());
        batch.recycle(spares_kept(settings));  // the next swap hands them to the queue, to be written over
        side.clear();
    }
    finish_index();
}

// One transaction of number-index entries only, while nothing else is queued. A slice is
// small (idle_appends, ~0.2 ms) because a row that arrives meanwhile waits for it.
void decision_log_writer::impl::write_index_slice() {
    checkpointer.before_transaction();
    std::string failure = inserter.begin();
    if (failure.empty()) failure = numbers.append(numbers.idle_appends());
    if (failure.empty()) failure = inserter.commit();
    if (failure.empty()) {
        // Counted before the index says it is done, so whoever sees it done sees the slice.
        index_slices.fetch_add(1, std::memory_order_relaxed);
        numbers.committed(std::chrono::steady_clock::now());
        return;
    }
    inserter.rollback();
    numbers.rolled_back();
    write_failures.fetch_add(1, std::memory_order_relaxed);
    common::log(common::log_level::warning, "decision log: number index slice failed, retried with the next commit: {}", failure);
    std::unique_lock lock(mutex);
    work_ready.wait_for(lock, first_backoff, [&] { return closing || !queue.empty(); });
}

// At close: every run indexed, so a log closed cleanly has no unindexed rows.
void decision_log_writer::impl::finish_index() {
    checkpointer.before_transaction();
    if (std::string failure = numbers.finish(); !failure.empty())
        common::log(common::log_level::warning, "decision log: the number index of the last {} rows is left to the next start: {}",
                    numbers.stats().unindexed_rows, failure);
}

// Waits until a batch is due (batch_max_rows queued, the oldest entry batch_max_delay old,
// a rule-set version to store, or close), then takes the whole queue in one swap so the
// lock is held only for that. Returns false when closing and nothing is left.
bool decision_log_writer::impl::wait_for_work(recycled_entries& batch, side_rows& side,
                                              bool index_work,
                                              std::optional<std::chrono::steady_clock::time_point> index_deadline) {
    {
        std::unique_lock lock(mutex);
        for (;;) {
            if (closing || !side_queued.empty() || queue.size() >= rows_due()) break;
            if (queue.empty()) {
                if (index_work || run_sorted) {  // nothing waits: an index slice (empty batch)
                    const auto quiet_from = last_rows_taken + settings.number_index.slice_quiet;
                    if (std::chrono::steady_clock::now() < quiet_from) {
                        work_ready.wait_until(lock, quiet_from);
                        continue;
                    }
                    run_sorted = false;
                    return true;
                }
                if (!index_deadline) {
                    work_ready.wait(lock);
                    continue;
                }
                // A quiet log still closes its open run on time (index_run_seconds).
                if (work_ready.wait_until(lock, *index_deadline) == std::cv_status::timeout && queue.empty()) {
                    index_deadline.reset();
                    return true;
                }
                continue;
            }
            if (work_ready.wait_until(lock, oldest_queued + settings.batch_max_delay) ==
                std::cv_status::timeout)
                break;
        }
        if (queue.empty() && side_queued.empty()) return false;  // only when closing
        if (!queue.empty()) last_rows_taken = std::chrono::steady_clock::now();
        batch.swap(queue);
        side.swap(side_queued);
    }
    space_free.notify_all();
    return true;
}

// Commits one chunk, retrying the same rows until it succeeds; only while closing does
// it give up, counting the rows as lost and telling their listeners !ok.
void decision_log_writer::impl::write_chunk(std::span<const decision_log_entry_ptr> chunk, side_rows& side) {
    auto backoff = first_backoff;
    int attempts_since_close = 0;
    for (;;) {
        std::uint64_t rule_rows = 0;
        const std::string failure = write_transaction(chunk, side, rule_rows);
        if (failure.empty()) {
            rows_committed.fetch_add(chunk.size(), std::memory_order_relaxed);
            rule_rows_committed.fetch_add(rule_rows, std::memory_order_relaxed);
            batches_committed.fetch_add(1, std::memory_order_relaxed);
            side.tell(true);
            side.clear();  // stored with this chunk
            marks.collect(chunk);
            depth.fetch_sub(chunk.size(), std::memory_order_relaxed);
            marks.tell(true);
            return;
        }
        const std::uint64_t failures = write_failures.fetch_add(1, std::memory_order_relaxed) + 1;
        const bool shutting_down = closing_now();
        if (shutting_down && (gave_up || ++attempts_since_close >= attempts_when_closing)) {
            gave_up = true;
            common::log(common::log_level::error, "decision log: gave up on {} rows at shutdown (with reply_after_commit their lines are answered not_logged; in async mode they were answered already): {}",
                        chunk.size(), failure);
            rows_lost.fetch_add(chunk.size(), std::memory_order_relaxed);
            side.tell(false);
            side.clear();
            marks.collect(chunk);
            depth.fetch_sub(chunk.size(), std::memory_order_relaxed);
            marks.tell(false);
            return;
        }
        // Said once per failing stretch (the count is in the stats), not once per retry.
        if (backoff == first_backoff)
            common::log(common::log_level::error, "decision log write failed ({} so far), retrying: {}", failures, failure);
        if (shutting_down) {
            std::this_thread::sleep_for(first_backoff);  // shutdown must end: short, fixed pauses
            continue;
        }
        std::unique_lock lock(mutex);
        // close() cuts the pause short so shutdown starts counting its attempts at once.
        work_ready.wait_for(lock, backoff, [&] { return closing; });
        backoff = std::min(backoff * 2, max_backoff);
    }
}

std::string decision_log_writer::impl::write_transaction(std::span<const decision_log_entry_ptr> chunk, const side_rows& side,
                                                        std::uint64_t& rule_rows) {
    checkpointer.before_transaction();
    std::string failure = inserter.begin();
    for (std::size_t i = 0; failure.empty() && i < side.rulesets.size(); ++i)
        failure = inserter.insert_ruleset_version(side.rulesets[i].version, side.rulesets[i].content, side.rulesets[i].first_used_ms);
    for (std::size_t i = 0; failure.empty() && i < side.actions.size(); ++i) failure = inserter.insert_operator_action(side.actions[i]);
    std::array<decision_log_inserter::inserted_row, decision_log_inserter::rows_per_statement> rows;
    for (std::size_t at = 0; failure.empty() && at < chunk.size(); at += rows.size()) {
        const std::size_t n = std::min(rows.size(), chunk.size() - at);
        failure = inserter.insert_many(chunk.subspan(at, n), rule_rows, std::span(rows).first(n));
        for (std::size_t i = 0; failure.empty() && i < n; ++i) numbers.stage(rows[i].id, rows[i].time_ms, rows[i].caller_num, rows[i].callee_num);
    }
    if (failure.empty()) failure = numbers.append(numbers.appends_for(chunk.size()));
    if (failure.empty()) failure = inserter.commit();
    if (!failure.empty()) {
        inserter.rollback();
        numbers.rolled_back();
        return failure;
    }
    numbers.committed(std::chrono::steady_clock::now());
    return failure;
}

common::loaded<std::unique_ptr<decision_log_writer>> decision_log_writer::open(
    const decision_log_settings& settings) {
    common::loaded<std::unique_ptr<decision_log_writer>> result;
    auto refuse = [&](std::string code, std::string message) {
        common::diagnostic d;
        d.code = std::move(code);
        d.message = std::move(message);
        d.file = settings.path;
        result.diagnostics.push_back(std::move(d));
        return std::move(result);
    };
    if (settings.queue_capacity == 0)
        return refuse("LOG_BAD_SETTINGS", "queue_capacity must be at least 1");
    if (settings.batch_max_rows == 0)
        return refuse("LOG_BAD_SETTINGS", "batch_max_rows must be at least 1");

    auto database = open_decision_log_database(settings.path);
    result.diagnostics = std::move(database.diagnostics);
    if (!database.ok()) return result;

    auto p = std::make_unique<impl>();
    p->settings = settings;
    p->db = std::move(*database.value);
    if (std::string failure = p->inserter.prepare(p->db.get(), settings.content); !failure.empty())
        return refuse("LOG_OPEN_FAILED",
                      fmt::format("cannot prepare the decision log statements: {}", failure));
    impl* raw = p.get();
    if (std::string failure = p->numbers.open(p->db.get(), settings.number_index, [raw] {
            {
                std::lock_guard lock(raw->mutex);
                raw->run_sorted = true;
            }
            raw->work_ready.notify_one();
        });
        !failure.empty())
        return refuse("LOG_OPEN_FAILED", fmt::format("cannot read the decision log's number index: {}", failure));
    std::string failure;
    const auto page_size = p->db.query_int("PRAGMA page_size", failure);
    if (page_size)
        failure = p->checkpointer.start(p->db.get(), settings.path, checkpoint_policy(*page_size));
    if (!failure.empty())
        return refuse("LOG_OPEN_FAILED",
                      fmt::format("cannot start the decision log checkpointer: {}", failure));
    p->queue.reserve(queue_reserve(settings));

    // The connection is handed to the writer thread here and used by it alone from now on.
    p->thread = std::thread([raw] {
        common::name_this_thread("rf-log-writer");
        raw->run();
    });
    result.value = std::unique_ptr<decision_log_writer>(new decision_log_writer(std::move(p)));
    return result;
}

decision_log_writer::decision_log_writer(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

decision_log_writer::~decision_log_writer() { close(); }

bool decision_log_writer::submit(decision_log_entry&& e, bool wait) {
    auto p = std::make_unique<decision_log_entry>(std::move(e));
    if (submit(p, wait)) return true;
    e = std::move(*p);
    return false;
}

bool decision_log_writer::submit(decision_log_entry_ptr& e, bool wait) {
    impl& s = *impl_;
    std::unique_lock lock(s.mutex);
    if (s.closing) return false;
    if (s.queue.size() >= s.settings.queue_capacity) {
        s.queue_full_events.fetch_add(1, std::memory_order_relaxed);
        if (!wait) return false;
        s.space_free.wait(lock,
                          [&] { return s.queue.size() < s.settings.queue_capacity || s.closing; });
        if (s.closing) return false;
    }
    const bool was_empty = s.queue.empty();
    if (was_empty) s.oldest_queued = std::chrono::steady_clock::now();
    s.queue.push(e);
    s.depth.fetch_add(1, std::memory_order_relaxed);
    // The writer needs waking only to start its batch timer or when a batch is full.
    const bool wake = was_empty || s.queue.size() == s.rows_due();
    lock.unlock();
    if (wake) s.work_ready.notify_one();
    return true;
}

void decision_log_writer::record_ruleset_version(const std::string& version,
                                                 const std::string& content, std::int64_t first_used_ms) {
    impl& s = *impl_;
    {
        std::lock_guard lock(s.mutex);
        if (s.closing || !s.rulesets_seen.insert(version).second) return;
        s.side_queued.rulesets.push_back({version, content, first_used_ms != 0 ? first_used_ms : wall_clock_ms()});
    }
    s.work_ready.notify_one();
}

bool decision_log_writer::record_operator_action(operator_action a) {
    impl& s = *impl_;
    {
        std::lock_guard lock(s.mutex);
        if (s.closing) return false;
        if (a.time_ms == 0) a.time_ms = wall_clock_ms();
        s.side_queued.actions.push_back(std::move(a));
    }
    s.work_ready.notify_one();
    return true;
}

void decision_log_writer::close() {
    impl& s = *impl_;
    std::lock_guard close_lock(s.close_mutex);
    if (!s.thread.joinable()) return;
    {
        std::lock_guard lock(s.mutex);
        s.closing = true;
    }
    s.work_ready.notify_all();
    s.space_free.notify_all();
    s.thread.join();
    s.numbers.stop();
    s.checkpointer.stop();
    s.inserter.finalize();
    // Everything into the file and the WAL cut to nothing: it stays beside the log
    // (keep_wal_files) for read-only readers, empty instead of as large as it last grew.
    if (s.db) sqlite3_exec(s.db.get(), "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
    s.db = sqlite::sqlite_connection();
}

bool decision_log_writer::closing() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->closing;
}

decision_log_stats decision_log_writer::stats() const {
    const impl& s = *impl_;
    decision_log_stats out;
    out.rows_committed = s.rows_committed.load(std::memory_order_relaxed);
    out.rule_rows_committed = s.rule_rows_committed.load(std::memory_order_relaxed);
    out.batches_committed = s.batches_committed.load(std::memory_order_relaxed);
    out.write_failures = s.write_failures.load(std::memory_order_relaxed);
    out.rows_lost = s.rows_lost.load(std::memory_order_relaxed);
    out.queue_full_events = s.queue_full_events.load(std::memory_order_relaxed);
    out.queue_depth = s.depth.load(std::memory_order_relaxed);
    const number_index_stats numbers = s.numbers.stats();
    out.number_index_runs = numbers.runs_completed;
    out.number_unindexed_rows = numbers.unindexed_rows;
    out.number_index_slices = s.index_slices.load(std::memory_order_relaxed);
    return out;
}

}  // namespace ringfence::store
