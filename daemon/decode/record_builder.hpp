// The checks and normalisation that make one model::record out of the fields a source gave:
// one set of rules for every source, so a record means the same, and is refused for the
// same reason, whether it came as a JSON line (jsonl/record_reader) or out of captured SIP
// (sip/call_record). The source reads its own syntax and hands each field over in the
// order of the wire form (record_parser.hpp states the contract); the first failure fills
// the parse_status and returns false, and the source stops there. finish() checks what is
// required and fills the defaults. Lives for one record.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "decode/parse_status.hpp"
#include "model/numbering_plan.hpp"
#include "model/record.hpp"

namespace ringfence::decode {

// What a telephone number the numbering plan rejects does to the record. A switch asking
// inline gets the error; a mirror (captured SMPP) has nobody to tell, and dropping the
// message would hide it from the rules, so there the number is kept as written (raw only,
// type unknown) and the record goes on to be decided.
enum class unparsed_numbers : std::uint8_t { refuse, keep_raw };

// The message for a well-formed time outside what the decision log can show.
std::string time_out_of_range_message(std::string_view shown);

class record_builder {
  public:
    // rec must be clear (model::record::clear) when the first field comes.
    record_builder(const model::numbering_plan& plan, model::record& rec, parse_status& status,
                   unparsed_numbers numbers = unparsed_numbers::refuse) noexcept
        : plan_(plan), rec_(rec), status_(status), numbers_(numbers) {}

    void id(std::string_view text, bool is_integer);
    void kind(model::event_kind k);
    // A time already checked to lie within the range (an RFC 3339 text the source parsed).
    void time(std::int64_t epoch_ms);
    // Integer epoch milliseconds, checked against the range; written is the value as the
    // source wrote it, for the message.
    bool epoch_ms(std::int64_t ms, std::string_view written);
    // A telephone number field ("caller", "callee", ...) through the numbering plan.
    bool number(std::string_view field, std::string_view raw, model::number_info& out);
    // What number() does with the plan's verdict on raw, once out holds its reading (made
    // here or earlier): error none passes; otherwise refused, or kept raw and counted.
    bool number_read(std::string_view field, std::string_view raw, model::normalize_error error);
    // A number field of another type than text (a JSON number, true, an object): with
    // unparsed numbers kept, present and unreadable (raw as written for a JSON number, else
    // empty) and counted; refused otherwise (false: the caller reports the wrong type).
    bool unreadable_number(std::string_view raw, model::number_info& out);
    bool origin_ip(std::string_view ip);
    // call.ring_ms or call.talk_ms (name, for the message) into out: never negative.
    bool call_ms(std::string_view name, std::int64_t ms, std::optional<std::int64_t>& out);
    void sms_sender(std::string_view text);
    // sms.sender_alphanumeric: the SMSC's address type said brandname (SMPP TON 5).
    void sender_alphanumeric(bool flag) { sender_alphanumeric_ = flag; }
    bool sms_parts(std::int64_t parts);
    // After the last field: required fields, the caller taken from sms.sender when it is
    // absent, mistyped numbers, and the time of receipt when the record gave none.
    bool finish(std::int64_t received_at_ms);

    bool id_was_set() const noexcept { return has_id_; }
    bool fail(parse_error error, std::string message);

  private:
    const model::numbering_plan& plan_;
    model::record& rec_;
    parse_status& status_;
    unparsed_numbers numbers_;
    bool has_id_ = false;
    bool has_kind_ = false;
    bool has_time_ = false;
    bool has_sender_ = false;
    bool sender_alphanumeric_ = false;
};

}  // namespace ringfence::decode
