// Reading an import file for `ringfence lists import`: untrusted bytes, checked whole before
// anything is written. Every problem names its line and field; a file with any problem
// imports nothing.
//
// CSV (a file ending .csv): UTF-8, one entry per line (LF or CRLF). The first line that is
// not blank or a # comment is the header: the column names value, source, reason and,
// optionally, expires, in any order, each once. Fields are separated by commas; a field may
// be double-quoted to hold commas, with "" for a quote inside; a quoted field ends on its
// line. Blank lines and lines starting with # are skipped.
// YAML (.yaml, .yml): a sequence of mappings with the same keys (value, source, reason,
// expires), scalars only.
// Per entry: value as the list's kind reads it (intel_values.hpp); source one of police,
// bank, spam_reports, internal; reason non-empty text of at most 500 bytes, no control
// characters; expires empty (never), a date YYYY-MM-DD (the entry lasts through that day in
// engine.time_zone), an RFC 3339 time, or a duration from now (90d, 12h, 30m, 45s), and it
// must lie in the future. The same value (once normalised) twice in a file is an error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/time_zone.hpp"
#include "engine/intel_source.hpp"
#include "intel/intel_editor.hpp"
#include "model/numbering_plan.hpp"

namespace ringfence::intel {

enum class import_format { csv, yaml };
// By the file name's extension; nullopt for any other.
std::optional<import_format> import_format_of(std::string_view file_name);

struct import_problem {
    int line = 0;       // 1-based; 0 for the whole file
    std::string field;  // value, source, reason, expires, header; empty for the file
    std::string message;
};

struct import_rows {
    std::vector<new_entry> rows;
    std::vector<int> lines;  // the line of each row
    std::vector<import_problem> problems;
    bool ok() const { return problems.empty(); }
};

// The context values are read in.
struct value_context {
    engine::intel_kind kind;
    const model::numbering_plan& plan;
    const common::time_zone& zone;
    std::int64_t now_ms;
};

// At most max_problems are kept (the rest counted in a last problem).
import_rows read_import(std::string_view text, import_format format, const value_context& ctx, std::size_t max_problems = 100);

// One entry's fields as `lists add` and the readers take them; nullopt with why.
std::optional<std::int64_t> parse_expiry(std::string_view text, const common::time_zone& zone, std::int64_t now_ms, std::string& why);
std::optional<std::string> check_reason(std::string_view text, std::string& why);

}  // namespace ringfence::intel
