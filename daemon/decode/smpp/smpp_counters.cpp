#include "decode/smpp/smpp_counters.hpp"

#include <fmt/format.h>

namespace ringfence::decode::smpp {

std::string smpp_counters::summary() const {
    std::string errors;
    for (int i = 1; i < pdu_error_count; ++i) {
        if (pdu_errors[static_cast<std::size_t>(i)] == 0) continue;
        if (!errors.empty()) errors += ' ';
        errors += fmt::format("{}={}", to_string(static_cast<pdu_error>(i)), pdu_errors[static_cast<std::size_t>(i)]);
    }
    return fmt::format(
        "pdus={} binds={} binds_refused={} submit_sm={} deliver_sm={} data_sm={} submit_multi={} submit_multi_lists={} smpp_records={} delivery_receipts={} "
        "error_responses={} generic_nacks={} other_pdus={} errors{{{}}} framing{{bad_length={} unknown_command={} "
        "resyncs={} bytes_skipped={} streams_given_up={} bytes_dropped={}}} udh_truncated={} udh_bad_concat={} "
        "sar_incomplete={} unsupported_coding={} numbers_unparsed={} unbound_messages={} stream_gaps={} concat{{parts={} "
        "completed={} timed_out={} evicted={} flushed={} duplicate_parts={} mixed_coding={}}}",
        framing.pdus, binds, binds_refused, submit_sm, deliver_sm, data_sm, submit_multi, submit_multi_lists, records, delivery_receipts, error_responses,
        generic_nacks, other_pdus, errors, framing.bad_length, framing.unknown_command, framing.resyncs,
        framing.bytes_skipped, framing.streams_given_up, framing.bytes_dropped, udh_truncated, udh_bad_concat,
        sar_incomplete, unsupported_coding, numbers_unparsed, unbound_messages, stream_gaps, reassembly.parts, reassembly.completed,
        reassembly.timed_out, reassembly.evicted, reassembly.flushed, reassembly.duplicate_parts,
        reassembly.mixed_coding);
}

}  // namespace ringfence::decode::smpp
