#include "decode/sip/sip_counters.hpp"

#include <fmt/format.h>

namespace ringfence::decode::sip {

std::string sip_counters::summary() const {
    return fmt::format(
        "sip_messages={} requests={} responses={} keepalives={} not_sip={} malformed={} "
        "junk_prefixed={} short_bodies={} bad_content_length={} "
        "stream_resyncs={} bytes_passed_over={} without_call_id={} dialogs={} answered={} ended={} timed_out={} "
        "evicted={} clock_outliers={} clock_jumps={} dialog_times_raised={} "
        "retransmissions={} in_dialog_unknown={} sms={} records={}",
        messages, requests, responses, keepalives, not_sip, malformed, junk_prefixed, short_bodies, bad_content_length,
        stream_resyncs, bytes_passed_over, without_call_id, dialogs_created, dialogs_answered, dialogs_ended,
        dialogs_timed_out, dialogs_evicted, clock_outliers, clock_jumps, dialog_times_raised, retransmissions, in_dialog_unknown, sms_messages, records);
}

}  // namespace ringfence::decode::sip
