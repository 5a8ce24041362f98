// The shipped numbering plan (config/numbering/*.yaml), loaded once for the JSON-lines
// parser tests, and a helper that parses one line with a fresh record.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "decode/jsonl/record_parser.hpp"
#include "model/numbering_plan.hpp"

namespace jsonl_test {

inline const ringfence::model::numbering_plan& shipped_plan() {
    static const ringfence::model::numbering_plan plan = [] {
        ringfence::model::numbering_settings settings;
        settings.home_country = "VN";
        // The order config/ringfence.yaml ships.
        settings.plan_files = {RINGFENCE_SOURCE_DIR "/config/numbering/vn.yaml",
                               RINGFENCE_SOURCE_DIR "/config/numbering/international.yaml"};
        auto loaded = ringfence::model::numbering_plan::load(settings);
        for (const auto& d : loaded.diagnostics) MESSAGE(d.to_text());
        REQUIRE(loaded.ok());
        return std::move(*loaded.value);
    }();
    return plan;
}

inline constexpr std::int64_t received_at = 1795836000000;  // 2026-11-28T03:20:00Z

struct parsed {
    ringfence::decode::parse_status status;
    ringfence::model::record rec;
};

inline parsed parse_line(std::string_view line) {
    ringfence::decode::record_json_parser parser(shipped_plan());
    parsed p;
    p.status = parser.parse(line, received_at, p.rec);
    return p;
}

}  // namespace jsonl_test
