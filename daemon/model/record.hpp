// The normalised record: one call or SMS event, whatever source it came from (JSON lines,
// SIP, SMPP, HEP). Everything downstream (engine, store, output) sees only this.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/number.hpp"

namespace ringfence::model {

enum class event_kind : std::uint8_t { call_attempt, call_answer, call_end, sms_submit, sms_deliver };
inline constexpr int event_kind_count = 5;
std::string_view to_string(event_kind k) noexcept;  // "call.attempt", ...
std::optional<event_kind> parse_event_kind(std::string_view s) noexcept;
inline bool is_call(event_kind k) noexcept { return k <= event_kind::call_end; }
inline bool is_sms(event_kind k) noexcept { return k >= event_kind::sms_submit; }

enum class origin_kind : std::uint8_t { unspecified, home_mobile, home_fixed, interconnect, international, voip, ott };
inline constexpr int origin_kind_count = 7;
std::string_view to_string(origin_kind k) noexcept;  // "" for unspecified
std::optional<origin_kind> parse_origin_kind(std::string_view s) noexcept;

struct origin_info {
    origin_kind kind = origin_kind::unspecified;
    std::string trunk;
    std::string ip;
    std::string user_agent;
};

struct call_info {
    bool present = false;
    std::optional<std::int64_t> ring_ms;
    std::optional<std::int64_t> talk_ms;
    std::string cause;
};

struct sms_info {
    bool present = false;
    std::string sender;            // as presented: a number or a brandname such as "VCB"
    bool sender_is_alpha = false;  // the sender holds letters (a brandname)
    std::string text;              // UTF-8
    std::int64_t parts = 1;
};

// A field the wire form does not define, kept so rules can read it as extra.<name>.
// Nested unknown fields are named by their path ("origin.vlan").
struct extra_field {
    enum class json_type : std::uint8_t { string, number, boolean, null, object, array };
    std::string name;
    json_type type = json_type::string;
    std::string text;  // the unescaped string for strings; the JSON text for everything else
};

struct record {
    std::string id;                 // the sender's, echoed in the reply
    bool id_is_integer = false;     // the sender wrote the id as a JSON integer (id holds its digits)
    event_kind kind = event_kind::call_attempt;
    std::int64_t time_ms = 0;       // record time, Unix epoch milliseconds (UTC)
    bool time_from_receipt = false; // the record had no time, or one too far ahead; time_ms is when it arrived
    std::int64_t time_sent_ms = 0;  // the time it carried when that lay too far ahead of its arrival (0: none)
    number_info caller;
    number_info callee;
    number_info asserted;           // network-asserted identity (P-Asserted-Identity)
    number_info diversion;          // the number a call was diverted (forwarded) from: SIP Diversion, the most recent
    origin_info origin;
    call_info call;
    sms_info sms;
    std::vector<extra_field> extra;

    // Resets every field but keeps string capacity, so a reused record does not allocate.
    void clear();
};

}  // namespace ringfence::model
