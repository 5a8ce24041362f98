// End-to-end test support: a temporary state directory, the real ringfenced started on a
// free loopback port with the shipped config, plain sockets, and read-only access to the
// real SQLite decision log it writes.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "tools/ringfence/daemon_child.hpp"

namespace ringfence::e2e {

class temp_dir {
public:
    temp_dir();
    ~temp_dir();
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

// Starts ringfenced with the shipped config/ringfence.yaml, state in dir, TCP on a free
// port, plus the given extra --set overrides. Fails the test if it does not start.
class running_daemon {
public:
    running_daemon(const temp_dir& dir, const std::vector<std::string>& extra_sets = {});
    std::uint16_t port() const { return child_.port(); }
    std::string log_path() const { return (dir_ / "decisions.sqlite").string(); }
    std::string stderr_path() const { return (dir_ / "ringfenced.log").string(); }
    int stop() { return child_.stop(); }
    void kill_hard() { child_.kill_hard(); }
    void send_signal(int sig) { child_.send_signal(sig); }
    int wait_exit(int timeout_ms = 30000) { return child_.wait_exit(timeout_ms); }
    bool started() const { return started_; }
    pid_t pid() const { return child_.pid(); }

private:
    std::filesystem::path dir_;
    cli::daemon_child child_;
    bool started_ = false;
};

int connect_tcp(std::uint16_t port);
int connect_unix(const std::string& path);
void send_all(int fd, const std::string& data);
// Reads until count lines arrived, EOF, or timeout; returns the lines without '\n'.
std::vector<std::string> read_lines(int fd, std::size_t count, int timeout_ms = 20000);
// The same, keeping a partial last line in carry for the next call on the same socket.
std::vector<std::string> read_lines(int fd, std::size_t count, int timeout_ms, std::string& carry);
std::string read_file(const std::string& path);

// Runs the real `ringfence` command line with args (shell words); stdout and stderr together.
struct cli_result {
    int exit_code = -1;
    std::string output;
};
cli_result run_cli_status(const std::string& args);
inline std::string run_cli(const std::string& args) { return run_cli_status(args).output; }

// Read-only handle on a decision log file.
class log_reader {
public:
    explicit log_reader(const std::string& path);
    ~log_reader();
    std::int64_t scalar(const std::string& sql);
    std::vector<std::vector<std::string>> rows(const std::string& sql);  // NULL -> "NULL"

private:
    sqlite3* db_ = nullptr;
};

// Passive decisions (capture, HEP) have no reply to wait for: polls the log until
// count_sql (a SELECT count(*)) reaches at_least or timeout passes, and returns the last count.
std::int64_t wait_for_count(const std::string& log_path, const std::string& count_sql, std::chrono::seconds timeout,
                            std::int64_t at_least = 1);

}  // namespace ringfence::e2e
