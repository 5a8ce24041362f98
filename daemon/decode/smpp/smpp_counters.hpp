// Every outcome of SMPP decoding, by reason: what was framed, parsed, skipped, joined and
// emitted. One set per smpp_decoder (one capture thread); plain integers, read by the
// owner's stats line. Nothing is dropped without a count here.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "decode/smpp/sms_reassembler.hpp"
#include "decode/smpp/smpp_pdu.hpp"
#include "decode/smpp/smpp_stream_framer.hpp"
#include "decode/smpp/user_data_header.hpp"

namespace ringfence::decode::smpp {

struct smpp_counters {
    framer_counters framing;
    std::array<std::uint64_t, pdu_error_count> pdu_errors{};  // by pdu_error (index 0 unused)
    std::uint64_t binds = 0;                // bind_* requests
    std::uint64_t binds_refused = 0;        // bind_*_resp with a non-zero status
    std::uint64_t submit_sm = 0;
    std::uint64_t deliver_sm = 0;
    std::uint64_t data_sm = 0;
    std::uint64_t submit_multi = 0;        // PDUs; each SME destination gives its own record
    std::uint64_t submit_multi_lists = 0;  // distribution-list destinations: expanded by the SMSC only, no record
    std::uint64_t error_responses = 0;      // any _resp or generic_nack with a non-zero status
    std::uint64_t generic_nacks = 0;
    std::uint64_t other_pdus = 0;           // enquire_link, unbind, query_sm, ... and every response
    std::uint64_t delivery_receipts = 0;    // deliver_sm/data_sm receipts and notifications: not messages, skipped
    std::uint64_t udh_truncated = 0;        // text kept as hex
    std::uint64_t udh_bad_concat = 0;       // the part is decoded as a message of its own
    std::uint64_t sar_incomplete = 0;       // some but not all of the three SAR TLVs: one message
    std::uint64_t unsupported_coding = 0;   // data_coding ringfence does not read: text kept as hex
    std::uint64_t numbers_unparsed = 0;     // an address the numbering plan rejected: kept raw
    std::uint64_t unbound_messages = 0;     // messages on a connection whose bind was not seen
    std::uint64_t stream_gaps = 0;          // the capture lost bytes of a stream: the partial PDU is dropped
    std::uint64_t records = 0;              // records handed on
    reassembly_counters reassembly;         // copied from the reassembler by smpp_decoder::counters()

    // "pdus=… submit_sm=… records=… errors{truncated=…} …" for a stats log line.
    std::string summary() const;
};

}  // namespace ringfence::decode::smpp
