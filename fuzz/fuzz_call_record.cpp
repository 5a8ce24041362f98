// libFuzzer target for the records captured SIP is decided from: arbitrary bytes become the
// fields of a call event (split at 0xFF bytes; the first bytes pick the kind, the time and the
// durations), which is built into a record twice, directly (decode::sip::build_call_record)
// and by writing its wire-form line and parsing it (what the capture path did before).
// Checks, beyond "no crash": the two ways agree, accepted or refused, code, message and
// every field of the record.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "decode/jsonl/record_parser.hpp"
#include "decode/sip/call_record.hpp"
#include "decode/sip/call_record_line.hpp"
#include "fuzz/fuzz_support.hpp"
#include "model/record_json.hpp"

using ringfence::fuzz::require;
using ringfence::fuzz::shipped_plan;
namespace model = ringfence::model;

namespace {

std::string all_fields(const model::record& r) {
    std::string s;
    model::append_record_json(s, r, true);
    // What the JSON leaves out.
    s += r.id_is_integer ? "|int" : "|text";
    s += r.call.present ? "|call" : "|-";
    s += r.sms.present ? "|sms" : "|-";
    s += r.time_from_receipt ? "|receipt" : "|-";
    s += r.origin.user_agent;
    return s;
}

std::int64_t take_int(std::string_view& in, std::size_t bytes) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < bytes && !in.empty(); ++i) {
        v = v << 8 | static_cast<unsigned char>(in.front());
        in.remove_prefix(1);
    }
    return static_cast<std::int64_t>(v);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static ringfence::decode::record_json_parser parser(shipped_plan());
    static model::record built, parsed;
    static std::string line;

    std::string_view in(reinterpret_cast<const char*>(data), size);
    ringfence::decode::sip::call_event e;
    e.kind = static_cast<model::event_kind>(take_int(in, 1) % model::event_kind_count);
    e.origin_kind = static_cast<model::origin_kind>(take_int(in, 1) % 7);
    const std::int64_t flags = take_int(in, 1);
    // Mostly plausible times, sometimes anything (before 1970, after 9999).
    e.time_us = (flags & 1) != 0 ? take_int(in, 8) : 1'795'836'000'000'000 + take_int(in, 3);
    if ((flags & 2) != 0) e.ring_ms = take_int(in, 2) - 1000;
    if ((flags & 4) != 0) e.talk_ms = take_int(in, 2) - 1000;

    std::vector<std::string_view> fields;
    while (fields.size() < 10) {
        const std::size_t cut = in.find('\xff');
        fields.push_back(in.substr(0, cut));
        if (cut == std::string_view::npos) break;
        in.remove_prefix(cut + 1);
    }
    fields.resize(10);
    e.call_id = fields[0];
    e.caller = fields[1];
    e.callee = fields[2];
    e.asserted = fields[3];
    e.diversion = fields[4];
    e.trunk = fields[5];
    e.origin_ip = fields[6];
    e.user_agent = fields[7];
    e.cause = fields[8];
    e.sms_text = fields[9];

    const ringfence::decode::parse_status direct = ringfence::decode::sip::build_call_record(e, shipped_plan(), built);
    line.clear();
    ringfence::decode::sip::append_record_line(line, e);
    const ringfence::decode::parse_status from_line = parser.parse(line, e.time_us / 1000, parsed);
    require(direct.ok == from_line.ok);
    if (!direct.ok) {
        require(direct.error == from_line.error);
        require(direct.message == from_line.message);
        require(direct.id == from_line.id);
        return 0;
    }
    require(all_fields(built) == all_fields(parsed));
    return 0;
}
