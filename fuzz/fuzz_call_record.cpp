// libFuzzer target for the records captured SIP is decided from: arbitrary bytes become the
// fields of a call event (each a length byte and that many bytes, any bytes; the first bytes
// pick the kind, the time, the durations and whether numbers the plan rejects are refused or kept), which is built into a record twice, directly (decode::sip::build_call_record)
// and by writing its wire-form line and parsing it (what the capture path did before).
// Checks, beyond "no crash": the two ways agree, accepted or refused, code, message and
// every field of the record.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "decode/jsonl/record_parser.hpp"
#include "decode/sip/call_record.hpp"
#include "decode/sip/call_record_line.hpp"
#include "fuzz/fuzz_support.hpp"

using ringfence::fuzz::require;
using ringfence::fuzz::shipped_plan;
namespace model = ringfence::model;

namespace {

// Fields joined with separators no field is compared across.
constexpr char sep = '\x1e';

std::string number_fields(const model::number_info& n) {
    std::string s = n.present ? "1" : "0";
    for (const std::string* part : {&n.raw, &n.e164, &n.country}) (s += sep) += *part;
    ((s += sep) += model::to_string(n.type)) += n.is_home ? "|home" : "|-";
    return s;
}

// Every field as it is held, bytes and all (rendering as JSON would hide invalid UTF-8).
std::string all_fields(const model::record& r) {
    std::string s = r.id;
    auto add = [&](std::string_view v) { (s += sep) += v; };
    add(r.id_is_integer ? "int" : "text");
    add(model::to_string(r.kind));
    add(std::to_string(r.time_ms));
    add(r.time_from_receipt ? "receipt" : "-");
    add(std::to_string(r.time_sent_ms));
    for (const model::number_info* n : {&r.caller, &r.callee, &r.asserted, &r.diversion}) add(number_fields(*n));
    add(model::to_string(r.origin.kind));
    add(r.origin.trunk);
    add(r.origin.ip);
    add(r.origin.user_agent);
    add(r.call.present ? "call" : "-");
    add(r.call.ring_ms ? std::to_string(*r.call.ring_ms) : "-");
    add(r.call.talk_ms ? std::to_string(*r.call.talk_ms) : "-");
    add(r.call.cause);
    add(r.sms.present ? "sms" : "-");
    add(r.sms.sender);
    add(r.sms.sender_is_alpha ? "alpha" : "-");
    add(r.sms.text);
    add(std::to_string(r.sms.parts));
    add(std::to_string(r.extra.size()));
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
    while (fields.size() < 10 && !in.empty()) {
        const auto length = std::min<std::size_t>(static_cast<unsigned char>(in.front()), in.size() - 1);
        fields.push_back(in.substr(1, length));
        in.remove_prefix(1 + length);
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

    // Numbers the plan rejects refused (a switch's line) or kept as written (a mirror's).
    const auto numbers = (flags & 8) != 0 ? ringfence::decode::unparsed_numbers::keep_raw : ringfence::decode::unparsed_numbers::refuse;
    const ringfence::decode::parse_status direct = ringfence::decode::sip::build_call_record(e, shipped_plan(), built, numbers);
    line.clear();
    ringfence::decode::sip::append_record_line(line, e);
    const ringfence::decode::parse_status from_line = parser.parse(line, e.time_us / 1000, parsed, numbers);
    require(direct.ok == from_line.ok);
    require(direct.numbers_kept_raw == from_line.numbers_kept_raw);
    if (!direct.ok) {
        require(direct.error == from_line.error);
        require(direct.message == from_line.message);
        require(direct.id == from_line.id);
        return 0;
    }
    require(all_fields(built) == all_fields(parsed));
    return 0;
}
