// A load-time error or warning with a stable code and a source location, printable as
// text ("file:line:column: error CODE: message") or as one JSON object.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ringfence::common {

enum class severity { error, warning };

struct diagnostic {
    severity level = severity::error;
    std::string code;     // stable, e.g. CONFIG_UNKNOWN_KEY, PLAN_BAD_PREFIX
    std::string message;  // one line, names the field and why
    std::string file;     // empty when not from a file
    int line = 0;         // 1-based; 0 when unknown
    int column = 0;       // 1-based; 0 when unknown

    std::string to_text() const;
    std::string to_json() const;
};

bool has_errors(const std::vector<diagnostic>& diagnostics);

// The outcome of loading something from files: the value when there were no errors,
// and every diagnostic (warnings too) either way.
template <class T>
struct loaded {
    std::optional<T> value;
    std::vector<diagnostic> diagnostics;

    bool ok() const { return value.has_value() && !has_errors(diagnostics); }
};

}  // namespace ringfence::common
