// SMPP traffic into records: submit_sm gives sms.submit, deliver_sm gives sms.deliver,
// data_sm either (by which side sent it). The hand-off from the capture layer:
//
//   smpp_decoder decoder(settings, plan, [](model::record& r) { ... });  // one per capture thread
//   smpp_session session(decoder, {client_ip, client_port, server_ip, server_port});  // one per TCP connection
//   session.on_bytes(stream_side::initiator, bytes, capture_time_us);  // reassembled, in order, any pieces
//   session.on_bytes(stream_side::responder, bytes, capture_time_us);
//   session.on_gap(stream_side::initiator);  // bytes were lost in that direction
//   session.on_closed();                 // FIN/RST or the flow's idle timeout
//   decoder.expire(now_us);              // now and then, with capture time, when no bytes come
//   decoder.flush();                     // end of a capture file or shutdown
//
// capture_time_us is the capture timestamp (Unix microseconds) of the segment that
// completed the bytes; a record's time is that of the PDU that completed it. The session
// keeps what it needs across pieces, so a TCP reassembler that asks how many bytes its
// consumer used (decode/packet's tcp_stream_consumer on the capture branch) gets all of
// them: on_stream_data -> on_bytes, return bytes.size(); on_stream_gap -> on_gap.
//
// The origin: origin.trunk is the system_id of the bind_* the ESME sent on this connection
// (empty, and counted, when the capture began after the bind); origin.kind is
// settings.origin_kind; origin.ip is the address that sent the message PDU.
//
// Numbers: source and destination are read with their TON: international (1) gets a "+";
// alphanumeric (5) marks sms.sender_is_alpha (so does a sender holding a letter); the rest
// go to the numbering plan as they are. An address the plan rejects is kept raw and
// counted; the record is still emitted, since a passive tap has nobody to send an error to
// and dropping it would hide the message from the rules.
//
// Not messages, and skipped with a count: deliver_sm/data_sm whose esm_class marks an SMSC
// delivery receipt (bit 2) or an intermediate notification (bit 5).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "decode/smpp/sms_reassembler.hpp"
#include "decode/smpp/smpp_counters.hpp"
#include "decode/smpp/smpp_pdu.hpp"
#include "decode/smpp/smpp_stream_framer.hpp"
#include "model/numbering_plan.hpp"
#include "model/record.hpp"

namespace ringfence::decode::smpp {

struct smpp_settings {
    model::origin_kind origin_kind = model::origin_kind::unspecified;
    // GSM 7-bit text packed 8 septets in 7 octets, as on the air interface, instead of the
    // usual one septet per octet. A property of the SMSC/ESME on the link.
    bool gsm7_packed = false;
    smpp_stream_framer::limits framing;
    sms_reassembler::limits reassembly;
};

// The two sides of one TCP connection: the initiator opened it (usually the ESME).
enum class stream_side : std::uint8_t { initiator, responder };

struct tcp_connection_info {
    std::string initiator_ip;
    std::uint16_t initiator_port = 0;
    std::string responder_ip;
    std::uint16_t responder_port = 0;
};

class smpp_session;

class smpp_decoder {
  public:
    using record_sink = std::function<void(model::record&)>;

    // The plan must outlive the decoder. sink receives every record (valid during the call).
    smpp_decoder(const smpp_settings& settings, const model::numbering_plan& plan, record_sink sink);

    void expire(std::int64_t now_us) { reassembler_.expire(now_us); }
    void flush() { reassembler_.flush(); }
    const smpp_counters& counters();
    const smpp_settings& settings() const noexcept { return settings_; }

  private:
    friend class smpp_session;
    void handle_pdu(smpp_session& s, stream_side from, std::span<const std::uint8_t> bytes, std::int64_t time_us);
    // multi_index: the destination's place (1..) in a submit_multi, 0 otherwise.
    void handle_message(smpp_session& s, stream_side from, const pdu& p, std::int64_t time_us, std::size_t multi_index = 0);
    void fill_number(const sme_address& a, model::number_info& out);
    void emit(model::record& r);

    smpp_settings settings_;
    const model::numbering_plan& plan_;
    record_sink sink_;
    smpp_counters counters_;
    sms_reassembler reassembler_;
    pdu pdu_;                // reused
    model::record record_;   // reused
    std::string units_;      // reused
};

// One TCP connection carrying SMPP: its two framers and what its bind said.
class smpp_session {
  public:
    smpp_session(smpp_decoder& decoder, tcp_connection_info connection);

    void on_bytes(stream_side from, std::span<const std::uint8_t> bytes, std::int64_t capture_time_us);
    // Bytes were lost in one direction: the partial PDU is dropped (counted as a stream
    // gap) and the framer finds the next header on its own.
    void on_gap(stream_side from);
    void on_closed();

    const std::string& system_id() const noexcept { return system_id_; }
    bool bound() const noexcept { return bound_; }
    const tcp_connection_info& connection() const noexcept { return connection_; }

  private:
    friend class smpp_decoder;
    smpp_decoder& decoder_;
    tcp_connection_info connection_;
    smpp_stream_framer framers_[2];
    std::string system_id_;        // from the ESME's bind_* request
    bool bind_seen_ = false;
    bool bound_ = false;           // the bind's response said ok
    bool esme_side_known_ = false;
    stream_side esme_side_ = stream_side::initiator;
};

}  // namespace ringfence::decode::smpp
