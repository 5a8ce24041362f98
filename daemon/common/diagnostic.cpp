#include "common/diagnostic.hpp"

#include <fmt/format.h>

#include "common/json_writer.hpp"

namespace ringfence::common {

namespace {
std::string_view level_name(severity s) { return s == severity::error ? "error" : "warning"; }
}  // namespace

std::string diagnostic::to_text() const {
    std::string where;
    if (!file.empty()) {
        where = file;
        if (line > 0) where += fmt::format(":{}", line);
        if (column > 0) where += fmt::format(":{}", column);
        where += ": ";
    }
    return fmt::format("{}{} {}: {}", where, level_name(level), code, message);
}

std::string diagnostic::to_json() const {
    std::string out = "{\"level\":";
    append_json_string(out, level_name(level));
    out += ",\"code\":";
    append_json_string(out, code);
    out += ",\"message\":";
    append_json_string(out, message);
    out += ",\"file\":";
    append_json_string(out, file);
    out += ",\"line\":";
    append_json_int(out, line);
    out += ",\"column\":";
    append_json_int(out, column);
    out += '}';
    return out;
}

bool has_errors(const std::vector<diagnostic>& diagnostics) {
    for (const auto& d : diagnostics)
        if (d.level == severity::error) return true;
    return false;
}

}  // namespace ringfence::common
