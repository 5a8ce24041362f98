#include "tools/ringfence/daemon_child.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace ringfence::cli {

namespace {
std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

daemon_child::~daemon_child() {
    if (pid_ > 0) stop(5000);
    join_log_copier();
}

// The copier reads until the child's stderr closes, i.e. once the child has exited: after
// that the log file holds every line the child wrote (its exit lines too).
void daemon_child::join_log_copier() {
    if (log_copier_.joinable()) log_copier_.join();
}

std::string daemon_child::start(const std::string& binary, const std::vector<std::string>& args,
                                const std::string& log_file, int timeout_ms) {
    int fds[2];
    // Close-on-exec: another child started meanwhile must not hold this pipe open (dup2
    // below clears the flag on the child's own stderr).
    if (::pipe2(fds, O_CLOEXEC) != 0) return std::string("pipe: ") + std::strerror(errno);
    pid_ = ::fork();
    if (pid_ < 0) return std::string("fork: ") + std::strerror(errno);
    if (pid_ == 0) {
        ::dup2(fds[1], STDERR_FILENO);
        ::close(fds[0]);
        ::close(fds[1]);
        std::vector<char*> argv;
        argv.push_back(const_cast<char*>(binary.c_str()));
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(binary.c_str(), argv.data());
        std::_Exit(127);
    }
    ::close(fds[1]);
    // Read stderr until the listening line; afterwards a thread copies it into log_file.
    std::string seen;
    const std::int64_t deadline = now_ms() + timeout_ms;
    const std::string marker = "listening for JSON lines on tcp ";
    while (port_ == 0) {
        const std::int64_t left = deadline - now_ms();
        if (left <= 0) {
            ::close(fds[0]);
            return "ringfenced did not start listening in time:\n" + seen;
        }
        pollfd p{fds[0], POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
        char buf[4096];
        const ssize_t n = ::read(fds[0], buf, sizeof buf);
        if (n <= 0) {
            ::close(fds[0]);
            return "ringfenced exited before listening:\n" + seen;
        }
        seen.append(buf, static_cast<std::size_t>(n));
        const auto at = seen.find(marker);
        if (at != std::string::npos) {
            const auto eol = seen.find('\n', at);
            if (eol == std::string::npos) continue;
            const std::string hostport = seen.substr(at + marker.size(), eol - at - marker.size());
            port_ = static_cast<std::uint16_t>(std::atoi(hostport.substr(hostport.rfind(':') + 1).c_str()));
        }
    }
    const int log_fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (log_fd >= 0) [[maybe_unused]] auto w = ::write(log_fd, seen.data(), seen.size());
    log_copier_ = std::thread([in = fds[0], log_fd] {
        char buf[4096];
        ssize_t n;
        while ((n = ::read(in, buf, sizeof buf)) > 0)
            if (log_fd >= 0) [[maybe_unused]] auto w = ::write(log_fd, buf, static_cast<std::size_t>(n));
        ::close(in);
        if (log_fd >= 0) ::close(log_fd);
    });
    return {};
}

void daemon_child::kill_hard() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    join_log_copier();
}

void daemon_child::send_signal(int sig) {
    if (pid_ > 0) ::kill(pid_, sig);
}

int daemon_child::stop(int timeout_ms) {
    send_signal(SIGTERM);
    return wait_exit(timeout_ms);
}

int daemon_child::wait_exit(int timeout_ms) {
    if (pid_ <= 0) return -1;
    const std::int64_t deadline = now_ms() + timeout_ms;
    int status = 0;
    while (true) {
        const pid_t r = ::waitpid(pid_, &status, WNOHANG);
        if (r == pid_) break;
        if (now_ms() > deadline) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, &status, 0);
            pid_ = -1;
            join_log_copier();
            return -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
    join_log_copier();
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace ringfence::cli
