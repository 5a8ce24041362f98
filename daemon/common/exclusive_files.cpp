#include "common/exclusive_files.hpp"

#include <fmt/format.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace ringfence::common {

namespace {

std::string unix_socket_path_problem(const std::string& path, bool remove_stale) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return {};  // nothing there
    if (S_ISLNK(st.st_mode)) return path + " is a symbolic link: a socket path is taken as written (give the socket's own path, not a link to it)";
    if (!S_ISSOCK(st.st_mode)) return path + " exists and is not a socket";
    sockaddr_un addr{};
    if (path.size() >= sizeof(addr.sun_path)) return path + ": path too long for a Unix socket";
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return path + ": " + std::strerror(errno);
    const bool listening = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
    const int connect_errno = errno;
    ::close(fd);
    if (listening) return path + " is in use: another process (another ringfenced?) listens on it";
    // ECONNREFUSED: the socket file of a process that is gone. Anything else (EACCES...) is
    // not ours to remove.
    if (connect_errno != ECONNREFUSED) return path + ": " + std::strerror(connect_errno);
    if (remove_stale) ::unlink(path.c_str());
    return {};
}

}  // namespace

std::string claim_unix_socket_path(const std::string& path) { return unix_socket_path_problem(path, true); }

std::string probe_unix_socket_path(const std::string& path) { return unix_socket_path_problem(path, false); }

namespace {

// " (pid N, NAME)" of the process holding a flock on lock_path, from /proc/locks (whose
// entries name the locked file by device and inode), or "" when it cannot be told. The
// device there is the file system's own, which on btrfs subvolumes or overlayfs is not the
// one stat gives: an entry for the same inode on another device is taken when none matches
// both (the name is only for the message).
std::string holder_of(const std::string& lock_path) {
    struct stat st {};
    if (::stat(lock_path.c_str(), &st) != 0) return {};
    const std::string file = fmt::format("{:02x}:{:02x}:{}", major(st.st_dev), minor(st.st_dev), st.st_ino);
    const std::string inode = ":" + std::to_string(st.st_ino);
    std::ifstream locks("/proc/locks");
    std::string line, exact, same_inode;
    while (std::getline(locks, line)) {
        // "1: FLOCK  ADVISORY  WRITE 3950 fe:00:10954412 0 EOF"
        std::istringstream fields(line);
        std::string number, type, advisory, mode, pid, where;
        if (!(fields >> number >> type >> advisory >> mode >> pid >> where) || type != "FLOCK") continue;
        if (where == file) {
            exact = pid;
            break;
        }
        if (where.size() > inode.size() && where.compare(where.size() - inode.size(), inode.size(), inode) == 0) {
            // Only a single such entry names the holder: inode numbers repeat across file
            // systems (each btrfs subvolume starts at 256).
            same_inode = same_inode.empty() || same_inode == pid ? pid : "?";
        }
    }
    const std::string& pid = !exact.empty() ? exact : same_inode != "?" ? same_inode : exact;
    if (pid.empty()) return {};
    std::string name;
    std::ifstream comm("/proc/" + pid + "/comm");
    std::getline(comm, name);
    return name.empty() ? " (pid " + pid + ")" : " (pid " + pid + ", " + name + ")";
}

std::string lock_path_of(const std::string& path) {
    // Locked by the file's real path: a second daemon given the same file through a symlink
    // (or a symlinked folder) must meet the first one's lock, not take a lock of its own.
    std::error_code ec;
    const std::filesystem::path real = std::filesystem::weakly_canonical(path, ec);
    return (ec ? path : real.string()) + ".lock";
}

}  // namespace

std::string probe_file_lock(const std::string& path) {
    const std::string lock_path = lock_path_of(path);
    const int fd = ::open(lock_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return {};  // never locked here (or not readable: a start would say so)
    const bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    ::close(fd);
    return held ? path + " is in use: another process (another ringfenced?) holds " + lock_path + holder_of(lock_path) : std::string();
}

file_lock::~file_lock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

std::string file_lock::take(const std::string& path) {
    return take_waiting(path, std::chrono::milliseconds(0));
}

std::string file_lock::take_waiting(const std::string& path, std::chrono::milliseconds wait) {
    const std::string lock_path = lock_path_of(path);
    // Read-only is enough for flock; 0660, so that operators of one group share an import lock
    // whoever made it first (the umask may take more away).
    const int fd = ::open(lock_path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0660);
    if (fd < 0) return lock_path + ": " + std::strerror(errno);
    const auto give_up = std::chrono::steady_clock::now() + wait;
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int e = errno;
        if (e == EWOULDBLOCK && std::chrono::steady_clock::now() < give_up) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            continue;
        }
        ::close(fd);
        if (e != EWOULDBLOCK) return lock_path + ": " + std::strerror(e);
        if (wait.count() == 0) return path + " is in use: another process (another ringfenced?) holds " + lock_path + holder_of(lock_path);
        return path + " is in use: another process has held " + lock_path + holder_of(lock_path) + " for " +
               std::to_string(wait.count() / 1000) + " s";
    }
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
    return {};
}

}  // namespace ringfence::common
