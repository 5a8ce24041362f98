// `ringfence normalize`: the classes the README promises, and the same brandname rule as the
// wire form's SMS sender.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

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

TEST_CASE("with no --config, only the binary in its build folder falls back to the source tree's configuration") {
    if (std::filesystem::exists("/etc/ringfence/ringfence.yaml")) {
        MESSAGE("skipped: /etc/ringfence/ringfence.yaml exists here, and it is what any copy reads");
        return;
    }
    // As the README runs it: build/ringfence with no --config reads the checkout's config.
    FILE* b = ::popen(("env -u RINGFENCE_CONFIG " + std::string(RINGFENCE_CLI_BINARY) + " normalize 0912345678 2>/dev/null").c_str(), "r");
    REQUIRE(b != nullptr);
    std::string built_out;
    char built_buf[4096];
    for (std::size_t n; (n = std::fread(built_buf, 1, sizeof built_buf, b)) > 0;) built_out.append(built_buf, n);
    const int built_status = ::pclose(b);
    CHECK(WIFEXITED(built_status));
    CHECK(WEXITSTATUS(built_status) == 0);
    CHECK(built_out.find("+84912345678") != std::string::npos);
    // A copy elsewhere (an installed binary, a binary handed to another machine) must not read
    // the build machine's checkout: it reads /etc/ringfence/ringfence.yaml, and says it is missing.
    // Beside the build folder, not in /tmp, which may be mounted noexec.
    const std::filesystem::path dir = std::filesystem::path(RINGFENCE_CLI_BINARY).parent_path() / ("copy-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto copy = dir / "ringfence";
    std::filesystem::copy_file(RINGFENCE_CLI_BINARY, copy, std::filesystem::copy_options::overwrite_existing);
    FILE* p = ::popen(("env -u RINGFENCE_CONFIG " + copy.string() + " normalize 0912345678 2>&1").c_str(), "r");
    REQUIRE(p != nullptr);
    std::string out;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    const int status = ::pclose(p);
    std::filesystem::remove_all(dir);
    INFO(out);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 1);
    CHECK(out.find("/etc/ringfence/ringfence.yaml") != std::string::npos);
    CHECK(out.find("--config") != std::string::npos);
    CHECK(out.find(RINGFENCE_SOURCE_DIR) == std::string::npos);
}
