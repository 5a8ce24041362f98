// The shipped rule packs through the real ringfenced: a blocked call answered and logged
// with its rule, reason, evidence and rule-set version; SIGHUP with a broken pack keeps
// deciding with the old set, and a fixed pack is picked up with no restart.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include <fmt/format.h>

#include <sqlite3.h>

#include "e2e_support.hpp"

using namespace ringfence::e2e;

TEST_CASE("a spoofed international call is blocked by vn-core, in the reply and in the log") {
    temp_dir dir;
    running_daemon d(dir);
    const int fd = connect_tcp(d.port());
    send_all(fd,
             R"({"id":"spoof-1","kind":"call.attempt","time":"2026-11-28T10:00:00+07:00","caller":"+84912345678","callee":"0987654321","origin":{"kind":"international","trunk":"INTL-GW-1"}})"
             "\n"
             R"({"id":"sos-1","kind":"call.attempt","time":"2026-11-28T10:00:01+07:00","caller":"+84912345678","callee":"113","origin":{"kind":"international","trunk":"INTL-GW-1"}})"
             "\n");
    const auto lines = read_lines(fd, 2);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].rfind(R"({"id":"spoof-1","action":"block","rules":[{"rule":"foreign_ingress_presents_home_number","priority":"critical","action":"block","reason":"international ingress INTL-GW-1 presents home number +84912345678",)"
                           R"("evidence":{"lists":[{"list":"foreign_ingress_kinds","field":"origin.kind","value":"international","entry":"international"}]}}])", 0) == 0);
    CHECK(lines[1].rfind(R"({"id":"sos-1","action":"allow","rules":[{"rule":"emergency_calls_allowed")", 0) == 0);
    ::close(fd);
    CHECK(d.stop() == 0);

    log_reader log(d.log_path());
    const auto rows = log.rows(
        "SELECT d.record_id, d.action, r.rule, r.priority, r.action, r.reason, substr(d.ruleset_version, 1, 7) "
        "FROM decisions d JOIN decision_rules r ON r.decision_id = d.id WHERE d.record_id = 'spoof-1'");
    REQUIRE(rows.size() == 1);
    CHECK(rows[0] == std::vector<std::string>{"spoof-1", "block", "foreign_ingress_presents_home_number", "critical", "block",
                                              "international ingress INTL-GW-1 presents home number +84912345678", "sha256:"});
    // The text of the rule set each decision was made under is kept.
    CHECK(log.scalar("SELECT count(*) FROM ruleset_versions v JOIN decisions d ON d.ruleset_version = v.version WHERE d.record_id = 'spoof-1'") == 1);
    CHECK(log.scalar("SELECT instr(content, 'foreign_ingress_presents_home_number') > 0 FROM ruleset_versions") == 1);
}

TEST_CASE("SIGHUP: a broken pack keeps the running set, a fixed one is loaded with no restart") {
    temp_dir dir;
    const auto pack = dir.path() / "pack.yaml";
    auto write = [&](const std::string& text) { std::ofstream(pack) << text; };
    write(R"(- rule: block_all_intl
  events: [call.attempt]
  condition: origin.kind = international
  action: block
  priority: critical
)");
    running_daemon d(dir, {"rules.paths=[" + pack.string() + "]"});
    const std::string record = R"({"id":"r","kind":"call.attempt","caller":"+6591234567","callee":"0987654321","origin":{"kind":"international"}})"
                               "\n";
    auto ask = [&] {
        const int fd = connect_tcp(d.port());
        send_all(fd, record);
        auto lines = read_lines(fd, 1);
        ::close(fd);
        return lines.empty() ? std::string() : lines[0];
    };
    CHECK(ask().find(R"("action":"block")") != std::string::npos);

    write("- rule: block_all_intl\n  condition: origin.kind = \n");
    d.send_signal(SIGHUP);
    std::string err;
    for (int i = 0; i < 100 && err.find("rule reload failed") == std::string::npos; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        err = read_file(d.stderr_path());
    }
    INFO(err);
    CHECK(err.find("rule reload failed") != std::string::npos);
    CHECK(err.find("pack.yaml:1:9: error RULES_MISSING_KEY") != std::string::npos);  // the error names its place
    CHECK(ask().find(R"("action":"block")") != std::string::npos);

    write(R"(- rule: warn_all_intl
  events: [call.attempt]
  condition: origin.kind = international
  action: warn
  priority: notice
)");
    d.send_signal(SIGHUP);
    std::string reply;
    for (int i = 0; i < 100; ++i) {
        reply = ask();
        if (reply.find(R"("action":"warn")") != std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(reply.find(R"("rule":"warn_all_intl")") != std::string::npos);
    CHECK(d.stop() == 0);
    log_reader log(d.log_path());
    CHECK(log.scalar("SELECT count(*) FROM ruleset_versions") == 2);
}

TEST_CASE("ringfence state show and reset one subject in the running daemon, the reset is audited") {
    temp_dir dir;
    running_daemon d(dir);
    const int fd = connect_tcp(d.port());
    std::string batch;
    for (int i = 0; i < 3; ++i)
        batch += fmt::format(R"({{"id":"k{}","kind":"call.attempt","time":"2026-11-28T10:00:0{}+07:00","caller":"+85512345678","callee":"091200000{}","origin":{{"kind":"international"}}}})"
                             "\n", i, i, i);
    send_all(fd, batch);
    CHECK(read_lines(fd, 3).size() == 3);
    ::close(fd);
    const std::string common = "--config " + std::string(RINGFENCE_SOURCE_DIR) + "/config/ringfence.yaml --set state_dir=" + dir.path().string();
    const std::string shown = run_cli("state show " + common + " +85512345678");
    INFO(shown);
    CHECK(shown.find(R"({"key":"+85512345678","aggregates":[)") == 0);
    CHECK(shown.find(R"x("aggregate":"distinct(callee.e164 of call.attempt by caller.e164 within 1h)")x") != std::string::npos);
    // As of record time (the records are from 2026-11-28 10:00, not now): the three callees.
    CHECK(shown.find(R"x("aggregate":"distinct(callee.e164 of call.attempt by caller.e164 within 1h)","value":3)x") != std::string::npos);
    // The members of a shared list each under its own name and value: the count and the
    // first-contact ratio of the caller's calls in the hour.
    CHECK(shown.find(R"x("aggregate":"count(call.attempt by caller.e164 within 1h)","value":3)x") != std::string::npos);
    CHECK(shown.find(R"x("aggregate":"ratio(call.attempt where call.first_contact by caller.e164 within 1h)","value":1)x") != std::string::npos);
    // A number written nationally is looked up in E.164, as the rules keep it.
    const std::string callee = run_cli("state show " + common + " 0912000001");
    INFO(callee);
    CHECK(callee.find("the number 0912000001 is kept as +84912000001") != std::string::npos);
    CHECK(callee.find(R"({"key":"+84912000001","aggregates":[{)") != std::string::npos);
    // The bare digits the decision log's callee_num holds: looked up after a '+'.
    const std::string digits = run_cli("state show " + common + " 84912000001");
    INFO(digits);
    CHECK(digits.find("nothing is kept as 84912000001; +84912000001 is") != std::string::npos);
    CHECK(digits.find(R"({"key":"+84912000001","aggregates":[{)") != std::string::npos);
    // Reset by its bare digits: the one form that holds state is reset, and audited, alone.
    const std::string reset_digits = run_cli("state reset " + common + " 84912000001");
    INFO(reset_digits);
    CHECK(reset_digits.find("nothing is kept as 84912000001; +84912000001 is") != std::string::npos);
    CHECK(reset_digits.find(R"({"key":"+84912000001","reset":)") != std::string::npos);
    const std::string reset = run_cli("state reset " + common + " +85512345678");
    CHECK(reset.find(R"({"key":"+85512345678","reset":)") == 0);
    CHECK(reset.find(R"("reset":0})") == std::string::npos);
    {
        // Reported done only once audited: the row is committed before the reply.
        log_reader early(d.log_path());
        CHECK(early.scalar("SELECT count(*) FROM operator_actions") == 2);
    }
    CHECK(run_cli("state show " + common + " +85512345678") == "{\"key\":\"+85512345678\",\"aggregates\":[]}\n");
    CHECK(d.stop() == 0);
    CHECK(read_file(d.stderr_path()).find("audit: uid 0 reset the window state of +85512345678") != std::string::npos);
    // And in the decision log, beside the decisions, for auditors.
    log_reader log(d.log_path());
    const auto actions = log.rows("SELECT actor_uid, action, subject, detail FROM operator_actions ORDER BY id DESC");
    REQUIRE(actions.size() == 2);
    CHECK(log.scalar("SELECT count(*) FROM operator_actions WHERE subject = '84912000001'") == 0);
    CHECK(actions[0][0] == std::to_string(::getuid()));
    CHECK(actions[0][1] == "state.reset");
    CHECK(actions[0][2] == "+85512345678");
    CHECK(actions[0][3].rfind("{\"entries\":", 0) == 0);
}

TEST_CASE("ringfence state reset says its audit row is pending when it is not committed in time, and exits 1") {
    temp_dir dir;
    running_daemon d(dir);
    const std::string common = "--config " + std::string(RINGFENCE_SOURCE_DIR) + "/config/ringfence.yaml --set state_dir=" + dir.path().string();
    {
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open_v2(d.log_path().c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
        sqlite3_busy_timeout(db, 5000);
        CHECK(sqlite3_exec(db, "CREATE TRIGGER refuse_actions BEFORE INSERT ON operator_actions BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
                           nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(db);
    }
    const auto reset = run_cli_status("state reset " + common + " +85512345678");
    INFO(reset.output);
    CHECK(reset.exit_code == 1);
    // The row stays queued (the writer retries it), so it is pending, not lost: the operator
    // is told not to reset again, which would audit twice.
    CHECK(reset.output.find("audit_pending: the window state of +85512345678 was reset") != std::string::npos);
    CHECK(reset.output.find("do not reset again") != std::string::npos);
    d.kill_hard();
    CHECK(read_file(d.stderr_path()).find("stays queued") != std::string::npos);
}

TEST_CASE("ringfence state refuses a key with a newline or too long, and the daemon answers an overlong request with an error") {
    temp_dir dir;
    running_daemon d(dir);
    const std::string common = "--config " + std::string(RINGFENCE_SOURCE_DIR) + "/config/ringfence.yaml --set state_dir=" + dir.path().string();
    // "+8491\n2345678" would have reset (and audited) "+8491".
    const auto newline = run_cli_status("state reset " + common + " \"$(printf '+8491\\n2345678')\"");
    INFO(newline.output);
    CHECK(newline.exit_code == 2);
    CHECK(newline.output.find("a key holds no control characters") != std::string::npos);
    const auto long_key = run_cli_status("state show " + common + " \"$(head -c 5000 /dev/zero | tr '\\0' a)\"");
    INFO(long_key.output);
    CHECK(long_key.exit_code == 2);
    CHECK(long_key.output.find("a key is 1 to 4000 bytes") != std::string::npos);
    // The socket itself: a request with no newline in 4096 bytes gets an error line.
    const int fd = connect_unix((dir.path() / "control.sock").string());
    send_all(fd, "state show " + std::string(5000, 'a'));
    const auto lines = read_lines(fd, 1);
    ::close(fd);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] == R"({"error":"a request is one line of at most 4096 bytes"})");
    // A key with a space (a trunk or brandname keyed by a local pack) is a key, not a bad command.
    const auto spaced = run_cli_status("state show " + common + " 'GW 1'");
    INFO(spaced.output);
    CHECK(spaced.exit_code == 0);
    CHECK(spaced.output == "{\"key\":\"GW 1\",\"aggregates\":[]}\n");
    // Bytes that are not UTF-8 would reach the audit row as they are: refused, by the command
    // line and by the daemon.
    const auto not_utf8 = run_cli_status("state reset " + common + " \"$(printf '\\377\\376')\"");
    INFO(not_utf8.output);
    CHECK(not_utf8.exit_code == 2);
    CHECK(not_utf8.output.find("a key is UTF-8 text") != std::string::npos);
    const int raw = connect_unix((dir.path() / "control.sock").string());
    send_all(raw, "state reset \xff\xfe\n");
    const auto refused = read_lines(raw, 1);
    ::close(raw);
    REQUIRE(refused.size() == 1);
    CHECK(refused[0].find("bad_key: a key is UTF-8 text") != std::string::npos);
    // A NUL would hide what follows it from an auditor's tools, a stray space makes another key.
    for (const std::string& request : {std::string("state reset +84912345678\0x\n", 27), std::string("state reset +84912345678 \n")}) {
        const int sock = connect_unix((dir.path() / "control.sock").string());
        send_all(sock, request);
        const auto answer = read_lines(sock, 1);
        ::close(sock);
        REQUIRE(answer.size() == 1);
        CHECK(answer[0].find("bad_key") != std::string::npos);
    }
    CHECK(d.stop() == 0);
    log_reader log(d.log_path());
    CHECK(log.scalar("SELECT count(*) FROM operator_actions") == 0);
}

TEST_CASE("an unreadable window state snapshot is moved aside and the state saved anew, and a directory in its place stops the start") {
    temp_dir dir;
    const auto snapshot = dir.path() / "window_state.sqlite";
    std::ofstream(snapshot) << "junk";
    const std::string common = "--config " + std::string(RINGFENCE_SOURCE_DIR) + "/config/ringfence.yaml --set state_dir=" + dir.path().string();
    {
        running_daemon d(dir);
        const int fd = connect_tcp(d.port());
        send_all(fd, R"({"id":"k1","kind":"call.attempt","time":"2026-11-28T10:00:01+07:00","caller":"+85512345678","callee":"0912000001"})" "\n");
        CHECK(read_lines(fd, 1).size() == 1);
        ::close(fd);
        CHECK(d.stop() == 0);
        const std::string err = read_file(d.stderr_path());
        INFO(err);
        CHECK(err.find("not restored: window snapshot " + snapshot.string() + ": file is not a database; moved aside to " + snapshot.string() +
                       ".unreadable-") != std::string::npos);
        CHECK(err.find("snapshot " + snapshot.string() + " failed") == std::string::npos);  // saved at the stop
    }
    int aside = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
        aside += entry.path().filename().string().rfind("window_state.sqlite.unreadable-", 0) == 0 ? 1 : 0;
    CHECK(aside == 1);
    {
        running_daemon again(dir);  // the saved state is read back
        CHECK(again.stop() == 0);
        CHECK(read_file(again.stderr_path()).find("window state restored from " + snapshot.string()) != std::string::npos);
    }
    std::filesystem::remove(snapshot);
    std::filesystem::create_directory(snapshot);
    std::string said;
    FILE* p = ::popen((std::string(RINGFENCED_BINARY) + " --check " + common + " 2>&1").c_str(), "r");
    REQUIRE(p != nullptr);
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) said.append(buf, n);
    const int status = ::pclose(p);
    INFO(said);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 1);
    CHECK(said.find("is not a file (engine.state.snapshot_path names a file); a start would fail") != std::string::npos);
}

TEST_CASE("the call history survives a restart: gap, first contact and calls in progress carry on") {
    temp_dir dir;
    const auto pack = dir.path() / "history.yaml";
    std::ofstream(pack) << R"(- rule: history
  events: [call.attempt]
  condition: caller.is_home
  action: warn
  priority: warning
  reason: "gap={call.gap_ms} first={call.first_contact} conc={caller.concurrent_calls}"
)";
    const std::vector<std::string> sets{"rules.paths=[" + pack.string() + "]"};
    const auto line = [](const std::string& id, const std::string& kind, int second) {
        return fmt::format(R"({{"id":"{}","kind":"{}","time":"2026-11-28T10:0{}:00+07:00","caller":"0912000001","callee":"0912000101"}})", id, kind,
                           second) + "\n";
    };
    {
        running_daemon d(dir, sets);
        const int fd = connect_tcp(d.port());
        send_all(fd, line("f1", "call.attempt", 0) + line("a1", "call.answer", 0));
        CHECK(read_lines(fd, 2).size() == 2);
        ::close(fd);
        CHECK(d.stop() == 0);
    }
    running_daemon again(dir, sets);
    const int fd = connect_tcp(again.port());
    send_all(fd, line("f2", "call.attempt", 1));
    const auto replies = read_lines(fd, 1);
    ::close(fd);
    REQUIRE(replies.size() == 1);
    CHECK(replies[0].find(R"("reason":"gap=60000 first=false conc=1")") != std::string::npos);
    CHECK(again.stop() == 0);
}

TEST_CASE("ringfence state reset is refused when the decision log is disabled: there is nowhere to audit it") {
    temp_dir dir;
    running_daemon d(dir, {"decision_log.enabled=false"});
    const int fd = connect_tcp(d.port());
    send_all(fd, R"({"id":"k1","kind":"call.attempt","time":"2026-11-28T10:00:01+07:00","caller":"+85512345678","callee":"0912000001","origin":{"kind":"international"}})"
                 "\n");
    CHECK(read_lines(fd, 1).size() == 1);
    ::close(fd);
    const std::string common = "--config " + std::string(RINGFENCE_SOURCE_DIR) + "/config/ringfence.yaml --set state_dir=" + dir.path().string();
    const auto reset = run_cli_status("state reset " + common + " +85512345678");
    INFO(reset.output);
    CHECK(reset.exit_code == 1);
    CHECK(reset.output.find("nothing was reset") != std::string::npos);
    // The state is still there.
    CHECK(run_cli("state show " + common + " +85512345678").find(R"("value":1)") != std::string::npos);
    CHECK(d.stop() == 0);
}

TEST_CASE("ringfence rules check counts definitions, not overrides or for-readings") {
    temp_dir dir;
    const auto pack = dir.path() / "pack.yaml";
    std::ofstream(pack) << R"(- list: l1
  items: [KH]
- list: l1
  items: [MM]
  override: {items: append}
- macro: m1
  condition: origin.kind = international
- macro: m1
  condition: or origin.kind = voip
  override: {condition: append}
- rule: r1
  events: [call.attempt]
  condition: m1 and caller.country in l1 and count(call.attempt by caller.e164 within 1h) > 3
  action: warn
  priority: warning
- rule: r2
  events: [call.attempt]
  condition: count(call.attempt by caller.e164 within 1h for callee.e164) > 3
  action: warn
  priority: warning
)";
    const auto r = run_cli_status("rules check " + pack.string());
    INFO(r.output);
    CHECK(r.exit_code == 0);
    CHECK(r.output.find("1 files: 2 rules enabled, 1 lists (2 entries), 1 macros, 1 aggregates, 0 tests; 0 errors, 0 warnings") != std::string::npos);
}

TEST_CASE("ringfence rules test: a record without a time comes a second after the one before it") {
    temp_dir dir;
    const auto pack = dir.path() / "pack.yaml";
    std::ofstream(pack) << R"(- rule: burst
  events: [call.attempt]
  condition: count(call.attempt by caller.e164 within 1m) >= 3
  action: block
  priority: critical
- test: untimed_records_follow_a_timed_one
  records:
    - {id: a1, kind: call.attempt, time: "2026-11-28T10:00:00+07:00", caller: "+84912000001", callee: "0987000001"}
    - {id: a2, kind: call.attempt, caller: "+84912000001", callee: "0987000001"}
    - {id: a3, kind: call.attempt, caller: "+84912000001", callee: "0987000001"}
    - {id: a4, kind: call.attempt, time: "2026-11-28T10:05:00+07:00", caller: "+84912000001", callee: "0987000001"}
  expect:
    - {id: a3, action: block, rules: [burst]}
    - {id: a4, action: allow, rules: []}
)";
    const auto r = run_cli_status("rules test " + pack.string());
    INFO(r.output);
    CHECK(r.exit_code == 0);
    CHECK(r.output.find("1 passed, 0 failed") != std::string::npos);
}

TEST_CASE("ringfence rules test: rules_include and rules_exclude check a pack's own rules, with or without an action") {
    temp_dir dir;
    const auto pack = dir.path() / "pack.yaml";
    std::ofstream(pack) << R"(- rule: burst
  events: [call.attempt]
  condition: count(call.attempt by caller.e164 within 1m) >= 2
  action: block
  priority: critical
- test: own_rules_only
  records:
    - {id: a1, kind: call.attempt, time: "2026-11-28T10:00:00+07:00", caller: "+84912000001", callee: "0987000001"}
    - {id: a2, kind: call.attempt, time: "2026-11-28T10:00:01+07:00", caller: "+84912000001", callee: "0987000001"}
  expect:
    - {id: a1, rules_exclude: [burst]}
    - {id: a2, rules_include: [burst]}
    - {id: a2, rules_exclude: [burst]}
- test: an_expectation_that_checks_nothing
  records:
    - {id: b1, kind: call.attempt, time: "2026-11-28T10:00:00+07:00", caller: "+84912000002", callee: "0987000001"}
  expect:
    - {id: b1}
)";
    const auto checked = run_cli_status("rules check " + pack.string());
    INFO(checked.output);
    CHECK(checked.exit_code == 1);
    CHECK(checked.output.find("an expectation needs an 'action', or 'rules', 'rules_include' or 'rules_exclude'") != std::string::npos);
    // Without the empty expectation: one failure, the exclusion that does not hold.
    std::string text;
    {
        std::ifstream in(pack);
        text.assign(std::istreambuf_iterator<char>(in), {});
    }
    text = text.substr(0, text.find("- test: an_expectation_that_checks_nothing"));
    std::ofstream(pack) << text;
    const auto r = run_cli_status("rules test " + pack.string());
    INFO(r.output);
    CHECK(r.exit_code != 0);
    CHECK(r.output.find("record 'a2': expected rule burst not to fire, got block [burst]") != std::string::npos);
    CHECK(r.output.find("record 'a1'") == std::string::npos);
    CHECK(r.output.find("0 passed, 1 failed") != std::string::npos);
}

TEST_CASE("ringfence rules test: an expectation must check something, and names only rules that are loaded") {
    temp_dir dir;
    const auto pack = dir.path() / "pack.yaml";
    std::ofstream(pack) << R"(- rule: burst
  events: [call.attempt]
  condition: count(call.attempt by caller.e164 within 1m) >= 2
  action: block
  priority: critical
- test: vacuous
  records:
    - {id: a1, kind: call.attempt, time: "2026-11-28T10:00:00+07:00", caller: "+84912000001", callee: "0987000001"}
  expect:
    - {id: a1, rules_include: [], rules_exclude: []}
- test: nothing
  records:
    - {id: b1, kind: call.attempt, time: "2026-11-28T10:00:00+07:00", caller: "+84912000001", callee: "0987000001"}
  expect: []
)";
    const auto checked = run_cli_status("rules check " + pack.string());
    INFO(checked.output);
    CHECK(checked.exit_code == 1);
    CHECK(checked.output.find("an expectation needs an 'action', or 'rules', 'rules_include' or 'rules_exclude'") != std::string::npos);
    CHECK(checked.output.find("test 'nothing' expects nothing: give at least one expectation") != std::string::npos);

    std::ofstream(pack) << R"(- rule: burst
  events: [call.attempt]
  condition: count(call.attempt by caller.e164 within 1m) >= 2
  action: block
  priority: critical
- test: misspelt
  records:
    - {id: a1, kind: call.attempt, time: "2026-11-28T10:00:00+07:00", caller: "+84912000001", callee: "0987000001"}
  expect:
    - {id: a1, rules_exclude: [brust]}
)";
    const auto r = run_cli_status("rules test " + pack.string());
    INFO(r.output);
    CHECK(r.exit_code != 0);
    CHECK(r.output.find("record 'a1': no loaded pack defines a rule 'brust'") != std::string::npos);

    // The engine's own override is named like a rule: a test can state exactly what a
    // decision on an emergency call lists.
    std::ofstream(pack) << R"(- rule: from_abroad
  events: [call.attempt]
  condition: origin.kind = international
  action: block
  priority: critical
- test: emergency
  records:
    - {id: e1, kind: call.attempt, time: "2026-11-28T10:00:00+07:00", caller: "+84912000001", callee: "113", origin: {kind: international}}
  expect:
    - {id: e1, action: allow, rules: [from_abroad, emergency_number_never_blocked]}
    - {id: e1, rules_include: [emergency_number_never_blocked], rules_exclude: [protected_number_never_blocked]}
)";
    const auto emergency = run_cli_status("rules test " + pack.string());
    INFO(emergency.output);
    CHECK(emergency.exit_code == 0);
}

TEST_CASE("ringfence rules check --json ends with a summary line a script can read, version included") {
    temp_dir dir;
    const auto pack = dir.path() / "pack.yaml";
    std::ofstream(pack) << R"(- list: unused
  items: [a]
- rule: r
  events: [call.attempt]
  condition: caller.is_home
  action: warn
  priority: notice
)";
    const auto clean = run_cli_status("rules check --json " + pack.string());
    INFO(clean.output);
    CHECK(clean.exit_code == 0);
    CHECK(clean.output.find(R"("code":"RULES_UNUSED_LIST")") != std::string::npos);
    const std::size_t summary = clean.output.find(R"({"summary":{"files":1,"rules_enabled":1,"lists":1,"list_entries":)");
    REQUIRE(summary != std::string::npos);
    CHECK(clean.output.find(R"("tests":0,"errors":0,"warnings":1,"version":"sha256:)", summary) != std::string::npos);
    CHECK(clean.output.substr(summary).find('\n') == clean.output.size() - summary - 1);  // the last line
    std::ofstream(pack) << "- rule: r\n  condition: [\n";
    const auto broken = run_cli_status("rules check --json " + pack.string());
    INFO(broken.output);
    CHECK(broken.exit_code == 1);
    CHECK(broken.output.find(R"({"summary":{"errors":1,"warnings":0}})") != std::string::npos);
}

TEST_CASE("ringfence rules check reports a test whose own items are not valid, whatever it expects") {
    temp_dir dir;
    const auto pack = dir.path() / "pack.yaml";
    std::ofstream(pack) << R"(- list: police
  intel: number
- rule: listed
  events: [call.attempt]
  condition: caller.e164 in police
  action: block
  priority: critical
- test: bad_items
  intel:
    nolist: [{value: "+84912345678"}]
  subscribers:
    - {msisdn: "0912000111", status: frozen}
  records:
    - {id: a, kind: call.attempt, caller: "O912345678", callee: "0987654321"}
  expect:
    - {id: a, action: allow, rules_exclude: [no_such_rule]}
)";
    const auto r = run_cli_status("rules check " + pack.string());
    INFO(r.output);
    CHECK(r.exit_code == 1);
    CHECK(r.output.find(pack.string() + ":10:14: error RULES_BAD_TEST: test 'bad_items': 'nolist' is not a list declared with intel: KIND") !=
          std::string::npos);
    CHECK(r.output.find("error RULES_BAD_TEST: test 'bad_items': test subscriber 1: status: ") != std::string::npos);
    CHECK(r.output.find("error RULES_BAD_TEST: test 'bad_items': record 1 does not parse: field 'caller': not a telephone number") !=
          std::string::npos);
    CHECK(r.output.find("error RULES_BAD_TEST: test 'bad_items': record 'a': no loaded pack defines a rule 'no_such_rule'") != std::string::npos);
    CHECK(r.output.find("4 errors") != std::string::npos);
}

TEST_CASE("ringfence rules check reports a test name used twice in a file and an expectation for an id no record has") {
    temp_dir dir;
    const auto pack = dir.path() / "pack.yaml";
    std::ofstream(pack) << R"(- rule: spoof
  events: [call.attempt]
  condition: origin.kind = international and caller.is_home
  action: block
  priority: critical
- test: t
  records:
    - {id: a1, kind: call.attempt, caller: "0912345678", callee: "0987654321"}
    - {id: a1, kind: call.attempt, caller: "0912345678", callee: "0987654321", origin: {kind: international}}
  expect:
    - {id: a1, action: block}
    - {id: zz, action: allow}
- test: t
  records: [{id: b1, kind: call.attempt, caller: "0912345678", callee: "0987654321"}]
  expect: [{id: b1, action: allow}]
)";
    // A local pack may adapt a shipped test under its name: another file, no finding.
    const auto local = dir.path() / "local.yaml";
    std::ofstream(local) << R"(- test: t
  records: [{id: c1, kind: call.attempt, caller: "0912345678", callee: "0987654321"}]
  expect: [{id: c1, action: allow}]
)";
    const auto r = run_cli_status("rules check " + pack.string() + " " + local.string());
    INFO(r.output);
    CHECK(r.exit_code == 1);
    // Two records of one id (a call's attempt, answer and end share a Call-ID): the
    // expectation names the last one decided, as docs/rules.md says.
    CHECK(r.output.find("have the id 'a1'") == std::string::npos);
    CHECK(r.output.find(pack.string() + ":12:7: error RULES_BAD_TEST: test 't': no record of this test has the id 'zz'") != std::string::npos);
    CHECK(r.output.find(pack.string() + ":13:9: error RULES_BAD_TEST: test 't': a test of this name is defined at " + pack.string() + ":6") !=
          std::string::npos);
    CHECK(r.output.find("2 errors") != std::string::npos);
}

TEST_CASE("ringfence rules check warns when a list item names a list another file defines") {
    temp_dir dir;
    const auto shipped = dir.path() / "a-shipped.yaml";
    const auto local = dir.path() / "b-local.yaml";
    std::ofstream(shipped) << R"(- list: bank_words
  items: [vietcombank, techcombank]
- rule: bank_word
  events: [sms.submit]
  condition: sms.text icontains_any bank_words
  action: warn
  priority: warning
)";
    // A local list that happens to be named like a shipped word.
    std::ofstream(local) << R"(- list: vietcombank
  items: [vcb.example]
- rule: vcb_link
  events: [sms.submit]
  condition: sms.domains in vietcombank
  action: warn
  priority: warning
)";
    // A local pack that includes a shipped list on purpose, tested against two fields (the
    // list is expanded for each): no warning for it, and the one above is said once.
    std::ofstream(dir.path() / "c-local.yaml") << R"(- list: my_banks
  items: [bank_words, shb]
- rule: my_bank_word
  events: [sms.submit]
  condition: sms.text icontains_any my_banks or sms.sender in my_banks
  action: warn
  priority: warning
)";
    const auto r = run_cli_status("rules check " + dir.path().string());
    INFO(r.output);
    CHECK(r.exit_code == 0);
    CHECK(r.output.find("a-shipped.yaml:2:11: warning RULES_LIST_INCLUDE: item 'vietcombank' of list 'bank_words' names the list 'vietcombank' defined in") !=
          std::string::npos);
    CHECK(r.output.find("1 warning") != std::string::npos);
}

TEST_CASE("a service number presented from abroad is named in the reason as it was presented") {
    temp_dir dir;
    const auto file = (dir.path() / "records.jsonl").string();
    std::ofstream(file) << R"({"id":"sp4","kind":"call.attempt","time":"2026-11-28T10:00:00+07:00","caller":"113","callee":"0987654321","origin":{"kind":"international","trunk":"INTL-GW-1"}})"
                        << "\n";
    const auto r = run_cli_status("decide --config " + std::string(RINGFENCE_SOURCE_DIR) + "/config/ringfence.yaml " + file + " 2>/dev/null");
    INFO(r.output);
    CHECK(r.output.find(R"("reason":"international ingress INTL-GW-1 presents home number 113")") != std::string::npos);
}

TEST_CASE("ringfence state show finds a domain key however its letters are written") {
    temp_dir dir;
    running_daemon d(dir);
    const int fd = connect_tcp(d.port());
    send_all(fd, R"({"id":"l1","kind":"sms.submit","time":"2026-11-28T10:00:00+07:00","caller":"0912000001","callee":"0912000002","sms":{"text":"xem https://evil.top/x"}})"
                 "\n");
    CHECK(read_lines(fd, 1).size() == 1);
    ::close(fd);
    const std::string common = "--config " + std::string(RINGFENCE_SOURCE_DIR) + "/config/ringfence.yaml --set state_dir=" + dir.path().string();
    const auto shown = run_cli_status("state show " + common + " EVIL.TOP");
    INFO(shown.output);
    CHECK(shown.output.find("nothing is kept as EVIL.TOP; evil.top is") != std::string::npos);
    CHECK(shown.output.find(R"x("aggregate":"distinct(caller.e164 of sms.submit by sms.domains except campaign_exempt_domains within 1h)","value":1)x") !=
          std::string::npos);
    CHECK(d.stop() == 0);
}

TEST_CASE("ringfence rules check names a test subscriber's error at that subscriber's line") {
    temp_dir dir;
    const auto pack = dir.path() / "pack.yaml";
    std::ofstream(pack) << R"(- rule: locked
  events: [call.attempt]
  condition: caller.subscriber.status = one_way_locked
  action: block
  priority: critical
- test: subs
  subscribers:
    - {msisdn: "0912000111", status: active}
    - {msisdn: "0912000222", status: lockd}
    - {msisdn: "0912000333", colour: red}
  records:
    - {id: a, kind: call.attempt, caller: "0912000111", callee: "0987654321"}
  expect:
    - {id: a, action: allow}
)";
    const auto r = run_cli_status("rules check " + pack.string());
    INFO(r.output);
    CHECK(r.exit_code == 1);
    CHECK(r.output.find(pack.string() + ":9:7: error RULES_BAD_TEST: test 'subs': test subscriber 2: status: ") != std::string::npos);
    CHECK(r.output.find(pack.string() + ":10:7: error RULES_BAD_TEST: test 'subs': test subscriber field 'colour' is not an import field") !=
          std::string::npos);
}
