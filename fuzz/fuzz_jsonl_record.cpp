// libFuzzer target for the JSON-lines wire parser: arbitrary bytes as one line, then the
// reply for it (decision or error) and the record rendered as the decision log stores it.
// The plan is the shipped one, loaded once; RINGFENCE_PLAN_DIR overrides where it is read
// from (default: the source tree's config/numbering). Checks, beyond "no crash":
//   - an accepted record has an id, a callee and a caller, and a time in range;
//   - a rejected line has a known code and a one-line message;
//   - every rendered reply is exactly one line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "decode/jsonl/record_parser.hpp"
#include "engine/decision.hpp"
#include "fuzz/fuzz_support.hpp"
#include "model/record.hpp"
#include "model/record_json.hpp"
#include "output/reply_json.hpp"

using ringfence::fuzz::require;
using ringfence::fuzz::shipped_plan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static ringfence::decode::record_json_parser parser(shipped_plan());
    static ringfence::model::record rec;
    static ringfence::engine::decision decision;
    static std::string out;

    const std::string_view line(reinterpret_cast<const char*>(data), size);
    const ringfence::decode::parse_status status = parser.parse(line, 1795836000000, rec);
    out.clear();
    if (status.ok) {
        require(status.error == ringfence::decode::parse_error::none && status.message.empty());
        require(rec.callee.present && rec.caller.present);
        require(rec.time_ms >= 0 && rec.time_ms <= 253402300799999);
        require(rec.extra.size() <= ringfence::decode::record_json_parser::max_extra_fields);
        ringfence::output::append_decision_line(out, rec.id, decision, 1);
        require(out.find('\n') == out.size() - 1);
        ringfence::model::append_record_json(out, rec);
    } else {
        require(!status.code().empty() && !status.message.empty());
        require(status.message.find('\n') == std::string::npos);
        ringfence::output::append_error_line(out, status.reply_id(), status.code(), status.message);
        require(out.find('\n') == out.size() - 1);
    }
    return 0;
}
