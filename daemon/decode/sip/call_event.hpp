// What the SIP dialog tracker reports: one call or SMS event in the terms of the record
// (model/record.hpp), before numbers are normalised. Views are valid during the callback.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "decode/sip/party_numbers.hpp"
#include "model/record.hpp"

namespace ringfence::decode::sip {

struct call_event {
    model::event_kind kind = model::event_kind::call_attempt;
    std::int64_t time_us = 0;  // the packet timestamp of the message that caused it
    std::string_view call_id;
    std::string_view caller;    // From user
    std::string_view callee;    // To user, else the Request-URI user
    std::string_view asserted;  // P-Asserted-Identity user, else Remote-Party-ID user
    std::string_view diversion; // the INVITE's (first, most recent) Diversion user, when it is a number
    model::origin_kind origin_kind = model::origin_kind::unspecified;
    std::string_view trunk;
    std::string_view origin_ip;
    std::string_view user_agent;
    std::optional<std::int64_t> ring_ms;
    std::optional<std::int64_t> talk_ms;
    std::string_view cause;
    std::string_view sms_text;  // sms.submit: the MESSAGE body when it is text
    // The dialog's readings of caller, callee, asserted and diversion, made by the first
    // record built from it and taken by the next (nullptr: none kept, every record reads).
    party_numbers* numbers = nullptr;
};

class call_event_sink {
  public:
    virtual ~call_event_sink() = default;
    virtual void on_call_event(const call_event& event) = 0;
};

}  // namespace ringfence::decode::sip
