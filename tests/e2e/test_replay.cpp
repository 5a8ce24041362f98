// `ringfence replay` end to end: a capture (written with libpcap) of an INVITE from an
// international peer presenting a Vietnamese mobile number is decoded, decided by the
// shipped vn-core pack (foreign_ingress_presents_home_number), blocked, and the passive
// decision lands in the SQLite decision log; --output records prints the wire line that
// `ringfence decide` decides the same way.
#include <doctest/doctest.h>

#include <filesystem>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <fstream>

#include <unistd.h>

#include "decode/packet/link_type.hpp"
#include "e2e_support.hpp"
#include "support/packet_builder.hpp"
#include "support/pcap_writer.hpp"

using namespace ringfence::e2e;
using namespace ringfence::test;

namespace {

// 2026-11-28T10:00:00+07:00
constexpr std::int64_t call_time_us = 1'795'834'800'000'000;

std::string write_spoofed_call(const temp_dir& dir) {
    const std::string invite =
        "INVITE sip:0987654321@192.0.2.1:5060;user=phone SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 203.0.113.7:5060;branch=z9hG4bKspoof\r\n"
        "From: \"Ngan hang\" <sip:+84912345678@203.0.113.7>;tag=77\r\n"
        "To: <sip:0987654321@192.0.2.1>\r\n"
        "Call-ID: spoof-call-1@203.0.113.7\r\n"
        "CSeq: 1 INVITE\r\n"
        "User-Agent: Carrier-SBC/1.0\r\n"
        "Content-Length: 0\r\n\r\n";
    const std::string ringing =
        "SIP/2.0 180 Ringing\r\nCall-ID: spoof-call-1@203.0.113.7\r\nCSeq: 1 "
        "INVITE\r\nContent-Length: 0\r\n\r\n";
    const std::string cancel =
        "CANCEL sip:0987654321@192.0.2.1:5060 SIP/2.0\r\nCall-ID: "
        "spoof-call-1@203.0.113.7\r\nCSeq: 1 CANCEL\r\n"
        "From: <sip:+84912345678@203.0.113.7>;tag=77\r\nTo: "
        "<sip:0987654321@192.0.2.1>\r\nContent-Length: 0\r\n\r\n";
    const auto udp = [](ipv4 src, ipv4 dst, const std::string& payload) {
        return ethernet(ipv4_packet(src, dst, 17, udp_header_and_payload(5060, 5060, payload)),
                        0x0800);
    };
    const std::string path = (dir.path() / "spoofed.pcap").string();
    write_pcap(path, ringfence::decode::packet::link_type::ethernet,
               {{call_time_us, udp(ip4(203, 0, 113, 7), ip4(192, 0, 2, 1), invite)},
                {call_time_us + 800'000, udp(ip4(192, 0, 2, 1), ip4(203, 0, 113, 7), ringing)},
                {call_time_us + 1'500'000, udp(ip4(203, 0, 113, 7), ip4(192, 0, 2, 1), cancel)}});
    return path;
}

std::string replay_args(const temp_dir& dir) {
    return fmt::format(
        "--config {}/config/ringfence.yaml --set state_dir={} "
        "--set 'capture.origins.peers=[{{cidr: 203.0.113.0/24, kind: international, trunk: "
        "INTL-GW-1}}]'",
        RINGFENCE_SOURCE_DIR, dir.path().string());
}

}  // namespace

TEST_CASE("ringfence replay reads the SIP inside HEP3 datagrams of a capture file (the shared hep.pcap)") {
    const std::string cap = RINGFENCE_SHARED_DATA_DIR "/hep/hep.pcap";
    if (!std::filesystem::exists(cap)) {
        MESSAGE("skipped: the shared capture " << cap << " is not here");
        return;
    }
    temp_dir dir;
    const cli_result records = run_cli_status("replay --output records " + replay_args(dir) + " " + cap);
    INFO(records.output);
    REQUIRE(records.exit_code == 0);
    CHECK(records.output.find(R"({"id":"qgf3dm9rudi@127.0.0.1","kind":"call.attempt")") != std::string::npos);
    CHECK(records.output.find(R"("cause":"sip_407")") != std::string::npos);
    CHECK(records.output.find("hep_packets=8 hep_sip=6 hep_other=2") != std::string::npos);
}

TEST_CASE("ringfence replay: a spoofed international call in a capture is blocked and logged") {
    temp_dir dir;
    const std::string pcap = write_spoofed_call(dir);

    const cli_result records =
        run_cli_status("replay --output records " + replay_args(dir) + " " + pcap);
    REQUIRE(records.exit_code == 0);
    const std::string attempt =
        R"({"id":"spoof-call-1@203.0.113.7","kind":"call.attempt","time":1795834800000,"caller":"+84912345678","callee":"0987654321","origin":{"kind":"international","trunk":"INTL-GW-1","ip":"203.0.113.7","user_agent":"Carrier-SBC/1.0"}})";
    CHECK(records.output.find(attempt + "\n") != std::string::npos);
    CHECK(records.output.find(R"("kind":"call.end","time":1795834801500)") != std::string::npos);
    CHECK(records.output.find(R"("call":{"ring_ms":700,"talk_ms":0,"cause":"cancel"})") !=
          std::string::npos);
    CHECK(records.output.find("sip_messages=3 requests=2 responses=1") != std::string::npos);

    const cli_result decisions = run_cli_status("replay " + replay_args(dir) + " " + pcap);
    REQUIRE(decisions.exit_code == 0);
    const std::string blocked =
        R"({"id":"spoof-call-1@203.0.113.7","action":"block","rules":[{"rule":"foreign_ingress_presents_home_number","priority":"critical","action":"block","reason":"international ingress INTL-GW-1 presents home number +84912345678")";
    CHECK(decisions.output.find(blocked) != std::string::npos);

    // The record line is exactly what `ringfence decide` takes, and it decides the same.
    const std::string line_file = (dir.path() / "record.jsonl").string();
    std::ofstream(line_file) << attempt << "\n";
    const cli_result decided = run_cli_status(fmt::format(
        "decide --config {}/config/ringfence.yaml {}", RINGFENCE_SOURCE_DIR, line_file));
    CHECK(decided.output.find(blocked) != std::string::npos);

    log_reader log((dir.path() / "decisions.sqlite").string());
    const auto rows = log.rows(
        "SELECT d.kind, d.action, r.rule, d.time_ms FROM decisions d JOIN decision_rules r ON "
        "r.decision_id = d.id "
        "WHERE d.record_id = 'spoof-call-1@203.0.113.7' AND d.kind = 'call.attempt'");
    REQUIRE(rows.size() == 1);
    CHECK(rows[0] == std::vector<std::string>{"call.attempt", "block",
                                              "foreign_ingress_presents_home_number",
                                              "1795834800000"});
    CHECK(log.scalar(
              "SELECT count(*) FROM decisions WHERE record_id = 'spoof-call-1@203.0.113.7'") == 2);
}

TEST_CASE("ringfence replay: bad use and unreadable files are reported, not crashed on") {
    temp_dir dir;
    CHECK(run_cli_status("replay").exit_code == 2);
    CHECK(run_cli_status("replay --output json x.pcap").exit_code == 2);
    const std::string junk = (dir.path() / "not-a-capture.pcap").string();
    std::ofstream(junk) << "this is not a pcap file\n";
    const cli_result r =
        run_cli_status("replay --set decision_log.enabled=false " + replay_args(dir) + " " + junk);
    CHECK(r.exit_code == 1);
    CHECK(r.output.find("not-a-capture.pcap") != std::string::npos);
}

TEST_CASE("ringfence replay on the state_dir of a running daemon leaves its decision log alone") {
    temp_dir dir;
    running_daemon daemon(dir);
    REQUIRE(daemon.started());
    const std::string pcap = write_spoofed_call(dir);
    // The daemon holds the log: the replay is refused, logs nothing, and says how to go on.
    const cli_result refused = run_cli_status("replay " + replay_args(dir) + " " + pcap);
    CHECK(refused.exit_code == 1);
    CHECK(refused.output.find("is in use: another process (another ringfenced?) holds") != std::string::npos);
    CHECK(refused.output.find("--set decision_log.enabled=false") != std::string::npos);
    // Without logging it decides, and the daemon goes on answering and logging.
    CHECK(run_cli_status("replay --set decision_log.enabled=false " + replay_args(dir) + " " + pcap).exit_code == 0);
    const int fd = connect_tcp(daemon.port());
    send_all(fd, R"({"id":"after","kind":"call.attempt","caller":"0912345678","callee":"0987654321"})" "\n");
    const auto lines = read_lines(fd, 1);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find(R"({"id":"after","action":"allow")") == 0);
    ::close(fd);
    CHECK(daemon.stop() == 0);
    log_reader log(daemon.log_path());
    CHECK(log.scalar("SELECT count(*) FROM decisions") == 1);
}

TEST_CASE("ringfence replay --pace file sends frames at the pace they were captured") {
    temp_dir dir;
    const std::string pcap = write_spoofed_call(dir);  // frames over 1.5 s
    const auto start = std::chrono::steady_clock::now();
    const cli_result r =
        run_cli_status("replay --pace file --output records " + replay_args(dir) + " " + pcap);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(r.exit_code == 0);
    CHECK(elapsed >= std::chrono::milliseconds(1450));
    CHECK(r.output.find(R"("kind":"call.end")") != std::string::npos);
    // At full speed the same file takes about a second less: both runs pay the same start
    // (configuration, rule packs), which a sanitised build on a busy machine makes long.
    const auto fast_start = std::chrono::steady_clock::now();
    CHECK(run_cli_status("replay --pace full --output records " + replay_args(dir) + " " + pcap)
              .exit_code == 0);
    CHECK(std::chrono::steady_clock::now() - fast_start < elapsed - std::chrono::milliseconds(1000));
}

TEST_CASE("ringfence replay --pace file does not wait out a clock jump between two frames") {
    const std::string cap = RINGFENCE_SHARED_DATA_DIR "/sip/sip_ipv6_udp.pcap";  // frames years apart
    if (!std::filesystem::exists(cap)) {
        MESSAGE("skipped: the shared capture " << cap << " is not here");
        return;
    }
    temp_dir dir;
    const auto start = std::chrono::steady_clock::now();
    const cli_result r = run_cli_status("replay --pace file --output records " + replay_args(dir) + " " + cap);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
    CHECK(r.exit_code == 0);
    CHECK(r.output.find("taken as a clock jump, not waited for") != std::string::npos);
}

// run_cli_status appends "2>&1" to the command line: "; exit $?" keeps it off ours.
TEST_CASE("ringfence replay reads every shared capture, and decide answers each record it prints") {
    const std::filesystem::path sip_dir = std::filesystem::path(RINGFENCE_SHARED_DATA_DIR) / "sip";
    if (!std::filesystem::is_directory(sip_dir)) {
        MESSAGE("skipped: no shared captures at " << sip_dir.string());
        return;
    }
    temp_dir dir;
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(sip_dir)) {
        if (entry.path().extension() != ".pcap") continue;
        ++files;
        INFO(entry.path().string());
        const std::string records_file = (dir.path() / "records.jsonl").string();
        const cli_result r = run_cli_status(
            fmt::format("replay --output records --set decision_log.enabled=false "
                        "--set 'capture.sip.ports=[5060,6060]' {} >{} 2>{}/stderr; exit $?",
                        entry.path().string(), records_file, dir.path().string()));
        CHECK(r.exit_code == 0);
        CHECK(read_file((dir.path() / "stderr").string()).find("ringfence replay: packets=") !=
              std::string::npos);
        const std::string records = read_file(records_file);
        const auto lines = std::count(records.begin(), records.end(), '\n');
        const std::string decided =
            run_cli(fmt::format("decide --config {}/config/ringfence.yaml {} 2>/dev/null; exit $?",
                                RINGFENCE_SOURCE_DIR, records_file));
        CHECK(std::count(decided.begin(), decided.end(), '\n') == lines);
    }
    CHECK(files == 14);
}

TEST_CASE("ringfence decide refuses a line over ingest.jsonl.max_line_bytes as the daemon does, and goes on") {
    temp_dir dir;
    const std::string file = (dir.path() / "lines.jsonl").string();
    std::ofstream(file) << R"({"id":"long","kind":"call.attempt","caller":"0912345678","callee":"0987654321","extra":")" << std::string(400, 'x')
                        << "\"}\n"
                        << R"({"id":"after","kind":"call.attempt","caller":"0912345678","callee":"0987654321"})" << "\n";
    const cli_result r = run_cli_status(fmt::format("decide --config {}/config/ringfence.yaml --set state_dir={} --set ingest.jsonl.max_line_bytes=256 {}",
                                                    RINGFENCE_SOURCE_DIR, dir.path().string(), file));
    INFO(r.output);
    CHECK(r.output.find(R"({"id":null,"error":{"code":"line_too_long","message":"line longer than 256 bytes; skipped to the next newline"}})" "\n") != std::string::npos);
    CHECK(r.output.find("2 records, 1 errors") != std::string::npos);
    CHECK(r.output.find(R"({"id":"after","action":"allow")") != std::string::npos);
}

TEST_CASE("ringfence bench replay --runs: each run timed, then their median and best, and every run decides the whole file again") {
    temp_dir dir;
    const std::string pcap = write_spoofed_call(dir);
    const cli_result r = run_cli_status("bench replay --repeat 2 --runs 3 --set decision_log.enabled=false " + replay_args(dir) + " " + pcap +
                                        " 2>/dev/null");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    for (const std::string run : {"run 1: decode only ", "run 2: decode only ", "run 3: decode only "}) CHECK(r.output.find(run) != std::string::npos);
    CHECK(r.output.find("run 4:") == std::string::npos);
    CHECK(r.output.find("3 runs, decode only:     median ") != std::string::npos);
    CHECK(r.output.find("3 runs, decode + decide: median ") != std::string::npos);
    // One record a pass (the attempt: the bench does not end the calls a file leaves open, and
    // the CANCEL leaves this one waiting for its final answer), two passes a run, three runs.
    CHECK(r.output.find("records: 6 decided, 0 rejected") != std::string::npos);
    // The attempt presents a home number from the international trunk: blocked in every pass.
    CHECK(r.output.find("block=6") != std::string::npos);

    const cli_result one = run_cli_status("bench replay --set decision_log.enabled=false " + replay_args(dir) + " " + pcap + " 2>/dev/null");
    CHECK(one.exit_code == 0);
    CHECK(one.output.find("runs,") == std::string::npos);
    CHECK(one.output.find("records: 1 decided") != std::string::npos);
    CHECK(run_cli_status("bench replay " + pcap + " --runs 2>/dev/null").exit_code == 2);
}
