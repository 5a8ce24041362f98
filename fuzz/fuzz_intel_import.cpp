// libFuzzer target for the intel import reader (`ringfence lists import`): arbitrary bytes
// as a CSV or YAML file of any list kind. The first byte picks the format (bit 0) and the
// kind (the rest, modulo six); the remainder is the file. Checks, beyond "no crash":
//   - a file with problems yields no rows; one without yields rows with their lines;
//   - every problem names a line within the file (0 for the whole file) and a one-line message;
//   - every row's value reads back as itself (normalising is idempotent; a URL key with
//     "https://" put back) and its reason is non-empty;
//   - a snapshot built from the rows finds every row by the form a record's field would
//     hold (for an IP range, its first address), before its expiry and not at it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/time_zone.hpp"
#include "intel/intel_import.hpp"
#include "intel/intel_snapshot.hpp"
#include "intel/intel_values.hpp"
#include "model/numbering_plan.hpp"

#ifndef RINGFENCE_SOURCE_DIR
#define RINGFENCE_SOURCE_DIR "."
#endif

namespace {

const ringfence::model::numbering_plan& shipped_plan() {
    static const ringfence::model::numbering_plan plan = [] {
        const char* dir = std::getenv("RINGFENCE_PLAN_DIR");
        const std::string base = dir != nullptr ? dir : RINGFENCE_SOURCE_DIR "/config/numbering";
        ringfence::model::numbering_settings settings;
        settings.plan_files = {base + "/vn.yaml", base + "/international.yaml"};
        auto loaded = ringfence::model::numbering_plan::load(settings);
        if (!loaded.ok()) std::abort();
        return std::move(*loaded.value);
    }();
    return plan;
}

const ringfence::common::time_zone& zone() {
    static const ringfence::common::time_zone z = [] {
        std::string why;
        auto t = ringfence::common::time_zone::load("Asia/Ho_Chi_Minh", why);
        if (!t) std::abort();
        return *t;
    }();
    return z;
}

void require(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ringfence;
    if (size == 0) return 0;
    const auto format = (data[0] & 1) ? intel::import_format::yaml : intel::import_format::csv;
    const auto kind = engine::all_intel_kinds[(data[0] >> 1) % 6];
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    const std::int64_t now = 1'795'836'000'000;
    const auto rows = intel::read_import(text, format, {kind, shipped_plan(), zone(), now});
    int lines = 1;
    for (char c : text) lines += c == '\n';
    if (!rows.ok()) require(rows.rows.empty());
    require(rows.rows.size() == rows.lines.size());
    for (const auto& p : rows.problems) {
        require(p.line >= 0 && p.line <= lines);
        require(p.message.find('\n') == std::string::npos);
    }
    for (const auto& r : rows.rows) {
        std::string why;
        // A URL key has no scheme; with one put back it must read as itself.
        const std::string text = kind == engine::intel_kind::url ? "https://" + r.value : r.value;
        const auto again = intel::normalise_value(kind, text, shipped_plan(), why);
        require(again && again->value == r.value);
        require(!r.reason.empty());
        require(r.expires_at_ms == 0 || r.expires_at_ms > now);
    }
    std::vector<intel::intel_entry_row> entries;
    for (const auto& r : rows.rows) entries.push_back({r.value, r.reason, r.source, r.expires_at_ms});
    const intel::intel_snapshot snapshot(kind, std::move(entries));
    for (const auto& r : rows.rows) {
        std::string probe = r.value;
        if (kind == engine::intel_kind::url) probe = "https://" + r.value;
        if (kind == engine::intel_kind::ip) probe = r.value.substr(0, r.value.find('/'));
        require(snapshot.find(probe, now) != nullptr);
        if (r.expires_at_ms != 0) {
            const intel::intel_entry* later = snapshot.find(probe, r.expires_at_ms);
            require(later == nullptr || later->value != r.value);  // a shorter prefix or range may still answer
        }
    }
    return 0;
}
