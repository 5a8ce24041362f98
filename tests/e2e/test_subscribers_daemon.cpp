// The subscriber database through the real binaries: `ringfence subscribers import` refuses
// a bad file naming its lines and loads a good one; ringfenced blocks a locked SIM's call
// with the lock as the reason but lets its emergency call through; a new import changes the
// decisions within seconds, with no restart.
#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "e2e_support.hpp"

using namespace ringfence::e2e;

namespace {

const char* const header =
    "msisdn,imsi,owner_id_hash,owner_type,population_match,population_match_date,matched_fields,biometric_verified,reverify_pending,status,"
    "status_since,activated_on,bank_link_verified\n";

std::string call(const std::string& id, const std::string& caller, const std::string& callee) {
    return R"({"id":")" + id + R"(","kind":"call.attempt","time":"2026-11-28T10:00:00+07:00","caller":")" + caller + R"(","callee":")" + callee +
           R"(","origin":{"kind":"home_mobile"}})" "\n";
}

std::string decide_one(std::uint16_t port, const std::string& line) {
    const int fd = connect_tcp(port);
    send_all(fd, line);
    const auto lines = read_lines(fd, 1);
    ::close(fd);
    REQUIRE(lines.size() == 1);
    return lines[0];
}

}  // namespace

TEST_CASE("subscribers end to end: import, a locked SIM blocked, its emergency call allowed, a new import applied with no restart") {
    temp_dir dir;
    const std::string common = "--config " RINGFENCE_SOURCE_DIR "/config/ringfence.yaml --set state_dir=" + dir.path().string();
    const auto csv = (dir.path() / "subscribers.csv").string();

    std::ofstream(csv) << header << "0912000111,452040000000001,owner-a,individual,mismatch,2026-10-30,2,0,0,notified,2026-11-01,2025-01-01,0\n"
                       << "0912000222,452040000000002,owner-b,individual,matched,2025-01-01,6,1,0,active,2025-01-01,2025-01-01,1\n"
                       << "0912000333,,079123456789,individual,matched,,6,1,0,active,2025-01-01,2025-01-01,1\n"
                       << "0912000444,,owner-c,individual,matched,,6,1,0,suspended,2025-01-01,2025-01-01,1\n";
    auto r = run_cli_status("subscribers import " + common + " " + csv);
    CHECK(r.exit_code == 1);
    CHECK(r.output.find("subscribers.csv:4: column 'owner_id_hash'") != std::string::npos);
    CHECK(r.output.find("subscribers.csv:5: column 'status': 'suspended'") != std::string::npos);
    CHECK(r.output.find("nothing was applied") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir.path() / "subscribers.sqlite"));

    std::ofstream(csv) << header << "0912000111,452040000000001,owner-a,individual,mismatch,2026-10-30,2,0,0,notified,2026-11-01,2025-01-01,0\n"
                       << "0912000222,452040000000002,owner-b,individual,matched,2025-01-01,6,1,0,active,2025-01-01,2025-01-01,1\n";
    r = run_cli_status("subscribers import " + common + " " + csv);
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    // `show` reads a number as the import's msisdn column does: E.164 digits with no '+' too.
    for (const char* form : {"0912000222", "+84912000222", "84912000222"}) {
        const std::string shown = run_cli("subscribers show " + common + " " + form);
        INFO(form, ": ", shown);
        CHECK(shown.find(R"("e164":"+84912000222","date")") != std::string::npos);
        CHECK(shown.find(R"("exists":true)") != std::string::npos);
    }
    const std::string foreign = run_cli("subscribers show " + common + " +12025550123");
    CHECK(foreign.find(R"("e164":"+12025550123","date")") != std::string::npos);
    CHECK(foreign.find(R"("exists":false)") != std::string::npos);

    running_daemon d(dir, {"subscribers.refresh_interval_ms=100"});
    std::string reply = decide_one(d.port(), call("lock-1", "0912000111", "0987654321"));
    CHECK(reply.find(R"("action":"block")") != std::string::npos);
    CHECK(reply.find(R"x("reason":"caller +84912000111 is one_way_locked since 2026-11-16 (subscriber verification)")x") != std::string::npos);
    reply = decide_one(d.port(), call("sos-1", "0912000111", "113"));
    CHECK(reply.rfind(R"({"id":"sos-1","action":"allow")", 0) == 0);
    CHECK(decide_one(d.port(), call("ok-1", "0912000222", "0987654321")).find(R"("action":"allow")") != std::string::npos);

    // The carrier re-verifies 0912000111 and locks 0912000222 both ways: a new full import.
    std::ofstream(csv) << header << "0912000111,452040000000001,owner-a,individual,matched,2026-11-27,6,1,0,active,2026-11-27,2025-01-01,1\n"
                       << "0912000222,452040000000002,owner-b,individual,mismatch,2026-10-01,2,0,0,two_way_locked,2026-11-25,2025-01-01,0\n";
    r = run_cli_status("subscribers import " + common + " " + csv);
    REQUIRE(r.exit_code == 0);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (decide_one(d.port(), call("probe", "0912000111", "0987654321")).find(R"("action":"allow")") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(decide_one(d.port(), call("lock-2", "0912000111", "0987654321")).find(R"("action":"allow")") != std::string::npos);
    reply = decide_one(d.port(), call("lock-3", "0987654321", "0912000222"));
    CHECK(reply.find(R"("rule":"subscriber_locked_incoming")") != std::string::npos);
    CHECK(d.stop() == 0);

    log_reader log(d.log_path());
    CHECK(log.scalar("SELECT count(*) FROM decisions d JOIN decision_rules r ON r.decision_id = d.id "
                     "WHERE d.record_id = 'lock-1' AND d.action = 'block' AND r.rule = 'subscriber_locked_outgoing'") == 1);
    CHECK(read_file(d.stderr_path()).find("subscriber database") != std::string::npos);
}

TEST_CASE("subscribers end to end: a corrupt subscriber database stops the daemon at start, saying why") {
    temp_dir dir;
    std::ofstream(dir.path() / "subscribers.sqlite") << "this is not a database; it is long enough to be read as a SQLite header, but is not one";
    const std::string out = run_cli("subscribers show --config " RINGFENCE_SOURCE_DIR "/config/ringfence.yaml --set state_dir=" + dir.path().string() + " 0912000111");
    CHECK(out.find("not a SQLite database") != std::string::npos);
    ringfence::cli::daemon_child child;
    const std::string error = child.start(RINGFENCED_BINARY,
                                          {"--config", RINGFENCE_SOURCE_DIR "/config/ringfence.yaml", "--set", "state_dir=" + dir.path().string(), "--set",
                                           "ingest.jsonl.tcp=127.0.0.1:0"},
                                          (dir.path() / "ringfenced.log").string(), 10000);
    CHECK(error.find("exited before listening") != std::string::npos);  // what it printed comes back in the error
    CHECK(error.find("SUBSCRIBERS_BAD_DATABASE") != std::string::npos);
    CHECK(error.find("not a SQLite database") != std::string::npos);
}
