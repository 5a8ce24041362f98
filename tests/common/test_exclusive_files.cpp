// Exclusive files: a lock another holder has is refused, and the message names the holding
// process (from /proc/locks), so an operator knows what to stop.
#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "common/exclusive_files.hpp"

namespace ringfence::test {

TEST_CASE("a held file lock is refused with the pid and name of its holder, and taken once released") {
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("ringfence-lock-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "decisions.sqlite").string();
    std::string own_name;
    std::getline(std::ifstream("/proc/self/comm"), own_name);
    const std::string holder = " (pid " + std::to_string(::getpid()) + ", " + own_name + ")";
    {
        common::file_lock first;
        REQUIRE(first.take(path).empty());
        CHECK(common::probe_file_lock(path) == path + " is in use: another process (another ringfenced?) holds " + path + ".lock" + holder);
        common::file_lock second;  // another open of the file: flock sees another holder
        CHECK(second.take(path) == path + " is in use: another process (another ringfenced?) holds " + path + ".lock" + holder);
        const std::string waited = second.take_waiting(path, std::chrono::milliseconds(100));
        CHECK(waited.find("has held " + path + ".lock" + holder + " for 0 s") != std::string::npos);
    }
    CHECK(common::probe_file_lock(path).empty());
    common::file_lock again;
    CHECK(again.take(path).empty());
    std::filesystem::remove_all(dir);
}

}  // namespace ringfence::test
