// The daemon's log: one line per event on stderr with a level. Under systemd (stderr is the
// journal stream JOURNAL_STREAM names) each line starts with a <N> syslog prefix so journald
// keeps the level; elsewhere it starts with a UTC timestamp. Control characters in a message
// are escaped (\n), so one event is one line. Never put more personal data in a line than
// the event needs.
#pragma once

#include <fmt/format.h>

#include <string_view>

namespace ringfence::common {

enum class log_level { debug = 7, info = 6, notice = 5, warning = 4, error = 3 };

void set_log_level(log_level min_level);
bool parse_log_level(std::string_view name, log_level& out);
bool log_enabled(log_level level);
void write_log_line(log_level level, std::string_view message);

template <class... Args>
void log(log_level level, fmt::format_string<Args...> format, Args&&... args) {
    if (!log_enabled(level)) return;
    write_log_line(level, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace ringfence::common
