#include "model/record.hpp"

#include <array>

namespace ringfence::model {

namespace {
constexpr std::array<std::string_view, event_kind_count> event_kind_names{
    "call.attempt", "call.answer", "call.end", "sms.submit", "sms.deliver"};
constexpr std::array<std::string_view, 7> origin_kind_names{
    "", "home_mobile", "home_fixed", "interconnect", "international", "voip", "ott"};
}  // namespace

std::string_view to_string(event_kind k) noexcept { return event_kind_names[static_cast<int>(k)]; }

std::optional<event_kind> parse_event_kind(std::string_view s) noexcept {
    for (std::size_t i = 0; i < event_kind_names.size(); ++i)
        if (event_kind_names[i] == s) return static_cast<event_kind>(i);
    return std::nullopt;
}

std::string_view to_string(origin_kind k) noexcept { return origin_kind_names[static_cast<int>(k)]; }

std::optional<origin_kind> parse_origin_kind(std::string_view s) noexcept {
    for (std::size_t i = 1; i < origin_kind_names.size(); ++i)
        if (origin_kind_names[i] == s) return static_cast<origin_kind>(i);
    return std::nullopt;
}

void record::clear() {
    id.clear();
    id_is_integer = false;
    kind = event_kind::call_attempt;
    time_ms = 0;
    time_from_receipt = false;
    time_sent_ms = 0;
    caller.clear();
    callee.clear();
    asserted.clear();
    diversion.clear();
    origin.kind = origin_kind::unspecified;
    origin.trunk.clear();
    origin.ip.clear();
    origin.user_agent.clear();
    call.present = false;
    call.ring_ms.reset();
    call.talk_ms.reset();
    call.cause.clear();
    sms.present = false;
    sms.sender.clear();
    sms.sender_is_alpha = false;
    sms.text.clear();
    sms.parts = 1;
    extra.clear();
}

}  // namespace ringfence::model
