// A SQLite VFS over the platform's default one that gathers the many small writes SQLite
// makes into a few large ones, for the decision log's writer and checkpointer.
//
// Why: SQLite writes a WAL frame as two calls (its 24-byte header, then the page), and a
// checkpoint copies the WAL back one page per call. A commit of 30 pages is then 60 pwrite
// system calls, where one would do. On a virtual machine a system call costs several
// microseconds (measured on the development VM: ~9 us per 4 KiB pwrite), and at 20,000
// decisions/s the writer made 8,600-17,000 of them a second (docs/performance.md).
//
// What it changes, and why that is safe:
// - The WAL file: writes at consecutive offsets are gathered in a buffer (124 KiB, the most
//   the unix VFS writes in one call), written out when
//   the frame that ends a transaction (a frame header whose "database size after commit"
//   field is set) has its page written, when the next write is not consecutive, when the
//   buffer is full, and before any read, sync, size query, truncation, file control or
//   close. A commit is written before SQLite publishes it in the WAL index, so readers
//   (auditors, the checkpointer) never see a frame that is not in the file. As a safety net,
//   the database file's xShmBarrier and xShmLock (called around every publication) also
//   write out what its WAL file holds; tests check that this never finds anything.
// - The database file: written only by checkpoints in WAL mode. Consecutive pages are
//   gathered the same way and written out at the checkpoint's sync (and before any read,
//   lock, size query, file control or close), before the checkpoint records its progress.
// - Every other file (journals, temp files) passes straight through.
// A crash loses what was in the buffer, as it would lose a write SQLite had not yet made:
// a transaction is durable (to the OS) when its commit returns, as before.
#pragma once

#include <cstdint>

namespace ringfence::sqlite {

// Registers the VFS once (thread-safe) and returns its name, for sqlite3_open_v2's zVfs.
// nullptr if SQLite has no default VFS to wrap (never on Linux).
const char* write_coalescing_vfs_name();

// Process-wide counters of the VFS, for tests and diagnostics.
struct write_coalescing_stats {
    std::uint64_t writes_in = 0;    // xWrite calls SQLite made to gathered files
    std::uint64_t writes_out = 0;   // writes made to the file system for them
    std::uint64_t late_flushes = 0; // WAL data still buffered at a WAL-index barrier or lock (expected 0)
};
write_coalescing_stats write_coalescing_vfs_stats();

}  // namespace ringfence::sqlite
