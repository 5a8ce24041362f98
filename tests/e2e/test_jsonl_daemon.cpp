// The real ringfenced on a loopback port and a temporary state directory: pipelined
// records over several connections, bad lines among them, the SQLite log read back, and
// stops by SIGTERM and SIGKILL in the middle of a stream.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <signal.h>
#include <sqlite3.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "e2e_support.hpp"

using namespace ringfence::e2e;

namespace {

// `ringfenced --check` on the shipped config with the given --set words: exit status, output.
// Any free port unless the words name one (the shipped 7575 may be in use on the machine).
std::pair<int, std::string> ringfenced_check(const std::string& sets) {
    const std::string cmd = fmt::format("{} --check --config {}/config/ringfence.yaml --set ingest.jsonl.tcp=127.0.0.1:0 {} 2>&1", RINGFENCED_BINARY,
                                        RINGFENCE_SOURCE_DIR, sets);
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    std::string out;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    const int status = ::pclose(p);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string call_line(int conn, int i) {
    return fmt::format(
        R"({{"id":"c{}-{}","kind":"call.attempt","time":"2026-11-28T10:00:{:02}.{:03}+07:00","caller":"+8491{:07}","callee":"09871{:05}","origin":{{"kind":"interconnect","trunk":"GW-{}"}}}})",
        conn, i, i % 60, i % 1000, conn * 100000 + i, i, conn);
}

std::string id_of(const std::string& reply) {
    const auto a = reply.find("\"id\":\"");
    if (a == std::string::npos) return {};
    const auto b = reply.find('"', a + 6);
    return reply.substr(a + 6, b - a - 6);
}

}  // namespace

TEST_CASE("10,000 pipelined records over 4 connections: one reply each, in order, each in the log") {
    temp_dir dir;
    running_daemon d(dir);
    constexpr int connections = 4;
    constexpr int per_connection = 2500;
    std::vector<int> fds;
    std::vector<std::thread> senders;
    for (int c = 0; c < connections; ++c) {
        fds.push_back(connect_tcp(d.port()));
        std::string batch;
        for (int i = 0; i < per_connection; ++i) {
            if (i % 500 == 250) batch += fmt::format(R"({{"id":"bad{}-{}","kind":"call.attempt","callee":"0987654321"}})", c, i);
            else if (i % 500 == 499) batch += "{not json";
            else batch += call_line(c, i);
            batch += '\n';
        }
        senders.emplace_back([fd = fds.back(), batch] { send_all(fd, batch); });
    }
    std::set<std::string> decided_ids;
    for (int c = 0; c < connections; ++c) {
        const auto lines = read_lines(fds[static_cast<std::size_t>(c)], per_connection);
        REQUIRE(lines.size() == per_connection);
        for (int i = 0; i < per_connection; ++i) {
            const std::string& l = lines[static_cast<std::size_t>(i)];
            if (i % 500 == 250) {
                CHECK(l == fmt::format(R"x({{"id":"bad{}-{}","error":{{"code":"missing_field","message":"field 'caller': missing (required for call.attempt)"}}}})x", c, i));
            } else if (i % 500 == 499) {
                CHECK(l.rfind(R"({"id":null,"error":{"code":"malformed_json")", 0) == 0);
            } else {
                const std::string prefix = fmt::format(R"({{"id":"c{}-{}","action":"allow","rules":[],"latency_us":)", c, i);
                INFO(l);
                REQUIRE(l.rfind(prefix, 0) == 0);
                decided_ids.insert(id_of(l));
            }
        }
    }
    for (auto& t : senders) t.join();
    for (int fd : fds) ::close(fd);
    CHECK(d.stop() == 0);

    log_reader log(d.log_path());
    CHECK(log.scalar("SELECT count(*) FROM decisions") == static_cast<std::int64_t>(decided_ids.size()));
    CHECK(decided_ids.size() == connections * (per_connection - 10));
    // One row checked field by field: national callee normalised, origin kept.
    const auto row = log.rows(
        "SELECT record_id, kind, caller_raw, caller_e164, callee_raw, callee_e164, origin_kind, origin_trunk, action "
        "FROM decisions WHERE record_id = 'c2-7'");
    REQUIRE(row.size() == 1);
    CHECK(row[0] == std::vector<std::string>{"c2-7", "call.attempt", "+84910200007", "+84910200007", "0987100007",
                                             "+84987100007", "interconnect", "GW-2", "allow"});
    // Every decided id is in the log exactly once.
    CHECK(log.scalar("SELECT count(DISTINCT record_id) FROM decisions") == static_cast<std::int64_t>(decided_ids.size()));
}

TEST_CASE("the Unix socket speaks the same protocol") {
    temp_dir dir;
    const std::string sock = (dir.path() / "ringfence.sock").string();
    running_daemon d(dir, {"ingest.jsonl.unix=" + sock});
    const int fd = connect_unix(sock);
    send_all(fd, call_line(9, 1) + "\n" + R"({"id":"x","kind":"call.begin","caller":"1","callee":"2"})" + "\n");
    const auto lines = read_lines(fd, 2);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].rfind(R"({"id":"c9-1","action":"allow","rules":[])", 0) == 0);
    CHECK(lines[1].rfind(R"({"id":"x","error":{"code":"unknown_kind")", 0) == 0);
    ::close(fd);
    CHECK(d.stop() == 0);
}

TEST_CASE("a second daemon on a live daemon's Unix socket or decision log is refused and takes nothing over") {
    temp_dir dir;
    const std::string sock = (dir.path() / "ringfence.sock").string();
    running_daemon first(dir, {"ingest.jsonl.unix=" + sock});
    for (const bool same_socket : {true, false}) {
        CAPTURE(same_socket);
        temp_dir other;
        // Same socket with a state of its own, or a socket of its own with the first one's log.
        std::vector<std::string> args{"--config", std::string(RINGFENCE_SOURCE_DIR) + "/config/ringfence.yaml",
                                      "--set", "state_dir=" + other.path().string(),
                                      "--set", "ingest.jsonl.tcp=127.0.0.1:0",
                                      "--set", "ingest.jsonl.unix=" + (same_socket ? sock : (other.path() / "own.sock").string()),
                                      "--set", "log.stats_interval_s=0"};
        if (!same_socket) {
            args.push_back("--set");
            args.push_back("decision_log.path=" + first.log_path());
        }
        ringfence::cli::daemon_child second;
        // start() fails with what the daemon wrote before it exited.
        const std::string said = second.start(RINGFENCED_BINARY, args, (other.path() / "second.log").string());
        INFO(said);
        CHECK(said.find("ringfenced exited before listening") != std::string::npos);
        CHECK(said.find(same_socket ? "is in use: another process (another ringfenced?) listens on it" : "is in use: another process (another ringfenced?) holds") !=
              std::string::npos);
        // The first daemon still answers on its socket.
        const int fd = connect_unix(sock);
        send_all(fd, call_line(7, 1) + "\n");
        const auto lines = read_lines(fd, 1);
        REQUIRE(lines.size() == 1);
        CHECK(lines[0].rfind(R"({"id":"c7-1","action":"allow")", 0) == 0);
        ::close(fd);
    }
    CHECK(first.stop() == 0);
}

TEST_CASE("a second daemon given a running daemon's decision log through a symlink is refused") {
    temp_dir dir;
    running_daemon first(dir, {"control.unix="});
    temp_dir other;
    const auto link = other.path() / "decisions.sqlite";
    std::filesystem::create_symlink(first.log_path(), link);
    ringfence::cli::daemon_child second;
    const std::vector<std::string> args{"--config", std::string(RINGFENCE_SOURCE_DIR) + "/config/ringfence.yaml",
                                        "--set", "state_dir=" + other.path().string(), "--set", "ingest.jsonl.tcp=127.0.0.1:0",
                                        "--set", "control.unix=", "--set", "log.stats_interval_s=0"};
    const std::string said = second.start(RINGFENCED_BINARY, args, (other.path() / "second.log").string());
    INFO(said);
    CHECK(said.find("ringfenced exited before listening") != std::string::npos);
    CHECK(said.find("is in use: another process (another ringfenced?) holds") != std::string::npos);
    CHECK(first.stop() == 0);
}

TEST_CASE("a second daemon on the window state of a running one is refused, with the log and control socket off") {
    temp_dir dir;
    const std::vector<std::string> alone{"decision_log.enabled=false", "control.unix="};
    running_daemon first(dir, alone);
    ringfence::cli::daemon_child second;
    std::vector<std::string> args{"--config", std::string(RINGFENCE_SOURCE_DIR) + "/config/ringfence.yaml",
                                  "--set", "state_dir=" + dir.path().string(), "--set", "ingest.jsonl.tcp=127.0.0.1:0",
                                  "--set", "log.stats_interval_s=0"};
    for (const auto& s : alone) {
        args.push_back("--set");
        args.push_back(s);
    }
    temp_dir other;
    const std::string said = second.start(RINGFENCED_BINARY, args, (other.path() / "second.log").string());
    INFO(said);
    CHECK(said.find("ringfenced exited before listening") != std::string::npos);
    CHECK(said.find("cannot use the window state snapshot") != std::string::npos);
    CHECK(said.find("window_state.sqlite.lock") != std::string::npos);
    CHECK(first.stop() == 0);
}

namespace {

// ringfenced started by hand, its stderr in a file, returned once it has logged its first
// line (it is reading its configuration and rule packs: still starting).
pid_t start_and_wait_for_first_line(const temp_dir& dir, const std::string& err_path) {
    const std::vector<std::string> args{RINGFENCED_BINARY, "--config", std::string(RINGFENCE_SOURCE_DIR) + "/config/ringfence.yaml",
                                        "--set", "state_dir=" + dir.path().string(), "--set", "ingest.jsonl.tcp=127.0.0.1:0",
                                        "--set", "log.stats_interval_s=0"};
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(fd, 2);
        std::vector<char*> argv;
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (pid > 0 && read_file(err_path).empty() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    return pid;
}

bool wait_for_text(const std::string& path, const std::string& text) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (read_file(path).find(text) == std::string::npos) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

}  // namespace

TEST_CASE("SIGTERM while the daemon is still starting stops it cleanly with status 0") {
    temp_dir dir;
    const std::string err_path = (dir.path() / "start.log").string();
    const pid_t pid = start_and_wait_for_first_line(dir, err_path);
    REQUIRE(pid > 0);
    // The signal lands in the start, or, on a fast machine, just after it.
    ::kill(pid, SIGTERM);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    const std::string said = read_file(err_path);
    INFO(said);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK((said.find("while starting: stopping before serving") != std::string::npos ||
           said.find("ringfenced stopped") != std::string::npos));
}

TEST_CASE("SIGHUP while the daemon is still starting does not kill it: the rules are reloaded once it serves") {
    temp_dir dir;
    const std::string err_path = (dir.path() / "start.log").string();
    const pid_t pid = start_and_wait_for_first_line(dir, err_path);
    REQUIRE(pid > 0);
    ::kill(pid, SIGHUP);
    CHECK(wait_for_text(err_path, "ringfenced ready"));
    CHECK(wait_for_text(err_path, "rules reloaded"));
    ::kill(pid, SIGTERM);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    INFO(read_file(err_path));
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("blank lines get one error line each, in order, and are counted, and integer ids come back as integers") {
    temp_dir dir;
    running_daemon d(dir);
    const int fd = connect_tcp(d.port());
    send_all(fd, call_line(5, 1) + "\n\n   \r\n" + call_line(5, 2) + "\n" +
                     R"({"id":42,"kind":"call.attempt","caller":"0912345678","callee":"0987654321"})" + "\n" +
                     R"({"id":-7,"kind":"call.attempt","callee":"0987654321"})" + "\n");
    const auto lines = read_lines(fd, 6);
    REQUIRE(lines.size() == 6);
    // An integer id comes back as the same integer, in a decision and in an error.
    CHECK(lines[4].rfind(R"({"id":42,"action":"allow")", 0) == 0);
    CHECK(lines[5].rfind(R"({"id":-7,"error":{"code":"missing_field")", 0) == 0);
    CHECK(lines[0].rfind(R"({"id":"c5-1","action":"allow")", 0) == 0);
    CHECK(lines[1] == R"({"id":null,"error":{"code":"empty_line","message":"empty line: each line must hold one JSON object"}})");
    CHECK(lines[2] == lines[1]);
    CHECK(lines[3].rfind(R"({"id":"c5-2","action":"allow")", 0) == 0);
    ::close(fd);
    CHECK(d.stop() == 0);
    CHECK(read_file(d.stderr_path()).find("error.empty_line=2") != std::string::npos);
}

TEST_CASE("a line over the limit gets one error and the connection resyncs at the next newline") {
    temp_dir dir;
    running_daemon d(dir, {"ingest.jsonl.max_line_bytes=1024"});
    const int fd = connect_tcp(d.port());
    std::string big = R"({"id":"big","kind":"sms.submit","caller":"0912345678","callee":"0987654321","sms":{"text":")";
    big += std::string(300000, 'a');
    big += "\"}}";
    send_all(fd, call_line(1, 1) + "\n" + big + "\n" + call_line(1, 2) + "\n");
    const auto lines = read_lines(fd, 3);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].rfind(R"({"id":"c1-1","action":"allow")", 0) == 0);
    CHECK(lines[1] == R"({"id":null,"error":{"code":"line_too_long","message":"line longer than 1024 bytes; skipped to the next newline"}})");
    CHECK(lines[2].rfind(R"({"id":"c1-2","action":"allow")", 0) == 0);

    // A line of exactly the limit is taken with a CRLF end as with an LF one, sent whole or
    // with the CR arriving before the LF; one byte more is too long either way.
    std::string exact = R"({"id":"exact","kind":"sms.submit","caller":"0912345678","callee":"0987654321","sms":{"text":")";
    exact += std::string(1024 - exact.size() - 3, 'b') + "\"}}";
    REQUIRE(exact.size() == 1024);
    send_all(fd, exact + "\r\n" + exact + "\n" + exact + "\r");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::string over = exact;
    over.insert(over.size() - 3, "c");
    send_all(fd, "\n" + over + "\r\n");
    const auto more = read_lines(fd, 4);
    REQUIRE(more.size() == 4);
    for (int i = 0; i < 3; ++i) CHECK(more[static_cast<std::size_t>(i)].rfind(R"({"id":"exact","action":)", 0) == 0);
    CHECK(more[3].rfind(R"({"id":null,"error":{"code":"line_too_long")", 0) == 0);
    ::close(fd);
    CHECK(d.stop() == 0);
}

// Streams records on one connection, signals the daemon while records are in flight, and
// returns the ids of every decision replied to before the connection ended.
static std::vector<std::string> stream_and_signal(running_daemon& d, int sig) {
    const int fd = connect_tcp(d.port());
    std::atomic<bool> stop_sending{false};
    std::thread sender([&] {
        for (int i = 0; i < 2'000'000 && !stop_sending; i += 100) {
            std::string batch;
            for (int k = i; k < i + 100; ++k) batch += call_line(5, k) + "\n";
            send_all(fd, batch);
        }
    });
    std::vector<std::string> replied;
    std::string carry;
    for (const auto& l : read_lines(fd, 5000, 20000, carry)) replied.push_back(id_of(l));
    CHECK(replied.size() >= 5000);  // the last read may bring a few more
    if (sig == SIGKILL) d.kill_hard();
    else d.send_signal(sig);
    for (const auto& l : read_lines(fd, 10'000'000, 30000, carry)) {
        if (l.find("\"action\":") == std::string::npos) continue;
        INFO(l);
        CHECK_FALSE(id_of(l).empty());
        replied.push_back(id_of(l));
    }
    stop_sending = true;
    ::shutdown(fd, SHUT_RDWR);
    sender.join();
    ::close(fd);
    return replied;
}

static void check_all_in_log(const std::string& log_path, const std::vector<std::string>& replied) {
    log_reader log(log_path);
    std::set<std::string> logged;
    for (const auto& r : log.rows("SELECT record_id FROM decisions")) logged.insert(r[0]);
    std::size_t missing = 0;
    std::string first_missing;
    for (const auto& id : replied)
        if (!logged.count(id)) {
            if (missing++ == 0) first_missing = id;
        }
    INFO("replied " << replied.size() << ", logged " << logged.size() << ", first missing '" << first_missing << "'");
    CHECK(missing == 0);
}

TEST_CASE("SIGTERM mid-stream: lines already read are answered, exit 0, every answered decision is logged") {
    temp_dir dir;
    running_daemon d(dir, {"decision_log.durability=reply_after_commit"});
    const auto replied = stream_and_signal(d, SIGTERM);
    CHECK(d.wait_exit() == 0);
    CHECK(replied.size() > 5000);
    check_all_in_log(d.log_path(), replied);
    const std::string err = read_file(d.stderr_path());
    CHECK(err.find("ringfenced stopped") != std::string::npos);
}

TEST_CASE("SIGTERM with clients connected and idle: they get their replies and the end of stream, and the daemon exits at once") {
    temp_dir dir;
    running_daemon d(dir, {"decision_log.durability=reply_after_commit"});
    REQUIRE(d.started());
    const int tcp = connect_tcp(d.port());
    send_all(tcp, call_line(7, 1) + "\n");
    REQUIRE(read_lines(tcp, 1).size() == 1);
    // A second client that has sent nothing; neither closes its socket.
    const int quiet = connect_tcp(d.port());
    const auto signalled = std::chrono::steady_clock::now();
    d.send_signal(SIGTERM);
    CHECK(d.wait_exit() == 0);
    const auto took = std::chrono::steady_clock::now() - signalled;
    // The sessions used to wait 10 s for such clients to close first.
    CHECK(took < std::chrono::seconds(8));
    char byte = 0;
    CHECK(::recv(tcp, &byte, 1, 0) == 0);  // the end of stream, not a reset
    CHECK(::recv(quiet, &byte, 1, 0) == 0);
    ::close(tcp);
    ::close(quiet);
}

TEST_CASE("SIGTERM while a client keeps sending: it reads every reply and the end of stream, never a reset") {
    temp_dir dir;
    running_daemon d(dir);
    REQUIRE(d.started());
    const int fd = connect_tcp(d.port());
    // 200 lines whose replies the client has not read when the signal comes: the signal
    // waits until all of them are decided (their rows committed).
    std::string batch;
    for (int i = 1000; i < 1200; ++i) batch += call_line(8, i) + "\n";
    send_all(fd, batch);
    // The rows come in batches: wait for all 200, not for the first batch.
    REQUIRE(wait_for_count(d.log_path(), "SELECT count(*) FROM decisions", std::chrono::seconds(60), 200) == 200);
    d.send_signal(SIGTERM);
    // More lines right after the signal, back to back (read and discarded, or answered if
    // they came before the daemon stopped reading); then the client falls quiet, open.
    std::string more;
    for (int i = 2000; i < 2010; ++i) more += call_line(8, i) + "\n";
    ::send(fd, more.data(), more.size(), MSG_NOSIGNAL);
    std::string rest;
    char buf[4096];
    ssize_t n = 0;
    while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) rest.append(buf, static_cast<std::size_t>(n));
    CHECK(n == 0);  // the end of stream, not ECONNRESET
    std::size_t replies = 0;
    for (std::size_t at = rest.find('\n'); at != std::string::npos; at = rest.find('\n', at + 1)) ++replies;
    CHECK(replies >= 200);
    CHECK(rest.find(R"({"id":"c8-1199","action")") != std::string::npos);
    ::close(fd);
    CHECK(d.wait_exit() == 0);
}

TEST_CASE("kill -9 mid-stream with reply_after_commit: every answered decision is in the log") {
    temp_dir dir;
    running_daemon d(dir, {"decision_log.durability=reply_after_commit"});
    const auto replied = stream_and_signal(d, SIGKILL);
    CHECK(replied.size() >= 5000);
    check_all_in_log(d.log_path(), replied);
}

// From now on every insert into the daemon's decision log fails (a trigger), as on a full disk.
static void refuse_log_inserts(const std::string& log_path) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(log_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    CHECK(sqlite3_exec(db, "CREATE TRIGGER refuse_inserts BEFORE INSERT ON decisions BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
}

TEST_CASE("reply_after_commit with a log that cannot commit: no decision is replied, lines get not_logged, exit 1") {
    temp_dir dir;
    running_daemon d(dir, {"decision_log.durability=reply_after_commit"});
    REQUIRE(d.started());
    refuse_log_inserts(d.log_path());  // every insert now fails, as on a full disk
    const int fd = connect_tcp(d.port());
    std::string lines;
    for (int i = 1; i <= 3; ++i)
        lines += fmt::format(R"({{"id":"nl-{}","kind":"call.attempt","caller":"0912345678","callee":"0987654321"}})", i) + "\n";
    send_all(fd, lines);
    // Held: the rows are not committed, so no reply leaves.
    std::string carry;
    CHECK(read_lines(fd, 1, 1500, carry).empty());
    d.send_signal(SIGTERM);
    const auto replies = read_lines(fd, 3, 25000, carry);
    ::close(fd);
    REQUIRE(replies.size() == 3);
    for (int i = 0; i < 3; ++i)
        CHECK(replies[static_cast<std::size_t>(i)].rfind(fmt::format(R"({{"id":"nl-{}","error":{{"code":"not_logged",)", i + 1), 0) == 0);
    CHECK(d.wait_exit() == 1);
    const std::string err = read_file(d.stderr_path());
    CHECK(err.find("3 decisions could not be written to the decision log") != std::string::npos);
    // The stats add up: each line once, under the error it got rather than its decision.
    CHECK(err.find(" lines=3 allow=0 warn=0 block=0 ") != std::string::npos);
    CHECK(err.find("error.not_logged=3") != std::string::npos);
    CHECK(err.find("error: decision log: gave up on") != std::string::npos);
}

TEST_CASE("on_queue_full: block never blocks a call to an emergency number") {
    temp_dir dir;
    running_daemon d(dir, {"decision_log.durability=async", "decision_log.queue_capacity=16", "decision_log.on_queue_full=block"});
    REQUIRE(d.started());
    refuse_log_inserts(d.log_path());  // the writer retries its first batch: the 16-entry queue fills and stays full
    const int fd = connect_tcp(d.port());
    std::string lines;
    for (int i = 1; i <= 100; ++i)
        lines += fmt::format(R"({{"id":"sos-{}","kind":"call.attempt","caller":"0912345678","callee":"{}"}})", i, i % 2 ? "113" : "0987654321") + "\n";
    send_all(fd, lines);
    const auto replies = read_lines(fd, 100);
    ::close(fd);
    REQUIRE(replies.size() == 100);
    int full = 0;
    for (std::size_t i = 0; i < replies.size(); ++i) {
        INFO(replies[i]);
        const bool emergency = i % 2 == 0;  // sos-1, sos-3, ... call 113
        const bool queue_full = replies[i].find("ringfence.decision_log_queue_full") != std::string::npos;
        full += queue_full;
        if (emergency) {
            CHECK(replies[i].find(R"("action":"allow")") != std::string::npos);
            if (queue_full) CHECK(replies[i].find("emergency_number_never_blocked") != std::string::npos);
        } else if (queue_full) {
            CHECK(replies[i].find(R"("action":"block")") != std::string::npos);
        }
    }
    CHECK(full >= 40);
    d.kill_hard();
}

TEST_CASE("SIGTERM with a client that reads its replies late: every logged decision still reaches it") {
    temp_dir dir;
    running_daemon d(dir, {"decision_log.durability=reply_after_commit", "ingest.jsonl.max_pending_reply_bytes=65536"});
    const int fd = connect_tcp(d.port());
    std::atomic<bool> stop_sending{false};
    std::thread sender([&] {
        for (int i = 0; i < 200'000 && !stop_sending; i += 100) {
            std::string batch;
            for (int k = i; k < i + 100; ++k) batch += call_line(7, k) + "\n";
            if (::send(fd, batch.data(), batch.size(), MSG_NOSIGNAL) < 0) return;  // the daemon closed: fine
        }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // the client reads nothing yet
    d.send_signal(SIGTERM);
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    std::set<std::string> replied;
    std::string carry;
    for (const auto& l : read_lines(fd, 10'000'000, 30000, carry))
        if (l.find("\"action\":") != std::string::npos) replied.insert(id_of(l));
    stop_sending = true;
    ::shutdown(fd, SHUT_RDWR);
    sender.join();
    ::close(fd);
    CHECK(d.wait_exit() == 0);
    log_reader log(d.log_path());
    std::size_t logged = 0, missing = 0;
    for (const auto& r : log.rows("SELECT record_id FROM decisions")) {
        ++logged;
        missing += replied.count(r[0]) == 0;
    }
    INFO("logged " << logged << ", replied " << replied.size());
    CHECK(logged > 0);
    CHECK(missing == 0);
}

TEST_CASE("the number index in runs: kill -9 between runs, a restart, and every number found through the views") {
    temp_dir dir;
    const std::vector<std::string> sets{"decision_log.durability=reply_after_commit", "decision_log.index_run_rows=700"};
    auto send_batch = [](running_daemon& d, int conn, int count) {
        const int fd = connect_tcp(d.port());
        std::string lines;
        for (int i = 0; i < count; ++i) lines += call_line(conn, i) + "\n";
        send_all(fd, lines);
        const auto replies = read_lines(fd, static_cast<std::size_t>(count));
        ::close(fd);
        return replies.size();
    };
    {
        running_daemon d(dir, sets);
        REQUIRE(d.started());
        CHECK(send_batch(d, 1, 3000) == 3000);
        d.kill_hard();  // runs of ~700 rows closed and appended, or not: either way nothing is lost
    }
    {
        running_daemon d(dir, sets);
        REQUIRE(d.started());
        CHECK(send_batch(d, 2, 2000) == 2000);
        CHECK(d.stop() == 0);  // a clean stop indexes the last rows
    }
    log_reader log((dir.path() / "decisions.sqlite").string());
    CHECK(log.scalar("SELECT count(*) FROM decisions") == 5000);
    // How many runs depends on how far the indexer got before the kill and the stop (on a
    // loaded machine it lags the writer): more than one, each row in one of them (below).
    CHECK(log.scalar("SELECT count(*) FROM decision_number_runs") >= 2);
    CHECK(log.scalar("SELECT max(last_id) FROM decision_number_runs") == 5000);
    CHECK(log.scalar("SELECT count(*) FROM decision_numbers") ==
          log.scalar("SELECT count(caller_num) + count(callee_num) FROM decisions"));
    CHECK(log.scalar("SELECT count(*) FROM (SELECT decision_id, side FROM decision_numbers GROUP BY decision_id, side HAVING count(*) > 1)") == 0);
    // Every caller and callee of the first connection, through the views, as a full scan finds them.
    for (int i : {0, 1, 699, 700, 1500, 2999}) {
        const std::string caller = fmt::format("8491{:07}", 100000 + i);
        CAPTURE(caller);
        CHECK(log.scalar("SELECT count(*) FROM caller_decisions WHERE caller_num = " + caller) == 1);
        CHECK(log.rows("SELECT id, time_ms, kind FROM caller_decisions WHERE caller_num = " + caller) ==
              log.rows("SELECT id, time_ms, kind FROM decisions WHERE caller_num = " + caller));
    }
    CHECK(log.scalar("SELECT count(*) FROM callee_decisions WHERE callee_num = 84987100001") ==
          log.scalar("SELECT count(*) FROM decisions WHERE callee_num = 84987100001"));
    CHECK(log.scalar("SELECT count(*) FROM decisions WHERE callee_num = 84987100001") == 2);
}

TEST_CASE("ringfenced --check fails on a decision log file a start would refuse, and passes a missing one") {
    temp_dir dir;
    const std::string other = (dir.path() / "other.sqlite").string();
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(other.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "CREATE TABLE t (x)", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
    auto check = [&](const std::string& log_path) {
        return ringfenced_check(fmt::format("--set state_dir={} --set decision_log.path={}", dir.path().string(), log_path));
    };
    const auto [bad_rc, bad_out] = check(other);
    CHECK(bad_rc == 1);
    CHECK(bad_out.find("LOG_NOT_A_DECISION_LOG") != std::string::npos);
    const auto [new_rc, new_out] = check((dir.path() / "new.sqlite").string());
    CAPTURE(new_out);
    CHECK(new_rc == 0);
    CHECK_FALSE(std::filesystem::exists(dir.path() / "new.sqlite"));  // --check creates nothing
    // A real log, closed cleanly: --check reads it and leaves no -wal or -shm beside it.
    const std::string good = (dir.path() / "good.sqlite").string();
    REQUIRE(sqlite3_open(good.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "PRAGMA application_id = 1380336716", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
    const auto [good_rc, good_out] = check(good);
    CAPTURE(good_out);
    CHECK(good_rc == 0);
    CHECK_FALSE(std::filesystem::exists(good + "-wal"));
    CHECK_FALSE(std::filesystem::exists(good + "-shm"));
}

TEST_CASE("ringfenced --check fails, as a start does, on a state folder that is a file, a log that is a device, a socket in no folder") {
    temp_dir dir;
    const std::string file = (dir.path() / "a-file").string();
    std::ofstream(file) << "x";
    const std::pair<std::string, std::string> cases[] = {
        {"--set state_dir=" + file, "state_dir " + file + " is not a directory"},
        {"--set decision_log.path=/dev/null", "decision_log.path /dev/null is not a regular file (a SQLite database file is needed)"},
        {"--set control.unix=" + (dir.path() / "no" / "c.sock").string(), "the directory " + (dir.path() / "no").string() + " does not exist"},
        {"--set control.unix=" + file + "/c.sock", "control.unix " + file + "/c.sock: " + file + " is not a directory"},
        // Two settings on one file: the start would refuse the second as taken.
        {"--set ingest.jsonl.unix=" + (dir.path() / "x.sock").string() + " --set control.unix=" + (dir.path() / "x.sock").string(),
         "ingest.jsonl.unix and control.unix name the same file " + (dir.path() / "x.sock").string() + ": each needs its own"},
        {"--set ingest.jsonl.unix=" + (dir.path() / "decisions.sqlite").string() + " --set decision_log.path=" + (dir.path() / "decisions.sqlite").string(),
         "decision_log.path and ingest.jsonl.unix name the same file"},
        {"--set control.unix=" + (dir.path() / "decisions.sqlite-wal").string() + " --set decision_log.path=" + (dir.path() / "decisions.sqlite").string(),
         "control.unix " + (dir.path() / "decisions.sqlite-wal").string() + " is a file SQLite keeps beside decision_log.path"},
        // One socket reached through a symbolic link to its folder.
        {"--set ingest.jsonl.unix=" + (dir.path() / "linked" / "y.sock").string() + " --set control.unix=" + (dir.path() / "y.sock").string(),
         "ingest.jsonl.unix and control.unix name the same file"},
    };
    std::filesystem::create_directory_symlink(dir.path(), dir.path() / "linked");
    for (const auto& [sets, said] : cases) {
        const auto [rc, out] = ringfenced_check("--set state_dir=" + dir.path().string() + " " + sets);
        CAPTURE(out);
        CHECK(rc == 1);
        CHECK(out.find(said) != std::string::npos);
        CHECK(out.find("a start would fail") != std::string::npos);
    }
    // A state_dir written with a trailing slash, not made yet, with the control socket in it: fine.
    const auto [slash_rc, slash_out] = ringfenced_check("--set state_dir=" + (dir.path() / "new").string() + "/");
    CAPTURE(slash_out);
    CHECK(slash_rc == 0);
    ringfence::cli::daemon_child start;
    const std::string started = start.start(RINGFENCED_BINARY,
                                            {"--config", std::string(RINGFENCE_SOURCE_DIR) + "/config/ringfence.yaml", "--set",
                                             "state_dir=" + dir.path().string(), "--set", "decision_log.path=/dev/null", "--set",
                                             "ingest.jsonl.tcp=127.0.0.1:0"},
                                            (dir.path() / "start.log").string());
    INFO(started);
    CHECK(started.find("decision_log.path /dev/null is not a regular file") != std::string::npos);
    CHECK(started.find("not starting") != std::string::npos);
}

TEST_CASE("ringfenced --check fails on the state folder of a running daemon, as a start there would") {
    temp_dir dir;
    auto check = [&] { return ringfenced_check(fmt::format("--set state_dir={} --set ingest.jsonl.tcp=127.0.0.1:0", dir.path().string())); };
    {
        running_daemon d(dir);
        REQUIRE(d.started());
        const auto [rc, out] = check();
        CAPTURE(out);
        CHECK(rc == 1);
        CHECK(out.find("is in use: another process (another ringfenced?) holds") != std::string::npos);
        CHECK(d.stop() == 0);
    }
    // Stopped: the lock files stay, nobody holds them, the check passes.
    const auto [rc, out] = check();
    CAPTURE(out);
    CHECK(rc == 0);
}

TEST_CASE("a record stamped far ahead of its arrival is decided at its arrival, its own time kept and counted") {
    temp_dir dir;
    running_daemon d(dir, {"ingest.jsonl.max_future_seconds=300"});
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    const std::int64_t day_ahead = now_ms + 24 * 3600 * 1000;
    const std::int64_t minute_ahead = now_ms + 60 * 1000;
    const int fd = connect_tcp(d.port());
    send_all(fd, fmt::format(R"({{"id":"ahead","kind":"call.attempt","time":{},"caller":"+84912000001","callee":"0987654321"}})"
                             "\n"
                             R"({{"id":"skew","kind":"call.attempt","time":{},"caller":"+84912000001","callee":"0987654321"}})"
                             "\n",
                             day_ahead, minute_ahead));
    const auto lines = read_lines(fd, 2);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].find(R"("action")") != std::string::npos);  // decided, not refused
    ::close(fd);
    CHECK(d.stop() == 0);
    log_reader log(d.log_path());
    const std::int64_t ahead_time = log.scalar("SELECT time_ms FROM decisions WHERE record_id = 'ahead'");
    CHECK(ahead_time >= now_ms - 1000);
    CHECK(ahead_time < now_ms + 60 * 1000);  // the arrival, not a day later
    CHECK(log.scalar("SELECT json_extract(record_json, '$.time_from_receipt') FROM decisions WHERE record_id = 'ahead'") == 1);
    CHECK(log.scalar("SELECT json_extract(record_json, '$.time_sent') IS NOT NULL FROM decisions WHERE record_id = 'ahead'") == 1);
    // A minute ahead is within the bound: taken as sent.
    CHECK(log.scalar("SELECT time_ms FROM decisions WHERE record_id = 'skew'") == minute_ahead);
    CHECK(log.scalar("SELECT json_extract(record_json, '$.time_sent') IS NULL FROM decisions WHERE record_id = 'skew'") == 1);
    CHECK(read_file(d.stderr_path()).find("time_in_future=1") != std::string::npos);  // the stats line at exit
}

namespace {

// CPU time (user + system, in clock ticks) the process has used so far.
long cpu_ticks(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));
    std::string f;
    long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> f; ++i) {
        if (i == 14) utime = std::stol(f);
        if (i == 15) stime = std::stol(f);
    }
    return utime + stime;
}

}  // namespace

TEST_CASE("out of file descriptors, waiting clients are refused with a reason and the daemon does not spin") {
#if defined(__SANITIZE_ADDRESS__)
    // The sanitizers' runtime needs descriptors of its own (UBSan's vptr check opens a pipe
    // to probe memory): out of them, it reports a false error and stops the daemon.
    MESSAGE("skipped under the sanitizers: their runtime cannot run out of file descriptors");
    return;
#endif
    temp_dir dir;
    const std::string unix_path = (dir.path() / "in.sock").string();
    running_daemon d(dir, {"ingest.jsonl.unix=" + unix_path});
    REQUIRE(d.started());
    // The Unix listener up before the limit is lowered (the daemon binds it at start).
    for (int i = 0; i < 50 && !std::filesystem::exists(unix_path); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    // The daemon's open files now, and a limit a few dozen above them.
    std::size_t open_now = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/" + std::to_string(d.pid()) + "/fd")) ++open_now;
    const rlimit low{open_now + 20, open_now + 20};
    REQUIRE(::prlimit(d.pid(), RLIMIT_NOFILE, &low, nullptr) == 0);

    std::vector<int> clients;
    for (int i = 0; i < 60; ++i) clients.push_back(connect_tcp(d.port()));
    for (std::size_t i = 0; i < clients.size(); ++i) send_all(clients[i], call_line(30, static_cast<int>(i)) + "\n");
    std::size_t decided = 0, refused = 0;
    std::string why;
    for (const int fd : clients) {
        const auto lines = read_lines(fd, 1, 3000);
        if (lines.empty()) continue;
        if (lines[0].find("\"action\":") != std::string::npos) ++decided;
        if (lines[0].find("too_many_connections") != std::string::npos) {
            ++refused;
            why = lines[0];
        }
    }
    INFO("decided " << decided << ", refused " << refused << ", open before " << open_now);
    CHECK(decided >= 10);
    CHECK(decided < clients.size());
    CHECK(refused > 0);
    CHECK(why.find("out of file descriptors") != std::string::npos);
    // Every client has its answer (the rest were refused once their turn came): none hangs.
    CHECK(decided + refused == clients.size());
    // With clients still waiting in the backlog of both listeners, accepting pauses between
    // tries: the daemon is nearly idle, not spinning on a failing accept.
    for (int i = 0; i < 20; ++i) clients.push_back(connect_tcp(d.port()));
    for (int i = 0; i < 20; ++i) clients.push_back(connect_unix(unix_path));
    const long before = cpu_ticks(d.pid());
    std::this_thread::sleep_for(std::chrono::seconds(1));
    const long used = cpu_ticks(d.pid()) - before;
    CHECK(used < ::sysconf(_SC_CLK_TCK) / 4);  // under a quarter of a core
    for (const int fd : clients) ::close(fd);
    // Descriptors free again: both listeners accept and decide (a pause of one listener
    // once cancelled the other's, which then never accepted again).
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    for (const bool over_unix : {false, true}) {
        const int fd = over_unix ? connect_unix(unix_path) : connect_tcp(d.port());
        send_all(fd, call_line(31, over_unix ? 1 : 0) + "\n");
        const auto lines = read_lines(fd, 1, 5000);
        INFO("over unix: " << over_unix);
        REQUIRE(lines.size() == 1);
        CHECK(lines[0].find("\"action\":") != std::string::npos);
        ::close(fd);
    }
    CHECK(d.stop() == 0);
    CHECK(read_file(d.stderr_path()).find("cannot accept connections: Too many open files") != std::string::npos);
}

TEST_CASE("ringfenced --check fails when the JSON-lines port is taken, as a start would") {
    temp_dir dir;
    // A listener of this test's own on a free port.
    const int taken = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    REQUIRE(::bind(taken, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(taken, 4) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(taken, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    const int port = ntohs(addr.sin_port);
    const auto [rc, out] = ringfenced_check(fmt::format("--set state_dir={} --set ingest.jsonl.tcp=127.0.0.1:{}", dir.path().string(), port));
    CAPTURE(out);
    CHECK(rc == 1);
    CHECK(out.find(fmt::format("ingest.jsonl.tcp: cannot listen on 127.0.0.1:{}: Address already in use; a start would fail", port)) != std::string::npos);
    // A HEP listener's port too.
    const auto [hep_rc, hep_out] = ringfenced_check(fmt::format("--set state_dir={} --set ingest.hep.tcp=127.0.0.1:{}", dir.path().string(), port));
    CAPTURE(hep_out);
    CHECK(hep_rc == 1);
    CHECK(hep_out.find(fmt::format("ingest.hep.tcp: cannot listen on 127.0.0.1:{}: Address already in use; a start would fail", port)) != std::string::npos);
    ::close(taken);
    const auto [free_rc, free_out] = ringfenced_check(fmt::format("--set state_dir={} --set ingest.jsonl.tcp=127.0.0.1:{}", dir.path().string(), port));
    CAPTURE(free_out);
    CHECK(free_rc == 0);
}

TEST_CASE("ringfenced --check fails when another process listens on the JSON-lines Unix socket, and leaves a dead one's file alone") {
    temp_dir dir;
    const std::string path = (dir.path() / "taken.sock").string();
    const int taken = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    REQUIRE(::bind(taken, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(taken, 4) == 0);
    const std::string args = fmt::format("--set state_dir={} --set ingest.jsonl.unix={}", dir.path().string(), path);
    const auto [rc, out] = ringfenced_check(args);
    CAPTURE(out);
    CHECK(rc == 1);
    CHECK(out.find(fmt::format("ingest.jsonl.unix: cannot listen: {} is in use: another process (another ringfenced?) listens on it; a start would fail", path)) !=
          std::string::npos);
    // A link to it is said to be one (the path is used as written, never followed).
    const std::string link = (dir.path() / "link.sock").string();
    std::filesystem::create_symlink(path, link);
    const auto [link_rc, link_out] = ringfenced_check(fmt::format("--set state_dir={} --set ingest.jsonl.unix={}", dir.path().string(), link));
    CAPTURE(link_out);
    CHECK(link_rc == 1);
    CHECK(link_out.find(link + " is a symbolic link") != std::string::npos);
    // Nobody listens any more: the file a start would remove passes, and the check removes
    // nothing.
    ::close(taken);
    const auto [free_rc, free_out] = ringfenced_check(args);
    CAPTURE(free_out);
    CHECK(free_rc == 0);
    CHECK(std::filesystem::exists(path));
}

TEST_CASE("ringfenced --check fails on a capture interface this machine lacks, as a start would before it listens") {
    temp_dir dir;
    const auto [rc, out] = ringfenced_check(fmt::format("--set state_dir={} --set capture.enabled=true --set 'capture.interfaces=[lo, nonexist0]'", dir.path().string()));
    CAPTURE(out);
    CHECK(rc == 1);
    CHECK(out.find("capture.interfaces: no network interface 'nonexist0' on this machine") != std::string::npos);
    CHECK(out.find("'lo'") == std::string::npos);
}
