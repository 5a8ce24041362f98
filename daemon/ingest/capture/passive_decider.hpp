// Decides what passive sources (live capture, HEP mirrors) decoded, through the same record
// processor as the socket. Nobody waits for these decisions: no reply is rendered; the
// counters and the decision log take them as they take the socket's. One per thread.
// - A SIP event becomes its record directly (decode::sip::build_call_record: the checks of
//   the wire form, without writing and parsing a JSON line).
// - An SMS of captured SMPP goes through its wire-form line, as `ringfence decide` reads it.
// Both keep a number the numbering plan rejects, or one that looks mistyped, as written
// (counted numbers_kept_raw; the SMPP decoder also counts numbers_unparsed): a mirror has
// nobody to answer with an error, and dropping the call or message would hide it from the
// rules.
#pragma once

#include <string>

#include "decode/sip/call_record.hpp"
#include "ingest/capture/capture_pipeline.hpp"
#include "ingest/record_line_processor.hpp"

namespace ringfence::ingest::capture {

class passive_decider final : public capture_record_handler {
  public:
    explicit passive_decider(pipeline_context& context, std::string* replies = nullptr)
        : processor_(context, true), plan_(context.plan), replies_(replies) {}

    void on_call_event(const decode::sip::call_event& event) override {
        processor_.decide_built([&](model::record& r) { return decode::sip::build_call_record(event, plan_, r, decode::unparsed_numbers::keep_raw); },
                                event.time_us / 1000, replies_);
    }
    void on_sms_record(const model::record& sms) override {
        line_.clear();
        append_sms_record_line(line_, sms);
        reply_.clear();
        processor_.process(line_, sms.time_ms, replies_ ? *replies_ : reply_, nullptr, 0);
    }

  private:
    record_line_processor processor_;
    const model::numbering_plan& plan_;
    std::string* replies_;  // the decision lines, appended, for a caller that prints them (`ringfence replay`)
    std::string line_;
    std::string reply_;
};

}  // namespace ringfence::ingest::capture
