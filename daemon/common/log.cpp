#include "common/log.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <string>

namespace ringfence::common {

namespace {

std::atomic<int> min_level{static_cast<int>(log_level::info)};

bool under_journald() {
    static const bool journald = std::getenv("JOURNAL_STREAM") != nullptr;
    return journald;
}

std::string_view level_name(log_level l) {
    switch (l) {
        case log_level::debug: return "debug";
        case log_level::info: return "info";
        case log_level::notice: return "notice";
        case log_level::warning: return "warning";
        case log_level::error: return "error";
    }
    return "info";
}

}  // namespace

void set_log_level(log_level level) { min_level.store(static_cast<int>(level)); }

bool parse_log_level(std::string_view name, log_level& out) {
    for (log_level l : {log_level::debug, log_level::info, log_level::notice, log_level::warning, log_level::error}) {
        if (level_name(l) == name) {
            out = l;
            return true;
        }
    }
    return false;
}

bool log_enabled(log_level level) { return static_cast<int>(level) <= min_level.load(std::memory_order_relaxed); }

void write_log_line(log_level level, std::string_view message) {
    std::string line;
    if (under_journald()) {
        line = fmt::format("<{}>{}: {}\n", static_cast<int>(level), level_name(level), message);
    } else {
        const auto now = std::chrono::system_clock::now();
        const std::time_t t = std::chrono::system_clock::to_time_t(now);
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
        std::tm tm{};
        ::gmtime_r(&t, &tm);
        line = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z {}: {}\n", tm.tm_year + 1900, tm.tm_mon + 1,
                           tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms, level_name(level), message);
    }
    // One write per line so lines from several threads never interleave.
    [[maybe_unused]] auto n = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace ringfence::common
