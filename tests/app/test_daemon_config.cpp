// Config loading: defaults, the shipped file, --set overrides, and exact errors with locations.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "app/daemon_config.hpp"
#include "ingest/capture/live_capture.hpp"

using namespace ringfence;

namespace {

struct config_file {
    std::filesystem::path dir;
    std::string path;
    explicit config_file(const std::string& text) {
        dir = std::filesystem::temp_directory_path() / ("ringfence-config-" + std::to_string(::getpid()) + "-" +
                                                        std::to_string(reinterpret_cast<std::uintptr_t>(this)));
        std::filesystem::create_directories(dir);
        path = (dir / "ringfence.yaml").string();
        std::ofstream(path) << text;
    }
    ~config_file() { std::filesystem::remove_all(dir); }
};

std::string errors_of(const common::loaded<app::daemon_config>& r) {
    std::string out;
    for (const auto& d : r.diagnostics) out += d.to_text() + "\n";
    return out;
}

}  // namespace

TEST_CASE("the shipped config loads with its documented defaults") {
    const auto r = app::load_daemon_config(RINGFENCE_SOURCE_DIR "/config/ringfence.yaml", {});
    INFO(errors_of(r));
    REQUIRE(r.ok());
    const auto& c = *r.value;
    CHECK(c.state_dir == "/var/lib/ringfence");
    CHECK(c.jsonl.tcp.enabled);
    CHECK(c.jsonl.tcp.host == "127.0.0.1");
    CHECK(c.jsonl.tcp.port == 7575);
    CHECK(c.jsonl.unix_path.empty());
    CHECK(c.jsonl.max_line_bytes == 65536);
    CHECK(c.jsonl.max_future_seconds == 300);
    CHECK(c.decision_log.settings.path == "/var/lib/ringfence/decisions.sqlite");
    CHECK(c.decision_log.mode == app::durability::reply_after_commit);
    CHECK(c.decision_log.on_queue_full == store::queue_full_policy::backpressure);
    CHECK(c.decision_log.settings.content == store::record_content::when_matched);
    REQUIRE(c.numbering.plan_files.size() == 2);
    CHECK(c.numbering.plan_files[0] == RINGFENCE_SOURCE_DIR "/config/numbering/vn.yaml");
    CHECK(c.numbering.home_country == "VN");
    CHECK_FALSE(c.hep.udp.enabled);
    CHECK_FALSE(c.hep.tcp.enabled);
    CHECK(c.hep.auth_key.empty());
    CHECK(c.smpp.origin_kind == model::origin_kind::interconnect);
    CHECK_FALSE(c.smpp.gsm7_packed);
    CHECK(c.smpp.framing.max_pdu_bytes == 65536);
    CHECK(c.smpp.reassembly.timeout_us == 120'000'000);
    CHECK(c.smpp.reassembly.max_messages == 10000);
    CHECK(c.smpp.reassembly.max_bytes == 16777216);
}

TEST_CASE("smpp: origin kind, packing and reassembly bounds, bad values named") {
    config_file f("smpp:\n  origin_kind: international\n  gsm7_packed: true\n  reassembly:\n    timeout_s: 30\n");
    const auto r = app::load_daemon_config(f.path, {{"smpp.reassembly.max_messages", "50"}});
    INFO(errors_of(r));
    REQUIRE(r.ok());
    CHECK(r.value->smpp.origin_kind == model::origin_kind::international);
    CHECK(r.value->smpp.gsm7_packed);
    CHECK(r.value->smpp.reassembly.timeout_us == 30'000'000);
    CHECK(r.value->smpp.reassembly.max_messages == 50);

    config_file bad("smpp:\n  origin_kind: satellite\n");
    const auto e = app::load_daemon_config(bad.path, {});
    CHECK_FALSE(e.ok());
    CHECK(errors_of(e).find("origin_kind") != std::string::npos);
}

TEST_CASE("ingest.hep: UDP and TCP endpoints, auth key, bad endpoints named") {
    config_file f("ingest:\n  hep:\n    udp: 127.0.0.1:9060\n    tcp: \"[::1]:9061\"\n    auth_key: k1\n    max_connections: 8\n    tcp_idle_timeout_s: 0\n");
    const auto r = app::load_daemon_config(f.path, {});
    INFO(errors_of(r));
    REQUIRE(r.ok());
    CHECK(r.value->hep.udp.enabled);
    CHECK(r.value->hep.udp.host == "127.0.0.1");
    CHECK(r.value->hep.udp.port == 9060);
    CHECK(r.value->hep.tcp.enabled);
    CHECK(r.value->hep.tcp.host == "::1");
    CHECK(r.value->hep.tcp.port == 9061);
    CHECK(r.value->hep.auth_key == "k1");
    CHECK(r.value->hep.max_connections == 8);
    CHECK(r.value->hep.tcp_idle_timeout_s == 0);
    CHECK(app::daemon_config{}.hep.tcp_idle_timeout_s == 300);

    config_file bad("ingest:\n  hep:\n    udp: nowhere\n    colour: blue\n");
    const auto e = app::load_daemon_config(bad.path, {});
    CHECK_FALSE(e.ok());
    const std::string text = errors_of(e);
    CHECK(text.find(bad.path + ":3:10: error CONFIG_BAD_VALUE: 'ingest.hep.udp': 'nowhere': expected host:port") !=
          std::string::npos);
    CHECK(text.find("colour") != std::string::npos);
}

TEST_CASE("--set overrides any key, its paths resolve against the working directory") {
    config_file f("state_dir: state\n");
    const auto cwd = std::filesystem::current_path().string();
    const auto r = app::load_daemon_config(
        f.path, {{"decision_log.durability", "async"}, {"ingest.jsonl.tcp", "127.0.0.1:0"},
                 {"ingest.jsonl.unix", "run/rf.sock"}, {"decision_log.on_queue_full", "block"},
                 {"decision_log.record_content", "never"}});
    INFO(errors_of(r));
    REQUIRE(r.ok());
    CHECK(r.value->decision_log.mode == app::durability::async);
    CHECK(r.value->jsonl.tcp.port == 0);
    CHECK(r.value->jsonl.unix_path == cwd + "/run/rf.sock");
    CHECK(r.value->decision_log.on_queue_full == store::queue_full_policy::reply_block);
    CHECK(r.value->decision_log.settings.content == store::record_content::never);
    // state_dir came from the file: relative to the file's folder.
    CHECK(r.value->state_dir == (f.dir / "state").string());
    CHECK(r.value->decision_log.settings.path == (f.dir / "state" / "decisions.sqlite").string());
}

TEST_CASE("sockets written in the file are state: relative to state_dir, as the SQLite files") {
    config_file f("state_dir: state\ningest:\n  jsonl:\n    unix: in.sock\ncontrol:\n  unix: ctl.sock\n");
    const auto r = app::load_daemon_config(f.path, {});
    INFO(errors_of(r));
    REQUIRE(r.ok());
    CHECK(r.value->jsonl.unix_path == (f.dir / "state" / "in.sock").string());
    CHECK(r.value->control_path == (f.dir / "state" / "ctl.sock").string());
}

TEST_CASE("--set KEY= with nothing after it is the empty text: it disables a socket") {
    config_file f("state_dir: state\n");
    const auto r = app::load_daemon_config(f.path, {{"control.unix", ""}, {"ingest.jsonl.unix", " "}});
    INFO(errors_of(r));
    REQUIRE(r.ok());
    CHECK(r.value->control_path.empty());
    CHECK(r.value->jsonl.unix_path.empty());
}

TEST_CASE("a Unix socket path longer than a socket address holds is a configuration error") {
    config_file f("state_dir: state\n");
    const std::string long_path = "/tmp/" + std::string(120, 'x') + ".sock";
    const auto r = app::load_daemon_config(f.path, {{"ingest.jsonl.unix", long_path}, {"control.unix", "/tmp/ok.sock"}});
    CHECK_FALSE(r.ok());
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].code == "CONFIG_BAD_VALUE");
    CHECK(r.diagnostics[0].message.find("'ingest.jsonl.unix': the socket path") != std::string::npos);
    CHECK(r.diagnostics[0].message.find("holds at most 107") != std::string::npos);
}

TEST_CASE("unknown keys, wrong types and bad values are errors at file:line:column") {
    config_file f(
        "state_dir: /tmp/x\n"
        "decision_log:\n"
        "  durability: sometimes\n"
        "  queue_capacity: lots\n"
        "ingest:\n"
        "  jsonl:\n"
        "    tcp: localhost\n"
        "    max_line_bytes: 10\n"
        "  colour: blue\n");
    const auto r = app::load_daemon_config(f.path, {});
    CHECK_FALSE(r.ok());
    CHECK_FALSE(r.value.has_value());
    REQUIRE(r.diagnostics.size() == 5);
    CHECK(r.diagnostics[0].to_text() == f.path + ":7:10: error CONFIG_BAD_VALUE: 'ingest.jsonl.tcp': 'localhost': expected host:port");
    CHECK(r.diagnostics[1].to_text() == f.path + ":8:21: error CONFIG_BAD_VALUE: 'ingest.jsonl.max_line_bytes': 10 is out of range [256, 16777216]");
    CHECK(r.diagnostics[2].to_text() == f.path + ":9:3: error CONFIG_UNKNOWN_KEY: unknown key 'ingest.colour'");
    CHECK(r.diagnostics[3].to_text() == f.path + ":3:15: error CONFIG_BAD_VALUE: 'decision_log.durability': 'sometimes' is not one of reply_after_commit, async");
    CHECK(r.diagnostics[4].to_text() == f.path + ":4:19: error CONFIG_BAD_TYPE: 'decision_log.queue_capacity': expected an integer, got 'lots'");
}

TEST_CASE("a quoted number or switch and a key with no value are type errors, not silent defaults") {
    config_file f(
        "state_dir: /tmp/x\n"
        "ingest:\n"
        "  threads: \"2\"\n"
        "decision_log:\n"
        "  queue_capacity:\n"
        "  enabled: 'true'\n"
        "  durability:\n"
        "log:\n"
        "  level: ~\n"
        "  stats_interval_s: !!str 5\n");
    const auto r = app::load_daemon_config(f.path, {});
    CHECK_FALSE(r.ok());
    const std::string said = errors_of(r);
    INFO(said);
    CHECK(said.find(f.path + ":3:12: error CONFIG_BAD_TYPE: 'ingest.threads': expected an integer, got the string \"2\" (quoted or tagged !!str; write it plain)") != std::string::npos);
    CHECK(said.find(f.path + ":6:12: error CONFIG_BAD_TYPE: 'decision_log.enabled': expected true or false, got the string \"true\"") != std::string::npos);
    // Located at the key (the empty value's own place is the next line).
    CHECK(said.find(f.path + ":5:3: error CONFIG_BAD_TYPE: 'decision_log.queue_capacity': no value given: write one (or leave the key out where it has a default)") != std::string::npos);
    CHECK(said.find(f.path + ":7:3: error CONFIG_BAD_TYPE: 'decision_log.durability': no value given") != std::string::npos);
    CHECK(said.find(f.path + ":9:3: error CONFIG_BAD_TYPE: 'log.level': no value given") != std::string::npos);
    CHECK(said.find("'log.stats_interval_s': expected an integer, got the string \"5\"") != std::string::npos);
    CHECK(said.find("UNKNOWN_KEY") == std::string::npos);
    // The same values plain (booleans in any of YAML's spellings), and through --set, are read as typed.
    config_file g("state_dir: /tmp/x\ningest:\n  threads: 2\ndecision_log:\n  enabled: True\n");
    const auto ok = app::load_daemon_config(g.path, {{"decision_log.queue_capacity", "4096"}});
    INFO(errors_of(ok));
    REQUIRE(ok.ok());
    CHECK(ok.value->io_threads == 2);
    CHECK(ok.value->decision_log.enabled);
    CHECK(ok.value->decision_log.settings.queue_capacity == 4096);
    config_file h("state_dir: /tmp/x\ndecision_log:\n  enabled: OFF\n");
    const auto off = app::load_daemon_config(h.path, {});
    REQUIRE(off.ok());
    CHECK_FALSE(off.value->decision_log.enabled);
}

TEST_CASE("an error caused by --set names the override, not a line of the file") {
    config_file f("state_dir: /tmp/x\n");
    const auto r = app::load_daemon_config(f.path, {{"decision_log.durability", "later"}, {"ingest.bogus", "1"}});
    REQUIRE(r.diagnostics.size() == 2);
    CHECK(r.diagnostics[0].to_text() == "--set ingest.bogus: error CONFIG_UNKNOWN_KEY: unknown key 'ingest.bogus'");
    CHECK(r.diagnostics[1].to_text() == "--set decision_log.durability: error CONFIG_BAD_VALUE: 'decision_log.durability': 'later' is not one of reply_after_commit, async");
}

TEST_CASE("YAML syntax errors and missing files are reported with their place") {
    config_file f("state_dir: [unclosed\n");
    const auto r = app::load_daemon_config(f.path, {});
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].code == "CONFIG_YAML_PARSE");
    CHECK(r.diagnostics[0].file == f.path);
    CHECK(r.diagnostics[0].line >= 1);

    const auto missing = app::load_daemon_config("/nonexistent/ringfence.yaml", {});
    REQUIRE(missing.diagnostics.size() == 1);
    CHECK(missing.diagnostics[0].to_text() == "/nonexistent/ringfence.yaml: error CONFIG_OPEN_FAILED: cannot read config file: No such file or directory");

    // A directory where the file should be is an error too, not an exception that ends the
    // process (libstdc++'s file streams throw from a failed read); so is a zone directory.
    const std::string dir = std::filesystem::path(f.path).parent_path().string();
    const auto directory = app::load_daemon_config(dir, {});
    REQUIRE(directory.diagnostics.size() == 1);
    CHECK(directory.diagnostics[0].to_text() == dir + ": error CONFIG_OPEN_FAILED: cannot read config file: is a directory, not a file");
    config_file zone("engine:\n  time_zone: Asia\n");
    const auto asia = app::load_daemon_config(zone.path, {});
    REQUIRE_FALSE(asia.diagnostics.empty());
    CHECK(asia.diagnostics[0].message.find("unknown time zone (no /usr/share/zoneinfo/Asia") != std::string::npos);
}

TEST_CASE("parse_override needs key=value") {
    app::config_override o;
    std::string err;
    CHECK(app::parse_override("a.b=c=d", o, err));
    CHECK(o.key == "a.b");
    CHECK(o.value == "c=d");
    CHECK_FALSE(app::parse_override("novalue", o, err));
    CHECK(err == "--set 'novalue': expected key.path=value");
}

TEST_CASE("capture: off by default, peers, ports and limits read, bad values named with their location") {
    {
        const auto r = app::load_daemon_config(RINGFENCE_SOURCE_DIR "/config/ringfence.yaml", {});
        REQUIRE(r.ok());
        const auto& cap = r.value->capture;
        CHECK_FALSE(cap.enabled);
        CHECK(cap.live.interfaces.empty());
        CHECK(cap.sip.ports == std::vector<std::uint16_t>{5060});
        CHECK(cap.default_origin_kind == model::origin_kind::unspecified);
        CHECK(cap.dialogs.unanswered_timeout_us == 300'000'000);
    }
    {
        config_file f(
            "capture:\n"
            "  enabled: true\n"
            "  interfaces: [lo]\n"
            "  bpf_filter: udp port 5060 or tcp port 5060\n"
            "  sip: {ports: [5060, 5080], detect_any_port: false}\n"
            "  origins:\n"
            "    default_kind: interconnect\n"
            "    peers:\n"
            "      - {cidr: 203.0.113.0/24, kind: international, trunk: INTL-GW-1}\n"
            "      - {cidr: '2001:db8::/32', kind: voip}\n"
            "  limits: {max_dialogs: 1000, fragment_timeout_s: 10}\n");
        const auto r = app::load_daemon_config(f.path, {});
        INFO(errors_of(r));
        REQUIRE(r.ok());
        const auto& cap = r.value->capture;
        CHECK(cap.enabled);
        CHECK(cap.live.interfaces == std::vector<std::string>{"lo"});
        CHECK(cap.sip.ports == std::vector<std::uint16_t>{5060, 5080});
        CHECK_FALSE(cap.sip.detect_any_port);
        CHECK(cap.default_origin_kind == model::origin_kind::interconnect);
        REQUIRE(cap.peers.size() == 2);
        CHECK(cap.peers[0].network.to_string() == "203.0.113.0");
        CHECK(cap.peers[0].prefix_length == 24);
        CHECK(cap.peers[0].kind == model::origin_kind::international);
        CHECK(cap.peers[0].trunk == "INTL-GW-1");
        CHECK(cap.peers[1].kind == model::origin_kind::voip);
        CHECK(cap.dialogs.max_dialogs == 1000);
        CHECK(cap.fragments.timeout_us == 10'000'000);
    }
    {
        config_file f(
            "capture:\n"
            "  enabled: true\n"
            "  sip: {ports: [0]}\n"
            "  origins:\n"
            "    peers:\n"
            "      - {cidr: 203.0.113.0/40, kind: international}\n");
        const auto r = app::load_daemon_config(f.path, {});
        CHECK_FALSE(r.ok());
        const std::string errors = errors_of(r);
        CHECK(errors.find("'capture.interfaces': capture.enabled needs at least one interface") != std::string::npos);
        CHECK(errors.find(":3:") != std::string::npos);  // the bad port's line
        CHECK(errors.find("'capture.sip.ports': each port must be 1..65535") != std::string::npos);
        CHECK(errors.find("'capture.origins.peers.cidr': '203.0.113.0/40': prefix length must be 0..32") != std::string::npos);
    }
    {
        // A peer's own address with a mask, and one range given two kinds: both unclear.
        config_file f(
            "capture:\n"
            "  origins:\n"
            "    peers:\n"
            "      - {cidr: 203.0.113.1/24, kind: international}\n"
            "      - {cidr: 10.0.2.0/24, kind: international, trunk: A}\n"
            "      - {cidr: 10.0.2.0/24, kind: voip, trunk: B}\n"
            "      - {cidr: \"2001:db8::1/32\", kind: ott}\n");
        const auto r = app::load_daemon_config(f.path, {});
        CHECK_FALSE(r.ok());
        const std::string errors = errors_of(r);
        INFO(errors);
        CHECK(errors.find(":4:16: error CONFIG_BAD_VALUE: 'capture.origins.peers.cidr': '203.0.113.1/24' has bits set past /24: write the range's "
                          "first address (203.0.113.0/24)") != std::string::npos);
        CHECK(errors.find(":6:16: error CONFIG_DUPLICATE_KEY: 'capture.origins.peers.cidr': 10.0.2.0/24 is given twice") != std::string::npos);
        CHECK(errors.find("'2001:db8::1/32' has bits set past /32: write the range's first address (2001:db8::/32)") != std::string::npos);
    }
}

TEST_CASE("a capture filter libpcap cannot compile is refused at its place, an interface is the daemon's to check") {
    config_file f(
        "capture:\n"
        "  enabled: true\n"
        "  interfaces: [lo, nonexist0]\n"
        "  bpf_filter: udp and and\n");
    const auto r = app::load_daemon_config(f.path, {});
    CHECK_FALSE(r.ok());
    const std::string all = errors_of(r);
    INFO(all);
    CHECK(all.find(f.path + ":4:15: error CONFIG_BAD_VALUE: 'capture.bpf_filter': libpcap cannot compile 'udp and and': ") != std::string::npos);
    // `ringfence rules check` on an author's machine reads a production configuration.
    CHECK(all.find("nonexist0") == std::string::npos);
    // Off, it is not compiled.
    config_file off("capture:\n  enabled: false\n  interfaces: [nonexist0]\n  bpf_filter: udp and and\n");
    CHECK(app::load_daemon_config(off.path, {}).ok());
    CHECK(ingest::capture::interface_exists("lo"));
    CHECK(ingest::capture::interface_exists("any"));
    CHECK_FALSE(ingest::capture::interface_exists("nonexist0"));
}

TEST_CASE("values that would only fail at start are refused by --check at their place") {
    config_file f(
        "state_dir: /tmp/x\n"
        "home_country: XX\n"
        "decision_log:\n"
        "  path: \"\"\n"
        "ingest:\n"
        "  jsonl:\n"
        "    tcp: 999.0.0.1:80\n"
        "engine:\n"
        "  time_zone: Mars/Olympus\n"
        "  emergency_numbers: [\"113\", \"abc!\"]\n");
    const auto r = app::load_daemon_config(f.path, {});
    CHECK_FALSE(r.ok());
    const std::string all = errors_of(r);
    INFO(all);
    CHECK(all.find(f.path + ":2:15: error CONFIG_BAD_VALUE: 'home_country': 'XX' is not an ISO 3166 country") != std::string::npos);
    CHECK(all.find(f.path + ":4:9: error CONFIG_BAD_VALUE: 'decision_log.path' names the decision log file; it cannot be empty") != std::string::npos);
    CHECK(all.find(f.path + ":7:10: error CONFIG_BAD_VALUE: 'ingest.jsonl.tcp': '999.0.0.1:80': '999.0.0.1' is not an IP address") != std::string::npos);
    CHECK(all.find(f.path + ":9:14: error CONFIG_BAD_VALUE: 'engine.time_zone':") != std::string::npos);
    CHECK(all.find(f.path + ":10:22: error CONFIG_BAD_VALUE: 'engine.emergency_numbers': 'abc!' is not a number one can dial") != std::string::npos);
    CHECK(all.find("'113'") == std::string::npos);
}

TEST_CASE("an empty state_dir is an error, not the working directory") {
    config_file f("state_dir: \"\"\n");
    const auto r = app::load_daemon_config(f.path, {});
    CHECK_FALSE(r.ok());
    CHECK(errors_of(r).find(f.path + ":1:12: error CONFIG_BAD_VALUE: 'state_dir' names the directory of the state files; it cannot be empty") !=
          std::string::npos);
}

TEST_CASE("a key given twice in one mapping is an error, in the file or through --set") {
    config_file f(
        "state_dir: /tmp/x\n"
        "ingest:\n"
        "  threads: 2\n"
        "  threads: 4\n");
    const auto r = app::load_daemon_config(f.path, {});
    CHECK_FALSE(r.ok());
    CHECK(errors_of(r).find(f.path + ":4:3: error CONFIG_DUPLICATE_KEY: 'ingest.threads' is given twice") != std::string::npos);

    config_file g("state_dir: /tmp/x\n");
    const auto o = app::load_daemon_config(g.path, {{"nosuch.key", "1"}});
    CHECK(errors_of(o) == "--set nosuch.key: error CONFIG_UNKNOWN_KEY: unknown key 'nosuch'\n");
}

TEST_CASE("subscribers.import: two fields on one column, or the op column on a field's, are refused") {
    config_file f("subscribers:\n  import:\n    columns:\n      population_match_date: status_since\n");
    const auto r = app::load_daemon_config(f.path, {});
    CHECK_FALSE(r.ok());
    CHECK(errors_of(r).find("the column 'status_since' would feed both 'population_match_date' and 'status_since'") != std::string::npos);
    config_file op("subscribers:\n  import:\n    op_column: msisdn\n");
    const auto o = app::load_daemon_config(op.path, {});
    CHECK_FALSE(o.ok());
    CHECK(errors_of(o).find(op.path + ":3:16: error CONFIG_BAD_VALUE: 'subscribers.import': the column 'msisdn' would feed both 'msisdn' and 'op'") !=
          std::string::npos);
    // Renamed apart, they are fine.
    config_file ok("subscribers:\n  import:\n    op_column: action\n    columns:\n      msisdn: phone\n      status_since: since\n");
    const auto k = app::load_daemon_config(ok.path, {});
    INFO(errors_of(k));
    CHECK(k.ok());
}
