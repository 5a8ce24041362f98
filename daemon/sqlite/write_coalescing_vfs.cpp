#include "sqlite/write_coalescing_vfs.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <vector>

namespace ringfence::sqlite {

namespace {

constexpr const char* vfs_name = "ringfence-coalescing";

// The unix VFS writes at most 128 KiB - 1 bytes per pwrite call (it masks the length with
// 0x1ffff), so a larger buffer would save no system call. 124 KiB holds 30 WAL frames of 4 KiB
// pages: a commit of ~100 decision-log rows; a larger transaction goes out in pieces of this size.
constexpr sqlite3_int64 buffer_bytes = 124 * 1024;

// SQLite writes a WAL frame header (24 bytes) in a call of its own, before the page.
constexpr int wal_frame_header_bytes = 24;

sqlite3_vfs* base_vfs = nullptr;  // the default VFS this one wraps; set once at registration

std::atomic<std::uint64_t> writes_in{0};
std::atomic<std::uint64_t> writes_out{0};
std::atomic<std::uint64_t> late_flushes{0};

struct coalescing_file {
    sqlite3_file base;           // pMethods: ours
    sqlite3_file* real;          // the default VFS's file, in the same allocation after this one
    bool is_wal;                 // writes are gathered (WAL files only)
    bool write_next_through;     // the last call was xSync: the next write is not gathered
    sqlite3_int64 commit_page_at; // offset of the page that ends the commit being written; -1: none
    sqlite3_int64 high_water;    // end of the furthest write since the WAL last started over
    const char* name;            // main database: the name SQLite opened it with (valid until close)
    coalescing_file* wal;        // main database: its WAL file, while open
    coalescing_file* main;       // WAL: its main database file, while open
    unsigned char* buffer;       // buffer_bytes, allocated at the first gathered write
    sqlite3_int64 start;         // file offset of buffer[0]
    sqlite3_int64 used;
};

// Main database files open through this VFS, so a WAL file can find its own (pointer
// comparison: SQLite passes names of one pager from one allocation).
std::mutex registry_mutex;
std::vector<coalescing_file*> open_main_files;

coalescing_file* self_of(sqlite3_file* f) { return reinterpret_cast<coalescing_file*>(f); }

int write_out(coalescing_file* f) {
    f->commit_page_at = -1;
    if (f->used == 0) return SQLITE_OK;
    const int rc = f->real->pMethods->xWrite(f->real, f->buffer, static_cast<int>(f->used), f->start);
    writes_out.fetch_add(1, std::memory_order_relaxed);
    f->used = 0;  // on failure too: the call that asked fails, SQLite rolls back and writes again
    return rc;
}

int x_close(sqlite3_file* file) {
    coalescing_file* f = self_of(file);
    const int flushed = write_out(f);
    {
        std::lock_guard lock(registry_mutex);
        if (f->is_wal && f->main != nullptr) f->main->wal = nullptr;
        if (f->name != nullptr) {
            std::erase(open_main_files, f);
            if (f->wal != nullptr) f->wal->main = nullptr;
        }
    }
    sqlite3_free(f->buffer);
    f->buffer = nullptr;
    const int rc = f->real->pMethods->xClose(f->real);
    return flushed != SQLITE_OK ? flushed : rc;
}

int x_read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
    coalescing_file* f = self_of(file);
    if (const int rc = write_out(f); rc != SQLITE_OK) return rc;
    return f->real->pMethods->xRead(f->real, out, amount, offset);
}

bool is_commit_frame_header(const void* data, int amount) {
    if (amount != wal_frame_header_bytes) return false;
    const auto* b = static_cast<const unsigned char*>(data);
    return (b[4] | b[5] | b[6] | b[7]) != 0;  // database size after commit: only on a commit frame
}

int write_through(coalescing_file* f, const void* data, int amount, sqlite3_int64 offset) {
    if (const int rc = write_out(f); rc != SQLITE_OK) return rc;
    writes_out.fetch_add(1, std::memory_order_relaxed);
    return f->real->pMethods->xWrite(f->real, data, amount, offset);
}

int x_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
    coalescing_file* f = self_of(file);
    if (!f->is_wal) return f->real->pMethods->xWrite(f->real, data, amount, offset);
    writes_in.fetch_add(1, std::memory_order_relaxed);
    // The WAL header (offset 0) starts the file over: SQLite syncs it or not, then appends.
    if (offset == 0) f->high_water = 0;
    const bool appends = offset >= f->high_water;
    f->high_water = std::max(f->high_water, offset + amount);
    // Written as given, after what is gathered: a write over frames already written (SQLite
    // rewrites frame headers and pages of a transaction that spilled, walRewriteChecksums,
    // ending with the commit frame's header), the rest of a frame SQLite split at a sync
    // point (synchronous=FULL with sector padding), and anything too large to gather. Each
    // returns its own error.
    if (!appends || f->write_next_through || amount > buffer_bytes) {
        f->write_next_through = false;
        return write_through(f, data, amount, offset);
    }
    if (f->used > 0 && (offset != f->start + f->used || f->used + amount > buffer_bytes)) {
        if (const int rc = write_out(f); rc != SQLITE_OK) return rc;
    }
    if (f->buffer == nullptr) {
        f->buffer = static_cast<unsigned char*>(sqlite3_malloc64(buffer_bytes));
        if (f->buffer == nullptr) return write_through(f, data, amount, offset);
    }
    if (f->used == 0) f->start = offset;
    std::memcpy(f->buffer + f->used, data, static_cast<std::size_t>(amount));
    f->used += amount;
    // A commit's last frame: its header, then its page right after it. Out with that page,
    // before SQLite publishes the commit in the WAL index, so an error (a full disk) fails
    // the commit.
    if (offset == f->commit_page_at) return write_out(f);
    f->commit_page_at = is_commit_frame_header(data, amount) ? offset + amount : -1;
    return SQLITE_OK;
}

int x_truncate(sqlite3_file* file, sqlite3_int64 size) {
    coalescing_file* f = self_of(file);
    if (const int rc = write_out(f); rc != SQLITE_OK) return rc;
    return f->real->pMethods->xTruncate(f->real, size);
}

int x_sync(sqlite3_file* file, int flags) {
    coalescing_file* f = self_of(file);
    if (const int rc = write_out(f); rc != SQLITE_OK) return rc;
    // SQLite syncs a WAL in the middle of a commit only when it splits a frame at a sync
    // point; what follows is the rest of that frame, and nothing may be left gathered then.
    f->write_next_through = f->is_wal;
    return f->real->pMethods->xSync(f->real, flags);
}

int x_file_size(sqlite3_file* file, sqlite3_int64* size) {
    coalescing_file* f = self_of(file);
    if (const int rc = write_out(f); rc != SQLITE_OK) return rc;
    return f->real->pMethods->xFileSize(f->real, size);
}

int x_lock(sqlite3_file* file, int level) {
    coalescing_file* f = self_of(file);
    if (const int rc = write_out(f); rc != SQLITE_OK) return rc;
    return f->real->pMethods->xLock(f->real, level);
}

int x_unlock(sqlite3_file* file, int level) {
    coalescing_file* f = self_of(file);
    if (const int rc = write_out(f); rc != SQLITE_OK) return rc;
    return f->real->pMethods->xUnlock(f->real, level);
}

int x_check_reserved_lock(sqlite3_file* file, int* out) {
    return self_of(file)->real->pMethods->xCheckReservedLock(self_of(file)->real, out);
}

int x_file_control(sqlite3_file* file, int op, void* arg) {
    coalescing_file* f = self_of(file);
    if (const int rc = write_out(f); rc != SQLITE_OK) return rc;
    return f->real->pMethods->xFileControl(f->real, op, arg);
}

int x_sector_size(sqlite3_file* file) { return self_of(file)->real->pMethods->xSectorSize(self_of(file)->real); }

int x_device_characteristics(sqlite3_file* file) {
    return self_of(file)->real->pMethods->xDeviceCharacteristics(self_of(file)->real);
}

// Called on the main database file around changes to the WAL index. Whatever its WAL file
// still holds goes out first. At a barrier (SQLite publishing a commit) the rules of x_write
// leave nothing, and anything found is counted as late. At a lock change there may be the
// last frames of a transaction rolled back after it spilled: beyond the WAL's valid end,
// written only to empty the buffer.
int flush_wal_of(coalescing_file* main, bool publishing) {
    coalescing_file* wal = main->wal;
    if (wal == nullptr || wal->used == 0) return SQLITE_OK;
    if (publishing) late_flushes.fetch_add(1, std::memory_order_relaxed);
    return write_out(wal);
}

int x_shm_map(sqlite3_file* file, int region, int size, int extend, void volatile** out) {
    return self_of(file)->real->pMethods->xShmMap(self_of(file)->real, region, size, extend, out);
}

int x_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
    coalescing_file* f = self_of(file);
    if (const int rc = flush_wal_of(f, false); rc != SQLITE_OK) return rc;
    return f->real->pMethods->xShmLock(f->real, offset, n, flags);
}

void x_shm_barrier(sqlite3_file* file) {
    coalescing_file* f = self_of(file);
    (void)flush_wal_of(f, true);  // cannot fail here; never has anything to write (x_write)
    f->real->pMethods->xShmBarrier(f->real);
}

int x_shm_unmap(sqlite3_file* file, int delete_flag) {
    return self_of(file)->real->pMethods->xShmUnmap(self_of(file)->real, delete_flag);
}

int x_fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
    coalescing_file* f = self_of(file);
    if (const int rc = write_out(f); rc != SQLITE_OK) return rc;
    return f->real->pMethods->xFetch(f->real, offset, amount, out);
}

int x_unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
    return self_of(file)->real->pMethods->xUnfetch(self_of(file)->real, offset, page);
}

const sqlite3_io_methods methods = {
    3,
    x_close,
    x_read,
    x_write,
    x_truncate,
    x_sync,
    x_file_size,
    x_lock,
    x_unlock,
    x_check_reserved_lock,
    x_file_control,
    x_sector_size,
    x_device_characteristics,
    x_shm_map,
    x_shm_lock,
    x_shm_barrier,
    x_shm_unmap,
    x_fetch,
    x_unfetch,
};

constexpr int real_file_offset = static_cast<int>((sizeof(coalescing_file) + 7) & ~std::size_t{7});

int x_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
    coalescing_file* f = self_of(file);
    std::memset(f, 0, sizeof(coalescing_file));
    f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + real_file_offset);
    const int rc = base_vfs->xOpen(base_vfs, name, f->real, flags, out_flags);
    // SQLite closes a file whose open failed only if pMethods is set: mirror the real one.
    if (f->real->pMethods == nullptr) {
        file->pMethods = nullptr;
        return rc;
    }
    // The unix VFS's methods are version 3; a base VFS without the WAL index methods or
    // memory mapping is not wrapped (every call would need a version check).
    if (f->real->pMethods->iVersion < 3) {
        f->real->pMethods->xClose(f->real);
        file->pMethods = nullptr;
        return SQLITE_CANTOPEN;
    }
    f->is_wal = (flags & SQLITE_OPEN_WAL) != 0;
    f->commit_page_at = -1;
    {
        std::lock_guard lock(registry_mutex);
        if ((flags & SQLITE_OPEN_MAIN_DB) != 0 && name != nullptr) {
            f->name = name;
            open_main_files.push_back(f);
        } else if (f->is_wal && name != nullptr) {
            const char* database = sqlite3_filename_database(name);
            const auto main = std::find_if(open_main_files.begin(), open_main_files.end(),
                                           [&](const coalescing_file* m) { return m->name == database; });
            if (main != open_main_files.end()) {
                f->main = *main;
                (*main)->wal = f;
            }
        }
    }
    file->pMethods = &methods;
    return rc;
}

// The rest of the VFS is the base one's.
int x_delete(sqlite3_vfs*, const char* name, int sync_dir) { return base_vfs->xDelete(base_vfs, name, sync_dir); }
int x_access(sqlite3_vfs*, const char* name, int flags, int* out) { return base_vfs->xAccess(base_vfs, name, flags, out); }
int x_full_pathname(sqlite3_vfs*, const char* name, int size, char* out) {
    return base_vfs->xFullPathname(base_vfs, name, size, out);
}
void* x_dl_open(sqlite3_vfs*, const char* name) { return base_vfs->xDlOpen(base_vfs, name); }
void x_dl_error(sqlite3_vfs*, int size, char* out) { base_vfs->xDlError(base_vfs, size, out); }
void (*x_dl_sym(sqlite3_vfs*, void* handle, const char* symbol))(void) { return base_vfs->xDlSym(base_vfs, handle, symbol); }
void x_dl_close(sqlite3_vfs*, void* handle) { base_vfs->xDlClose(base_vfs, handle); }
int x_randomness(sqlite3_vfs*, int size, char* out) { return base_vfs->xRandomness(base_vfs, size, out); }
int x_sleep(sqlite3_vfs*, int microseconds) { return base_vfs->xSleep(base_vfs, microseconds); }
int x_current_time(sqlite3_vfs*, double* out) { return base_vfs->xCurrentTime(base_vfs, out); }
int x_get_last_error(sqlite3_vfs*, int size, char* out) { return base_vfs->xGetLastError(base_vfs, size, out); }
int x_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) { return base_vfs->xCurrentTimeInt64(base_vfs, out); }

sqlite3_vfs coalescing_vfs{};

const char* register_vfs() {
    base_vfs = sqlite3_vfs_find(nullptr);
    if (base_vfs == nullptr || base_vfs->iVersion < 2) return nullptr;
    coalescing_vfs.iVersion = 2;
    coalescing_vfs.szOsFile = real_file_offset + base_vfs->szOsFile;
    coalescing_vfs.mxPathname = base_vfs->mxPathname;
    coalescing_vfs.zName = vfs_name;
    coalescing_vfs.xOpen = x_open;
    coalescing_vfs.xDelete = x_delete;
    coalescing_vfs.xAccess = x_access;
    coalescing_vfs.xFullPathname = x_full_pathname;
    coalescing_vfs.xDlOpen = x_dl_open;
    coalescing_vfs.xDlError = x_dl_error;
    coalescing_vfs.xDlSym = x_dl_sym;
    coalescing_vfs.xDlClose = x_dl_close;
    coalescing_vfs.xRandomness = x_randomness;
    coalescing_vfs.xSleep = x_sleep;
    coalescing_vfs.xCurrentTime = x_current_time;
    coalescing_vfs.xGetLastError = x_get_last_error;
    coalescing_vfs.xCurrentTimeInt64 = x_current_time_int64;
    if (sqlite3_vfs_register(&coalescing_vfs, 0) != SQLITE_OK) return nullptr;
    return vfs_name;
}

}  // namespace

const char* write_coalescing_vfs_name() {
    static const char* const name = register_vfs();  // thread-safe once
    return name;
}

write_coalescing_stats write_coalescing_vfs_stats() {
    return {writes_in.load(std::memory_order_relaxed), writes_out.load(std::memory_order_relaxed),
            late_flushes.load(std::memory_order_relaxed)};
}

}  // namespace ringfence::sqlite
