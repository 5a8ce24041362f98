// What the SIP layer saw: messages by outcome and dialogs by fate. Printed by
// `ringfence replay` at the end and by the daemon's stats line.
#pragma once

#include <cstdint>
#include <string>

namespace ringfence::decode::sip {

struct sip_counters {
    std::uint64_t payloads_tried = 0;  // UDP payloads and TCP stream bytes offered to the parser
    std::uint64_t messages = 0;
    std::uint64_t requests = 0;
    std::uint64_t responses = 0;
    std::uint64_t keepalives = 0;
    std::uint64_t not_sip = 0;          // payloads on SIP ports that were not SIP (HTTP, RTP, ...)
    std::uint64_t malformed = 0;        // a SIP start line with a broken header section
    std::uint64_t junk_prefixed = 0;    // messages read after skipping junk bytes
    std::uint64_t bad_content_length = 0;  // UDP messages whose Content-Length is not a number (body: the rest)
    std::uint64_t short_bodies = 0;     // UDP messages whose body is shorter than their Content-Length (read from their headers)
    std::uint64_t stream_resyncs = 0;   // TCP bytes skipped to find the next start line
    std::uint64_t bytes_passed_over = 0;  // TCP bytes of messages too long to hold, passed over by their Content-Length
    std::uint64_t without_call_id = 0;  // messages no dialog can hold
    std::uint64_t dialogs_created = 0;
    std::uint64_t dialogs_answered = 0;
    std::uint64_t dialogs_ended = 0;      // by BYE, CANCEL or a final failure
    std::uint64_t dialogs_timed_out = 0;  // ended by a timeout (a record with cause timeout_*)
    std::uint64_t dialogs_evicted = 0;    // ended because the table was full (cause evicted)
    std::uint64_t clock_outliers = 0;     // messages stamped over a minute before the dialogs' clock, or a day after: taken at its time
    std::uint64_t clock_jumps = 0;        // the clock moved that far: enough messages agreed, or a new source (file) started there
    std::uint64_t dialog_times_raised = 0;  // messages stamped before their call's last step (attempt, ringing, answer): taken at its time
    std::uint64_t retransmissions = 0;    // INVITE/MESSAGE repeated within a dialog: no new record
    std::uint64_t in_dialog_unknown = 0;  // an INVITE with a To tag for a call not seen start: no record
    std::uint64_t sms_messages = 0;
    std::uint64_t records = 0;  // call and SMS events produced

    std::string summary() const;
};

}  // namespace ringfence::decode::sip
