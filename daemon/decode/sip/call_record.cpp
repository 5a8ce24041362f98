#include "decode/sip/call_record.hpp"

#include <string>

#include "common/json_writer.hpp"
#include "decode/record_builder.hpp"
#include "decode/sip/call_record_line.hpp"
#include "model/time_format.hpp"

namespace ringfence::decode::sip {

namespace {

// Each text field as the line would carry it: invalid UTF-8 bytes read back as U+FFFD.
struct text_fields {
    std::string scratch;
    std::string unfold_scratch;
    std::string_view operator()(std::string_view s) { return common::valid_utf8(s, scratch); }
};

}  // namespace

parse_status build_call_record(const call_event& e, const model::numbering_plan& plan, model::record& out, unparsed_numbers numbers) {
    out.clear();
    parse_status status;
    record_builder build(plan, out, status, numbers);
    thread_local text_fields text;
    auto fail = [&] {
        status.id = out.id;
        status.id_is_integer = false;
        return status;
    };

    build.id(text(e.call_id), false);
    build.kind(e.kind);
    const std::int64_t ms = e.time_us / 1000;
    if (ms >= model::rfc3339_min_epoch_ms && ms <= model::rfc3339_max_epoch_ms)
        build.time(ms);
    else if (!build.epoch_ms(ms, std::to_string(ms)))
        return fail();

    // A number the dialog's first record read under this plan is taken as read (the
    // dialog's strings do not change during the call); otherwise it is read and kept.
    const bool readings_kept = e.numbers != nullptr && e.numbers->plan == &plan;
    // Readings are made afresh: until all are, none stands for the plan they were made under.
    if (e.numbers != nullptr && !readings_kept) e.numbers->plan = nullptr;
    const auto number = [&](const char* field, std::string_view raw, party_numbers::reading party_numbers::*kept,
                            model::number_info& number_out) {
        const std::string_view shown = text(raw);
        if (e.numbers == nullptr) return build.number(field, shown, number_out);
        party_numbers::reading& reading = e.numbers->*kept;
        if (readings_kept) {
            number_out = reading.number;
        } else {
            reading.error = plan.normalize(shown, number_out);
            reading.number = number_out;
        }
        return build.number_read(field, shown, reading.error);
    };
    const bool sms = model::is_sms(e.kind);
    if (!sms && !e.caller.empty() && !number("caller", e.caller, &party_numbers::caller, out.caller)) return fail();
    if (!e.callee.empty() && !number("callee", e.callee, &party_numbers::callee, out.callee)) return fail();
    if (!e.asserted.empty() && !number("asserted", e.asserted, &party_numbers::asserted, out.asserted)) return fail();
    if (!e.diversion.empty() && !number("diversion", e.diversion, &party_numbers::diversion, out.diversion)) return fail();
    // Every number present was read (an SMS's caller is its sender, read in finish): kept
    // for the call's next records.
    if (e.numbers != nullptr && !readings_kept && !sms) e.numbers->plan = &plan;

    out.origin.kind = e.origin_kind;
    out.origin.trunk.assign(text(e.trunk));
    if (!e.origin_ip.empty() && !build.origin_ip(text(e.origin_ip))) return fail();
    out.origin.user_agent.assign(text(unfolded_header_value(e.user_agent, text.unfold_scratch)));

    if (e.ring_ms || e.talk_ms || !e.cause.empty()) {
        out.call.present = true;
        if (e.ring_ms && !build.call_ms("call.ring_ms", *e.ring_ms, out.call.ring_ms)) return fail();
        if (e.talk_ms && !build.call_ms("call.talk_ms", *e.talk_ms, out.call.talk_ms)) return fail();
        out.call.cause.assign(text(e.cause));
    }
    if (sms) {
        out.sms.present = true;
        if (!e.caller.empty()) build.sms_sender(text(e.caller));
        out.sms.text.assign(text(e.sms_text));
    }
    if (!build.finish(ms)) return fail();
    return status;
}

}  // namespace ringfence::decode::sip
