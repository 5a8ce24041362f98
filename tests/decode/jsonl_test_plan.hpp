// The shipped numbering plan (support/shipped_plan.hpp) for the JSON-lines parser tests,
// and a helper that parses one line with a fresh record.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "decode/jsonl/record_parser.hpp"
#include "model/numbering_plan.hpp"
#include "support/shipped_plan.hpp"

namespace jsonl_test {

using ringfence::test_support::shipped_plan;

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
