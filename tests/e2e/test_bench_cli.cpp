// The benchmark commands' own options: a figure in docs/performance.md is only as good as the
// command that produced it, so a mistyped count must stop the run with a message that names
// the option, not run a different benchmark (atoi read "1e6" as 1 and "x" as 0).
#include <doctest/doctest.h>

#include <string>

#include "e2e_support.hpp"

using namespace ringfence::e2e;

namespace {

const std::string config_option = " --config " + std::string(RINGFENCE_SOURCE_DIR) + "/config/ringfence.yaml";

// Runs a command that must be refused; returns its stderr (and stdout).
std::string refused(const std::string& command) {
    const cli_result r = run_cli_status(command + config_option + " 2>&1 </dev/null");
    INFO(command);
    INFO(r.output);
    CHECK(r.exit_code == 2);
    return r.output;
}

}  // namespace

TEST_CASE("the benchmarks refuse a count that is not a whole number in range, and name the option and the text") {
    struct bad_option {
        std::string command;
        std::string says;
    };
    const bad_option cases[] = {
        {"bench ingest --records 1e6", "--records takes a whole number from 1 to"},
        {"bench ingest --connections 0", "--connections takes a whole number from 1 to 10000, not '0'"},
        {"bench ingest --window -5", "--window takes a whole number from 1 to 1000000, not '-5'"},
        {"bench ingest --threads 2x", "--threads takes a whole number from 1 to 256, not '2x'"},
        {"bench ingest --rate fast", "--rate takes a number of records per second"},
        {"bench ingest --rate -1", "--rate takes a number of records per second"},
        {"bench ingest --mix calls", "--mix is call, sms or mixed, not 'calls'"},
        {"bench ingest --target localhost", "--target is HOST:PORT, not 'localhost'"},
        {"bench ingest --target 127.0.0.1:99999", "port takes a whole number from 1 to 65535, not '99999'"},
        {"bench ingest --records", "--records needs a value"},
        {"bench engine --keys 0", "--keys takes a whole number from 1 to"},
        {"bench engine --records ''", "--records takes a whole number from 1 to"},
        {"bench engine --only both", "unknown option or value '--only both'"},
        {"bench smpp --pdus x", "--pdus takes a whole number from 1 to"},
        {"bench smpp --hep-packets", "--hep-packets needs a value"},
        {"bench subscribers --rows -3", "--rows takes a whole number from 1 to"},
        {"bench replay /nonexistent.pcap --runs 0", "--runs takes a whole number from 1 to 100000, not '0'"},
        {"bench replay /nonexistent.pcap --repeat 1.5", "--repeat takes a whole number from 1 to 100000, not '1.5'"},
    };
    for (const bad_option& c : cases) {
        const std::string out = refused(c.command);
        INFO(c.command);
        INFO(out);
        CHECK(out.find(c.says) != std::string::npos);
        const bool names_usage = out.find("usage:") != std::string::npos || c.command.rfind("bench replay", 0) == 0;
        CHECK(names_usage);
    }
}

TEST_CASE("bench ingest --help prints the usage and succeeds") {
    const cli_result r = run_cli_status("bench ingest --help 2>&1");
    CHECK(r.exit_code == 0);
    CHECK(r.output.rfind("usage: ringfence bench ingest", 0) == 0);
}

TEST_CASE("bench engine --only lifecycles times whole calls, and --only attempts the attempts alone") {
    // Small lists and state: what is checked is which streams run, not their speed.
    const std::string small = " --records 3000 --keys 200 --intel-numbers 100 --intel-domains 100 --keywords 10";
    const cli_result whole = run_cli_status("bench engine --only lifecycles" + small + config_option + " 2>&1 </dev/null");
    INFO(whole.output);
    CHECK(whole.exit_code == 0);
    CHECK(whole.output.find("call records (attempt, answer, end): ") != std::string::npos);
    CHECK(whole.output.find("(3000 records decided in ") != std::string::npos);
    CHECK(whole.output.find("call.attempt: ") == std::string::npos);
    CHECK(whole.output.find("sms: ") == std::string::npos);
    CHECK(whole.output.find("intel lookup") == std::string::npos);  // 20 million lookups: with all streams only
    CHECK(whole.output.find("full reload: ") != std::string::npos);
    const cli_result attempts = run_cli_status("bench engine --only attempts" + small + config_option + " 2>&1 </dev/null");
    INFO(attempts.output);
    CHECK(attempts.exit_code == 0);
    CHECK(attempts.output.find("call.attempt: ") != std::string::npos);
    CHECK(attempts.output.find("call records (attempt, answer, end)") == std::string::npos);
}
