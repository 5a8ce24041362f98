// Files only one ringfenced may hold: a Unix socket it listens on, a SQLite file it writes.
// A second daemon started on the same paths must be refused, not take them over: it would
// unlink the first one's socket (leaving it unreachable) or write into its decision log.
#pragma once

#include <chrono>
#include <string>

namespace ringfence::common {

// Prepares path for bind(): "" when it is free or held a socket file that nobody listens on
// any more (a run that died; the file is removed), else why not (a process listens there, or
// the path is not a socket).
std::string claim_unix_socket_path(const std::string& path);

// The same verdict for a check that must change nothing (ringfenced --check): a socket file
// nobody listens on is left where it is (a start removes it).
std::string probe_unix_socket_path(const std::string& path);

// For a check that must create nothing (ringfenced --check): "" when no process holds the
// file_lock of path, else why it is in use. The lock file is not created when absent.
std::string probe_file_lock(const std::string& path);

// An advisory lock (flock) on path + ".lock", created 0660, held while this object lives.
// The path is taken with its symlinks resolved, so one file has one lock however named.
class file_lock {
  public:
    file_lock() = default;
    ~file_lock();
    file_lock(const file_lock&) = delete;
    file_lock& operator=(const file_lock&) = delete;

    // "" when taken, else why not (another process holds it, or the file cannot be made).
    std::string take(const std::string& path);
    // The same, waiting up to `wait` for another holder to let go (one import waits for
    // another instead of racing it).
    std::string take_waiting(const std::string& path, std::chrono::milliseconds wait);

  private:
    int fd_ = -1;
};

}  // namespace ringfence::common
