// Intelligence lists through the real binaries: the running ringfenced answers a record,
// an operator adds the number with `ringfence lists add`, and within the refresh interval the
// same record is blocked with the list entry, its source and reason as evidence, with no
// restart or reload. An entry with a short expiry stops matching on time; a bad import
// changes nothing; every change is in the audit table.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include <fmt/format.h>

#include "e2e_support.hpp"

using namespace ringfence::e2e;

namespace {

cli_result cli(const std::string& args) { return run_cli_status(args); }

std::string ask(std::uint16_t port, const std::string& record) {
    const int fd = connect_tcp(port);
    send_all(fd, record + "\n");
    auto lines = read_lines(fd, 1);
    ::close(fd);
    return lines.empty() ? std::string() : lines[0];
}

// Asks until the reply holds want (the daemon refreshes every 100 ms here) or 5 s passed.
std::string ask_until(std::uint16_t port, const std::string& record, const std::string& want) {
    std::string reply;
    for (int i = 0; i < 100; ++i) {
        reply = ask(port, record);
        if (reply.find(want) != std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return reply;
}

}  // namespace

TEST_CASE("a refused lists add changes nothing: the list the packs declare is not created, nothing is audited") {
    temp_dir dir;
    const std::string common = "--config " + std::string(RINGFENCE_SOURCE_DIR) + "/config/ringfence.yaml --set state_dir=" + dir.path().string();
    for (const std::string bad : {"police_numbers 0912345678 --source police --reason x --expires 2026-02-30",
                                  "police_numbers not-a-number --source police --reason x",
                                  "police_numbers 0912345678 --source gossip --reason x"}) {
        const auto refused = cli("lists add " + common + " " + bad);
        INFO(bad, "\n", refused.output);
        CHECK(refused.exit_code == 1);
        CHECK(refused.output.find("created list") == std::string::npos);
    }
    const auto audit = cli("lists audit " + common + " --json");
    INFO(audit.output);
    CHECK(audit.output.find("police_numbers") == std::string::npos);
    const auto added = cli("lists add " + common + " police_numbers 0912345678 --source police --reason x --expires 30d");
    INFO(added.output);
    CHECK(added.exit_code == 0);
    CHECK(added.output.find("created list police_numbers") != std::string::npos);
    CHECK(cli("lists audit " + common + " --json").output.find(R"("action":"create","list":"police_numbers")") != std::string::npos);
    // A value's escape sequence is not passed to the operator's terminal in the error.
    const auto escaped = cli("lists add " + common + " blocked_domains \"ev$(printf '\\033')[2Jil.com\" --source police --reason x");
    CHECK(escaped.exit_code == 1);
    CHECK(escaped.output.find('\033') == std::string::npos);
    CHECK(escaped.output.find("ev?[2Jil.com") != std::string::npos);
    // A mistyped list name is not a list nobody changed: it is named as missing.
    const auto mistyped = cli("lists audit " + common + " police_nubmers");
    INFO(mistyped.output);
    CHECK(mistyped.exit_code == 1);
    CHECK(mistyped.output.find("no list 'police_nubmers'") != std::string::npos);
}

TEST_CASE("lists add through the CLI blocks the next record with no restart, a short expiry stops matching on time") {
    temp_dir dir;
    running_daemon d(dir, {"intel.refresh_interval_ms=100"});
    const std::string common = "--config " + std::string(RINGFENCE_SOURCE_DIR) + "/config/ringfence.yaml --set state_dir=" + dir.path().string();
    // No time: the record is timed when it arrives, as live traffic is.
    const std::string record = R"({"id":"p-1","kind":"call.attempt","caller":"0912000777","callee":"0987654321","origin":{"kind":"home_mobile"}})";
    CHECK(ask(d.port(), record).find(R"("action":"allow")") != std::string::npos);

    const auto added = cli("lists add " + common + " police_numbers +84912000777 --source police --reason \"case 2026/114\"");
    INFO(added.output);
    REQUIRE(added.exit_code == 0);
    CHECK(added.output.find("created list police_numbers (number, as the rule packs declare it)") != std::string::npos);
    CHECK(added.output.find("added police_numbers +84912000777 (source police, expires never)") != std::string::npos);

    const std::string blocked = ask_until(d.port(), record, R"("action":"block")");
    INFO(blocked);
    CHECK(blocked.find(R"({"id":"p-1","action":"block","rules":[{"rule":"police_listed_number","priority":"critical","action":"block",)") == 0);
    CHECK(blocked.find(R"("evidence":{"lists":[{"list":"police_numbers","field":"caller.e164","value":"+84912000777","entry":"+84912000777","source":"police","reason":"case 2026/114"}]})") !=
          std::string::npos);

    // An entry that lasts a minute: matched for a record of now, not for one whose time is
    // past its expiry (the records carry their times, so a slow machine cannot outrun it).
    const auto other_at = [](std::int64_t time_ms) {
        return R"({"id":"p-2","kind":"call.attempt","time":)" + std::to_string(time_ms) +
               R"(,"caller":"0912000888","callee":"0987654321","origin":{"kind":"home_mobile"}})";
    };
    const auto brief = cli("lists add " + common + " police_numbers 0084912000888 --source spam_reports --reason \"spam wave\" --expires 1m");
    INFO(brief.output);
    REQUIRE(brief.exit_code == 0);
    const std::int64_t added_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    CHECK(ask_until(d.port(), other_at(added_ms), R"("action":"block")").find(R"("action":"block")") != std::string::npos);
    CHECK(ask(d.port(), other_at(added_ms + 61000)).find(R"("action":"allow")") != std::string::npos);
    CHECK(ask(d.port(), record).find(R"("action":"block")") != std::string::npos);  // the other entry stays

    // remove: allowed again.
    REQUIRE(cli("lists remove " + common + " police_numbers 0912000777").exit_code == 0);
    CHECK(ask_until(d.port(), record, R"("action":"allow")").find(R"("action":"allow")") != std::string::npos);

    CHECK(d.stop() == 0);
    const std::string log_text = read_file(d.stderr_path());
    CHECK(log_text.find("intel list police_numbers (1 entries) refreshed") != std::string::npos);
    CHECK(log_text.find("intel.refresh_errors=0") != std::string::npos);
    log_reader log(d.log_path());
    CHECK(log.scalar("SELECT count(*) FROM decisions WHERE record_id = 'p-1' AND action = 'block'") >= 1);
    CHECK(log.scalar("SELECT count(*) FROM decision_rules WHERE instr(evidence_json, '\"source\":\"police\",\"reason\":\"case 2026/114\"') > 0") >= 1);

    const auto audit = cli("lists audit " + common + " police_numbers --json");
    INFO(audit.output);
    CHECK(audit.exit_code == 0);
    CHECK(audit.output.find(R"("action":"remove","list":"police_numbers","value":"+84912000777")") != std::string::npos);
    CHECK(audit.output.find(R"("action":"add","list":"police_numbers","value":"+84912000888")") != std::string::npos);
    CHECK(audit.output.find(R"("action":"create","list":"police_numbers")") != std::string::npos);
    CHECK(audit.output.find(fmt::format("(uid {})", ::getuid())) != std::string::npos);
}

TEST_CASE("lists import: a file with a bad row changes nothing and names the line, a good one applies whole") {
    temp_dir dir;
    running_daemon d(dir, {"intel.refresh_interval_ms=100"});
    const std::string common = "--config " + std::string(RINGFENCE_SOURCE_DIR) + "/config/ringfence.yaml --set state_dir=" + dir.path().string();
    const auto file = (dir.path() / "domains.csv").string();
    std::ofstream(file) << "value,source,reason,expires\n"
                           "vcb-secure.top,police,phishing site,\n"
                           "login.scam.example.com,police,a subdomain,\n";
    const auto bad = cli("lists import " + common + " blocked_domains " + file);
    INFO(bad.output);
    CHECK(bad.exit_code == 1);
    CHECK(bad.output.find(file + ":3: value: 'login.scam.example.com': sms.domains holds registered domains") != std::string::npos);
    CHECK(bad.output.find("nothing imported") != std::string::npos);
    CHECK(cli("lists show " + common + " blocked_domains --json").output.find("vcb-secure.top") == std::string::npos);
    // Not even the list the packs declare is created, and the audit holds nothing.
    CHECK(bad.output.find("created list") == std::string::npos);
    CHECK(cli("lists audit " + common).output.find(R"("action":"create","list":"blocked_domains")") == std::string::npos);

    std::ofstream(file) << "value,source,reason,expires\n"
                           "vcb-secure.top,police,phishing site,\n"
                           "fakeloan.com.vn,bank,fake loan app,2099-12-31\n";
    const auto good = cli("lists import " + common + " blocked_domains " + file);
    INFO(good.output);
    CHECK(good.exit_code == 0);
    CHECK(good.output.find("2 added, 0 replaced") != std::string::npos);
    CHECK(good.output.find("created list blocked_domains") != std::string::npos);
    const std::string sms = R"({"id":"s-1","kind":"sms.submit","caller":"0912000333","callee":"0987654321","sms":{"text":"Xac thuc tai https://login.vcb-secure.top/x"}})";
    const std::string reply = ask_until(d.port(), sms, R"("rule":"sms_links_blocked_domain")");
    INFO(reply);
    CHECK(reply.find(R"("list":"blocked_domains","field":"sms.domains","value":"vcb-secure.top","entry":"vcb-secure.top","source":"police","reason":"phishing site")") !=
          std::string::npos);
    const auto shown = cli("lists show " + common);
    CHECK(shown.output.find("blocked_domains") != std::string::npos);
    CHECK(d.stop() == 0);
}

TEST_CASE("lists: a database that is not there is refused by show and audit, made (and said) by a change, never in a folder made up") {
    temp_dir dir;
    const std::string config = "--config " + std::string(RINGFENCE_SOURCE_DIR) + "/config/ringfence.yaml";
    const std::string missing = (dir.path() / "intel.sqlite").string();
    const auto shown = cli("lists show " + config + " --set intel.path=" + missing);
    CHECK(shown.exit_code == 1);
    CHECK(shown.output.find("no intelligence database at " + missing) != std::string::npos);
    CHECK(cli("lists audit " + config + " --set intel.path=" + missing).exit_code == 1);
    CHECK(cli("lists remove " + config + " --set intel.path=" + missing + " police_numbers 0912000001").exit_code == 1);
    CHECK_FALSE(std::filesystem::exists(missing));

    const std::string nowhere = (dir.path() / "no" / "such" / "intel.sqlite").string();
    const auto lost = cli("lists add " + config + " --set intel.path=" + nowhere + " police_numbers 0912000001 --source police --reason x");
    INFO(lost.output);
    CHECK(lost.exit_code == 1);
    CHECK(lost.output.find("no folder") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir.path() / "no"));

    const auto added = cli("lists add " + config + " --set intel.path=" + missing + " police_numbers 0912000001 --source police --reason x");
    INFO(added.output);
    CHECK(added.exit_code == 0);
    CHECK(added.output.find("created a new intelligence database " + missing) != std::string::npos);
    CHECK(cli("lists show " + config + " --set intel.path=" + missing).exit_code == 0);
}

TEST_CASE("lists create refuses a description with control characters, which lists show would print to the terminal") {
    temp_dir dir;
    const std::string common = "--config " + std::string(RINGFENCE_SOURCE_DIR) + "/config/ringfence.yaml --set 'rules.paths=[]' --set state_dir=" +
                               dir.path().string();
    const auto refused = cli("lists create " + common + " odd_ips --kind ip --desc \"$(printf 'x\\033[2Jy')\"");
    INFO(refused.output);
    CHECK(refused.exit_code == 1);
    CHECK(refused.output.find("the description: control characters (tabs, line breaks) are not allowed") != std::string::npos);
    CHECK(cli("lists show " + common).output.find("odd_ips") == std::string::npos);
    CHECK(cli("lists create " + common + " odd_ips --kind ip --desc \"Reported scanners\"").exit_code == 0);
}

TEST_CASE("lists restore refuses a backup that holds a list the rule packs declare as another kind, as create and add do") {
    temp_dir dir;
    temp_dir other;
    const std::string config = "--config " + std::string(RINGFENCE_SOURCE_DIR) + "/config/ringfence.yaml";
    // A backup made elsewhere, with no rule packs: police_numbers as a domain list.
    const auto made = cli("lists create " + config + " --set 'rules.paths=[]' --set state_dir=" + other.path().string() + " police_numbers --kind domain");
    INFO(made.output);
    REQUIRE(made.exit_code == 0);
    const auto restored = cli("lists restore " + config + " --set state_dir=" + dir.path().string() + " " + (other.path() / "intel.sqlite").string());
    INFO(restored.output);
    CHECK(restored.exit_code == 1);
    CHECK(restored.output.find("the rule packs declare 'police_numbers' intel: number, but") != std::string::npos);
    CHECK(restored.output.find("list created") == std::string::npos);
}
