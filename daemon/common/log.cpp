#include "common/log.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

namespace ringfence::common {

namespace {

std::atomic<int> min_level{static_cast<int>(log_level::info)};

// systemd sets JOURNAL_STREAM to the journal stream's "device:inode"; it is inherited by
// children whose stderr goes elsewhere (a pipe, a file), which read plain lines.
bool stderr_is_journal() {
    const char* env = std::getenv("JOURNAL_STREAM");
    if (env == nullptr) return false;
    unsigned long long dev = 0, ino = 0;
    if (std::sscanf(env, "%llu:%llu", &dev, &ino) != 2) return false;
    struct stat st {};
    if (::fstat(STDERR_FILENO, &st) != 0) return false;
    return static_cast<unsigned long long>(st.st_dev) == dev && static_cast<unsigned long long>(st.st_ino) == ino;
}

bool under_journald() {
    static const bool journald = stderr_is_journal();
    return journald;
}

// A line break or other control character in a message (a path or value from the command
// line or a config file) would start what reads as another log line: written escaped.
void append_escaped(std::string& out, std::string_view message) {
    for (const char c : message) {
        const auto b = static_cast<unsigned char>(c);
        if (b >= 0x20 && b != 0x7f) {
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else {
            out += fmt::format("\\x{:02x}", b);
        }
    }
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
        line = fmt::format("<{}>{}: ", static_cast<int>(level), level_name(level));
    } else {
        const auto now = std::chrono::system_clock::now();
        const std::time_t t = std::chrono::system_clock::to_time_t(now);
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
        std::tm tm{};
        ::gmtime_r(&t, &tm);
        line = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z {}: ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                           tm.tm_hour, tm.tm_min, tm.tm_sec, ms, level_name(level));
    }
    append_escaped(line, message);
    line += '\n';
    // One write per line so lines from several threads never interleave.
    [[maybe_unused]] auto n = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace ringfence::common
