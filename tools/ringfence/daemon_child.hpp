// A ringfenced started by a tool (the benchmarks) in a temporary state directory: fork and
// exec with --set overrides, wait for the "listening ... tcp HOST:PORT" log line, stop it with
// SIGTERM. Its stderr is copied to a file in the state directory for inspection.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace ringfence::cli {

class daemon_child {
public:
    daemon_child() = default;
    daemon_child(const daemon_child&) = delete;
    daemon_child& operator=(const daemon_child&) = delete;
    ~daemon_child();

    // Starts binary with args; returns an error message or "" once it listens on TCP.
    std::string start(const std::string& binary, const std::vector<std::string>& args, const std::string& log_file,
                      int timeout_ms = 20000);
    std::uint16_t port() const { return port_; }
    // SIGTERM and wait; returns the exit status (or -1).
    int stop(int timeout_ms = 30000);
    // SIGKILL and reap, as a crash or an OOM kill would.
    void kill_hard();
    void send_signal(int sig);
    // Waits for the child to exit; its exit status, or -1 (killed after the timeout).
    int wait_exit(int timeout_ms);
    pid_t pid() const { return pid_; }

private:
    void join_log_copier();

    pid_t pid_ = -1;
    std::uint16_t port_ = 0;
    std::thread log_copier_;  // copies the child's stderr into the log file
};

}  // namespace ringfence::cli
