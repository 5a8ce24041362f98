#include "store/wal_checkpointer.hpp"

#include <chrono>
#include <cstdio>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/log.hpp"
#include "common/thread_name.hpp"
#include "store/decision_log_database.hpp"

namespace ringfence::store {

namespace {

// After a failed checkpoint (a full disk, an I/O error) the next one waits this long, so a
// persisting failure does not turn into a busy loop beside the writer.
constexpr std::chrono::milliseconds pause_after_failure{100};

}  // namespace

wal_checkpointer::~wal_checkpointer() { stop(); }

std::string wal_checkpointer::start(sqlite3* writer_db, const std::string& path,
                                    wal_checkpoint_policy policy) {
    std::string failure;
    db_ = sqlite::sqlite_connection::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, failure);
    if (!db_) return failure;
    keep_wal_files(db_.get());  // whichever connection closes last
    // A connection finds out that the file is in WAL mode only when it first reads it; until
    // then sqlite3_wal_checkpoint_v2 does nothing (and says so only by frame counts of -1).
    if (!db_.query_int("SELECT count(*) FROM sqlite_schema", failure)) {
        db_ = sqlite::sqlite_connection();
        return failure;
    }
    writer_db_ = writer_db;
    policy_ = policy;
    sqlite3_wal_hook(writer_db_, &wal_checkpointer::on_commit, this);
    thread_ = std::thread([this] {
        common::name_this_thread("rf-checkpoint");
        run();
    });
    return {};
}

// Runs on the writer thread inside its COMMIT: only bookkeeping, never I/O.
int wal_checkpointer::on_commit(void* self, sqlite3*, const char*, int wal_pages) {
    auto& c = *static_cast<wal_checkpointer*>(self);
    bool due = false;
    {
        std::lock_guard lock(c.mutex_);
        ++c.commits_;
        c.wal_pages_ = wal_pages;
        if (wal_pages >= c.policy_.start_pages) {
            c.requested_ = c.commits_;
            due = true;
        }
    }
    if (due) c.wake_.notify_one();
    return SQLITE_OK;
}

void wal_checkpointer::run() {
    // On Linux a nice value belongs to a thread: PRIO_PROCESS with the thread id changes
    // this thread alone. An unprivileged process may always lower its own priority.
    if (policy_.thread_nice != 0)
        (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), policy_.thread_nice);
    bool failing = false;
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [&] { return stopping_ || requested_ > covered_; });
        if (stopping_) return;
        // Every frame committed so far is in the WAL now, so this checkpoint can copy them all.
        const std::uint64_t covers = commits_;
        lock.unlock();
        int wal_frames = 0;
        int copied_frames = 0;
        const int rc = sqlite3_wal_checkpoint_v2(db_.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                                 &wal_frames, &copied_frames);
        // SQLITE_BUSY: someone else (an auditor's PRAGMA wal_checkpoint) is checkpointing.
        const bool failed = rc != SQLITE_OK && rc != SQLITE_BUSY;
        if (failed && !failing)  // said once per failing stretch
            common::log(common::log_level::warning, "decision log checkpoint failed, retrying: {}", sqlite3_errmsg(db_.get()));
        failing = failed;
        lock.lock();
        covered_ = covers;
        ++checkpoints_;
        ended_.notify_all();
        if (failed) wake_.wait_for(lock, pause_after_failure, [&] { return stopping_; });
    }
}

void wal_checkpointer::before_transaction() {
    std::unique_lock lock(mutex_);
    if (wal_pages_ < policy_.limit_pages) return;
    const std::uint64_t last_commit = commits_;
    ended_.wait(lock, [&] { return covered_ >= last_commit || stopping_; });
}

void wal_checkpointer::stop() {
    if (!thread_.joinable()) return;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    ended_.notify_all();
    thread_.join();
    db_ = sqlite::sqlite_connection();
    sqlite3_wal_hook(writer_db_, nullptr, nullptr);
}

std::uint64_t wal_checkpointer::checkpoints_run() const {
    std::lock_guard lock(mutex_);
    return checkpoints_;
}

}  // namespace ringfence::store
