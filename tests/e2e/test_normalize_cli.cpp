// `ringfence normalize`: the classes the README promises, and the same brandname rule as the
// wire form's SMS sender.
#include <doctest/doctest.h>

#include "e2e_support.hpp"

using namespace ringfence::e2e;

TEST_CASE("ringfence normalize prints the class of a national number, a foreign one and brandnames") {
    const auto r = run_cli_status("normalize --config " + std::string(RINGFENCE_SOURCE_DIR) +
                                  "/config/ringfence.yaml 0912345678 +12025550123 VCB ViệtBank 2>/dev/null");
    INFO(r.output);
    CHECK(r.exit_code == 0);
    CHECK(r.output ==
          "{\"raw\":\"0912345678\",\"e164\":\"+84912345678\",\"country\":\"VN\",\"type\":\"mobile\",\"is_home\":true}\n"
          "{\"raw\":\"+12025550123\",\"e164\":\"+12025550123\",\"country\":\"US\",\"type\":\"unknown\",\"is_home\":false}\n"
          "{\"raw\":\"VCB\",\"e164\":null,\"country\":null,\"type\":\"alphanumeric\",\"is_home\":false}\n"
          "{\"raw\":\"ViệtBank\",\"e164\":null,\"country\":null,\"type\":\"alphanumeric\",\"is_home\":false}\n");
}

TEST_CASE("ringfence normalize refuses what the wire form refuses, and says why") {
    const auto r = run_cli_status("normalize --config " + std::string(RINGFENCE_SOURCE_DIR) + "/config/ringfence.yaml 'a_b!' 2>/dev/null");
    CHECK(r.exit_code == 1);
    CHECK(r.output.find("\"error\":") != std::string::npos);
}

TEST_CASE("the command line takes --config and --set before the command as well as after it") {
    const std::string config = std::string(RINGFENCE_SOURCE_DIR) + "/config/ringfence.yaml";
    const auto before = run_cli_status("--config " + config + " --set home_country=VN normalize 0912345678 2>/dev/null");
    const auto after = run_cli_status("normalize --config " + config + " 0912345678 2>/dev/null");
    CHECK(before.exit_code == 0);
    CHECK(before.output == after.output);
    CHECK(run_cli_status("--config " + config + " 2>/dev/null").exit_code == 2);  // options and no command
    // As options after each other do, the one later on the line wins.
    const auto later_wins = run_cli_status("--config /nonexistent/ringfence.yaml normalize --config " + config + " 0912345678 2>/dev/null");
    CHECK(later_wins.exit_code == 0);
    CHECK(later_wins.output == after.output);
}

TEST_CASE("every command that cannot load its config says why on stderr, the benchmarks too") {
    for (const std::string command : {"normalize 0912345678", "bench engine --records 10", "bench subscribers --rows 10", "decide"}) {
        INFO(command);
        // stderr to stdout: the message must name the file that could not be read.
        const auto r = run_cli_status(command + " --config /nonexistent/ringfence.yaml 2>&1 </dev/null");
        CHECK(r.exit_code != 0);
        CHECK(r.output.find("/nonexistent/ringfence.yaml") != std::string::npos);
    }
}
