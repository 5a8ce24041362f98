// Captured frames in, records out: L2-L4 decoding, TCP and fragment reassembly, SIP parsing
// and dialog tracking, SMPP, then each call or SMS event handed on as it was decoded. Whoever
// receives them decides them with the same record_line_processor as the socket (daemon,
// passive_decider) or prints them as lines of the wire form (`ringfence replay`).
// One pipeline per capture thread; not thread-safe. Several sources (the files of one
// replay) may feed one pipeline in turn: dialogs and streams carry over between them.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "decode/hep/hep_packet.hpp"
#include "decode/packet/packet_counters.hpp"
#include "decode/packet/packet_decoder.hpp"
#include "decode/sip/call_event.hpp"
#include "decode/sip/sip_capture_decoder.hpp"
#include "decode/sip/sip_counters.hpp"
#include "decode/sip/sip_dialog_table.hpp"
#include "ingest/capture/capture_settings.hpp"
#include "ingest/capture/smpp_capture.hpp"

namespace ringfence::ingest::capture {

class capture_record_handler {
  public:
    virtual ~capture_record_handler() = default;
    // A SIP dialog's call or SMS event (views valid during the call).
    virtual void on_call_event(const decode::sip::call_event& event) = 0;
    // An SMS of captured SMPP, whole, its numbers as the decoder normalised them.
    virtual void on_sms_record(const model::record& sms) = 0;
};

// A handler that takes each event as one line of the JSON-lines wire form.
class record_line_handler : public capture_record_handler {
  public:
    // One wire-form line (no "\n"), valid during the call; time_ms is the record time.
    virtual void on_record_line(std::string_view line, std::int64_t time_ms) = 0;

    void on_call_event(const decode::sip::call_event& event) final;
    void on_sms_record(const model::record& sms) final;

  private:
    std::string line_;
};

class capture_pipeline final : private decode::sip::call_event_sink {
  public:
    // With a numbering plan, SMPP on the configured ports is decoded too (its numbers are
    // normalised by the decoder, with their TON).
    capture_pipeline(const capture_settings& settings, capture_record_handler& handler,
                     decode::sip::sip_message_observer* observer = nullptr, const model::numbering_plan* plan = nullptr);

    // Starts a source with the given pcap link type; false with error when it is not one
    // the decoder reads.
    bool begin_source(int link_type, std::string& error);
    void on_frame(const unsigned char* frame, std::size_t caplen, std::int64_t time_us);
    // One SIP message a mirroring agent sent on its own (HEP), with the addresses and time
    // the agent reported: no link layer, no reassembly, any port.
    void on_mirrored_sip(const decode::packet::transport_packet& packet);
    // Timeouts as of now_us, for a live source with no traffic.
    void idle(std::int64_t now_us);
    // The SIP dialogs' clock (sip_dialog_table::clock_us): what a source whose packets carry
    // another clock than this host's (HEP agents) should advance from when it falls quiet.
    std::int64_t sip_clock_us() const noexcept { return dialogs_.clock_us(); }
    // The end of a capture (the last file of a replay): SMPP messages still waiting for
    // parts are emitted with what arrived; IP datagrams still missing fragments are given
    // up (fragments_timed_out).
    void finish();

    const decode::packet::packet_counters& packets() const noexcept { return packet_counters_; }
    const decode::sip::sip_counters& sip() const noexcept { return sip_counters_; }
    std::size_t open_dialogs() const noexcept { return dialogs_.open_calls(); }
    // The counters as one line: packets, drops by reason, SIP messages, dialogs.
    std::string summary() const;

    // HEP3 datagrams found in the capture itself (a pcap of what agents sent to a collector).
    struct hep_counts {
        std::uint64_t packets = 0;  // well-formed HEP3 datagrams
        std::uint64_t sip = 0;      // of which carried SIP, decoded as the agent reported it
        std::uint64_t other = 0;    // of which carried something else (RTCP as JSON, logs)
        std::uint64_t ignored = 0;  // HEP3 datagrams seen by a live capture, left to the listener
        std::uint64_t clock_corrected = 0;  // SIP stamped over a minute from its frame: taken at the frame's time
        std::array<std::uint64_t, decode::hep::hep_error_count> errors{};
    };
    const hep_counts& hep() const noexcept { return hep_; }

  private:
    void on_call_event(const decode::sip::call_event& event) override;
    void on_captured_hep(std::string_view datagram, std::int64_t frame_us);

    const capture_settings& settings_;
    capture_record_handler& handler_;
    decode::packet::packet_counters packet_counters_;
    decode::sip::sip_counters sip_counters_;
    decode::sip::peer_origin_map origins_;
    decode::sip::sip_dialog_table dialogs_;
    decode::sip::sip_capture_decoder sip_;
    std::unique_ptr<decode::packet::packet_decoder> decoder_;
    decode::packet::transport_packet packet_;
    static constexpr std::int64_t fragment_expiry_interval_us = 1'000'000;
    std::int64_t last_fragment_expiry_us_ = 0;  // capture time fragments were last expired at
    mutable std::optional<smpp_capture> smpp_;  // mutable: its summary refreshes counters
    decode::hep::hep_parser hep_parser_;
    decode::packet::transport_packet hep_packet_;
    hep_counts hep_;
};

}  // namespace ringfence::ingest::capture
