// SMPP in captured traffic: TCP segments to or from the configured SMPP ports are
// reassembled per direction (packet::tcp_stream_table) and handed to one smpp_session per
// connection; the records the SMPP decoder makes go to the same capture_record_handler as
// SIP's events. The daemon decides each through its wire-form line (append_sms_record_line),
// so it is checked and decided like any record; `ringfence replay` can print that line. The
// side on the SMPP port is the SMSC (the responder); the other is the ESME. SMPP on another
// port is found by its first PDU: a segment that is a whole bind_* request marks its
// connection as SMPP, with its sender as the ESME (sessions begin with a bind). Sessions
// with no traffic for the TCP idle timeout are closed; their number is capped like the streams.
#pragma once

#include <bitset>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "decode/packet/packet_counters.hpp"
#include "decode/packet/tcp_stream_table.hpp"
#include "decode/smpp/smpp_decoder.hpp"
#include "model/numbering_plan.hpp"

namespace ringfence::ingest::capture {

class capture_record_handler;

class smpp_capture final : private decode::packet::tcp_stream_consumer {
  public:
    smpp_capture(const decode::smpp::smpp_settings& settings, const std::vector<std::uint16_t>& ports,
                 const decode::packet::tcp_stream_settings& tcp, const model::numbering_plan& plan,
                 decode::packet::packet_counters& packet_counters, capture_record_handler& handler);

    // True when the packet is SMPP's (TCP to or from an SMPP port): it was taken.
    bool on_packet(const decode::packet::transport_packet& packet);
    void expire(std::int64_t now_us);
    // End of a capture: joins what it can of partial messages and emits them.
    void flush();
    std::string summary();

  private:
    struct session_entry {
        decode::smpp::smpp_session session;
        std::int64_t last_us = 0;
    };
    // Connections are keyed in the ESME -> SMSC direction whichever way a segment goes.
    using connection = decode::packet::stream_key;
    std::size_t on_stream_data(const decode::packet::transport_packet& segment, std::string_view bytes,
                               decode::packet::stream_cursor& cursor) override;
    void on_stream_gap(const decode::packet::transport_packet& segment) override;
    bool is_smpp_port(std::uint16_t port) const noexcept { return ports_.test(port); }
    // The segment's connection, ESME first, and whether the ESME sent the segment.
    connection orient(const decode::packet::transport_packet& segment, bool& from_esme) const;
    // The session of the segment's connection and which side sent it.
    session_entry& session_for(const decode::packet::transport_packet& segment, decode::smpp::stream_side& side);
    void emit(model::record& r);

    // Connections on other ports found by their bind.
    std::unordered_set<connection, decode::packet::stream_key_hash> detected_;
    std::bitset<65536> ports_;
    std::int64_t idle_timeout_us_;
    std::size_t max_sessions_;
    capture_record_handler& handler_;
    decode::smpp::smpp_decoder decoder_;
    decode::packet::tcp_stream_table streams_;
    std::unordered_map<connection, session_entry, decode::packet::stream_key_hash> sessions_;
    std::uint64_t sessions_evicted_ = 0;
};

// A record in the JSON-lines wire form (what `ringfence decide` reads): numbers in E.164
// where the decoder normalised them, raw otherwise, so the line parser reads them the same.
void append_sms_record_line(std::string& out, const model::record& r);

}  // namespace ringfence::ingest::capture
