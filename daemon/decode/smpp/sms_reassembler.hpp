// Joins the parts of a concatenated SMS (UDH IEI 0x00 / 0x08, or the SAR TLVs) into one
// record. Parts are keyed by (kind, origin trunk, source, destination, reference, total),
// not by TCP connection: an ESME may send the parts of one message over several binds.
//
// Bounded: a message not complete timeout_us after its first part arrived is emitted with
// the parts that did arrive (outcome timed_out); when max_messages or max_bytes would be
// exceeded the oldest pending message is emitted the same way (outcome evicted). Time is
// the capture's (the caller passes each PDU's capture timestamp to add() and expire()), so
// a file replays exactly as it was seen live. Each outcome is counted.
//
// The text is decoded after joining, so a UCS-2 surrogate pair or a GSM escape split
// across two parts comes out whole. The record's time is that of the last part to arrive;
// sms.parts is the total the parts declare; a message emitted incomplete carries the
// number that arrived as extra field sms.parts_received. A part's PDU sent again after its
// message was joined is counted as a duplicate and ignored.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "decode/smpp/sms_text.hpp"
#include "model/record.hpp"

namespace ringfence::decode::smpp {

struct reassembly_counters {
    std::uint64_t parts = 0;
    std::uint64_t completed = 0;
    std::uint64_t timed_out = 0;       // emitted incomplete after the timeout
    std::uint64_t evicted = 0;         // emitted incomplete to stay within the memory cap
    std::uint64_t flushed = 0;         // emitted incomplete at the end of a capture
    std::uint64_t duplicate_parts = 0; // a part number seen twice (a retransmission): the first is kept; also a part's
                                       // PDU sent again after its message was joined (within the timeout)
    std::uint64_t mixed_coding = 0;    // parts of one message with different data_coding
};

class sms_reassembler {
  public:
    struct limits {
        std::int64_t timeout_us = 120'000'000;
        std::size_t max_messages = 10'000;
        std::size_t max_bytes = 16 * 1024 * 1024;
    };
    enum class outcome : std::uint8_t { complete, timed_out, evicted, flushed };
    // Receives each joined message; the record may be modified and is valid only during the call.
    using emit_fn = std::function<void(model::record&, outcome)>;

    struct part {
        std::uint16_t reference = 0;
        std::uint8_t total = 0;
        std::uint8_t seqnum = 0;  // 1..total
        text_coding coding = text_coding::gsm7;
        std::string_view units;   // septets for gsm7, else the message bytes (after any UDH)
        std::int64_t time_us = 0;
    };

    sms_reassembler(limits l, emit_fn emit);
    ~sms_reassembler();

    // head: the record this part would give alone (kind, numbers, origin, id); its sms.text
    // is ignored. Emits when the part completes its message (and first any messages the
    // part's time expires).
    void add(const model::record& head, const part& p);
    // Emits every message whose timeout has passed at now_us.
    void expire(std::int64_t now_us);
    // Emits every pending message (end of a capture file, shutdown).
    void flush();

    std::size_t pending_messages() const noexcept { return by_key_.size(); }
    std::size_t pending_bytes() const noexcept { return bytes_; }
    const reassembly_counters& counters() const noexcept { return counters_; }

  private:
    struct pending;
    using pending_list = std::list<std::unique_ptr<pending>>;
    void emit_and_erase(pending_list::iterator it, outcome o);

    limits limits_;
    emit_fn emit_;
    pending_list by_age_;  // oldest first: timeouts and evictions come from the front
    std::unordered_map<std::string, pending_list::iterator> by_key_;
    std::size_t bytes_ = 0;
    reassembly_counters counters_;
    std::string key_;  // reused

    // Messages joined within the last timeout_us, with each part's identity (the PDU that
    // carried it, by connection and sequence number, and its bytes): the same PDU sent again
    // after its message was complete (a retransmission the ESME did not see acknowledged) is
    // a duplicate, not the first part of a new message that would be emitted incomplete. A
    // new submit (another sequence number) is a message of its own, the same text or not.
    // At most max_messages are remembered.
    struct joined_message {
        std::int64_t at_us = 0;
        std::vector<std::uint64_t> part_hashes;  // index seqnum - 1
    };
    std::unordered_map<std::string, joined_message> joined_;
    std::list<std::pair<std::string, std::int64_t>> joined_by_age_;  // oldest first
    bool sent_again(const std::string& key, const part& p, std::uint64_t identity) const;
    void remember_joined(const pending& msg);
};

}  // namespace ringfence::decode::smpp
