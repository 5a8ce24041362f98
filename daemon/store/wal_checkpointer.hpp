// Copies the decision log's write-ahead log back into the database file on a thread and a
// connection of its own, so the writer thread never stops for a checkpoint. Measured here, a
// checkpoint costs about as much as a fifth of the writing it follows (1M rows: ~1.2 s of
// copying and syncing after ~5 s of writing), and run inside a commit it also stalled
// reply_after_commit replies for hundreds of milliseconds.
//
// Contract: start() hooks the writer's connection (sqlite3_wal_hook, which also turns off
// SQLite's own automatic checkpoint there); after each commit the hook asks for a checkpoint
// once the WAL holds start_pages. Checkpoints are PASSIVE: they never block the writer or an
// auditor's read. The WAL can only start over from its beginning when a transaction begins
// with every frame copied back, which a writer that is never idle does not see; so past
// limit_pages the writer calls before_transaction() to wait for one checkpoint that began
// after its last commit. The writer's connection must outlive stop(). The thread can run at
// a lower CPU priority (thread_nice): a checkpoint is background work, and on a machine
// whose cores are busy deciding it should take only the time they leave.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "sqlite/sqlite_handle.hpp"

namespace ringfence::store {

struct wal_checkpoint_policy {
    int start_pages = 0;  // a checkpoint is due once the WAL holds this many pages
    int limit_pages = 0;  // past this the writer waits for a checkpoint before its next transaction
    // The checkpoint thread's nice value (0: as the rest of the process; 19: runs only on CPU
    // time nobody else wants). Best effort: set on the thread alone (Linux), errors ignored.
    int thread_nice = 0;
};

class wal_checkpointer {
  public:
    wal_checkpointer() = default;
    wal_checkpointer(const wal_checkpointer&) = delete;
    wal_checkpointer& operator=(const wal_checkpointer&) = delete;
    ~wal_checkpointer();

    // Opens a connection of its own to path, hooks writer_db and starts the thread.
    // Returns "" or SQLite's message (then nothing is hooked or started).
    std::string start(sqlite3* writer_db, const std::string& path, wal_checkpoint_policy policy);

    // Writer thread, before it begins a transaction. Returns at once while the WAL is below
    // limit_pages; past it, waits until a checkpoint that began after the last commit ended.
    void before_transaction();

    // Lets the running checkpoint finish, ends the thread, closes its connection and unhooks
    // the writer's connection. Call it when the writer thread no longer uses that
    // connection. Idempotent.
    void stop();

    // Checkpoints run to the end (successful or not) so far; for tests and diagnostics.
    std::uint64_t checkpoints_run() const;

  private:
    static int on_commit(void* self, sqlite3* db, const char* schema, int wal_pages);
    void run();

    sqlite3* writer_db_ = nullptr;
    sqlite::sqlite_connection db_;  // used by the checkpoint thread only
    wal_checkpoint_policy policy_;
    std::thread thread_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;   // the checkpoint thread waits: a request or stop
    std::condition_variable ended_;  // the writer waits: a checkpoint ended
    std::uint64_t commits_ = 0;      // commits seen by the hook
    std::uint64_t requested_ = 0;    // the commit that last asked for a checkpoint
    std::uint64_t covered_ = 0;      // commits whose frames an ended checkpoint could copy
    int wal_pages_ = 0;              // WAL size after the last commit
    std::uint64_t checkpoints_ = 0;
    bool stopping_ = false;
};

}  // namespace ringfence::store
