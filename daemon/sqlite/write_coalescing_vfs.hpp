// A SQLite VFS over the platform's default one that gathers the many small writes SQLite
// makes to a WAL file into a few large ones, for the decision log's writer.
//
// Why: SQLite writes a WAL frame as two calls (its 24-byte header, then the page), so a
// commit of 30 pages is 60 pwrite system calls where one would do. On a virtual machine a
// system call costs several microseconds (measured on the development VM: ~9 us per 4 KiB
// pwrite), and at 20,000 decisions/s the writer made 8,600-17,000 of them a second
// (docs/performance.md).
//
// What it changes, and why that is safe:
// - Appends to the WAL at consecutive offsets are gathered in a buffer (124 KiB, the most the
//   unix VFS writes in one call) and written out with the page of the frame that ends a
//   commit (the page right after a frame header whose "database size after commit" is set),
//   when the next append is not consecutive, when the buffer is full, and before any read,
//   sync, size query, truncation, lock, file control or close. A commit is thus in the file
//   before SQLite publishes it in the WAL index, and a failing write (a full disk) fails the
//   commit: readers (auditors, the checkpointer) never see a frame that is not in the file.
// - Everything else is written as SQLite gives it, after what is gathered: writes over frames
//   already written (a transaction that spilled rewrites its frames' checksums), the write
//   after a sync (the rest of a frame SQLite split at a sync point), the WAL header that
//   starts the file over, and every other file (the database file, journals, temp files).
// - As a safety net, the database file's xShmBarrier (called as SQLite publishes a commit)
//   writes out whatever its WAL file still holds and counts it (late_flushes; the tests
//   check it stays 0), and its xShmLock writes it out too.
// A crash loses what was in the buffer, as it would lose a write SQLite had not made yet: a
// transaction is in the file (the OS's page cache) when its commit returns, as before.
#pragma once

#include <cstdint>

namespace ringfence::sqlite {

// Registers the VFS once (thread-safe) and returns its name, for sqlite3_open_v2's zVfs.
// nullptr if SQLite has no default VFS to wrap (never on Linux).
const char* write_coalescing_vfs_name();

// Process-wide counters of the VFS, for tests and diagnostics.
struct write_coalescing_stats {
    std::uint64_t writes_in = 0;    // xWrite calls SQLite made to WAL files
    std::uint64_t writes_out = 0;   // writes made to the file system for them
    std::uint64_t late_flushes = 0; // WAL data still gathered when SQLite published a commit (expected 0)
};
write_coalescing_stats write_coalescing_vfs_stats();

}  // namespace ringfence::sqlite
