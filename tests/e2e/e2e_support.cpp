#include "e2e_support.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <chrono>
#include <thread>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

namespace ringfence::e2e {

namespace fs = std::filesystem;

temp_dir::temp_dir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / fmt::format("ringfence-e2e-{}-{:x}", ::getpid(), rd());
    fs::create_directories(path_);
}

temp_dir::~temp_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

running_daemon::running_daemon(const temp_dir& dir, const std::vector<std::string>& extra_sets) : dir_(dir.path()) {
    std::vector<std::string> args{"--config", std::string(RINGFENCE_SOURCE_DIR) + "/config/ringfence.yaml",
                                  "--set", "state_dir=" + dir_.string(),
                                  "--set", "ingest.jsonl.tcp=127.0.0.1:0",
                                  "--set", "log.stats_interval_s=0"};
    for (const auto& s : extra_sets) {
        args.push_back("--set");
        args.push_back(s);
    }
    const std::string err = child_.start(RINGFENCED_BINARY, args, stderr_path());
    INFO(err);
    REQUIRE(err.empty());
    started_ = true;
}

int connect_tcp(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    return fd;
}

int connect_unix(const std::string& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    return fd;
}

void send_all(int fd, const std::string& data) {
    std::size_t off = 0;
    while (off < data.size()) {
        const ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
        if (n <= 0) return;  // the daemon went away; the caller checks what it got
        off += static_cast<std::size_t>(n);
    }
}

std::vector<std::string> read_lines(int fd, std::size_t count, int timeout_ms) {
    std::string carry;
    return read_lines(fd, count, timeout_ms, carry);
}

std::vector<std::string> read_lines(int fd, std::size_t count, int timeout_ms, std::string& buf) {
    std::vector<std::string> lines;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (lines.size() < count) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0) break;
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
        char tmp[65536];
        const ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
        if (n <= 0) break;
        buf.append(tmp, static_cast<std::size_t>(n));
        std::size_t pos = 0;
        for (auto nl = buf.find('\n'); nl != std::string::npos; nl = buf.find('\n', pos)) {
            lines.push_back(buf.substr(pos, nl - pos));
            pos = nl + 1;
        }
        buf.erase(0, pos);
    }
    return lines;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

log_reader::log_reader(const std::string& path) {
    REQUIRE(sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_busy_timeout(db_, 5000);
}

log_reader::~log_reader() { sqlite3_close(db_); }

std::int64_t log_reader::scalar(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    const auto v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

std::vector<std::vector<std::string>> log_reader::rows(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    INFO(sql);
    REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
    std::vector<std::vector<std::string>> out;
    while (sqlite3_step(st) == SQLITE_ROW) {
        std::vector<std::string> row;
        for (int i = 0; i < sqlite3_column_count(st); ++i) {
            const auto* t = sqlite3_column_text(st, i);
            row.push_back(t ? reinterpret_cast<const char*>(t) : "NULL");
        }
        out.push_back(std::move(row));
    }
    sqlite3_finalize(st);
    return out;
}

}  // namespace ringfence::e2e

namespace ringfence::e2e {

cli_result run_cli_status(const std::string& args) {
    cli_result r;
    FILE* p = ::popen((std::string(RINGFENCE_CLI_BINARY) + " " + args + " 2>&1").c_str(), "r");
    REQUIRE(p != nullptr);
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
    const int status = ::pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

std::int64_t wait_for_count(const std::string& log_path, const std::string& count_sql, std::chrono::seconds timeout, std::int64_t at_least) {
    std::int64_t n = 0;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (n < at_least && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        log_reader log(log_path);
        n = log.scalar(count_sql);
    }
    return n;
}

}  // namespace ringfence::e2e
